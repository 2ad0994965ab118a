import { useCallback, useEffect, useRef, useState } from 'react';
import { useBackend } from '../api/backend';
import {
  ConsoleSetActivityDocument,
  ConsoleTicketPresenceDocument,
  type ConsoleTicketPresenceSubscription,
  type PresenceActivity,
} from '../generated/graphql';

export type TicketViewer = ConsoleTicketPresenceSubscription['ticketPresence']['viewers'][number];

export interface Presence {
  /** Everyone else on the ticket, longest first. */
  others: readonly TicketViewer[];
  /** Tells the others what this agent is doing (sent only when it changes). */
  setActivity(activity: PresenceActivity): void;
}

/**
 * Being on a ticket: subscribing to its presence shows this agent as viewing; what they type is
 * sent on the same socket (presence lives on the instance that holds the subscription). After a
 * reconnect the server knows the agent only as viewing again: the first snapshot that says so
 * gets the current activity sent again.
 */
export function usePresence(ticketId: string): Presence {
  const { live, client, viewer } = useBackend();
  const [snapshot, setSnapshot] = useState<{
    ticketId: string;
    viewers: readonly TicketViewer[];
  }>();
  const wanted = useRef<PresenceActivity>('VIEWING');
  const send = useRef<(activity: PresenceActivity) => void>(() => undefined);

  useEffect(() => {
    wanted.current = 'VIEWING';
    let inFlight = false;
    const sendActivity = (activity: PresenceActivity) => {
      if (live.status.state !== 'live') return; // resent from the next snapshot once back
      inFlight = true;
      void client
        .mutation(ConsoleSetActivityDocument, { input: { ticketId, activity } })
        .toPromise()
        .finally(() => (inFlight = false));
    };
    send.current = sendActivity;
    const feed = live.feed({
      document: ConsoleTicketPresenceDocument,
      variables: { ticketId },
      handlers: {
        next: ({ ticketPresence }) => {
          setSnapshot({ ticketId, viewers: ticketPresence.viewers });
          const mine = ticketPresence.viewers.find((entry) => entry.employee.id === viewer.id);
          if (mine && mine.activity !== wanted.current && !inFlight) sendActivity(wanted.current);
        },
        failed: () => setSnapshot({ ticketId, viewers: [] }),
      },
    });
    return () => {
      send.current = () => undefined;
      feed.stop();
    };
  }, [ticketId, live, client, viewer.id]);

  const setActivity = useCallback((activity: PresenceActivity) => {
    if (activity === wanted.current) return;
    wanted.current = activity;
    send.current(activity);
  }, []);

  const viewers = snapshot?.ticketId === ticketId ? snapshot.viewers : [];
  return { others: viewers.filter((entry) => entry.employee.id !== viewer.id), setActivity };
}
