import { useLiveSnapshot, type LiveSnapshot } from '../api/live-snapshot';
import { fetchQuery } from '../api/requests';
import { ConsoleTicketDocument, ConsoleTicketEventsDocument } from '../generated/graphql';
import { pathOf, type Route } from './router';
import {
  applyTicketEvent,
  describeChange,
  lastCursor,
  ticketStateOf,
  type TicketState,
} from './ticket';

const SNIPPET = 80;

/**
 * One ticket, live: read with its history, then every event after the history's last cursor (so
 * nothing between the read and the subscription is lost).
 */
export function useTicket(ticketId: string, route: Route): LiveSnapshot<TicketState> {
  return useLiveSnapshot({
    key: ticketId,
    startAfterSnapshot: true,
    load: async (client) => {
      const { ticket } = await fetchQuery(client, ConsoleTicketDocument, { id: ticketId });
      if (!ticket) throw new Error('There is no such ticket.');
      const state = ticketStateOf(ticket);
      return { state, cursor: lastCursor(state.history) };
    },
    feed: {
      document: ConsoleTicketEventsDocument,
      variables: { ticketId },
      position: ({ ticketEvents }) => ticketEvents,
    },
    apply: (state, { ticketEvents }, replayed) => applyTicketEvent(state, ticketEvents, replayed),
    describeMissed: ({ ticketEvents: event }) => {
      const change = describeChange(
        { type: event.type, data: event.changes, actor: event.actor },
        event.ticket.assignee?.name,
      );
      const body = event.message?.body;
      const quote = body
        ? `: “${body.length > SNIPPET ? `${body.slice(0, SNIPPET)}…` : body}”`
        : '';
      return {
        text: `${event.ticket.number} “${event.ticket.subject}”: ${change}${quote}`,
        path: pathOf({ desk: route.desk, queue: route.queue, ticketId }),
        detailed: true,
      };
    },
  });
}
