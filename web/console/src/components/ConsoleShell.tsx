import { useEffect, useState } from 'react';
import { defaultDesk, desksOf, isAdmin, isLead, useBackend, worksTickets } from '../api/backend';
import type { TicketQueue } from '../generated/graphql';
import { useShortcuts } from '../model/keyboard';
import { goTo, METRICS_PATH, namesDesk, outboxPath, pathOf, usePlace } from '../model/router';
import { ConnectionIndicator } from './ConnectionIndicator';
import { MetricsPage } from './MetricsPage';
import { MissedChangesPanel } from './MissedChangesPanel';
import { OutboxPage } from './OutboxPage';
import { QueuePane } from './QueuePane';
import { ShortcutHelp } from './ShortcutHelp';
import { TicketView } from './TicketView';

const DESK_LABELS: Record<TicketQueue, string> = { CUSTOMER: 'Customer desk', IT: 'IT desk' };

/**
 * The signed-in console: top bar, then the queues of a desk on the left with the open ticket and
 * its customer (or, on the IT desk, its requester), or (for leads) the metrics, or (for
 * administrators) the outbox. Support agents land on the customer desk, IT support on the IT
 * desk; whoever works both (administrators) switches between them.
 */
export function ConsoleShell() {
  const { viewer, signOut } = useBackend();
  const place = usePlace();
  const [helpOpen, setHelpOpen] = useState(false);
  useShortcuts({ '?': () => setHelpOpen((open) => !open) });
  const desks = desksOf(viewer);
  /** Where "Tickets" goes back to from the outbox: the queue (and ticket) last shown. */
  const [ticketsPath, setTicketsPath] = useState(() =>
    pathOf({ desk: defaultDesk(viewer), queue: 'mine' }),
  );
  const queuesPath = place.page === 'queues' ? pathOf(place.route) : undefined;
  // A path without a desk, or with one the viewer does not work, opens their own desk.
  const misplaced =
    place.page === 'queues' &&
    desks.length > 0 &&
    (!namesDesk(window.location.pathname) || !desks.includes(place.route.desk));
  useEffect(() => {
    if (misplaced) goTo(pathOf({ desk: defaultDesk(viewer), queue: 'mine' }), { replace: true });
  }, [misplaced, viewer]);
  if (queuesPath && !misplaced && queuesPath !== ticketsPath) setTicketsPath(queuesPath);

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Backdesk</span>
        <ConnectionIndicator />
        <nav className="topbar-links" aria-label="Tools">
          {desks.length > 1 &&
            desks.map((desk) => (
              <PageLink
                key={desk}
                path={pathOf({ desk, queue: 'mine' })}
                current={place.page === 'queues' && place.route.desk === desk}
              >
                {DESK_LABELS[desk]}
              </PageLink>
            ))}
          {isLead(viewer) && (
            <>
              <PageLink path={ticketsPath} current={place.page === 'queues'}>
                Tickets
              </PageLink>
              <PageLink path={METRICS_PATH} current={place.page === 'metrics'}>
                Metrics
              </PageLink>
            </>
          )}
          {isAdmin(viewer) && (
            <PageLink path={outboxPath()} current={place.page === 'outbox'}>
              Outbox
            </PageLink>
          )}
          <a href="/graphiql">GraphiQL</a>
          <button type="button" className="link" onClick={() => setHelpOpen(true)}>
            Keyboard shortcuts <kbd>?</kbd>
          </button>
        </nav>
        <span className="viewer" title={viewer.email}>
          {viewer.name}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <MissedChangesPanel />
      {place.page === 'metrics' ? (
        isLead(viewer) ? (
          <MetricsPage />
        ) : (
          <p className="page-message" role="alert">
            The metrics are for support leads; {viewer.name} is not one.
          </p>
        )
      ) : place.page === 'outbox' ? (
        isAdmin(viewer) ? (
          <OutboxPage emailId={place.emailId} />
        ) : (
          <p className="page-message" role="alert">
            The outbox is for administrators; {viewer.name} is not one.
          </p>
        )
      ) : misplaced ? (
        <p className="page-message">Opening your desk…</p>
      ) : worksTickets(viewer) ? (
        <main className="workspace" data-desk={place.route.desk}>
          <QueuePane route={place.route} />
          {place.route.ticketId ? (
            <TicketView
              key={place.route.ticketId}
              ticketId={place.route.ticketId}
              route={place.route}
            />
          ) : (
            <section className="ticket-empty" aria-label="Ticket">
              <p>Select a ticket from the queue (or press j).</p>
            </section>
          )}
        </main>
      ) : (
        <p className="page-message" role="alert">
          The console is for support agents and leads and IT support; {viewer.name} is none of them.
        </p>
      )}
      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

/** A link to one of the console's pages, followed without reloading. */
function PageLink({
  path,
  current,
  children,
}: {
  path: string;
  current: boolean;
  children: string;
}) {
  return (
    <a
      href={path}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        goTo(path);
      }}
    >
      {children}
    </a>
  );
}
