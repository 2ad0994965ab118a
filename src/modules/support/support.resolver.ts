import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { loadHistory } from '../../events/history';
import { HistoryEntry } from '../../events/history.types';
import { forbidden, requireRole, signedIn } from '../../graphql/auth-checker';
import type { Viewer } from '../common/viewer';
import type { RequestContext } from '../context';
import { parseGlobalId } from '../../graphql/global-id';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { CalendarDateScalar } from '../../graphql/scalars';
import { asQueryInput, toPayload } from '../../graphql/user-error';
import { Permissions } from '../auth/permissions';
import type { Customer } from '../customers/customer.entity';
import { CustomerObject } from '../customers/customer.types';
import { EmployeeObject } from '../employees/employee.types';
import type { Order } from '../orders/order.entity';
import { OrderObject } from '../orders/order.types';
import { isBreached, SLA_COLUMNS, type SlaRow } from './sla';
import type { TicketListFilter } from './support.service';
import {
  QUEUE_RULES,
  TICKET_READERS,
  TICKET_WORKERS,
  mayReadQueue,
  queuesOfList,
  readsNotesIn,
  readsNotesInAll,
} from './ticket-queues';
import {
  AddCustomerMessageInput,
  AddCustomerMessagePayload,
  AddRequesterMessageInput,
  AddRequesterMessagePayload,
  ApplyMacroInput,
  ApplyMacroPayload,
  AssignTicketInput,
  AssignTicketPayload,
  CreateMacroInput,
  CreateMacroPayload,
  CreateTicketInput,
  CreateTicketPayload,
  MacroObject,
  MergeTicketInput,
  MessageDelivery,
  MergeTicketPayload,
  ReplyToTicketInput,
  ReplyToTicketPayload,
  ReportItIssueInput,
  ReportItIssuePayload,
  SetAutoAssignmentInput,
  SetAutoAssignmentPayload,
  SlaPolicyObject,
  SupportMetrics,
  TicketConnection,
  TicketFilter,
  TicketMessageConnection,
  TicketMessageObject,
  TicketObject,
  TicketOrder,
  UpdateSlaPolicyInput,
  UpdateSlaPolicyPayload,
  UpdateTicketInput,
  UpdateTicketPayload,
  UpdateTicketStatusInput,
  UpdateTicketStatusPayload,
} from './support.types';
import {
  AutoAssignMode,
  Macro,
  MessageAuthorKind,
  NO_DEADLINE,
  SlaPolicy,
  Ticket,
  TicketMessage,
  TicketQueue,
} from './ticket.entity';
import { readById, readList, readRoot, Reads, ReadsKeyOnly, type RowOf } from '../../read';
import {
  deliveryOfMessage,
  lastMessageOf,
  messagesOfTicket,
  defaultTicketOrder,
  itTicketsOfRequester,
  readsNotesOnTicket,
  ticketPage,
  ticketsOfCustomer,
  ticketsOfOrder,
} from './support.reads';
import { employeeRows } from '../employees/employee.reads';
import { orderRows } from '../orders/order.reads';
import { customerRows } from '../customers/customer.reads';

const WORK = Permissions.support.work;
const LEAD = Permissions.support.lead;

/**
 * A ticket the viewer reads by its queue (ticket-queues.ts), or null: a ticket of another queue
 * does not exist for them, as an internal note does not for those who may not read notes.
 */
export async function readableTicket(
  context: { viewer?: Viewer },
  ticket: Promise<Ticket | null>,
): Promise<Ticket | null> {
  const row = await ticket;
  return row && mayReadQueue(context.viewer, row.queue) ? row : null;
}

registerNodeType({
  typeName: 'Ticket',
  entity: Ticket,
  roles: TICKET_READERS,
  load: (context, id) => readableTicket(context, readById(context, Ticket, id)),
});
registerNodeType({
  typeName: 'TicketMessage',
  entity: TicketMessage,
  roles: TICKET_READERS,
  // A message exists only for viewers who read its ticket; an internal note only for those who
  // read the notes of its ticket's queue.
  load: async (context, id) => {
    const message = await readById(context, TicketMessage, id);
    if (!message) return null;
    const ticket = await readableTicket(context, readById(context, Ticket, message.ticket.id));
    if (!ticket) return null;
    return message.internal && !readsNotesIn(context.viewer, ticket.queue) ? null : message;
  },
});
registerNodeType({
  typeName: 'Macro',
  entity: Macro,
  roles: TICKET_WORKERS,
  load: (context, id) => readById(context, Macro, id),
});

