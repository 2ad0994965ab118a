/**
 * Journal entries posted per second through the API by 16 concurrent clients, beside pgbench's
 * TPC-B-like run on the same PostgreSQL (the database's own ceiling for a comparable write).
 *
 *   npm run bench:ledger            (DATABASE_URL, or the embedded PostgreSQL)
 *   BENCH_SECONDS=30 npm run bench:ledger
 *
 * Writes bench/results/ledger-post.json and prints a Markdown table.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { loadConfig, PROJECT_ROOT } from '../src/config';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { startBackdesk } from '../src/server/start';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BENCH_DB = 'backdesk_bench_ledger';
const PGBENCH_DB = 'backdesk_bench_pgbench';

async function adminUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(PROJECT_ROOT, '.data', 'bench-postgres'),
    port: Number(process.env.EMBEDDED_BENCH_PG_PORT ?? 54349),
    database: 'backdesk_bench_admin',
    logger: pino({ level: 'warn' }),
  });
  process.once('exit', () => void embedded.stop());
  return embedded.url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function recreate(url: string, database: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${database}`);
  const [{ server_version: version }] = (
    await client.query<{ server_version: string }>('SHOW server_version')
  ).rows;
  await client.end();
  serverVersion = version;
}
let serverVersion = '';

async function gql(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

const POST = `mutation Post($input: PostJournalEntryInput!) {
  postJournalEntry(input: $input) { journalEntry { id number } userErrors { code message } }
}`;

async function benchApi(
  url: string,
): Promise<{ entries: number; perSecond: number; p50: number; p99: number; failures: number }> {
  const config = loadConfig({
    DATABASE_URL: url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DEMO_SEED: 'true',
  });
  const backdesk = await startBackdesk(config, pino({ level: 'warn' }));
  const endpoint = `http://127.0.0.1:${backdesk.server.port}/graphql`;
  try {
    const login = await gql(
      endpoint,
      '',
      'mutation { login(input: { email: "accountant@example.com", password: "demo-password" }) { token } }',
      {},
    );
    const token = (login.data?.login as { token: string }).token;
    const accounts = await gql(
      endpoint,
      token,
      '{ accounts(first: 100) { nodes { id code } } }',
      {},
    );
    const ids = ((accounts.data?.accounts as { nodes: { id: string }[] }).nodes ?? []).map(
      (n) => n.id,
    );
    const latencies: number[] = [];
    let failures = 0;
    const deadline = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        let i = 0;
        while (Date.now() < deadline) {
          const a = ids[(client * 7 + i) % ids.length];
          const b = ids[(client * 7 + i + 3) % ids.length];
          const amount = `${1 + ((client + i) % 997)}.${String(i % 100).padStart(2, '0')}`;
          const started = performance.now();
          const result = await gql(endpoint, token, POST, {
            input: {
              date: new Date().toISOString().slice(0, 10),
              memo: 'bench',
              lines: [
                { accountId: a, debit: amount },
                { accountId: b, credit: amount },
              ],
            },
          });
          latencies.push(performance.now() - started);
          if (
            result.errors ||
            (result.data?.postJournalEntry as { userErrors: unknown[] }).userErrors.length
          )
            failures += 1;
          i += 1;
        }
      }),
    );
    latencies.sort((x, y) => x - y);
    const pick = (q: number) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) /
      10;
    return {
      entries: latencies.length,
      perSecond: Math.round(latencies.length / SECONDS),
      p50: pick(0.5),
      p99: pick(0.99),
      failures,
    };
  } finally {
    await backdesk.stop();
  }
}

function benchPgbench(url: string): { tps: number } {
  const target = withDatabase(url, PGBENCH_DB);
  execFileSync('pgbench', ['-i', '-q', '-s', String(CLIENTS), target], { stdio: 'pipe' });
  const output = execFileSync(
    'pgbench',
    ['-c', String(CLIENTS), '-j', String(os.cpus().length), '-T', String(SECONDS), '-n', target],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const match = /tps = ([\d.]+)/.exec(output);
  if (!match) throw new Error(`could not read pgbench output:\n${output}`);
  return { tps: Math.round(Number(match[1])) };
}

async function main(): Promise<void> {
  const admin = await adminUrl();
  await recreate(admin, BENCH_DB);
  await recreate(admin, PGBENCH_DB);
  const api = await benchApi(withDatabase(admin, BENCH_DB));
  const pgbench = benchPgbench(admin);
  const result = {
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      node: process.version,
      postgres: serverVersion,
    },
    clients: CLIENTS,
    seconds: SECONDS,
    postJournalEntry: api,
    pgbenchTpcB: pgbench,
    ratio: Math.round((api.perSecond / pgbench.tps) * 1000) / 1000,
  };
  fs.mkdirSync(path.join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(PROJECT_ROOT, 'bench', 'results', 'ledger-post.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(
    `| machine | ${result.machine.cores} cores, Node ${result.machine.node}, PostgreSQL ${result.machine.postgres} |`,
  );
  console.log('| measure | value |\n| --- | --- |');
  console.log(
    `| postJournalEntry via API, ${CLIENTS} clients | ${api.perSecond} entries/s (p50 ${api.p50} ms, p99 ${api.p99} ms, ${api.failures} failures) |`,
  );
  console.log(`| pgbench TPC-B-like, ${CLIENTS} clients | ${pgbench.tps} tps |`);
  console.log(`| ratio | ${result.ratio} |`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
