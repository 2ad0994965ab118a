import { Permissions } from '../auth/permissions';
import { Role } from '../common/role';
import { hasAnyRole, type Viewer } from '../common/viewer';
import { TicketQueue } from './ticket.entity';

/**
 * Who reads and works the tickets of each queue: the one place that says it. Reads (lists, one
 * ticket, `node`, a customer's tickets), the service (every change), the live filter (each
 * event, with the viewer's roles as they are then) and presence all ask the functions below.
 * ADMIN passes every rule (hasAnyRole). The requester of an IT ticket reads it through
 * `myItTickets` whatever their roles (support.reads.ts), never through these rules.
 */
interface QueueRules {
  /** Reads the queue's tickets and their public messages. */
  read: readonly Role[];
  /** Replies, notes, status, tags, assignment to oneself, macros, merges, presence. */
  work: readonly Role[];
  /** Reads (and searches) the queue's internal notes. */
  internalNotes: readonly Role[];
  /** Assigns the queue's tickets to others than themselves. */
  assignOthers: readonly Role[];
  /** Who the queue's tickets may be assigned to: active employees holding one of these roles. */
  staff: readonly Role[];
  /** Who is mailed when one of the queue's tickets misses an SLA target. */
  breachAlerts: readonly Role[];
}

export const QUEUE_RULES: Readonly<Record<TicketQueue, QueueRules>> = {
  [TicketQueue.CUSTOMER]: {
    read: Permissions.support.read,
    work: Permissions.support.work,
    internalNotes: Permissions.support.internalNotes,
    assignOthers: Permissions.support.lead,
    staff: [Role.SUPPORT_AGENT, Role.SUPPORT_LEAD],
    breachAlerts: [Role.SUPPORT_LEAD],
  },
  [TicketQueue.IT]: {
    read: Permissions.itDesk.read,
    work: Permissions.itDesk.work,
    internalNotes: Permissions.itDesk.internalNotes,
    assignOthers: Permissions.itDesk.assignOthers,
    staff: [Role.IT_SUPPORT],
    breachAlerts: [Role.IT_SUPPORT],
  },
};

export const ALL_QUEUES: readonly TicketQueue[] = Object.values(TicketQueue);

const union = (lists: readonly (readonly Role[])[]): Role[] => [...new Set(lists.flat())];

/** Who may read some queue: the `@Authorized` list of the fields that read tickets. */
export const TICKET_READERS: readonly Role[] = union(ALL_QUEUES.map((q) => QUEUE_RULES[q].read));
/** Who may work some queue: the `@Authorized` list of the ticket mutations. */
export const TICKET_WORKERS: readonly Role[] = union(ALL_QUEUES.map((q) => QUEUE_RULES[q].work));

export function mayReadQueue(viewer: Viewer | undefined, queue: TicketQueue): boolean {
  return viewer !== undefined && hasAnyRole(viewer, QUEUE_RULES[queue].read);
}

export function mayWorkQueue(viewer: Viewer | undefined, queue: TicketQueue): boolean {
  return viewer !== undefined && hasAnyRole(viewer, QUEUE_RULES[queue].work);
}

/** The queues whose tickets the viewer reads (in ALL_QUEUES order). */
export function readableQueues(viewer: Viewer | undefined): TicketQueue[] {
  return ALL_QUEUES.filter((queue) => mayReadQueue(viewer, queue));
}

/** Whether the viewer reads the internal notes of the queue's tickets. */
export function readsNotesIn(viewer: Viewer | undefined, queue: TicketQueue): boolean {
  return viewer !== undefined && hasAnyRole(viewer, QUEUE_RULES[queue].internalNotes);
}

/**
 * Whether the viewer reads the internal notes of every ticket of these queues: what a list over
 * them (its last messages, its search) may show. A viewer who reads notes in only some of a
 * list's queues searches and sees it without notes.
 */
export function readsNotesInAll(
  viewer: Viewer | undefined,
  queues: readonly TicketQueue[],
): boolean {
  return queues.length > 0 && queues.every((queue) => readsNotesIn(viewer, queue));
}

/** The queue a list covers: the one asked for, else every queue the viewer reads. */
export function queuesOfList(
  viewer: Viewer | undefined,
  queue: TicketQueue | null | undefined,
): TicketQueue[] {
  return queue ? [queue] : readableQueues(viewer);
}
