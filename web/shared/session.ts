/**
 * The console keeps its sign-in for the browser tab's session (sessionStorage: gone when the tab
 * closes, never shared with other tabs); GraphiQL opened from the console in the same tab reuses it.
 */
const TOKEN_KEY = 'backdesk.sessionToken';

export const sessionToken = {
  read(): string | null {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null; // storage disabled: sign in again on every load
    }
  },
  write(token: string): void {
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // storage disabled: the token lives in memory only
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // nothing stored
    }
  },
};

/** The GraphQL endpoint over HTTP, on the server that served this page. */
export const GRAPHQL_PATH = '/graphql';

/** The same endpoint for WebSockets (graphql-transport-ws), from this page's origin. */
export function graphqlWebSocketUrl(): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}${GRAPHQL_PATH}`;
}
