/**
 * Writes through the API beside the database's own ceiling: `placeOrder` and `postJournalEntry`
 * per second, each from 16 concurrent clients (autocannon, closed loop: a connection sends its
 * next request when the previous one answered), then pgbench's TPC-B-like run on the same
 * PostgreSQL server.
 *
 *   npm run bench:writes            (DATABASE_URL, or the embedded PostgreSQL)
 *   BENCH_CLIENTS=16 BENCH_WRITE_SECONDS=15 npm run bench:writes
 *
 * Standalone it builds a fresh database `backdesk_bench_writes` at scale 0.1 (so writes never
 * touch the read benchmark's databases), or writes into `BENCH_DATABASE` when set (an existing
 * benchmark database that has served writes before: a database that has settled), starts the
 * built server in a process of its own, and writes bench/results/writes.json and prints a
 * Markdown table.
 *
 * Definitions:
 * - perSecond: requests that completed without a GraphQL error and without a user error, divided
 *   by the measured seconds (the phase's wall time, from the first send to the last answer).
 * - p50/p99: autocannon's latency of every answered request (failed ones included), in ms, from
 *   sending the HTTP request to having its whole answer.
 * - failures: answers with `errors`, with a non-empty `userErrors`, or that did not arrive.
 * - serverCpu: the server process's CPU seconds during the phase over its wall seconds (from
 *   /proc; 1 = one core busy): near 1 means the Node process, not PostgreSQL, is the limit.
 * - ratio: perSecond / pgbench tps. pgbench: `pgbench -i -s max(16, clients)` into its own database,
 *   then `pgbench -c clients -j min(cores, clients) -T seconds -n` (tps excluding connection time).
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { Client } from 'pg';
import { toGlobalId } from '../src/graphql/global-id';
import { standaloneDatabase } from './data-set';
import {
  adminDatabase,
  graphqlRequest,
  login,
  machine,
  ratio,
  recreateDatabase,
  runAutocannon,
  startBackdeskProcess,
  writeResult,
  type GraphQLResult,
  type Machine,
  type ServerProcess,
  runScript,
} from './lib';

const PGBENCH_DB = 'backdesk_bench_pgbench';

/** Clock ticks per second in /proc (USER_HZ: 100 on Linux whatever the kernel's HZ). */
const USER_HZ = 100;

/** CPU time (user + system) a process has used, in seconds, from /proc/<pid>/stat (Linux). */
export function processCpuSeconds(pid: number): number {
  if (!fs.existsSync(`/proc/${pid}/stat`))
    throw new Error(`process ${pid} has ended: the server stopped during the run`);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After "(command) ": state is field 3 of proc(5), utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}
const WRITES_DB = 'backdesk_bench_writes';

export interface WriteOptions {
  /** A URL with rights to create databases (for pgbench's own database). */
  adminUrl: string;
  /** The Backdesk database to write into (migrated and seeded: it needs customers, products with stock, accounts). */
  databaseUrl: string;
  /** Concurrent clients (default BENCH_CLIENTS, else 16). */
  clients?: number;
  /** Seconds per measured phase (default BENCH_WRITE_SECONDS, else 15). */
  seconds?: number;
}

export interface OperationResult {
  requests: number;
  succeeded: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  /** A few failure messages, for diagnosis. */
  failureSamples: string[];
  /** The server process's CPU time over the phase's wall time (1 = one core fully busy). */
  serverCpu: number;
}

export interface PgbenchResult {
  tps: number;
  scale: number;
  clients: number;
  threads: number;
  seconds: number;
}

export interface WriteResult {
  clients: number;
  seconds: number;
  placeOrder: OperationResult;
  postJournalEntry: OperationResult;
  pgbench: PgbenchResult;
  ratios: { placeOrder: number; postJournalEntry: number };
}

