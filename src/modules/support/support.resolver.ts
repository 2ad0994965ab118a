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
import type { GraphQLResolveInfo } from 'graphql';
import { loadHistory } from '../../events/history';
import { HistoryEntry } from '../../events/history.types';
import { requireRole, signedIn } from '../../graphql/auth-checker';
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
import { readsInternalNotes, type TicketListFilter } from './support.service';
import {
  AddCustomerMessageInput,
  AddCustomerMessagePayload,
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
} from './ticket.entity';
import { readById, readList, readRoot, Reads, ReadsKeyOnly, type RowOf } from '../../read';
import {
  deliveryOfMessage,
  lastMessageOf,
  messagesOfTicket,
  defaultTicketOrder,
  ticketPage,
  ticketsOfCustomer,
  ticketsOfOrder,
} from './support.reads';
import { employeeRows } from '../employees/employee.reads';
import { orderRows } from '../orders/order.reads';
import { customerRows } from '../customers/customer.reads';

const READ = Permissions.support.read;
const WORK = Permissions.support.work;
const LEAD = Permissions.support.lead;

registerNodeType({
  typeName: 'Ticket',
  entity: Ticket,
  roles: READ,
  load: (context, id) => readById(context, Ticket, id),
});
registerNodeType({
  typeName: 'TicketMessage',
  entity: TicketMessage,
  roles: READ,
  // An internal note exists only for viewers who may read notes.
  load: async (context, id) => {
    const message = await readById(context, TicketMessage, id);
    return message?.internal && !readsInternalNotes(context.viewer) ? null : message;
  },
});
registerNodeType({
  typeName: 'Macro',
  entity: Macro,
  roles: WORK,
  load: (context, id) => readById(context, Macro, id),
});

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
  const viewer = requireRole(context.viewer, WORK);
  const id = parseGlobalId(ticketId, 'Ticket', 'input.ticketId');
  return toPayload(async () => action(viewer, id));
}

@Resolver(() => TicketObject)
export class TicketResolver extends NodeResolver(TicketObject, 'Ticket') {
  @Authorized(...READ)
  @Query(() => TicketConnection, {
    description:
      'A ticket queue: filtered, sorted, keyset-paginated. Unless told otherwise, sorted by SLA due, or by RELEVANCE when `filter.search` is given.',
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
    const where = context.services.support.listWhere(ticketListFilter(filter), context.viewer);
    return ticketPage(
      context,
      where,
      args,
      orderBy ?? defaultTicketOrder(filter?.search),
      info,
      readsInternalNotes(context.viewer),
      filter?.search,
    );
  }

  @Authorized(...READ)
  @Query(() => TicketObject, { nullable: true, description: 'One ticket by ID.' })
  ticket(
    @Arg('id', () => ID, { description: 'The ticket ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(context, info, Ticket, 'Ticket', parseGlobalId(id, 'Ticket'));
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

  @Authorized(...WORK)
  @Mutation(() => AssignTicketPayload, {
    description:
      'Assigns a ticket (null unassigns). Agents take tickets for themselves; leads assign anyone (`INVALID_ASSIGNEE`).',
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

  @Authorized(...WORK)
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

  @Authorized(...WORK)
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

  @Authorized(...WORK)
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

  @Authorized(...WORK)
  @Mutation(() => AddCustomerMessagePayload, {
    description:
      "Adds a message from the customer's side; a PENDING or SOLVED ticket goes back to OPEN.",
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

  @Authorized(...WORK)
  @Mutation(() => MergeTicketPayload, {
    description:
      'Folds a duplicate into another ticket of the same customer: messages move, the duplicate closes with a link.',
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

  @Authorized(...WORK)
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
    description:
      'Whose request it is; from here reach their other tickets, orders, invoices and balance.',
  })
  @Reads(Ticket, 'customer')
  customer(@Root() ticket: RowOf<Ticket, 'customer'>, @Ctx() context: RequestContext) {
    return customerRows.of(context, ticket.customer);
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
    description: 'The conversation, oldest first (internal notes only for support staff).',
  })
  @ReadsKeyOnly()
  messages(
    @Root() ticket: RowOf<Ticket>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: RequestContext,
  ) {
    return messagesOfTicket(context, ticket.id, args, readsInternalNotes(context.viewer));
  }

  @FieldResolver(() => TicketMessageObject, {
    nullable: true,
    description: 'The latest message (internal notes only for support staff).',
  })
  @ReadsKeyOnly()
  lastMessage(@Root() ticket: RowOf<Ticket>, @Ctx() context: RequestContext) {
    return lastMessageOf(context, ticket, readsInternalNotes(context.viewer));
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
    description: 'The agent who wrote it; null for the customer.',
  })
  @Reads(TicketMessage, 'authorId')
  author(@Root() message: RowOf<TicketMessage, 'authorId'>, @Ctx() context: RequestContext) {
    return message.authorId === null ? null : employeeRows.byId(context, message.authorId);
  }

  @FieldResolver(() => MessageDelivery, {
    nullable: true,
    description:
      "How the reply is being mailed to the customer; null for internal notes, the customer's messages, and replies to customers without an email address.",
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
  @Authorized(...WORK)
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

  @Authorized(...READ)
  @Query(() => [SlaPolicyObject], { description: 'SLA targets per priority.' })
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
      'Created, solved, backlog, median first response and SLA breach rate for the days from..to (UTC).',
  })
  async supportMetrics(
    @Arg('from', () => CalendarDateScalar, { description: 'First day.' }) from: string,
    @Arg('to', () => CalendarDateScalar, { description: 'Last day (inclusive).' }) to: string,
    @Ctx() context: RequestContext,
  ): Promise<SupportMetrics> {
    return asQueryInput(() => context.services.supportMetrics.metrics(context, from, to));
  }
}

/** Tickets as seen from a customer and an order. */
@Resolver(() => CustomerObject)
export class CustomerTicketsResolver {
  @Authorized(...READ)
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
      { ...ticketListFilter(filter), customerId: null },
      context.viewer,
    );
    return ticketsOfCustomer(
      context,
      customer.id,
      where,
      args,
      info,
      readsInternalNotes(context.viewer),
    );
  }
}

@Resolver(() => OrderObject)
export class OrderTicketsResolver {
  @Authorized(...READ)
  @FieldResolver(() => [TicketObject], {
    description:
      'Tickets about this order, newest first. Requires one of: SUPPORT_AGENT, SUPPORT_LEAD, REPORTING, ADMIN.',
  })
  @ReadsKeyOnly()
  tickets(@Root() order: RowOf<Order>, @Ctx() context: RequestContext) {
    return ticketsOfOrder.load(context, order.id);
  }
}
