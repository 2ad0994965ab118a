import { useEffect } from 'react';
import { useBackend } from '../api/backend';
import { fetchQuery } from '../api/requests';
import { ConsoleMessageDeliveriesDocument } from '../generated/graphql';
import {
  queuedReplyIds,
  withDeliveries,
  type MessageDelivery,
  type TicketMessage,
  type TicketState,
} from './ticket';

/** The first check comes soon: an email usually leaves within seconds of its reply. */
const FIRST_CHECK_MS = 2_000;
/** Each check that finds them all still queued waits twice as long, up to this (retries may take hours). */
const SLOWEST_CHECK_MS = 30_000;

/**
 * Keeps the delivery of the ticket's public replies current. The ticket's live feed announces
 * messages, not what happens to their email afterwards, so while any reply is QUEUED its delivery
 * is read again, and the checks stop once none is. A new set of queued replies starts over fast.
 */
export function useDeliveryUpdates(
  messages: readonly TicketMessage[] | undefined,
  update: (change: (state: TicketState) => TicketState) => void,
): void {
  const { client } = useBackend();
  const queued = queuedReplyIds(messages ?? []);
  const watched = queued.join(' ');

  useEffect(() => {
    if (!watched) return;
    const ids = watched.split(' ');
    let cancelled = false;
    let wait = FIRST_CHECK_MS;
    let timer: ReturnType<typeof setTimeout>;

    const check = async () => {
      try {
        const { nodes } = await fetchQuery(client, ConsoleMessageDeliveriesDocument, { ids });
        if (cancelled) return;
        const deliveries = new Map<string, MessageDelivery | null>();
        for (const node of nodes) {
          if (node && 'delivery' in node) deliveries.set(node.id, node.delivery);
        }
        // A reply that left QUEUED changes `watched`: this effect ends and a new one starts.
        update((state) => withDeliveries(state, deliveries));
      } catch {
        // Offline or refused: the reply keeps showing "Sending…", and the next check tries again.
      }
      if (cancelled) return;
      wait = Math.min(wait * 2, SLOWEST_CHECK_MS);
      timer = setTimeout(() => void check(), wait);
    };

    timer = setTimeout(() => void check(), wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, watched, update]);
}
