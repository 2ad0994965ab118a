/**
 * What every benchmark script shares: the PostgreSQL to run against, the machine it runs on, the
 * Backdesk server in a process of its own, a small GraphQL client and the load generator.
 */
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { PROJECT_ROOT } from '../src/config';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { spawnServer } from './server-process';

export { processRss } from './server-process';

export const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');
export const BENCH_JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing';
export const DEMO_PASSWORD = 'demo-password';

export interface AdminDatabase {
  /** A URL with rights to create databases. */
  url: string;
  stop(): Promise<void>;
}

/** `DATABASE_URL` when set, otherwise an embedded PostgreSQL under `.data/bench-postgres`. */
export async function adminDatabase(): Promise<AdminDatabase> {
  if (process.env.DATABASE_URL)
    return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(PROJECT_ROOT, '.data', 'bench-postgres'),
    port: Number(process.env.EMBEDDED_BENCH_PG_PORT ?? 54349),
    database: 'backdesk_bench_admin',
    logger: pino({ level: 'warn' }),
  });
  return { url: embedded.url, stop: () => embedded.stop() };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function recreateDatabase(adminUrl: string, database: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, database);
}

export async function databaseExists(adminUrl: string, database: string): Promise<boolean> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
}

export async function machine(databaseUrl: string): Promise<Machine> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: rows[0].server_version,
    };
  } finally {
    await client.end();
  }
}

export interface ServerProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port>/graphql */
  graphqlUrl: string;
  /** ws://127.0.0.1:<port>/graphql */
  wsUrl: string;
  /** Resident set size of the server process in bytes (from /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/**
 * Starts the built Backdesk server (`dist/src/main.js`, as `npm start` runs it) in a process of
 * its own, so the load generator never shares its event loop. Rate limits are lifted: the
 * benchmark is one client sending as fast as it can.
 */
export async function startBackdeskProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
  /** The checkout whose build runs (another commit's, for a comparison); default this one. */
  root: string = PROJECT_ROOT,
): Promise<ServerProcess> {
  const server = await spawnServer({
    name: 'Backdesk',
    command: process.execPath,
    args: [
      // As `npm start` runs it (package.json): a larger young generation halves GC time.
      '--max-semi-space-size=64',
      ...(process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean),
      'dist/src/main.js',
    ],
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: BENCH_JWT_SECRET,
      LOG_LEVEL: 'info',
      DEMO_SEED: 'false',
      NODE_ENV: 'production',
      RATE_LIMIT_PER_TOKEN: '10000000',
      RATE_LIMIT_PER_IP: '10000000',
      ...env,
    },
    ready: /"port":(\d+),"msg":"Backdesk is serving/,
  });
  const port = Number(server.ready[1]);
  return {
    child: server.child,
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    rss: server.rss,
    stop: server.stop,
  };
}

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function graphqlRequest<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResult<T>;
}

/**
 * Runs an operation and answers its data; fails the benchmark on a GraphQL error or on user
 * errors in the first root field's payload (a benchmark measures only what succeeded).
 */
export async function requestOrFail<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const result = await graphqlRequest<T>(url, query, variables, token);
  if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
  const payload = Object.values(result.data as Record<string, unknown>)[0] as {
    userErrors?: unknown[];
  } | null;
  if (payload?.userErrors?.length) throw new Error(JSON.stringify(payload.userErrors));
  return result.data;
}

/** The p-th percentile of ascending samples (nearest rank, rounded down). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Signs in as a demo employee and returns the bearer token. */
export async function login(url: string, email: string): Promise<string> {
  const result = await graphqlRequest<{ login: { token: string | null } }>(
    url,
    'mutation Login($input: LoginInput!) { login(input: $input) { token } }',
    { input: { email, password: DEMO_PASSWORD } },
  );
  const token = result.data?.login.token;
  if (!token) throw new Error(`could not sign in as ${email}: ${JSON.stringify(result)}`);
  return token;
}

export function ratio(ours: number, theirs: number): number {
  return theirs > 0 ? Math.round((ours / theirs) * 1000) / 1000 : 0;
}

export function writeResult(name: string, result: unknown): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** Runs a benchmark script's main and exits with its outcome (open sockets and pools aside). */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}

/** autocannon as a promise of its result. */
export function runAutocannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error: Error | null, result: autocannon.Result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** Runs `count` calls, `clients` at a time; answers per second and latency percentiles. */
export async function runConcurrently(
  count: number,
  clients: number,
  call: (index: number) => Promise<void>,
): Promise<{ perSecond: number; p50Ms: number; p99Ms: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const index = next++;
        const begun = performance.now();
        await call(index);
        latencies.push(performance.now() - begun);
      }
    }),
  );
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round((count * 1000) / ms),
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
  };
}
