import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimIdempotencyKey, completeIdempotencyKey, requestHash } from '../../db/idempotency';
import { inTransaction, isUniqueViolation, pgArray } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { type Viewer, hasAnyRole } from '../common/viewer';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import type { Clock } from '../common/clock';
import { integerInRange, requiredText } from '../common/input-rules';
import type { AssetService } from '../assets/asset.service';
import type { CustomerService } from '../customers/customer.service';
import type { Employee } from '../employees/employee.entity';
import type { EmployeeService, TerminationListener } from '../employees/employee.service';
import type { Order } from '../orders/order.entity';
import type { OrderService } from '../orders/order.service';
import {
  applyDeadlines,
  BREACHED_SQL,
  DEFAULT_SLA,
  isBreached,
  nextDeadline,
  PAUSED_STATUSES,
  PRIORITY_RANK,
  SLA_TARGET_SQL,
  SlaTarget,
} from './sla';
import {
  AutoAssignMode,
  Macro,
  MessageAuthorKind,
  SlaPolicy,
  SupportSettings,
  Ticket,
  TicketChannel,
  TicketMessage,
  TicketPriority,
  TicketQueue,
  TicketStatus,
} from './ticket.entity';
import { runSql } from '../../db/sql';
import { type Row, findRowsById } from '../../read';
import type { RequestScope } from '../common/scope';
import type { TicketMail } from './ticket-mail';
import { attachUploads } from './ticket-attachments';
import { ticketMatchesSql, ticketSearch } from './ticket-search';
import {
  ALL_QUEUES,
  QUEUE_RULES,
  mayWorkQueue,
  queuesOfList,
  readsNotesInAll,
} from './ticket-queues';
import { TicketCorrespondents } from './correspondent';

/** The longest message body kept (an email's longer text is cut to it). */
export const MAX_BODY = 20_000;
const MAX_TAGS = 20;

/**
 * A new ticket: a customer's (`customerId`, on the CUSTOMER queue) or an employee's IT report
 * (`requesterId`, on the IT queue); exactly one of the two.
 */
export interface TicketDraft {
  customerId?: number | null;
  requesterId?: number | null;
  /** The equipment an IT report is about (IT queue only). */
  assetId?: number | null;
  subject: string;
  body: string;
  priority?: TicketPriority | null;
  channel?: TicketChannel | null;
  orderId?: number | null;
  tags?: string[] | null;
}

export interface TicketListFilter {
  /** One queue; none: every queue the viewer reads (ticket-queues.ts). */
  queue?: TicketQueue | null;
  status?: TicketStatus[] | null;
  priority?: TicketPriority[] | null;
  assigneeId?: number | null;
  unassigned?: boolean | null;
  customerId?: number | null;
  tag?: string | null;
  breached?: boolean | null;
  search?: string | null;
  ticketId?: number | null;
}

/** What a ticket looks like to queue filters; events carry it before and after each change. */
export interface TicketSnapshot {
  /** Absent in events recorded before there were queues: those are all CUSTOMER tickets. */
  queue?: TicketQueue;
  status: TicketStatus;
  priority: TicketPriority;
  assigneeId: number | null;
  /** Null on the IT queue. */
  customerId: number | null;
  tags: string[];
  /** Whether an SLA target was missed, as of the snapshot's time; absent in older events. */
  breached?: boolean;
}

/** The ticket as queue filters see it at `at` (`breached` depends on the time). */
export function snapshotOf(ticket: Ticket, at: Date): TicketSnapshot {
  return {
    queue: ticket.queue,
    status: ticket.status,
    priority: ticket.priority,
    assigneeId: ticket.assignee?.id ?? null,
    customerId: ticket.customer?.id ?? null,
    tags: [...ticket.tags],
    breached: isBreached(ticket, at),
  };
}

/** The queue of a snapshot (events recorded before there were queues are CUSTOMER tickets'). */
export function queueOfSnapshot(snapshot: Pick<TicketSnapshot, 'queue'>): TicketQueue {
  return snapshot.queue ?? TicketQueue.CUSTOMER;
}

/**
 * When the ticket's latest event was recorded, by the clock: its last change, or the recorded
 * breach of a target (which changes no other column). A change's `before` snapshot is taken as of
 * then, so it says what queues last heard: a ticket that breached silently since (before the
 * sweep announced it) enters the breached queue with the change, rather than "staying" in a queue
 * that never had it.
 */
function lastAnnouncedAt(ticket: Ticket): Date {
  let latest = ticket.updatedAt;
  for (const recorded of [ticket.firstResponseBreachedAt, ticket.resolutionBreachedAt])
    if (recorded && recorded > latest) latest = recorded;
  return latest;
}

/** The snapshot queues last heard of, for the `before` of the next event. */
function announcedSnapshotOf(ticket: Ticket): TicketSnapshot {
  return snapshotOf(ticket, lastAnnouncedAt(ticket));
}

interface TicketChangeOptions {
  /** An agent's change opens a NEW ticket; a customer's message does not. */
  agentAction?: boolean;
  idempotency?: { scope: string; key: string; hash: string };
  /**
   * Whether the actor may change this ticket; one they may not is refused as missing
   * (NOT_FOUND), as its reads answer it. None: the system, which changes any ticket.
   */
  allowed?: (ticket: Ticket) => boolean;
}

/** A viewer's change: to tickets of the queues they work (ticket-queues.ts). */
const workedBy = (viewer: Viewer) => (ticket: Ticket) => mayWorkQueue(viewer, ticket.queue);

const noSuchTicket = (field: string) =>
  new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such ticket', ['input', field]);

interface TicketChange {
  type: 'UPDATED' | 'ASSIGNED' | 'STATUS_CHANGED' | 'MESSAGE_ADDED' | 'MERGED';
  payload: Record<string, unknown>;
}

/**
 * Told of every solve a person makes (a move into SOLVED with an actor), inside the solving
 * change's transaction and under the ticket's lock: satisfaction surveys. The system's solves
 * (auto-solve) and merges are not solves by a person and are not told.
 */
export interface SolveListener {
  ticketSolved(tx: EntityManager, ticket: Ticket, solverId: number): Promise<void>;
}

