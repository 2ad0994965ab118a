import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Received<T> {
  items: T[];
  errors: unknown[];
  completed: boolean;
  /** Resolves once at least `count` items arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  stop(): Promise<void>;
}

/** A real graphql-ws client on its own socket, collecting what one subscription delivers. */
export function subscribe<T>(
  wsUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  pick: (data: Record<string, unknown>) => T = (data) => Object.values(data)[0] as T,
): Received<T> {
  const client: Client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  const received: Received<T> = {
    items: [],
    errors: [],
    completed: false,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.items.length < count) {
        if (received.errors.length)
          throw new Error(`subscription failed: ${JSON.stringify(received.errors)}`);
        if (Date.now() > deadline)
          throw new Error(`timed out with ${received.items.length} of ${count} items`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received.items;
    },
    async stop() {
      await client.dispose();
    },
  };
  client.subscribe<Record<string, unknown>>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) received.errors.push(...value.errors);
        if (value.data) received.items.push(pick(value.data));
      },
      error: (error) => received.errors.push(error),
      complete: () => (received.completed = true),
    },
  );
  return received;
}

export async function graphql<T = Record<string, unknown>>(
  baseUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await response.json()) as { data?: T; errors?: unknown[] };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data as T;
}

export async function login(
  baseUrl: string,
  email: string,
  password = 'demo-password',
): Promise<string> {
  const data = await graphql<{ login: { token: string | null } }>(
    baseUrl,
    '',
    'mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { token } }',
    { e: email, p: password },
  );
  if (!data.login.token) throw new Error(`login as ${email} failed`);
  return data.login.token;
}

/** How many subscriptions of a kind a server reports open (from its metrics). */
export async function openSubscriptions(baseUrl: string, kind: string): Promise<number> {
  const pattern = new RegExp(`backdesk_subscriptions\\{kind="${kind}"\\} (\\d+)`);
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
}

/** Waits until a server reports `count` open subscriptions of a kind (they are live from then on). */
export async function waitForSubscriptions(
  baseUrl: string,
  kind: string,
  count: number,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await openSubscriptions(baseUrl, kind);
    if (open >= count) return;
    if (Date.now() > deadline)
      throw new Error(`only ${open} of ${count} ${kind} subscriptions opened`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