const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { id number } userErrors { code message } }
}`;

const POST_JOURNAL_ENTRY = `mutation Post($input: PostJournalEntryInput!) {
  postJournalEntry(input: $input) { journalEntry { id number } userErrors { code message } }
}`;

type Payload = { userErrors: { code: string; message: string }[] } | null | undefined;

/** Why a mutation's answer counts as a failure, or undefined when it succeeded. */
function failureOf(result: GraphQLResult, field: string): string | undefined {
  if (result.errors?.length)
    return `${String(result.errors[0].extensions?.code ?? 'ERROR')}: ${result.errors[0].message}`;
  const payload = result.data?.[field] as Payload;
  if (!payload) return 'no payload';
  if (payload.userErrors.length)
    return `${payload.userErrors[0].code}: ${payload.userErrors[0].message}`;
  return undefined;
}

/**
 * Runs `clients` closed loops for `seconds` (each connection sends its next request when the
 * previous one answered) with autocannon, as the reads are loaded: `body(n)` is the n-th
 * request's GraphQL body, and every answer is checked with `failureOf`. On 2 cores the client
 * shares the CPU with the server and PostgreSQL, as pgbench's C client does; a loop of `fetch`
 * calls took about a third of a core more than autocannon does, all of it taken from the two
 * being measured.
 */
async function closedLoop(
  server: ServerProcess,
  token: string,
  clients: number,
  seconds: number,
  field: string,
  body: (n: number) => { query: string; variables: Record<string, unknown> },
): Promise<OperationResult> {
  const samples = new Set<string>();
  let failed = 0;
  let sent = 0;
  const fail = (failure: string) => {
    failed += 1;
    if (samples.size < 5) samples.add(failure);
  };
  const load = (duration: number, check: (failure: string) => void) =>
    runAutocannon({
      url: server.graphqlUrl,
      connections: clients,
      duration,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          setupRequest: (request) => ({ ...request, body: JSON.stringify(body(sent++)) }),
          onResponse: (status, text) => {
            if (status !== 200) return check(`HTTP ${status}`);
            let answer: GraphQLResult;
            try {
              answer = JSON.parse(text) as GraphQLResult;
            } catch {
              return check('an answer that is not JSON');
            }
            const failure = failureOf(answer, field);
            if (failure !== undefined) check(failure);
          },
        },
      ],
    });
  // Warmed up as the reads are: the first seconds of a fresh server (code not yet optimised,
  // statements not yet prepared on each connection) are not its pace. Those writes are real.
  const warmupSeconds = Number(process.env.BENCH_WRITE_WARMUP_SECONDS ?? 2);
  if (warmupSeconds > 0) await load(warmupSeconds, () => undefined);
  const serverPid = server.child.pid as number;
  const cpuBefore = processCpuSeconds(serverPid);
  const started = performance.now();
  const result = await load(seconds, fail);
  const elapsed = (performance.now() - started) / 1000;
  const serverCpu = (processCpuSeconds(serverPid) - cpuBefore) / elapsed;
  // Requests that got no answer (connection errors, timeouts) failed too.
  const unanswered = result.errors + result.timeouts;
  if (unanswered > 0) samples.add(`${unanswered} without an answer`);
  const answered = result.requests.total;
  const succeeded = answered - failed;
  return {
    requests: answered + unanswered,
    succeeded,
    seconds: Math.round(elapsed * 100) / 100,
    perSecond: Math.round((succeeded / elapsed) * 10) / 10,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: failed + unanswered,
    failureSamples: [...samples],
    serverCpu: Math.round(serverCpu * 100) / 100,
  };
}

interface OrderInputs {
  customers: string[];
  products: string[];
}

/** Real, active customers and products with plenty of stock, as global IDs. */
async function orderInputs(databaseUrl: string): Promise<OrderInputs> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const customers = await client.query<{ id: string }>(
      `SELECT id FROM customer WHERE status = 'ACTIVE' ORDER BY id LIMIT 5000`,
    );
    const products = await client.query<{ id: string }>(
      `SELECT p.id FROM product p JOIN stock_level s ON s.product_id = p.id
        WHERE p.active AND s.on_hand - s.reserved >= 100000 ORDER BY p.id LIMIT 1000`,
    );
    if (customers.rowCount === 0 || (products.rowCount ?? 0) < 3)
      throw new Error(
        'the database needs active customers and at least 3 products with 100,000 units available (build it with buildBenchData)',
      );
    return {
      customers: customers.rows.map((row) => toGlobalId('Customer', row.id)),
      products: products.rows.map((row) => toGlobalId('Product', row.id)),
    };
  } finally {
    await client.end();
  }
}

async function benchPlaceOrder(
  server: ServerProcess,
  databaseUrl: string,
  clients: number,
  seconds: number,
): Promise<OperationResult> {
  // FULFILLMENT may place orders (Permissions.orders.place: SUPPORT_*, FULFILLMENT, and ADMIN).
  const { graphqlUrl } = server;
  const token = await login(graphqlUrl, 'warehouse@example.com');
  const { customers, products } = await orderInputs(databaseUrl);
  const run = `${process.pid}-${Date.now().toString(36)}`;
  // Spread over customers and the catalogue, 1 to 3 distinct products per order.
  const stride = Math.max(1, Math.floor(products.length / 3));
  return closedLoop(server, token, clients, seconds, 'placeOrder', (n) => {
    const first = (n * 131) % products.length;
    return {
      query: PLACE_ORDER,
      variables: {
        input: {
          customerId: customers[(n * 7919) % customers.length],
          lines: Array.from({ length: 1 + (n % 3) }, (_, k) => ({
            productId: products[(first + k * stride) % products.length],
            quantity: 1 + ((n + k) % 5),
          })),
          note: 'bench',
          idempotencyKey: `bench-writes-${run}-${n}`,
        },
      },
    };
  });
}

async function benchPostJournalEntry(
  server: ServerProcess,
  clients: number,
  seconds: number,
): Promise<OperationResult> {
  const { graphqlUrl } = server;
  const token = await login(graphqlUrl, 'accountant@example.com');
  const accounts = await graphqlRequest<{ accounts: { nodes: { id: string }[] } }>(
    graphqlUrl,
    '{ accounts(first: 100) { nodes { id } } }',
    {},
    token,
  );
  const ids = accounts.data?.accounts.nodes.map((node) => node.id) ?? [];
  if (ids.length < 4) throw new Error(`too few accounts: ${JSON.stringify(accounts)}`);
  return closedLoop(server, token, clients, seconds, 'postJournalEntry', (n) => {
    const amount = `${1 + (n % 997)}.${String(n % 100).padStart(2, '0')}`;
    return {
      query: POST_JOURNAL_ENTRY,
      variables: {
        input: {
          date: new Date().toISOString().slice(0, 10),
          memo: 'bench',
          lines: [
            { accountId: ids[n % ids.length], debit: amount },
            { accountId: ids[(n + 3) % ids.length], credit: amount },
          ],
        },
      },
    };
  });
}

/** pgbench TPC-B-like on its own database of the same PostgreSQL server. */
async function benchPgbench(
  adminUrl: string,
  clients: number,
  seconds: number,
): Promise<PgbenchResult> {
  const target = await recreateDatabase(adminUrl, PGBENCH_DB);
  const scale = Math.max(16, clients); // at least one branch row per client, as TPC-B intends
  const threads = Math.max(1, Math.min(os.cpus().length, clients));
  execFileSync('pgbench', ['-i', '-q', '-s', String(scale), target], { stdio: 'pipe' });
  const output = execFileSync(
    'pgbench',
    ['-c', String(clients), '-j', String(threads), '-T', String(seconds), '-n', target],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const match = /tps = ([\d.]+)/.exec(output);
  if (!match) throw new Error(`could not read pgbench output:\n${output}`);
  return { tps: Math.round(Number(match[1])), scale, clients, threads, seconds };
}

/**
 * placeOrder, then postJournalEntry, each for `seconds` from `clients` concurrent clients through
 * the API (the built server started as its own process), then pgbench on the same PostgreSQL.
 */
export async function runWrites(options: WriteOptions): Promise<WriteResult> {
  const clients = options.clients ?? Number(process.env.BENCH_CLIENTS ?? 16);
  const seconds = options.seconds ?? Number(process.env.BENCH_WRITE_SECONDS ?? 15);
  const server = await startBackdeskProcess(options.databaseUrl, { LOGIN_ATTEMPTS: '100000' });
  let placeOrder: OperationResult;
  let postJournalEntry: OperationResult;
  try {
    placeOrder = await benchPlaceOrder(server, options.databaseUrl, clients, seconds);
    postJournalEntry = await benchPostJournalEntry(server, clients, seconds);
  } finally {
    await server.stop();
  }
  const pgbench = await benchPgbench(options.adminUrl, clients, seconds);
  return {
    clients,
    seconds,
    placeOrder,
    postJournalEntry,
    pgbench,
    ratios: {
      placeOrder: ratio(placeOrder.perSecond, pgbench.tps),
      postJournalEntry: ratio(postJournalEntry.perSecond, pgbench.tps),
    },
  };
}

export function writesTable(result: WriteResult, host?: Machine): string {
  const row = (name: string, op: OperationResult) =>
    `| \`${name}\` via the API, ${result.clients} clients | ${op.perSecond}/s (p50 ${op.p50} ms, p99 ${op.p99} ms, ${op.failures} failures of ${op.requests}; server CPU ${op.serverCpu} cores) |`;
  return [
    ...(host
      ? [
          `Machine: ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}, PostgreSQL ${host.postgres}; ${result.seconds} s per phase.`,
          '',
        ]
      : []),
    '| measure | value |',
    '| --- | --- |',
    row('placeOrder', result.placeOrder),
    row('postJournalEntry', result.postJournalEntry),
    `| pgbench TPC-B-like (-s ${result.pgbench.scale} -c ${result.pgbench.clients} -j ${result.pgbench.threads}) | ${result.pgbench.tps} tps |`,
    `| ratio placeOrder / pgbench | ${result.ratios.placeOrder} |`,
    `| ratio postJournalEntry / pgbench | ${result.ratios.postJournalEntry} |`,
  ].join('\n');
}

async function main(): Promise<void> {
  const admin = await adminDatabase();
  try {
    const databaseUrl = await standaloneDatabase(admin.url, WRITES_DB);
    const host = await machine(databaseUrl);
    const result = await runWrites({ adminUrl: admin.url, databaseUrl });
    const file = writeResult('writes', { machine: host, ...result });
    console.log(writesTable(result, host));
    for (const [name, op] of [
      ['placeOrder', result.placeOrder],
      ['postJournalEntry', result.postJournalEntry],
    ] as const)
      if (op.failureSamples.length)
        console.log(`\n${name} failures, for example: ${op.failureSamples.join('; ')}`);
    console.log(`\nwritten to ${file}`);
  } finally {
    await admin.stop();
  }
}

if (require.main === module) {
  runScript(main);
}