/** A target's breach as the SLA sweep records it (support leads are alerted of each). */
export interface SlaBreach {
  ticket: Ticket;
  target: SlaTarget;
  dueAt: Date;
}

const DAY = 24 * 3600_000;

function normaliseTags(tags: readonly string[] | null | undefined): string[] {
  const result = [...new Set((tags ?? []).map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
  if (
    result.length > MAX_TAGS ||
    result.some((tag) => tag.length > 50 || !/^[a-z0-9][a-z0-9_:-]*$/.test(tag))
  ) {
    throw new BusinessRuleError(
      UserErrorCode.INVALID_INPUT,
      `Up to ${MAX_TAGS} tags of letters, digits, -, _ and :`,
      ['input', 'tags'],
    );
  }
  return result;
}

/** Replaces {{placeholders}} in a macro with the ticket's values; unknown ones stay as written. */
export function renderMacro(body: string, values: Record<string, string>): string {
  return body.replace(
    /\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/gi,
    (whole, key: string) => values[key.toLowerCase()] ?? whole,
  );
}

/** Adds a message to a ticket; it comes back with its id (events and idempotency keys name it). */
async function addMessage(
  tx: EntityManager,
  ticket: Ticket,
  message: Pick<TicketMessage, 'authorKind' | 'authorId' | 'body' | 'internal' | 'createdAt'>,
): Promise<TicketMessage> {
  const added = tx.create(TicketMessage, { ticket, ...message });
  await tx.flush();
  return added;
}

/**
 * The support desk: tickets, their conversation, assignment, SLA clocks and queues. Every change
 * locks the ticket, checks the version the agent saw, bumps it, and records one event.
 */
export class SupportService implements TerminationListener {
  /** Who a ticket's conversation is with: its customer, or its requester (correspondent.ts). */
  readonly correspondents: TicketCorrespondents;

  constructor(
    private readonly clock: Clock,
    /** Customers, orders, employees and assets are read through their own services. */
    private readonly customers: CustomerService,
    private readonly orders: OrderService,
    private readonly employees: EmployeeService,
    private readonly assets: AssetService,
  ) {
    this.correspondents = new TicketCorrespondents(customers, employees);
  }

  private mail: TicketMail | undefined;
  private readonly solveListeners: SolveListener[] = [];

  /** `listener` hears of every solve by a person (see SolveListener). */
  onSolve(listener: SolveListener): void {
    this.solveListeners.push(listener);
  }

  /**
   * Public replies go to the ticket's correspondent, and SLA alerts to the queue's staff, through
   * this (none: the demo seed).
   */
  mailRepliesWith(mail: TicketMail): void {
    this.mail = mail;
  }

  async createTicket(
    { em }: RequestScope,
    viewer: Viewer,
    draft: TicketDraft,
  ): Promise<{ ticket: Ticket }> {
    return inTransaction(em, (tx) => this.openTicket(tx, draft, viewer.employeeId));
  }

  /**
   * An employee's IT report: a ticket on the IT queue with the viewer as its requester, channel
   * INTERNAL, and their words as its first (public) message, optionally about an asset (any of
   * the company's, such as a shared printer). Any signed-in employee reports; an API token is a
   * tool, not an employee, and is refused. `idempotencyKey` makes a retried report return the
   * first ticket.
   */
  async reportItIssue(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      subject: string;
      body: string;
      priority?: TicketPriority | null;
      assetId?: number | null;
      idempotencyKey?: string | null;
    },
  ): Promise<{ ticket: Ticket }> {
    const requesterId = requesterOf(viewer);
    const draft: TicketDraft = {
      requesterId,
      subject: input.subject,
      body: input.body,
      priority: input.priority ?? null,
      assetId: input.assetId ?? null,
      channel: TicketChannel.INTERNAL,
    };
    const key = input.idempotencyKey ?? null;
    if (key === null) return inTransaction(em, (tx) => this.openTicket(tx, draft, requesterId));
    const scope = `reportItIssue:${requesterId}`;
    const hash = requestHash({
      subject: draft.subject,
      body: draft.body,
      priority: draft.priority ?? TicketPriority.NORMAL,
      assetId: draft.assetId,
    });
    const replayed = await inTransaction(em, async (tx) => {
      const claim = await claimIdempotencyKey(tx, scope, key, hash);
      if (!claim.fresh) return Number(claim.resultId);
      const { ticket } = await this.openTicket(tx, draft, requesterId);
      await completeIdempotencyKey(tx, scope, key, ticket.id);
      return ticket;
    });
    if (typeof replayed !== 'number') return { ticket: replayed };
    return { ticket: await em.fork().findOneOrFail(Ticket, { id: replayed }) };
  }

  /**
   * `createTicket` in the caller's transaction, recorded as `actorId`'s doing (null: the system,
   * such as a ticket opened by an email). Its first message comes back with it.
   */
  async openTicket(
    tx: EntityManager,
    draft: TicketDraft,
    actorId: number | null,
  ): Promise<{ ticket: Ticket; message: TicketMessage }> {
    const subject = requiredText(draft.subject, ['input', 'subject'], 300);
    const body = requiredText(draft.body, ['input', 'body'], MAX_BODY);
    const tags = normaliseTags(draft.tags);
    const priority = draft.priority ?? TicketPriority.NORMAL;
    const requesterId = draft.requesterId ?? null;
    const queue = requesterId === null ? TicketQueue.CUSTOMER : TicketQueue.IT;
    if ((draft.customerId == null) === (requesterId === null))
      throw new Error('A ticket is for a customer or for a requester, and never for both');
    const channel =
      draft.channel ?? (queue === TicketQueue.IT ? TicketChannel.INTERNAL : TicketChannel.WEB);
    // The customer, requester and order are only checked; the ticket refers to them by key.
    const customer =
      draft.customerId == null
        ? null
        : await this.customers.requireExisting(tx, draft.customerId, ['input', 'customerId']);
    if (requesterId !== null) await this.employees.requireExisting(tx, requesterId, null);
    const assetId = draft.assetId ?? null;
    if (assetId !== null) {
      if (queue !== TicketQueue.IT)
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          'Only an IT report names an asset',
          ['input', 'assetId'],
        );
      await this.assets.requireAsset(tx, assetId, ['input', 'assetId']);
    }
    let order: Row<Order> | null = null;
    if (draft.orderId != null) {
      order = await this.orders.requireExisting(tx, draft.orderId, ['input', 'orderId']);
      if (order.customer.id !== customer?.id) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          "The order is not this customer's",
          ['input', 'orderId'],
        );
      }
    }
    const now = this.clock.now();
    const [{ number }] = await runSql<{ number: string }>(
      tx,
      "SELECT 'T-' || lpad(nextval('ticket_number_seq')::text, 6, '0') AS number",
    );
    // The entity's defaults (status NEW, version 1, no pause...) under the given values.
    const ticket = tx.create(Ticket, {
      number,
      subject,
      queue,
      customer: customer?.id ?? null,
      requester: requesterId,
      asset: assetId,
      order: order?.id ?? null,
      priority,
      priorityRank: PRIORITY_RANK[priority],
      channel,
      tags,
      firstResponseDueAt: now,
      resolutionDueAt: now,
      nextDueAt: now,
      createdAt: now,
      updatedAt: now,
    });
    applyDeadlines(ticket, await this.policy(tx, priority));
    ticket.assignee = await this.autoAssignee(tx, queue);
    // The request itself: the requester's words on the IT queue; the customer's, or (INTERNAL)
    // an internal note by the agent who raised it, on the customer queue.
    const fromCustomer = channel !== TicketChannel.INTERNAL;
    const message = await addMessage(
      tx,
      ticket,
      requesterId !== null
        ? {
            authorKind: MessageAuthorKind.REQUESTER,
            authorId: requesterId,
            internal: false,
            body,
            createdAt: now,
          }
        : {
            authorKind: fromCustomer ? MessageAuthorKind.CUSTOMER : MessageAuthorKind.AGENT,
            authorId: fromCustomer ? null : actorId,
            internal: !fromCustomer,
            body,
            createdAt: now,
          },
    );
    await recordEvent(tx, {
      streamType: 'Ticket',
      streamId: ticket.id,
      type: 'CREATED',
      payload: {
        number,
        subject,
        channel,
        orderId: order?.id ?? null,
        ...(assetId === null ? {} : { assetId }),
        before: null,
        after: snapshotOf(ticket, now),
      },
      actorId,
    });
    return { ticket, message };
  }

  async assign(
    { em }: RequestScope,
    viewer: Viewer,
    ticketId: number,
    assigneeId: number | null,
    expectedVersion?: number | null,
  ) {
    return this.change(em, viewer, ticketId, expectedVersion, async (tx, ticket) => {
      const assignsOthers = assigneeId !== null && assigneeId !== viewer.employeeId;
      const takesFromOthers = ticket.assignee !== null && ticket.assignee.id !== viewer.employeeId;
      if (
        (assignsOthers || takesFromOthers) &&
        !hasAnyRole(viewer, QUEUE_RULES[ticket.queue].assignOthers)
      ) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_ASSIGNEE,
          'Agents assign tickets to themselves; leads assign to others',
          ['input', 'assigneeId'],
        );
      }
      if (assigneeId !== null) await this.requireAssignable(tx, assigneeId, ticket.queue);
      const from = ticket.assignee?.id ?? null;
      ticket.assignee = assigneeId === null ? null : this.employees.reference(tx, assigneeId);
      return { type: 'ASSIGNED', payload: { from, to: assigneeId } };
    });
  }

  async update(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      ticketId: number;
      subject?: string | null;
      priority?: TicketPriority | null;
      addTags?: string[] | null;
      removeTags?: string[] | null;
      expectedVersion?: number | null;
    },
  ) {
    return this.change(em, viewer, input.ticketId, input.expectedVersion, async (tx, ticket) => {
      const changed: Record<string, unknown> = {};
      if (input.subject != null)
        changed.subject = ticket.subject = requiredText(input.subject, ['input', 'subject'], 300);
      if (input.priority != null && input.priority !== ticket.priority) {
        changed.priority = { from: ticket.priority, to: input.priority };
        ticket.priority = input.priority;
        ticket.priorityRank = PRIORITY_RANK[input.priority];
        applyDeadlines(ticket, await this.policy(tx, input.priority));
      }
      if (input.addTags?.length || input.removeTags?.length) {
        const remove = new Set(normaliseTags(input.removeTags));
        const tags = normaliseTags([
          ...ticket.tags.filter((tag) => !remove.has(tag)),
          ...normaliseTags(input.addTags),
        ]);
        changed.tags = { from: ticket.tags, to: tags };
        ticket.tags = tags;
      }
      return { type: 'UPDATED', payload: changed };
    });
  }

  async updateStatus(
    { em }: RequestScope,
    viewer: Viewer,
    ticketId: number,
    status: TicketStatus,
    expectedVersion?: number | null,
  ) {
    return this.change(em, viewer, ticketId, expectedVersion, async (_tx, ticket) => {
      if (status === TicketStatus.NEW) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_TRANSITION,
          'A ticket cannot go back to NEW',
          ['input', 'status'],
        );
      }
      const from = ticket.status;
      this.moveTo(ticket, status);
      return { type: 'STATUS_CHANGED', payload: { from, to: status } };
    });
  }

  /** A public reply or an internal note. The first public reply answers the first-response clock. */
  async reply(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      ticketId: number;
      body: string;
      internal?: boolean | null;
      idempotencyKey?: string | null;
      expectedVersion?: number | null;
      /** Uploads of this ticket that no message carries yet (see ticket-attachments.ts). */
      attachmentIds?: readonly number[] | null;
    },
  ): Promise<{ ticket: Ticket; message: TicketMessage }> {
    const body = requiredText(input.body, ['input', 'body'], MAX_BODY);
    const internal = input.internal ?? false;
    const key = input.idempotencyKey ?? null;
    const attachmentIds = input.attachmentIds ?? [];
    let message: TicketMessage | undefined;
    const idempotency =
      key === null
        ? undefined
        : {
            scope: 'replyToTicket',
            key,
            hash: requestHash({
              ticketId: input.ticketId,
              body,
              internal,
              ...(attachmentIds.length ? { attachmentIds } : {}),
            }),
          };
    const { ticket, replayedResultId } = await this.change(
      em,
      viewer,
      input.ticketId,
      input.expectedVersion,
      async (tx, locked) => {
        const now = this.clock.now();
        message = await addMessage(tx, locked, {
          authorKind: MessageAuthorKind.AGENT,
          authorId: viewer.employeeId,
          body,
          internal,
          createdAt: now,
        });
        const attached = await attachUploads(tx, locked.id, message.id, attachmentIds);
        if (idempotency)
          await completeIdempotencyKey(tx, idempotency.scope, idempotency.key, message.id);
        if (!internal && !locked.firstRespondedAt) locked.firstRespondedAt = now;
        if (!internal) await this.mail?.replyAdded(tx, locked, message, attached);
        return {
          type: 'MESSAGE_ADDED',
          payload: { messageId: message.id, internal, authorKind: MessageAuthorKind.AGENT },
        };
      },
      { idempotency },
    );
    if (replayedResultId !== undefined)
      message = await em.fork().findOneOrFail(TicketMessage, { id: Number(replayedResultId) });
    return { ticket, message: message as TicketMessage };
  }

  /**
   * A message from the correspondent's side, entered by staff who work the ticket's queue (such
   * as from an email gateway, or a phone call): PENDING or SOLVED tickets reopen.
   */
  async addCustomerMessage(
    { em }: RequestScope,
    viewer: Viewer,
    ticketId: number,
    text: string,
  ): Promise<{ ticket: Ticket; message: TicketMessage }> {
    return inTransaction(em, (tx) =>
      this.receiveCorrespondentMessage(tx, ticketId, text, viewer.employeeId, workedBy(viewer)),
    );
  }

  /**
   * The requester of an IT ticket answering in the app: a message from their side, as an emailed
   * answer is. Only on their own IT tickets; any other ticket is NOT_FOUND to them.
   */
  async addRequesterMessage(
    { em }: RequestScope,
    viewer: Viewer,
    ticketId: number,
    text: string,
  ): Promise<{ ticket: Ticket; message: TicketMessage }> {
    const requesterId = requesterOf(viewer);
    return inTransaction(em, (tx) =>
      this.receiveCorrespondentMessage(
        tx,
        ticketId,
        text,
        requesterId,
        (ticket) => ticket.requester?.id === requesterId,
      ),
    );
  }

  /**
   * A message from the ticket's correspondent (its customer, or its requester) in the caller's
   * transaction, recorded as `actorId`'s doing (null: the system, such as an email's answer);
   * `allowed` as in `change` (none: the system).
   */
  async receiveCorrespondentMessage(
    tx: EntityManager,
    ticketId: number,
    text: string,
    actorId: number | null,
    allowed?: (ticket: Ticket) => boolean,
  ): Promise<{ ticket: Ticket; message: TicketMessage }> {
    const body = requiredText(text, ['input', 'body'], MAX_BODY);
    let message: TicketMessage | undefined;
    const { ticket } = await this.changeIn(
      tx,
      actorId,
      ticketId,
      null,
      async (_tx, locked) => {
        const now = this.clock.now();
        message = await addMessage(tx, locked, {
          ...correspondentAuthor(locked),
          body,
          internal: false,
          createdAt: now,
        });
        const from = locked.status;
        if (from === TicketStatus.PENDING || from === TicketStatus.SOLVED)
          this.moveTo(locked, TicketStatus.OPEN);
        return {
          type: 'MESSAGE_ADDED',
          payload: {
            messageId: message.id,
            internal: false,
            authorKind: message.authorKind,
            statusFrom: from,
            statusTo: locked.status,
          },
        };
      },
      { agentAction: false, allowed },
    );
    return { ticket, message: message as TicketMessage };
  }

  /** Moves a duplicate's messages into another ticket and closes the duplicate with a link. */
  async merge(
    { em }: RequestScope,
    viewer: Viewer,
    sourceId: number,
    targetId: number,
  ): Promise<{ ticket: Ticket; source: Ticket }> {
    if (sourceId === targetId)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'A ticket cannot be merged into itself',
        ['input', 'targetTicketId'],
      );
    return inTransaction(em, async (tx) => {
      const [first, second] = [sourceId, targetId].sort((a, b) => a - b);
      const locked = await tx.find(
        Ticket,
        { id: { $in: [first, second] } },
        { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
      );
      const works = workedBy(viewer);
      const source = locked.find((t) => t.id === sourceId && works(t));
      const target = locked.find((t) => t.id === targetId && works(t));
      if (!source) throw noSuchTicket('sourceTicketId');
      if (!target) throw noSuchTicket('targetTicketId');
      if (source.status === TicketStatus.CLOSED)
        throw new BusinessRuleError(
          UserErrorCode.INVALID_TRANSITION,
          `${source.number} is closed`,
          ['input', 'sourceTicketId'],
        );
      if (target.status === TicketStatus.CLOSED)
        throw new BusinessRuleError(
          UserErrorCode.INVALID_TRANSITION,
          `${target.number} is closed`,
          ['input', 'targetTicketId'],
        );
      if (source.queue !== target.queue)
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          'A ticket is merged only into a ticket of its own queue',
          ['input', 'targetTicketId'],
        );
      if (
        source.customer?.id !== target.customer?.id ||
        source.requester?.id !== target.requester?.id
      ) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          source.queue === TicketQueue.IT
            ? 'Both tickets must have the same requester'
            : 'Both tickets must belong to the same customer',
          ['input', 'targetTicketId'],
        );
      }
      // Both tickets are locked: the messages counted are the messages moved.
      const moved = await tx.count(TicketMessage, { ticket: sourceId });
      await tx.nativeUpdate(TicketMessage, { ticket: sourceId }, { ticket: targetId });
      const now = this.clock.now();
      const before = { source: announcedSnapshotOf(source), target: announcedSnapshotOf(target) };
      const sourceFrom = source.status;
      this.moveTo(source, TicketStatus.CLOSED);
      source.mergedIntoId = targetId;
      target.tags = normaliseTags([...target.tags, ...source.tags]);
      if (
        source.firstRespondedAt &&
        (!target.firstRespondedAt || source.firstRespondedAt < target.firstRespondedAt)
      ) {
        target.firstRespondedAt = source.firstRespondedAt;
      }
      for (const ticket of [source, target]) {
        ticket.version += 1;
        ticket.updatedAt = now;
        ticket.nextDueAt = nextDeadline(ticket);
      }
      const common = {
        sourceId,
        targetId,
        sourceNumber: source.number,
        targetNumber: target.number,
        messagesMoved: moved,
      };
      await recordEvent(tx, {
        streamType: 'Ticket',
        streamId: sourceId,
        type: 'MERGED',
        payload: {
          ...common,
          role: 'SOURCE',
          from: sourceFrom,
          to: TicketStatus.CLOSED,
          before: before.source,
          after: snapshotOf(source, now),
        },
        actorId: viewer.employeeId,
      });
      await recordEvent(tx, {
        streamType: 'Ticket',
        streamId: targetId,
        type: 'MERGED',
        payload: {
          ...common,
          role: 'TARGET',
          before: before.target,
          after: snapshotOf(target, now),
        },
        actorId: viewer.employeeId,
      });
      return { ticket: target, source };
    });
  }

  async applyMacro(
    { em }: RequestScope,
    viewer: Viewer,
    ticketId: number,
    macroId: number,
    expectedVersion?: number | null,
  ): Promise<{ ticket: Ticket }> {
    return this.change(em, viewer, ticketId, expectedVersion, async (tx, ticket) => {
      const macro = await tx.findOne(Macro, { id: macroId, active: true });
      if (!macro)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such macro', ['input', 'macroId']);
      // One statement at a time on the transaction's connection.
      const ticketField = ['input', 'ticketId'];
      const correspondent = await this.correspondents.of(tx, ticket, ticketField);
      const agent = await this.employees.requireExisting(tx, viewer.employeeId, null);
      const order = ticket.order
        ? await this.orders.requireExisting(tx, ticket.order.id, ticketField)
        : null;
      const body = renderMacro(macro.body, {
        'customer.name': correspondent.name,
        'ticket.number': ticket.number,
        'ticket.subject': ticket.subject,
        'order.number': order?.number ?? '',
        'agent.name': agent.name,
      });
      const now = this.clock.now();
      const message = await addMessage(tx, ticket, {
        authorKind: MessageAuthorKind.AGENT,
        authorId: viewer.employeeId,
        body,
        internal: false,
        createdAt: now,
      });
      if (!ticket.firstRespondedAt) ticket.firstRespondedAt = now;
      const from = ticket.status;
      if (macro.setPriority && macro.setPriority !== ticket.priority) {
        ticket.priority = macro.setPriority;
        ticket.priorityRank = PRIORITY_RANK[macro.setPriority];
        applyDeadlines(ticket, await this.policy(tx, macro.setPriority));
      }
      if (macro.addTags.length) ticket.tags = normaliseTags([...ticket.tags, ...macro.addTags]);
      if (macro.setStatus && macro.setStatus !== ticket.status)
        this.moveTo(ticket, macro.setStatus);
      return {
        type: 'MESSAGE_ADDED',
        payload: {
          messageId: message.id,
          internal: false,
          authorKind: MessageAuthorKind.AGENT,
          macroId,
          statusFrom: from,
          statusTo: ticket.status,
        },
      };
    });
  }

  /** Someone left: their open tickets go back to the queue (with events), in the termination transaction. */
  async employeeTerminated(tx: EntityManager, employeeId: number, actorId: number): Promise<void> {
    const open = await tx.find(
      Ticket,
      { assignee: employeeId, status: { $nin: [TicketStatus.SOLVED, TicketStatus.CLOSED] } },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
    );
    const now = this.clock.now();
    for (const ticket of open) {
      const before = announcedSnapshotOf(ticket);
      ticket.assignee = null;
      ticket.version += 1;
      ticket.updatedAt = now;
      await recordEvent(tx, {
        streamType: 'Ticket',
        streamId: ticket.id,
        type: 'ASSIGNED',
        payload: {
          from: employeeId,
          to: null,
          reason: 'ASSIGNEE_TERMINATED',
          before,
          after: snapshotOf(ticket, now),
        },
        actorId,
      });
    }
  }

  /**
   * Records the breaches of one SLA target that no event announced yet, for up to `limit` tickets
   * in one transaction, and answers how many it recorded. Each ticket is locked (in id order) and
   * gets the target's recorded time (`firstResponseBreachedAt` / `resolutionBreachedAt`), one
   * SLA_BREACHED event by the system, and the leads' alerts, all in this transaction. A sweep
   * running at the same time waits for the locks, and PostgreSQL then checks the rows again and
   * leaves out the ones just recorded: each target is announced once, ever. The ticket's version
   * stays: nothing an agent edits changed, only the time.
   */
  async recordSlaBreaches({ em }: RequestScope, target: SlaTarget, limit: number): Promise<number> {
    const sql = SLA_TARGET_SQL[target];
    return inTransaction(em, async (tx) => {
      const now = this.clock.now();
      const locked = await runSql<{ id: string }>(
        tx,
        `SELECT id FROM ticket WHERE ${sql.watched} AND ${sql.breached}
          ORDER BY id LIMIT ? FOR UPDATE`,
        [now, limit],
      );
      if (locked.length === 0) return 0;
      const tickets = await tx.find(
        Ticket,
        { id: { $in: locked.map((row) => Number(row.id)) } },
        { orderBy: { id: 'asc' } },
      );
      const breaches: (SlaBreach & { before: TicketSnapshot })[] = [];
      for (const ticket of tickets) {
        const before = announcedSnapshotOf(ticket);
        const dueAt =
          target === SlaTarget.FIRST_RESPONSE ? ticket.firstResponseDueAt : ticket.resolutionDueAt;
        if (target === SlaTarget.FIRST_RESPONSE) ticket.firstResponseBreachedAt = now;
        else ticket.resolutionBreachedAt = now;
        breaches.push({ ticket, target, dueAt, before });
      }
      await tx.flush();
      for (const { ticket, dueAt, before } of breaches) {
        await recordEvent(tx, {
          streamType: 'Ticket',
          streamId: ticket.id,
          type: 'SLA_BREACHED',
          payload: { target, dueAt, before, after: snapshotOf(ticket, now) },
          actorId: null,
        });
      }
      await this.mail?.slaBreached(tx, breaches);
      return tickets.length;
    });
  }

  /**
   * The earliest deadline still ahead of an open target whose breach is not recorded (when the
   * SLA sweep should look next), or null when none is.
   */
  async nextSlaDeadline({ em }: RequestScope): Promise<Date | null> {
    const now = this.clock.now();
    const earliest = (target: SlaTarget) => {
      const { watched, open, dueColumn } = SLA_TARGET_SQL[target];
      return `(SELECT min(${dueColumn}) FROM ticket WHERE ${watched} AND ${open} AND ${dueColumn} > ?)`;
    };
    // Timestamps come back as text from raw SQL (MikroORM's type parsers), as in the read layer.
    const [row] = await runSql<{ next: string | Date | null }>(
      em,
      `SELECT least(${earliest(SlaTarget.FIRST_RESPONSE)}, ${earliest(SlaTarget.RESOLUTION)}) AS next`,
      [now, now],
    );
    return row?.next == null ? null : new Date(row.next);
  }

  /**
   * PENDING tickets whose customer has not answered for `days` days or more by the clock (pending
   * since `pausedAt`), in id order after `afterId`, up to `limit`.
   */
  async pendingUnansweredFor(
    { em }: RequestScope,
    days: number,
    afterId: number,
    limit: number,
  ): Promise<number[]> {
    const cutoff = new Date(this.clock.now().getTime() - days * DAY);
    const rows = await runSql<{ id: string }>(
      em,
      `SELECT id FROM ticket WHERE status = ? AND paused_at <= ? AND id > ? ORDER BY id LIMIT ?`,
      [TicketStatus.PENDING, cutoff, afterId, limit],
    );
    return rows.map((row) => Number(row.id));
  }

  /**
   * Solves a PENDING ticket whose customer has not answered for `days` days, as the system: its
   * status logic (lock, version, STATUS_CHANGED event) with an internal note that says why.
   * Answers false, changing nothing, when the ticket no longer qualifies (the customer answered,
   * or an agent moved it, since it was found).
   */
  async autoSolvePending({ em }: RequestScope, ticketId: number, days: number): Promise<boolean> {
    let solved = false;
    const solve = this.change(em, null, ticketId, null, async (tx, ticket) => {
      const now = this.clock.now();
      const cutoff = new Date(now.getTime() - days * DAY);
      if (ticket.status !== TicketStatus.PENDING || !ticket.pausedAt || ticket.pausedAt > cutoff)
        return null;
      await addMessage(tx, ticket, {
        authorKind: MessageAuthorKind.AGENT,
        authorId: null,
        internal: true,
        body: `Solved automatically: the ${ticket.queue === TicketQueue.IT ? 'requester' : 'customer'} had not answered for ${days} ${days === 1 ? 'day' : 'days'}.`,
        createdAt: now,
      });
      this.moveTo(ticket, TicketStatus.SOLVED);
      solved = true;
      return {
        type: 'STATUS_CHANGED',
        payload: {
          from: TicketStatus.PENDING,
          to: TicketStatus.SOLVED,
          reason: 'NO_CUSTOMER_ANSWER',
          days,
        },
      };
    });
    try {
      await solve;
    } catch (error) {
      // Closed since it was found: nothing to solve.
      if (error instanceof BusinessRuleError) return false;
      throw error;
    }
    return solved;
  }

  async createMacro(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      name: string;
      body: string;
      setStatus?: TicketStatus | null;
      setPriority?: TicketPriority | null;
      addTags?: string[] | null;
    },
  ): Promise<{ macro: Macro }> {
    const name = requiredText(input.name, ['input', 'name'], 200);
    const body = requiredText(input.body, ['input', 'body'], MAX_BODY);
    if (input.setStatus === TicketStatus.NEW)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'A macro cannot set NEW', [
        'input',
        'setStatus',
      ]);
    const taken = () =>
      new BusinessRuleError(UserErrorCode.NAME_TAKEN, `A macro named ${name} exists`, [
        'input',
        'name',
      ]);
    try {
      return await inTransaction(em, async (tx) => {
        if (await tx.count(Macro, { name })) throw taken();
        const macro = tx.create(Macro, {
          name,
          body,
          setStatus: input.setStatus ?? null,
          setPriority: input.setPriority ?? null,
          addTags: normaliseTags(input.addTags),
        });
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'Macro',
          streamId: macro.id,
          type: 'CREATED',
          payload: { name },
          actorId: viewer.employeeId,
        });
        return { macro };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'macro_name_unique')) throw taken();
      throw error;
    }
  }

  /** New targets apply to tickets created or re-prioritised from now on. */
  async updateSlaPolicy(
    { em }: RequestScope,
    viewer: Viewer,
    priority: TicketPriority,
    firstResponseMinutes: number,
    resolutionMinutes: number,
  ): Promise<{ policy: SlaPolicy }> {
    const first = integerInRange(
      firstResponseMinutes,
      ['input', 'firstResponseMinutes'],
      1,
      60 * 24 * 60,
    );
    const resolution = integerInRange(
      resolutionMinutes,
      ['input', 'resolutionMinutes'],
      1,
      60 * 24 * 365,
    );
    if (resolution < first)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'Resolution cannot be due before the first response',
        ['input', 'resolutionMinutes'],
      );
    return inTransaction(em, async (tx) => {
      const policy = await tx.findOneOrFail(
        SlaPolicy,
        { priority },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      policy.firstResponseMinutes = first;
      policy.resolutionMinutes = resolution;
      await recordEvent(tx, {
        streamType: 'SlaPolicy',
        streamId: priority,
        type: 'UPDATED',
        payload: { first, resolution },
        actorId: viewer.employeeId,
      });
      return { policy };
    });
  }

  async setAutoAssign(
    { em }: RequestScope,
    viewer: Viewer,
    mode: AutoAssignMode,
  ): Promise<{ mode: AutoAssignMode }> {
    return inTransaction(em, async (tx) => {
      await tx.nativeUpdate(SupportSettings, { id: 1 }, { autoAssign: mode });
      await recordEvent(tx, {
        streamType: 'SupportSettings',
        streamId: 1,
        type: 'AUTO_ASSIGN_CHANGED',
        payload: { mode },
        actorId: viewer.employeeId,
      });
      return { mode };
    });
  }

  async settings({ em }: RequestScope): Promise<SupportSettings> {
    return em.findOneOrFail(SupportSettings, { id: 1 });
  }

  /**
   * The `tickets` filter; built per query (it holds raw SQL fragments that serve one query each).
   * It keeps to the queues the viewer reads (`filter.queue`, or all of theirs: ticket-queues.ts;
   * the caller refuses a queue the viewer may not read). A search (ticket-search.ts) reaches the
   * text the viewer may read: internal notes only for those who read the notes of every queue
   * listed, or a search would reveal what a note says.
   */
  listWhere(
    filter: TicketListFilter | null | undefined,
    viewer: Viewer | undefined,
  ): () => Record<string, unknown> {
    const now = this.clock.now();
    const queues = queuesOfList(viewer, filter?.queue);
    const withNotes = readsNotesInAll(viewer, queues);
    return () => {
      const where: Record<string, unknown> = {};
      // Every queue: no condition, so that the queue's own indexes serve as they always have.
      if (queues.length < ALL_QUEUES.length) where.queue = { $in: queues };
      if (filter?.ticketId != null) where.id = filter.ticketId;
      if (filter?.status?.length) where.status = { $in: filter.status };
      if (filter?.priority?.length) where.priority = { $in: filter.priority };
      if (filter?.assigneeId != null) where.assignee = filter.assigneeId;
      if (filter?.unassigned === true) where.assignee = null;
      if (filter?.unassigned === false && filter.assigneeId == null) where.assignee = { $ne: null };
      if (filter?.customerId != null) where.customer = filter.customerId;
      if (filter?.tag) where.tags = { $contains: [filter.tag.trim().toLowerCase()] };
      if (filter?.breached != null) {
        const breached = (alias: string) =>
          BREACHED_SQL.replace(
            /(first_responded_at|solved_at|closed_at|paused_at|first_response_due_at|resolution_due_at)/g,
            `${alias}.$1`,
          );
        where[raw((alias) => `${filter.breached ? '' : 'NOT '}${breached(alias)}`, [now, now])] =
          true;
      }
      const search = ticketSearch(filter?.search, withNotes);
      // A bare condition (no `= true`), so that PostgreSQL plans the EXISTS as a semi-join.
      if (search) where[raw((alias) => ticketMatchesSql(alias, search), search.params)] = [];
      return where;
    };
  }

  now(): Date {
    return this.clock.now();
  }

  /** A ticket that exists, read as a plain row (checked, not changed): how compliance reaches one. */
  async requireTicketExists(
    tx: EntityManager,
    id: number,
    fieldPath: string[],
  ): Promise<Row<Ticket>> {
    const [ticket] = await findRowsById(tx, Ticket, [id]);
    if (!ticket) throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such ticket', fieldPath);
    return ticket;
  }

  // ---- internals ----

  /**
   * The one way a ticket changes: lock it, check the version the agent saw (STALE_TICKET), refuse
   * changes to CLOSED tickets, apply the change, open a NEW ticket on the first agent action,
   * bump the version, recompute the next deadline and record the event with before/after.
   * `viewer` null is the system (the event has no actor); `apply` answering null changed nothing
   * (no version, no event).
   */
  private async change(
    em: EntityManager,
    viewer: Viewer | null,
    ticketId: number,
    expectedVersion: number | null | undefined,
    apply: (tx: EntityManager, ticket: Ticket) => Promise<TicketChange | null>,
    options: TicketChangeOptions = {},
  ): Promise<{ ticket: Ticket; replayedResultId?: string }> {
    const allowed = viewer ? workedBy(viewer) : undefined;
    return inTransaction(em, (tx) =>
      this.changeIn(tx, viewer?.employeeId ?? null, ticketId, expectedVersion, apply, {
        allowed,
        ...options,
      }),
    );
  }

  /** `change` in the caller's transaction, recorded as `actorId`'s doing (null: the system). */
  private async changeIn(
    tx: EntityManager,
    actorId: number | null,
    ticketId: number,
    expectedVersion: number | null | undefined,
    apply: (tx: EntityManager, ticket: Ticket) => Promise<TicketChange | null>,
    options: TicketChangeOptions = {},
  ): Promise<{ ticket: Ticket; replayedResultId?: string }> {
    const ticket = await tx.findOne(
      Ticket,
      { id: ticketId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!ticket || (options.allowed && !options.allowed(ticket))) throw noSuchTicket('ticketId');
    if (options.idempotency) {
      // A repeat returns what the first attempt did (which passed the version check then).
      const { scope, key, hash } = options.idempotency;
      const claim = await claimIdempotencyKey(tx, scope, key, hash);
      if (!claim.fresh) return { ticket, replayedResultId: claim.resultId };
    }
    if (expectedVersion != null && expectedVersion !== ticket.version) {
      throw new BusinessRuleError(
        UserErrorCode.STALE_TICKET,
        `${ticket.number} changed since you loaded it (version ${expectedVersion}, now ${ticket.version}); reload it first`,
        ['input', 'expectedVersion'],
      );
    }
    if (ticket.status === TicketStatus.CLOSED) {
      throw new BusinessRuleError(UserErrorCode.INVALID_TRANSITION, `${ticket.number} is closed`, [
        'input',
        'ticketId',
      ]);
    }
    const before = announcedSnapshotOf(ticket);
    const change = await apply(tx, ticket);
    if (change === null) return { ticket };
    if ((options.agentAction ?? true) && ticket.status === TicketStatus.NEW)
      this.moveTo(ticket, TicketStatus.OPEN);
    ticket.version += 1;
    ticket.updatedAt = this.clock.now();
    ticket.nextDueAt = nextDeadline(ticket);
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Ticket',
      streamId: ticket.id,
      type: change.type,
      payload: {
        ...change.payload,
        version: ticket.version,
        before,
        after: snapshotOf(ticket, ticket.updatedAt),
      },
      actorId,
    });
    // A move into SOLVED, by a person: once per solve (a second attempt finds it SOLVED).
    if (
      actorId !== null &&
      before.status !== TicketStatus.SOLVED &&
      ticket.status === TicketStatus.SOLVED
    )
      for (const listener of this.solveListeners) await listener.ticketSolved(tx, ticket, actorId);
    return { ticket };
  }

  /** Status moves and their clock effects: pausing, resuming, solving, reopening, closing. */
  private moveTo(ticket: Ticket, status: TicketStatus): void {
    if (ticket.status === TicketStatus.CLOSED) {
      throw new BusinessRuleError(UserErrorCode.INVALID_TRANSITION, `${ticket.number} is closed`, [
        'input',
        'status',
      ]);
    }
    const now = this.clock.now();
    if (ticket.pausedAt && !PAUSED_STATUSES.has(status)) {
      ticket.pausedSeconds += Math.round((now.getTime() - ticket.pausedAt.getTime()) / 1000);
      ticket.resolutionDueAt = new Date(
        ticket.resolutionDueAt.getTime() + (now.getTime() - ticket.pausedAt.getTime()),
      );
      ticket.pausedAt = null;
    }
    if (!ticket.pausedAt && PAUSED_STATUSES.has(status)) ticket.pausedAt = now;
    if (status === TicketStatus.SOLVED) ticket.solvedAt = now;
    if (status === TicketStatus.OPEN || PAUSED_STATUSES.has(status)) ticket.solvedAt = null;
    if (status === TicketStatus.CLOSED) {
      ticket.closedAt = now;
      ticket.solvedAt ??= now;
    }
    ticket.status = status;
    ticket.nextDueAt = nextDeadline(ticket);
  }

  private async policy(
    tx: EntityManager,
    priority: TicketPriority,
  ): Promise<{ firstResponseMinutes: number; resolutionMinutes: number }> {
    const [policy] = await findRowsById(tx, SlaPolicy, [priority]);
    return policy ?? DEFAULT_SLA[priority];
  }

  /** An active member of the queue's staff (support agents and leads; IT support for IT). */
  private async requireAssignable(
    tx: EntityManager,
    employeeId: number,
    queue: TicketQueue,
  ): Promise<Row<Employee>> {
    const employee = await this.employees.requireExisting(tx, employeeId, ['input', 'assigneeId']);
    if (!this.employees.isActiveInRole(employee, QUEUE_RULES[queue].staff)) {
      throw new BusinessRuleError(
        UserErrorCode.INVALID_ASSIGNEE,
        queue === TicketQueue.IT
          ? `${employee.name} is not active IT support staff`
          : `${employee.name} is not an active support agent`,
        ['input', 'assigneeId'],
      );
    }
    return employee;
  }

  /**
   * Who gets a new ticket of the queue when automatic assignment is on: one of the queue's active
   * staff. Both queues take turns from the one `lastAssignedId`: round-robin goes to the next of
   * the queue's staff after it, so each queue still goes round its own staff.
   */
  private async autoAssignee(tx: EntityManager, queue: TicketQueue): Promise<Employee | null> {
    // Locked only while auto-assignment is on (FOR UPDATE locks only the rows it returns): the
    // lock keeps round-robin fair, and with it off, tickets must not be created one at a time.
    const [settings] = await tx.execute<
      { auto_assign: AutoAssignMode; last_assigned_id: string | null }[]
    >(
      "SELECT auto_assign, last_assigned_id FROM support_settings WHERE id = 1 AND auto_assign <> 'OFF' FOR UPDATE",
    );
    if (!settings) return null;
    const agents = await this.employees.activeIdsInRole(tx, QUEUE_RULES[queue].staff);
    if (agents.length === 0) return null;
    let chosen: number;
    if (settings.auto_assign === AutoAssignMode.ROUND_ROBIN) {
      const last = Number(settings.last_assigned_id ?? 0);
      chosen = agents.find((id) => id > last) ?? agents[0];
    } else {
      const open = await openTicketCounts(tx, agents);
      const load = (id: number) => open.get(id) ?? 0;
      chosen = agents.reduce((best, id) => (load(id) < load(best) ? id : best));
    }
    await tx.nativeUpdate(SupportSettings, { id: 1 }, { lastAssignedId: chosen });
    return this.employees.reference(tx, chosen);
  }
}

