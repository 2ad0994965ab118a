import { useEffect, useRef } from 'react';
import type { LiveSnapshot } from '../api/live-snapshot';
import type { ConsoleQueueTicketFragment, TicketQueue } from '../generated/graphql';
import { useShortcuts } from '../model/keyboard';
import { priorityLabel, statusLabel } from '../model/labels';
import { QUEUE_BY_KEY, QUEUES, type QueueKey, type QueueState } from '../model/queues';
import { navigate, pathOf, type Route } from '../model/router';
import { useQueue } from '../model/use-queue';
import { SlaCountdown } from './SlaCountdown';

/**
 * The four queues of the route's desk, each live (their counts move while another is shown), and
 * the chosen one's list.
 */
export function QueuePane({ route }: { route: Route }) {
  const { desk } = route;
  const queues: Record<QueueKey, LiveSnapshot<QueueState>> = {
    mine: useQueue(QUEUE_BY_KEY.mine, desk),
    unassigned: useQueue(QUEUE_BY_KEY.unassigned, desk),
    open: useQueue(QUEUE_BY_KEY.open, desk),
    breached: useQueue(QUEUE_BY_KEY.breached, desk),
  };
  const shown = queues[route.queue];
  const tickets = shown.state?.tickets ?? [];

  const step = (offset: number) => {
    if (tickets.length === 0) return;
    const index = tickets.findIndex((ticket) => ticket.id === route.ticketId);
    const next =
      index === -1
        ? offset > 0
          ? 0
          : tickets.length - 1
        : Math.min(tickets.length - 1, Math.max(0, index + offset));
    navigate({ desk, queue: route.queue, ticketId: tickets[next].id });
  };
  useShortcuts({
    j: () => step(1),
    k: () => step(-1),
    ...Object.fromEntries(
      QUEUES.map((queue, index) => [
        String(index + 1),
        () => navigate({ desk, queue: queue.key, ticketId: route.ticketId }),
      ]),
    ),
  });

  return (
    <section
      className="queue-pane"
      aria-label={desk === 'IT' ? 'IT desk queues' : 'Queues'}
      data-desk={desk}
    >
      <nav className="queue-tabs" aria-label="Queue">
        {QUEUES.map((queue, index) => {
          const count = queues[queue.key].state?.totalCount;
          const current = queue.key === route.queue;
          return (
            <a
              key={queue.key}
              href={pathOf({ desk, queue: queue.key })}
              aria-current={current ? 'page' : undefined}
              aria-keyshortcuts={String(index + 1)}
              onClick={(event) => {
                event.preventDefault();
                navigate({ desk, queue: queue.key, ticketId: route.ticketId });
              }}
            >
              {queue.label}
              <span className="count" aria-label={`${count ?? 'unknown'} tickets`}>
                {count ?? '…'}
              </span>
            </a>
          );
        })}
      </nav>
      {shown.error && (
        <p className="form-error" role="alert">
          {shown.error}{' '}
          <button type="button" className="link" onClick={() => void shown.reload()}>
            Try again
          </button>
        </p>
      )}
      {!shown.state && !shown.error && <p className="muted">Loading…</p>}
      {shown.state && (
        <QueueList
          desk={desk}
          queueKey={route.queue}
          label={QUEUE_BY_KEY[route.queue].label}
          state={shown.state}
          selectedId={route.ticketId}
        />
      )}
    </section>
  );
}

function QueueList({
  desk,
  queueKey,
  label,
  state,
  selectedId,
}: {
  desk: TicketQueue;
  queueKey: QueueKey;
  label: string;
  state: QueueState;
  selectedId: string | undefined;
}) {
  if (state.tickets.length === 0)
    return <p className="muted queue-empty">No tickets in {label}.</p>;
  return (
    <>
      <ol className="queue-list" aria-label={`Tickets in ${label}, by SLA due`}>
        {state.tickets.map((ticket) => (
          <QueueRow
            key={ticket.id}
            desk={desk}
            queueKey={queueKey}
            ticket={ticket}
            selected={ticket.id === selectedId}
          />
        ))}
      </ol>
      {state.totalCount > state.tickets.length && (
        <p className="muted">
          Showing the {state.tickets.length} most urgent of {state.totalCount}.
        </p>
      )}
    </>
  );
}

function QueueRow({
  desk,
  queueKey,
  ticket,
  selected,
}: {
  desk: TicketQueue;
  queueKey: QueueKey;
  ticket: ConsoleQueueTicketFragment;
  selected: boolean;
}) {
  const row = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    if (selected) row.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const route = { desk, queue: queueKey, ticketId: ticket.id };
  return (
    <li className="queue-item" data-ticket-number={ticket.number}>
      <a
        ref={row}
        href={pathOf(route)}
        aria-current={selected ? 'true' : undefined}
        onClick={(event) => {
          event.preventDefault();
          navigate(route);
        }}
      >
        <span className="queue-item-line">
          <span className={`priority priority--${ticket.priority.toLowerCase()}`}>
            {priorityLabel(ticket.priority)}
          </span>
          <span className="queue-item-subject">{ticket.subject}</span>
          <SlaCountdown dueAt={ticket.nextDueAt} breached={ticket.slaBreached} />
        </span>
        <span className="queue-item-meta">
          <span className="ticket-number">{ticket.number}</span>
          <span className="queue-item-customer">
            {ticket.customer?.name ?? ticket.requester?.name}
          </span>
          <span className="queue-item-assignee">{ticket.assignee?.name ?? 'Unassigned'}</span>
          <span className="queue-item-status">{statusLabel(ticket.status)}</span>
        </span>
      </a>
    </li>
  );
}
