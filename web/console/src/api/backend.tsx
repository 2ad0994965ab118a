import { Provider as UrqlProvider, type Client } from 'urql';
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ConsoleEmployeeFragment, Role, TicketQueue } from '../generated/graphql';
import type { ConnectionStatus, LiveConnection } from './live-connection';
import type { MissedChange, MissedChanges } from './missed-changes';

export interface Viewer extends ConsoleEmployeeFragment {
  roles: readonly Role[];
}

/** Everything a signed-in console talks through. */
export interface Backend {
  viewer: Viewer;
  /** The session's bearer token, for the requests that are not GraphQL (file uploads). */
  token: string;
  live: LiveConnection;
  client: Client;
  missed: MissedChanges;
  signOut(): void;
}

const BackendContext = createContext<Backend | null>(null);

export function BackendProvider({ backend, children }: { backend: Backend; children: ReactNode }) {
  return (
    <BackendContext.Provider value={backend}>
      <UrqlProvider value={backend.client}>{children}</UrqlProvider>
    </BackendContext.Provider>
  );
}

export function useBackend(): Backend {
  const backend = useContext(BackendContext);
  if (!backend) throw new Error('useBackend outside a signed-in console');
  return backend;
}

export function useConnectionStatus(): ConnectionStatus {
  const { live } = useBackend();
  return useSyncExternalStore(live.watch, live.snapshot);
}

export function useMissedChanges(): readonly MissedChange[] {
  const { missed } = useBackend();
  return useSyncExternalStore(missed.watch, missed.snapshot);
}

/** Support leads (and administrators): the customer desk's metrics, and assigning its tickets to others. */
export function isLead(viewer: Viewer): boolean {
  return viewer.roles.includes('SUPPORT_LEAD') || viewer.roles.includes('ADMIN');
}

/**
 * The desks a viewer works, as the server's queue rules say (modules/support/ticket-queues.ts):
 * support agents and leads the customer desk, IT support the IT desk, administrators both.
 */
export function desksOf(viewer: Viewer): TicketQueue[] {
  const has = (role: Role) => viewer.roles.includes(role) || viewer.roles.includes('ADMIN');
  const desks: TicketQueue[] = [];
  if (has('SUPPORT_AGENT') || has('SUPPORT_LEAD')) desks.push('CUSTOMER');
  if (has('IT_SUPPORT')) desks.push('IT');
  return desks;
}

export function worksTickets(viewer: Viewer): boolean {
  return desksOf(viewer).length > 0;
}

/** Where the console opens: the customer desk for agents (and administrators), else the IT desk. */
export function defaultDesk(viewer: Viewer): TicketQueue {
  return desksOf(viewer)[0] ?? 'CUSTOMER';
}

/** Who assigns a desk's tickets to others: support leads on the customer desk, IT support on the IT desk. */
export function assignsOthers(viewer: Viewer, desk: TicketQueue): boolean {
  return desk === 'IT' ? desksOf(viewer).includes('IT') : isLead(viewer);
}

/** The outbox (every email the desk sends) is for administrators. */
export function isAdmin(viewer: Viewer): boolean {
  return viewer.roles.includes('ADMIN');
}
