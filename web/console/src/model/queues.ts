import type {
  ConsoleQueueEventsSubscription,
  ConsoleQueueTicketFragment,
  TicketFilter,
  TicketQueue,
  TicketStatus,
} from '../generated/graphql';

export type QueueKey = 'mine' | 'unassigned' | 'open' | 'breached';
export type QueueEvent = ConsoleQueueEventsSubscription['ticketEvents'];

/** Statuses with work still to do (SOLVED and CLOSED tickets leave every queue). */
const ACTIVE: TicketStatus[] = ['NEW', 'OPEN', 'PENDING', 'ON_HOLD'];

export interface QueueDefinition {
  key: QueueKey;
  label: string;
  /**
   * The filter of both the list and its live feed, on one desk (`deskFilter`): the queue shows
   * exactly what it follows. A ticket that breaches as the clock passes enters the breached
   * queue with its SLA_BREACHED event.
   */
  filter(viewerId: string): TicketFilter;
}

/** A queue's filter on a desk: the customer desk's tickets, or the IT desk's. */
export function deskFilter(queue: QueueDefinition, viewerId: string, desk: TicketQueue) {
  return { ...queue.filter(viewerId), queue: desk };
}

export const QUEUES: readonly QueueDefinition[] = [
  {
    key: 'mine',
    label: 'My tickets',
    filter: (viewerId) => ({ assigneeId: viewerId, status: ACTIVE }),
  },
  { key: 'unassigned', label: 'Unassigned', filter: () => ({ unassigned: true, status: ACTIVE }) },
  { key: 'open', label: 'All open', filter: () => ({ status: ACTIVE }) },
  {
    key: 'breached',
    label: 'SLA breached',
    filter: () => ({ breached: true, status: ACTIVE }),
  },
];

export const QUEUE_BY_KEY = Object.fromEntries(QUEUES.map((queue) => [queue.key, queue])) as Record<
  QueueKey,
  QueueDefinition
>;

export function queueByKey(key: string | undefined): QueueDefinition | undefined {
  return QUEUES.find((queue) => queue.key === key);
}

export interface QueueState {
  tickets: readonly ConsoleQueueTicketFragment[];
  /** How many tickets the queue holds on the server (the list shows the first page of them). */
  totalCount: number;
}

/** The next deadline first (tickets without one, paused or done, last), as the server sorts. */
export function bySlaDue(a: ConsoleQueueTicketFragment, b: ConsoleQueueTicketFragment): number {
  const dueA = a.nextDueAt ? Date.parse(a.nextDueAt) : Number.POSITIVE_INFINITY;
  const dueB = b.nextDueAt ? Date.parse(b.nextDueAt) : Number.POSITIVE_INFINITY;
  if (dueA !== dueB) return dueA < dueB ? -1 : 1;
  return a.number.localeCompare(b.number, undefined, { numeric: true });
}

/** ENTERED and STAYED put the ticket (as it is now) in the list; LEFT takes it out. */
export function applyQueueEvent(state: QueueState, event: QueueEvent): QueueState {
  const existing = state.tickets.find((item) => item.id === event.ticket.id);
  const present = existing !== undefined;
  // An event that waited for a newer snapshot must not roll the ticket back.
  const ticket = existing && existing.version > event.ticket.version ? existing : event.ticket;
  const others = state.tickets.filter((item) => item.id !== ticket.id);
  if (event.queue === 'LEFT') {
    return present ? { tickets: others, totalCount: Math.max(0, state.totalCount - 1) } : state;
  }
  return {
    tickets: [...others, ticket].sort(bySlaDue),
    totalCount: present ? state.totalCount : state.totalCount + 1,
  };
}