/** FORBIDDEN when the viewer asks for a queue they may not read (none: all of theirs). */
function requireQueue(context: { viewer?: Viewer }, queue: TicketQueue | null | undefined): void {
  if (queue && !mayReadQueue(context.viewer, queue)) throw forbidden(QUEUE_RULES[queue].read);
}

/** Decodes a `TicketFilter` (global IDs) into the service's filter. */
export function ticketListFilter(filter: TicketFilter | null | undefined): TicketListFilter {
  return {
    ...filter,
    assigneeId: filter?.assigneeId
      ? parseGlobalId(filter.assigneeId, 'Employee', 'filter.assigneeId')
      : null,
    customerId: filter?.customerId
      ? parseGlobalId(filter.customerId, 'Customer', 'filter.customerId')
      : null,
    ticketId: filter?.ticketId ? parseGlobalId(filter.ticketId, 'Ticket', 'filter.ticketId') : null,
  };
}

function ticketMutation<T extends object>(
  context: RequestContext,
  ticketId: string,
  action: (viewer: Viewer, id: number) => Promise<T>,
) {
  const viewer = requireRole(context.viewer, TICKET_WORKERS);
  const id = parseGlobalId(ticketId, 'Ticket', 'input.ticketId');
  return toPayload(async () => action(viewer, id));
}

