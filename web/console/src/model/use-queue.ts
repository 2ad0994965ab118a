import { useBackend } from '../api/backend';
import { useLiveSnapshot, type LiveSnapshot } from '../api/live-snapshot';
import { fetchQuery } from '../api/requests';
import {
  ConsoleQueueDocument,
  ConsoleQueueEventsDocument,
  type TicketQueue,
} from '../generated/graphql';
import {
  applyQueueEvent,
  bySlaDue,
  deskFilter,
  type QueueDefinition,
  type QueueState,
} from './queues';
import { pathOf } from './router';
import { describeChange } from './ticket';

/** How many tickets of a queue the console lists (the first page by SLA due). */
export const QUEUE_PAGE = 100;

/**
 * One queue of a desk, live: its first page by SLA due, moved by every ENTERED, STAYED and LEFT.
 * The breached queue needs no re-reading: a ticket that breaches as time passes is announced by
 * the server's SLA sweep (SLA_BREACHED, ENTERED).
 */
export function useQueue(queue: QueueDefinition, desk: TicketQueue): LiveSnapshot<QueueState> {
  const { viewer } = useBackend();
  const filter = deskFilter(queue, viewer.id, desk);
  const snapshot = useLiveSnapshot({
    key: `${desk}:${queue.key}:${viewer.id}`,
    load: async (client): Promise<{ state: QueueState }> => {
      const data = await fetchQuery(client, ConsoleQueueDocument, { filter, first: QUEUE_PAGE });
      return {
        state: {
          tickets: [...data.tickets.nodes].sort(bySlaDue),
          totalCount: data.tickets.totalCount,
        },
      };
    },
    feed: {
      document: ConsoleQueueEventsDocument,
      variables: { filter },
      position: ({ ticketEvents }) => ticketEvents,
    },
    apply: (state, { ticketEvents }) => applyQueueEvent(state, ticketEvents),
    describeMissed: ({ ticketEvents: event }) => ({
      text: `${event.ticket.number} “${event.ticket.subject}”: ${describeChange(
        { type: event.type, data: event.changes, actor: event.actor },
        event.ticket.assignee?.name,
      )}`,
      path: pathOf({ desk, queue: queue.key, ticketId: event.ticket.id }),
    }),
  });

  return snapshot;
}
