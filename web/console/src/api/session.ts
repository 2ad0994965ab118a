import { Client, fetchExchange } from '@urql/core';
import { GRAPHQL_PATH, sessionToken } from '../../../shared/session';
import {
  ConsoleSignInDocument,
  ConsoleViewerDocument,
  type ConsoleViewerQuery,
} from '../generated/graphql';
import type { Backend, Viewer } from './backend';
import { errorCodeOf, errorMessageOf, LiveConnection } from './live-connection';
import { MissedChanges } from './missed-changes';

/** A client for the requests made before there is a session: signing in, checking a kept token. */
function plainClient(token?: string): Client {
  return new Client({
    url: GRAPHQL_PATH,
    preferGetMethod: false,
    fetchOptions: token ? { headers: { authorization: `Bearer ${token}` } } : {},
    exchanges: [fetchExchange],
  });
}

export type SignInOutcome =
  { ok: true; token: string; viewer: Viewer } | { ok: false; message: string };

export async function signIn(email: string, password: string): Promise<SignInOutcome> {
  const result = await plainClient().mutation(ConsoleSignInDocument, {
    input: { email, password },
  });
  if (result.error) return { ok: false, message: errorMessageOf(result.error) };
  const login = result.data?.login;
  const refusal = login?.userErrors[0];
  if (refusal) return { ok: false, message: refusal.message };
  if (!login?.token || !login.employee) return { ok: false, message: 'Signing in failed' };
  sessionToken.write(login.token);
  return { ok: true, token: login.token, viewer: login.employee };
}

export type KeptSession =
  | { kind: 'none' }
  | { kind: 'valid'; token: string; viewer: Viewer }
  | { kind: 'unreachable'; message: string };

/** The token kept for this tab, if the server still accepts it. */
export async function resumeSession(): Promise<KeptSession> {
  const token = sessionToken.read();
  if (!token) return { kind: 'none' };
  const result = await plainClient(token).query(ConsoleViewerDocument, {});
  const me: ConsoleViewerQuery['me'] | undefined = result.data?.me;
  if (me) return { kind: 'valid', token, viewer: me };
  if (result.error && errorCodeOf(result.error) === undefined)
    return { kind: 'unreachable', message: errorMessageOf(result.error) };
  sessionToken.clear();
  return { kind: 'none' };
}

/** Opens the live connection of a signed-in console. */
export function openBackend(
  token: string,
  viewer: Viewer,
  onEnded: (reason: string | undefined) => void,
): Backend {
  const live = new LiveConnection(token, (reason) => onEnded(reason));
  const backend: Backend = {
    viewer,
    token,
    live,
    client: live.client,
    missed: new MissedChanges(),
    signOut: () => onEnded(undefined),
  };
  return backend;
}

export function forgetSession(backend: Backend): void {
  backend.live.dispose();
  sessionToken.clear();
}