@Resolver(() => TicketObject)
export class TicketResolver extends NodeResolver(TicketObject, 'Ticket') {
  @Authorized(...TICKET_READERS)
  @Query(() => TicketConnection, {
    description:
      'A ticket queue: filtered, sorted, keyset-paginated. Unless told otherwise, sorted by SLA due, or by RELEVANCE when `filter.search` is given. `filter.queue` picks the customer or the IT queue (none: every queue the viewer reads; one they may not read is FORBIDDEN): SUPPORT_AGENT, SUPPORT_LEAD and REPORTING read the customer queue, IT_SUPPORT and REPORTING the IT queue.',
  })
  tickets(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => TicketFilter, { nullable: true, description: 'Which tickets.' })
    filter: TicketFilter | null,
    @Arg('orderBy', () => TicketOrder, {
      nullable: true,
      description: 'How to sort; none: RELEVANCE when searching, otherwise SLA_DUE.',
    })
    orderBy: TicketOrder | null,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    requireQueue(context, filter?.queue);
    const where = context.services.support.listWhere(ticketListFilter(filter), context.viewer);
    return ticketPage(
      context,
      where,
      args,
      orderBy ?? defaultTicketOrder(filter?.search),
      info,
      readsNotesInAll(context.viewer, queuesOfList(context.viewer, filter?.queue)),
      filter?.search,
    );
  }

  @Authorized(...TICKET_READERS)
  @Query(() => TicketObject, {
    nullable: true,
    description: 'One ticket by ID; null for a ticket of a queue the viewer does not read.',
  })
  ticket(
    @Arg('id', () => ID, { description: 'The ticket ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readableTicket(
      context,
      readRoot(context, info, Ticket, 'Ticket', parseGlobalId(id, 'Ticket')),
    );
  }

  @Authorized()
  @Query(() => TicketConnection, {
    description:
      "The IT issues the signed-in employee reported, newest first, with the IT desk's public answers (internal notes only for IT_SUPPORT). Any signed-in employee; an API token is FORBIDDEN.",
  })
  myItTickets(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const viewer = signedIn(context);
    if (viewer.via !== 'session')
      throw new GraphQLError('Only a signed-in employee has IT reports of their own', {
        extensions: { code: 'FORBIDDEN' },
      });
    return itTicketsOfRequester(
      context,
      viewer.employeeId,
      args,
      info,
      readsNotesIn(viewer, TicketQueue.IT),
    );
  }

  @Authorized()
  @Mutation(() => ReportItIssuePayload, {
    description:
      "Reports a problem to the IT desk, optionally about an asset: a ticket on the IT queue with the signed-in employee as its requester (channel INTERNAL), SLA deadlines by its priority, and the desk's public replies mailed to the employee. Any signed-in employee; an API token is refused (`INVALID_INPUT`).",
  })
  reportItIssue(
    @Arg('input', () => ReportItIssueInput, { description: 'The problem.' })
    input: ReportItIssueInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const assetId = input.assetId ? parseGlobalId(input.assetId, 'Asset', 'input.assetId') : null;
    return toPayload(() =>
      context.services.support.reportItIssue(context, viewer, { ...input, assetId }),
    );
  }

  @Authorized()
  @Mutation(() => AddRequesterMessagePayload, {
    description:
      'The requester of an IT ticket answers in the app (as their emailed answer would): a PENDING or SOLVED ticket goes back to OPEN. Only on their own IT tickets (`NOT_FOUND` otherwise); an API token is refused (`INVALID_INPUT`).',
  })
  addRequesterMessage(
    @Arg('input', () => AddRequesterMessageInput, { description: 'The message.' })
    input: AddRequesterMessageInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const ticketId = parseGlobalId(input.ticketId, 'Ticket', 'input.ticketId');
    return toPayload(() =>
      context.services.support.addRequesterMessage(context, viewer, ticketId, input.body),
    );
  }

  @Authorized(...WORK)
  @Mutation(() => CreateTicketPayload, {
    description: 'Opens a ticket for a customer, with the request as its first message.',
  })
  createTicket(
    @Arg('input', () => CreateTicketInput, { description: 'The ticket.' }) input: CreateTicketInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const customerId = parseGlobalId(input.customerId, 'Customer', 'input.customerId');
    const orderId = input.orderId ? parseGlobalId(input.orderId, 'Order', 'input.orderId') : null;
    return toPayload(() =>
      context.services.support.createTicket(context, viewer, { ...input, customerId, orderId }),
    );
  }

  @Authorized(...TICKET_WORKERS)
  @Mutation(() => AssignTicketPayload, {
    description:
      "Assigns a ticket (null unassigns) to an active member of its queue's staff: support agents and leads for customer tickets, IT_SUPPORT for IT tickets. Agents take customer tickets for themselves and leads assign anyone; IT_SUPPORT assign IT tickets to each other (`INVALID_ASSIGNEE`). A ticket of a queue the viewer does not work is `NOT_FOUND`, as for every ticket mutation.",
  })
  assignTicket(
    @Arg('input', () => AssignTicketInput, { description: 'Ticket and assignee.' })
    input: AssignTicketInput,
    @Ctx() context: RequestContext,
  ) {
    const assigneeId = input.assigneeId
      ? parseGlobalId(input.assigneeId, 'Employee', 'input.assigneeId')
      : null;
    return ticketMutation(context, input.ticketId, (viewer, id) =>
      context.services.support.assign(context, viewer, id, assigneeId, input.expectedVersion),
    );
  }

  @Authorized(...TICKET_WORKERS)
  @Mutation(() => UpdateTicketPayload, {
    description: 'Changes subject, priority (deadlines follow) or tags.',
  })
  updateTicket(
    @Arg('input', () => UpdateTicketInput, { description: 'The changes.' })
    input: UpdateTicketInput,
    @Ctx() context: RequestContext,
  ) {
    return ticketMutation(context, input.ticketId, (viewer, id) =>
      context.services.support.update(context, viewer, { ...input, ticketId: id }),
    );
  }

  @Authorized(...TICKET_WORKERS)
  @Mutation(() => UpdateTicketStatusPayload, {
    description:
      'Moves a ticket to another status (`INVALID_TRANSITION`: CLOSED is final, nothing goes back to NEW).',
  })
  updateTicketStatus(
    @Arg('input', () => UpdateTicketStatusInput, { description: 'The new status.' })
    input: UpdateTicketStatusInput,
    @Ctx() context: RequestContext,
  ) {
    return ticketMutation(context, input.ticketId, (viewer, id) =>
      context.services.support.updateStatus(
        context,
        viewer,
        id,
        input.status,
        input.expectedVersion,
      ),
    );
  }

  @Authorized(...TICKET_WORKERS)
  @Mutation(() => ReplyToTicketPayload, {
    description:
      'Posts a public reply (the first one answers the first-response clock) or an internal note.',
  })
  replyToTicket(
    @Arg('input', () => ReplyToTicketInput, { description: 'The reply.' })
    input: ReplyToTicketInput,
    @Ctx() context: RequestContext,
  ) {
    const attachmentIds = (input.attachmentIds ?? []).map((attachmentId, index) =>
      parseGlobalId(attachmentId, 'Attachment', `input.attachmentIds.${index}`),
    );
    return ticketMutation(context, input.ticketId, (viewer, id) =>
      context.services.support.reply(context, viewer, { ...input, ticketId: id, attachmentIds }),
    );
  }

  @Authorized(...TICKET_WORKERS)
  @Mutation(() => AddCustomerMessagePayload, {
    description:
      "Adds a message from the correspondent's side (the customer, or an IT ticket's requester), such as one taken by phone; a PENDING or SOLVED ticket goes back to OPEN.",
  })
  addCustomerMessage(
    @Arg('input', () => AddCustomerMessageInput, { description: 'The message.' })
    input: AddCustomerMessageInput,
    @Ctx() context: RequestContext,
  ) {
    return ticketMutation(context, input.ticketId, (viewer, id) =>
      context.services.support.addCustomerMessage(context, viewer, id, input.body),
    );
  }

  @Authorized(...TICKET_WORKERS)
  @Mutation(() => MergeTicketPayload, {
    description:
      'Folds a duplicate into another ticket of the same queue and customer (or requester): messages move, the duplicate closes with a link.',
  })
  mergeTicket(
    @Arg('input', () => MergeTicketInput, {
      description: 'The duplicate and the ticket that goes on.',
    })
    input: MergeTicketInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const source = parseGlobalId(input.sourceTicketId, 'Ticket', 'input.sourceTicketId');
    const target = parseGlobalId(input.targetTicketId, 'Ticket', 'input.targetTicketId');
    return toPayload(() => context.services.support.merge(context, viewer, source, target));
  }

  @Authorized(...TICKET_WORKERS)
  @Mutation(() => ApplyMacroPayload, {
    description:
      "Replies with a canned response filled in for this ticket, and applies the macro's status, priority and tags.",
  })
  applyMacro(
    @Arg('input', () => ApplyMacroInput, { description: 'Ticket and macro.' })
    input: ApplyMacroInput,
    @Ctx() context: RequestContext,
  ) {
    const macroId = parseGlobalId(input.macroId, 'Macro', 'input.macroId');
    return ticketMutation(context, input.ticketId, (viewer, id) =>
      context.services.support.applyMacro(context, viewer, id, macroId, input.expectedVersion),
    );
  }

  @FieldResolver(() => CustomerObject, {
    nullable: true,
    description:
      'Whose request it is, on the customer queue (null on the IT queue); from here reach their other tickets, orders, invoices and balance.',
  })
  @Reads(Ticket, 'customer')
  customer(@Root() ticket: RowOf<Ticket, 'customer'>, @Ctx() context: RequestContext) {
    return customerRows.of(context, ticket.customer);
  }

  @FieldResolver(() => EmployeeObject, {
    nullable: true,
    description: 'The employee who reported it, on the IT queue (null on the customer queue).',
  })
  @Reads(Ticket, 'requester')
  requester(@Root() ticket: RowOf<Ticket, 'requester'>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, ticket.requester);
  }

  @FieldResolver(() => OrderObject, { nullable: true, description: 'The order it is about.' })
  @Reads(Ticket, 'order')
  order(@Root() ticket: RowOf<Ticket, 'order'>, @Ctx() context: RequestContext) {
    return orderRows.of(context, ticket.order);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'The agent working it.' })
  @Reads(Ticket, 'assignee')
  assignee(@Root() ticket: RowOf<Ticket, 'assignee'>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, ticket.assignee);
  }

  @FieldResolver(() => TicketMessageConnection, {
    description:
      "The conversation, oldest first (internal notes only for the staff who work the ticket's queue).",
  })
  @ReadsKeyOnly()
  messages(
    @Root() ticket: RowOf<Ticket>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: RequestContext,
  ) {
    const withNotes = readsNotesOnTicket(context, ticket.id);
    return typeof withNotes === 'boolean'
      ? messagesOfTicket(context, ticket.id, args, withNotes)
      : withNotes.then((notes) => messagesOfTicket(context, ticket.id, args, notes));
  }

  @FieldResolver(() => TicketMessageObject, {
    nullable: true,
    description:
      "The latest message (internal notes only for the staff who work the ticket's queue).",
  })
  @ReadsKeyOnly()
  lastMessage(@Root() ticket: RowOf<Ticket>, @Ctx() context: RequestContext) {
    return lastMessageOf(context, ticket, () => readsNotesOnTicket(context, ticket.id));
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'The next deadline: the first response until answered, then resolution; null when solved or paused.',
  })
  @Reads(Ticket, 'nextDueAt')
  nextDueAt(@Root() ticket: RowOf<Ticket, 'nextDueAt'>): Date | null {
    return ticket.nextDueAt.getTime() === NO_DEADLINE.getTime() ? null : ticket.nextDueAt;
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether a first-response or resolution target was missed.',
  })
  @Reads(Ticket, ...SLA_COLUMNS)
  slaBreached(@Root() ticket: SlaRow, @Ctx() context: RequestContext): boolean {
    return isBreached(ticket, context.services.support.now());
  }

  @FieldResolver(() => TicketObject, {
    nullable: true,
    description: 'The ticket this duplicate was merged into.',
  })
  @Reads(Ticket, 'mergedIntoId')
  mergedInto(@Root() ticket: RowOf<Ticket, 'mergedIntoId'>, @Ctx() context: RequestContext) {
    return ticket.mergedIntoId === null ? null : readById(context, Ticket, ticket.mergedIntoId);
  }

  @FieldResolver(() => [HistoryEntry], {
    description: 'Every recorded change, oldest first, with who and when.',
  })
  @ReadsKeyOnly()
  history(@Root() ticket: RowOf<Ticket>, @Ctx() context: RequestContext) {
    return loadHistory(context, 'Ticket', ticket.id);
  }
}