/**
 * The employee an IT report is from: the signed-in viewer. An API token is a tool acting for its
 * creator, not an employee reporting a problem, and is refused.
 */
function requesterOf(viewer: Viewer): number {
  if (viewer.via !== 'session')
    throw new BusinessRuleError(
      UserErrorCode.INVALID_INPUT,
      'Only a signed-in employee reports IT issues and answers them; an API token cannot',
      null,
    );
  return viewer.employeeId;
}

/** Who a message from the ticket's correspondent is by: its customer, or its requester. */
function correspondentAuthor(ticket: Ticket): Pick<TicketMessage, 'authorKind' | 'authorId'> {
  return ticket.requester
    ? { authorKind: MessageAuthorKind.REQUESTER, authorId: ticket.requester.id }
    : { authorKind: MessageAuthorKind.CUSTOMER, authorId: null };
}

/** Open (not solved or closed) tickets per assignee, of those given; one with none is not in the map. */
async function openTicketCounts(
  tx: EntityManager,
  assigneeIds: readonly number[],
): Promise<Map<number, number>> {
  const rows = await tx.execute<{ assignee_id: string; open: string }[]>(
    `SELECT assignee_id, count(*) AS open FROM ticket
      WHERE assignee_id = ANY(?::bigint[]) AND status NOT IN ('SOLVED', 'CLOSED')
      GROUP BY assignee_id`,
    [pgArray(assigneeIds)],
  );
  return new Map(rows.map((row) => [Number(row.assignee_id), Number(row.open)]));
}
