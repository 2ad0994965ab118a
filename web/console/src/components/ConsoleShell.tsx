import { useState } from 'react';
import { useBackend, worksTickets } from '../api/backend';
import { useShortcuts } from '../model/keyboard';
import { useRoute } from '../model/router';
import { ConnectionIndicator } from './ConnectionIndicator';
import { MissedChangesPanel } from './MissedChangesPanel';
import { QueuePane } from './QueuePane';
import { ShortcutHelp } from './ShortcutHelp';
import { TicketView } from './TicketView';

/** The signed-in console: top bar, queues on the left, the open ticket and its customer. */
export function ConsoleShell() {
  const { viewer, signOut } = useBackend();
  const route = useRoute();
  const [helpOpen, setHelpOpen] = useState(false);
  useShortcuts({ '?': () => setHelpOpen((open) => !open) });

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Backdesk</span>
        <ConnectionIndicator />
        <nav className="topbar-links" aria-label="Tools">
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
      {worksTickets(viewer) ? (
        <main className="workspace">
          <QueuePane route={route} />
          {route.ticketId ? (
            <TicketView key={route.ticketId} ticketId={route.ticketId} />
          ) : (
            <section className="ticket-empty" aria-label="Ticket">
              <p>Select a ticket from the queue (or press j).</p>
            </section>
          )}
        </main>
      ) : (
        <p className="page-message" role="alert">
          The console is for support agents and leads; {viewer.name} has neither role.
        </p>
      )}
      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