@Resolver(() => TicketMessageObject)
export class TicketMessageResolver extends NodeResolver(TicketMessageObject, 'TicketMessage') {
  @FieldResolver(() => EmployeeObject, {
    nullable: true,
    description:
      "The agent who wrote it, or the IT ticket's requester for their own words; null for the customer.",
  })
  @Reads(TicketMessage, 'authorId')
  author(@Root() message: RowOf<TicketMessage, 'authorId'>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, message.authorId);
  }

  @FieldResolver(() => MessageDelivery, {
    nullable: true,
    description:
      "How the reply is being mailed to the ticket's correspondent (the customer, or an IT ticket's requester); null for internal notes, the correspondent's messages, and replies to customers without an email address.",
  })
  @Reads(TicketMessage, 'authorKind', 'internal')
  delivery(
    @Root() message: RowOf<TicketMessage, 'id' | 'authorKind' | 'internal'>,
    @Ctx() context: RequestContext,
  ) {
    if (message.internal || message.authorKind !== MessageAuthorKind.AGENT) return null;
    return deliveryOfMessage.load(context, message.id);
  }
}

@Resolver(() => MacroObject)
export class MacroResolver extends NodeResolver(MacroObject, 'Macro') {
  @Authorized(...TICKET_WORKERS)
  @Query(() => [MacroObject], { description: 'Active canned responses, by name.' })
  macros(@Ctx() context: RequestContext) {
    return readList(context, Macro, { active: true }, { orderBy: { name: 'asc' } });
  }

