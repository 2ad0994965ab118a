import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config';
import type { Clock } from '../../src/modules/common/clock';
import { startBackdesk, type Backdesk } from '../../src/server/start';
import { DEMO_PASSWORD } from '../../src/modules/seed';
import { LoginDocument } from '../generated/graphql';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestServer {
  backdesk: Backdesk;
  database: TestDatabase;
  config: Config;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** ws://127.0.0.1:<port>/graphql */
  wsUrl: string;
  /** Runs a typed operation over HTTP POST. */
  request<T, V>(
    document: TypedDocumentNode<T, V>,
    variables?: V,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  /** Runs a raw query string over HTTP POST. */
  raw(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<Record<string, unknown>>>;
  /** Signs in as one of the demo employees and returns the token. */
  login(email: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

async function post(url: string, body: unknown, token?: string): Promise<GraphQLResponse<never>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Omit<GraphQLResponse<never>, 'status'>;
  return { status: response.status, ...json };
}

/** Starts Backdesk in this process on a database of its own, seeded with the demo data. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { clock?: Clock } = {},
): Promise<TestServer> {
  // The demo seed is cloned from a seeded template, unless the test says how to seed (DEMO_SEED:
  // 'true' seeds at start, as `npm start` does, with what follows a seed; 'false' not at all) or
  // changes what seeding reads (the books' currency).
  const database = await createTestDatabase({
    seeded: env.DEMO_SEED === undefined && env.BOOKS_CURRENCY === undefined,
  });
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_JWT_SECRET,
    DEMO_SEED: 'true',
    LOG_LEVEL: 'silent',
    SHUTDOWN_GRACE_MS: '2000',
    // Solving pending tickets runs on a cron no test controls: off unless a test turns it on.
    PENDING_AUTO_SOLVE_DAYS: '0',
    // So does the sweep that mails unsent invoices (the seeded ones): tests run it by hand.
    INVOICE_SWEEP_MINUTES: '0',
    ...env,
  });
  const backdesk = await startBackdesk(
    config,
    pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    options,
  );
  const baseUrl = `http://127.0.0.1:${backdesk.server.port}`;
  const graphqlUrl = `${baseUrl}/graphql`;
  const tokens = new Map<string, string>();
  const server: TestServer = {
    backdesk,
    database,
    config,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${backdesk.server.port}/graphql`,
    request: (document, variables, token) =>
      post(graphqlUrl, { query: print(document), variables }, token),
    raw: (query, variables, token) => post(graphqlUrl, { query, variables }, token),
    async login(email, password = DEMO_PASSWORD) {
      const key = `${email}\u0000${password}`;
      const cached = tokens.get(key);
      if (cached) return cached;
      const result = await server.request(LoginDocument, { input: { email, password } });
      const token = result.data?.login.token;
      if (!token) throw new Error(`login as ${email} failed: ${JSON.stringify(result)}`);
      tokens.set(key, token);
      return token;
    },
    async close() {
      await backdesk.stop();
      await database.drop();
    },
  };
  return server;
}
