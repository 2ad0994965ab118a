import { Provider as UrqlProvider, type Client } from 'urql';
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ConsoleEmployeeFragment, Role } from '../generated/graphql';
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

/** Leads may assign tickets to others; agents only to themselves. */
export function isLead(viewer: Viewer): boolean {
  return viewer.roles.includes('SUPPORT_LEAD') || viewer.roles.includes('ADMIN');
}

export function worksTickets(viewer: Viewer): boolean {
  return viewer.roles.some(
    (role) => role === 'SUPPORT_AGENT' || role === 'SUPPORT_LEAD' || role === 'ADMIN',
  );
}

/** The outbox (every email the desk sends) is for administrators. */
export function isAdmin(viewer: Viewer): boolean {
  return viewer.roles.includes('ADMIN');
}