  @Authorized(...LEAD)
  @Mutation(() => CreateMacroPayload, {
    description: 'Adds a canned response. Requires one of: SUPPORT_LEAD, ADMIN.',
  })
  createMacro(
    @Arg('input', () => CreateMacroInput, { description: 'The macro.' }) input: CreateMacroInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() => context.services.support.createMacro(context, viewer, input));
  }

  @Authorized(...TICKET_READERS)
  @Query(() => [SlaPolicyObject], {
    description: 'SLA targets per priority (of both queues).',
  })
  slaPolicies(@Ctx() context: RequestContext) {
    return readList(context, SlaPolicy, {}, { orderBy: { firstResponseMinutes: 'asc' } });
  }

  @Authorized(...LEAD)
  @Mutation(() => UpdateSlaPolicyPayload, {
    description:
      'Changes the targets of one priority (new and re-prioritised tickets). Requires one of: SUPPORT_LEAD, ADMIN.',
  })
  updateSlaPolicy(
    @Arg('input', () => UpdateSlaPolicyInput, { description: 'The targets.' })
    input: UpdateSlaPolicyInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.support.updateSlaPolicy(
        context,
        viewer,
        input.priority,
        input.firstResponseMinutes,
        input.resolutionMinutes,
      ),
    );
  }

  @Authorized(...WORK)
  @Query(() => AutoAssignMode, { description: 'How new tickets are assigned now.' })
  async autoAssignment(@Ctx() context: RequestContext): Promise<AutoAssignMode> {
    return (await context.services.support.settings(context)).autoAssign;
  }

  @Authorized(...LEAD)
  @Mutation(() => SetAutoAssignmentPayload, {
    description:
      'Turns automatic assignment of new tickets off, round-robin or least-loaded. Requires one of: SUPPORT_LEAD, ADMIN.',
  })
  setAutoAssignment(
    @Arg('input', () => SetAutoAssignmentInput, { description: 'The mode.' })
    input: SetAutoAssignmentInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() => context.services.support.setAutoAssign(context, viewer, input.mode));
  }

  @Authorized(...Permissions.support.metrics)
  @Query(() => SupportMetrics, {
    description:
      "Created, solved, backlog, median first response, SLA breach rate and satisfaction of one queue's tickets for the days from..to (UTC). The IT queue's figures also need a role that reads the IT queue (REPORTING, ADMIN), else FORBIDDEN.",
  })
  async supportMetrics(
    @Arg('from', () => CalendarDateScalar, { description: 'First day.' }) from: string,
    @Arg('to', () => CalendarDateScalar, { description: 'Last day (inclusive).' }) to: string,
    @Arg('queue', () => TicketQueue, {
      nullable: true,
      description: 'Whose figures: the customer queue (the default) or the IT queue.',
    })
    queue: TicketQueue | null,
    @Ctx() context: RequestContext,
  ): Promise<SupportMetrics> {
    const which = queue ?? TicketQueue.CUSTOMER;
    requireQueue(context, which);
    return asQueryInput(() => context.services.supportMetrics.metrics(context, from, to, which));
  }
}

const CUSTOMER_QUEUE_READERS = QUEUE_RULES[TicketQueue.CUSTOMER].read;

/** Tickets as seen from a customer and an order: all of them on the customer queue. */
@Resolver(() => CustomerObject)
export class CustomerTicketsResolver {
  @Authorized(...CUSTOMER_QUEUE_READERS)
  @FieldResolver(() => TicketConnection, {
    description:
      "The customer's tickets, newest first. Requires one of: SUPPORT_AGENT, SUPPORT_LEAD, REPORTING, ADMIN.",
  })
  @ReadsKeyOnly()
  tickets(
    @Root() customer: RowOf<Customer>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => TicketFilter, {
      nullable: true,
      description: 'Narrow further (the customer is fixed).',
    })
    filter: TicketFilter | null,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where = context.services.support.listWhere(
      { ...ticketListFilter(filter), customerId: null, queue: TicketQueue.CUSTOMER },
      context.viewer,
    );
    return ticketsOfCustomer(
      context,
      customer.id,
      where,
      args,
      info,
      readsNotesIn(context.viewer, TicketQueue.CUSTOMER),
    );
  }
}

@Resolver(() => OrderObject)
export class OrderTicketsResolver {
  @Authorized(...CUSTOMER_QUEUE_READERS)
  @FieldResolver(() => [TicketObject], {
    description:
      'Tickets about this order, newest first. Requires one of: SUPPORT_AGENT, SUPPORT_LEAD, REPORTING, ADMIN.',
  })
  @ReadsKeyOnly()
  tickets(@Root() order: RowOf<Order>, @Ctx() context: RequestContext) {
    return ticketsOfOrder.load(context, order.id);
  }
}
