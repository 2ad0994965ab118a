/**
 * Live delivery: N WebSocket subscribers on one ticket queue while changes commit at a fixed rate.
 *
 *   npm run bench:live              (DATABASE_URL, or the embedded PostgreSQL)
 *   BENCH_LIVE_SUBSCRIBERS=200 BENCH_LIVE_SECONDS=5 npm run bench:live
 *
 * Standalone it runs 1,000 subscribers at 50 events/s for 20 s (delivery), then 5,000 subscribers
 * (memory, with a short 1 event/s liveness check), each against a server process of its own, on
 * `BENCH_DATABASE` when set (an existing benchmark database such as backdesk_bench_1; the run adds
 * about rate x seconds + 20 tickets to it), otherwise on a fresh `backdesk_bench_live` built at
 * scale 0.1. Writes bench/results/live.json and prints a Markdown table.
 *
 * What is measured, exactly:
 *
 * - Subscribers: N graphql-ws clients (protocol graphql-transport-ws), one WebSocket each,
 *   `connection_init` payload { authorization: "Bearer <token>" } signed in as agent@example.com,
 *   each subscribed to `ticketEvents(filter: { status: [NEW, OPEN] })` (the NEW/OPEN queue), and
 *   spread over BENCH_LIVE_WORKERS worker threads (default: the number of cores, at least 2) of
 *   this process, opened in batches (BENCH_LIVE_BATCH per worker at once, default 100). The run
 *   starts only when the server's own gauge `backdesk_subscriptions{kind="ticketEvents"}` (GET
 *   /metrics) shows all N subscriptions registered.
 *
 * - Writes: an open-loop writer (sends on schedule, whether or not earlier requests answered, so
 *   a slow server cannot slow the offered load) signed in as agent@example.com commits changes at
 *   `eventsPerSecond` through the HTTP API, cycling createTicket (CREATED, enters the queue as NEW),
 *   updateTicketStatus to OPEN on a ticket just created (NEW -> OPEN, stays in the queue) and
 *   replyToTicket on one of 20 OPEN tickets made before the run (stays in the queue). Each
 *   mutation records exactly one event, and every one of them concerns a ticket in the queue before
 *   or after the change, so every event is expected at every subscriber.
 *
 * - Full-scale warm-up: once all N are subscribed (and the memory is sampled), the writer runs at
 *   the run's rate for BENCH_LIVE_FULL_WARM_SECONDS (default 2) and its deliveries are scored on
 *   their own (`fullScaleWarmUp`), not counted in the run: the first events sent to N sockets
 *   find the server's and the subscribers' code for such a pass not yet compiled.
 *
 * - Expected events: the rows of the `event` table with seq after the last seq before the writer
 *   started, up to the last seq once every write answered, of stream type Ticket and whose
 *   before- or after-snapshot has status NEW or OPEN (the server's own queue rule). Expected
 *   deliveries = expected events x N. Delivered = distinct (subscriber, seq) pairs of expected
 *   events received before the drain ends: every expected delivery arrived, or none arrived for
 *   BENCH_LIVE_DRAIN_SECONDS (default 5), or BENCH_LIVE_MAX_DRAIN_SECONDS (default 60) passed
 *   since the last write answered. Lost = expected - delivered (so "lost" includes "not
 *   delivered within the drain"; subscribers that failed to connect count too). Duplicates and
 *   events out of seq order are counted separately.
 *
 * - Commit time. The exact commit instant is not observable from outside: the commit-order
 *   trigger (see the event migrations) stamps `occurredAt` with PostgreSQL's clock_timestamp()
 *   as it gives the seq, under the commit-order lock, as the transaction commits and before its
 *   WAL record is flushed; track_commit_timestamp is off. So the commit lies between two
 *   observable moments, both on this machine's wall clock (millisecond resolution):
 *     occurredAt  <=  commit  <=  ackAt
 *   where ackAt is when the writer had read the mutation's HTTP response (sent after COMMIT).
 *   Every (event, subscriber) delivery is recorded twice in HDR histograms (hdr-histogram-js, ms):
 *     `latency` (the headline) = receive - occurredAt: an upper bound of commit-to-client (it also
 *       counts the commit's own flush);
 *     `latencyFromAck` = receive - ackAt: a lower bound (negative values, when the subscriber saw
 *       the event before the writer saw its response, are recorded as 0 and counted).
 *   Until 2026-11-30 the server stamped `occurredAt` when the change was recorded, inside the
 *   transaction, so the headline also counted the rest of the writing transaction.
 *   "receive" is Date.now() in the subscriber's worker thread when graphql-ws hands it the
 *   `next` message (after JSON parsing of that one message).
 *
 * - Server memory per connection: the server is started with --inspect on a free loopback port
 *   (disable with BENCH_LIVE_GC=0); through the inspector protocol the benchmark forces full
 *   garbage collections (HeapProfiler.collectGarbage) and reads process.memoryUsage(). Baseline:
 *   after a warm-up (sign-in, setup writes, 20 WebSockets opened and subscribed while the writer
 *   runs at the run's rate for BENCH_LIVE_WARM_SECONDS, default 3, then closed), GC, settle 2 s,
 *   then RSS (from /proc) and V8 heapUsed. Loaded: after all N are
 *   connected and subscribed, settle BENCH_LIVE_SETTLE_MS (default 3000), GC, settle 1 s, again.
 *   rssPerConnection = (RSS loaded - RSS baseline) / N; heapPerConnection likewise with heapUsed.
 *   Without the inspector, only the settle pauses (documented in the result as gc: false).
 *
 * - Limits lifted for the benchmark (all from one IP): RATE_LIMIT_PER_TOKEN/IP (by
 *   startBackdeskProcess), LOGIN_ATTEMPTS=100000, SUBSCRIBER_QUEUE_LIMIT=1000000 (so a server
 *   that falls behind shows as latency instead of dropping subscribers with close code 1013; such
 *   closes would be reported). WebSocket connections themselves have no per-IP limit.
 *
 * The client is on the same machine: on 2 cores it competes with the server and PostgreSQL for
 * CPU. Each worker reports its event-loop delay during the event phase; the server's CPU time
 * during the event phase (from /proc) is reported beside it.
 */
import 'reflect-metadata';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { decodeGlobalId, toGlobalId } from '../src/graphql/global-id';
import { standaloneDatabase } from './data-set';
import { processCpuSeconds } from './writes';
import {
  adminDatabase,
  graphqlRequest,
  login,
  machine,
  startBackdeskProcess,
  writeResult,
  type GraphQLResult,
  type Machine,
  type ServerProcess,
  runScript,
} from './lib';
import type { CloseCount, FromWorker, LiveWorkerData, ToWorker } from './live-client';

const LIVE_DB = 'backdesk_bench_live';
const QUEUE = ['NEW', 'OPEN'];
const POOL_SIZE = 20;

const SUBSCRIPTION = `subscription Queue($filter: TicketFilter) {
  ticketEvents(filter: $filter) { cursor type occurredAt queue ticket { id number status version } }
}`;

export interface LiveOptions {
  databaseUrl: string;
  subscribers: number;
  /** Committed events per second (default 50); 0 measures memory only. */
  eventsPerSecond?: number;
  /** Seconds of writing (default 20). */
  seconds?: number;
  /** Worker threads holding the subscribers (default BENCH_LIVE_WORKERS, else cores, at least 2). */
  workers?: number;
  /**
   * Force full GCs through the server's inspector before the memory samples (default: on, unless
   * BENCH_LIVE_GC=0). Turn it off for a run that measures delivery: once a session has used the
   * inspector, the server stays slower (see bench/README.md, "Live"), so such a run samples RSS
   * after the settle pauses only.
   */
  forceGc?: boolean;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LiveResult {
  subscribers: number;
  workers: number;
  connected: number;
  connectFailures: number;
  connectSeconds: number;
  eventsPerSecond: number;
  seconds: number;
  writes: {
    sent: number;
    failures: number;
    failureSamples: string[];
    /** Writes not sent because 256 were already waiting for an answer. */
    skipped: number;
    achievedPerSecond: number;
    p50: number;
    p99: number;
  };
  /** Seconds from the last write's answer to the end of delivery (or the cut-off). */
  drainSeconds: number;
  events: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  unexpected: number;
  subscriptionErrors: number;
  subscriptionErrorSamples: string[];
  endedSubscriptions: number;
  socketCloses: CloseCount[];
  /** receive - occurredAt, ms: an upper bound of commit-to-client. */
  latency: LatencySummary;
  /** The writer's first seconds with all subscribers connected, not counted above. */
  fullScaleWarmUp: { seconds: number; events: number; delivered: number; latency: LatencySummary };
  /** receive - writer's ackAt, ms: a lower bound of commit-to-client. */
  latencyFromAck: LatencySummary & { beforeAck: number; unmatchedEvents: number };
  memory: {
    gc: boolean;
    rssBefore: number;
    rssAfter: number;
    rssPerConnection: number;
    heapBefore: number | null;
    heapAfter: number | null;
    heapPerConnection: number | null;
  };
  /** Server CPU time during the event phase over its wall time (1 = one full core). */
  serverCpu: number;
  clientLoopDelay: { p99: number; max: number };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number, got ${raw}`);
  return value;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A minimal Chrome DevTools protocol client for the server's inspector. */
class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.pending.get(message.id)?.(message.result);
    });
  }

  static async open(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Inspector(socket);
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`inspector ${method} timed out`)), 60_000);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(result);
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
  }

  async heapUsed(): Promise<number | null> {
    const answer = (await this.call('Runtime.evaluate', {
      expression: 'process.memoryUsage().heapUsed',
      returnByValue: true,
    })) as { result?: { value?: unknown } } | undefined;
    const value = answer?.result?.value;
    return typeof value === 'number' ? value : null;
  }

  close(): void {
    this.socket.close();
  }
}

interface MemorySample {
  rss: number;
  heap: number | null;
}

/** GC (when the inspector is there), settle, then RSS and heap. */
async function sampleMemory(
  server: ServerProcess,
  inspectPort: number | null,
  settleMs: number,
): Promise<MemorySample> {
  await sleep(settleMs);
  if (inspectPort === null) return { rss: server.rss(), heap: null };
  const inspector = await Inspector.open(inspectPort);
  try {
    await inspector.collectGarbage();
    await sleep(1000);
    return { rss: server.rss(), heap: await inspector.heapUsed() };
  } finally {
    inspector.close();
  }
}

/** The server's own count of open subscriptions of a kind, from GET /metrics. */
async function openSubscriptions(server: ServerProcess, kind: string): Promise<number> {
  const text = await (await fetch(server.graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  const match = new RegExp(`^backdesk_subscriptions\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function summary(histogram: hdr.Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: histogram.totalCount,
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.maxValue,
  };
}

// ---- the writer ---------------------------------------------------------------------------

const TICKET_FIELDS = 'ticket { id version } userErrors { code message }';
const CREATE = `mutation Create($input: CreateTicketInput!) { createTicket(input: $input) { ${TICKET_FIELDS} } }`;
const STATUS = `mutation Status($input: UpdateTicketStatusInput!) { updateTicketStatus(input: $input) { ${TICKET_FIELDS} } }`;
const REPLY = `mutation Reply($input: ReplyToTicketInput!) { replyToTicket(input: $input) { ${TICKET_FIELDS} } }`;

type TicketPayload = {
  ticket: { id: string; version: number } | null;
  userErrors: { code: string; message: string }[];
};

interface Ack {
  /** `<ticket primary key>:<version after the change>`, as the event row can be keyed. */
  key: string;
  ackAt: number;
}

class Writer {
  private readonly fresh: string[] = [];
  private pool: string[] = [];
  private next = 0;
  readonly acks: Ack[] = [];
  readonly latencies: number[] = [];
  readonly failureSamples = new Set<string>();
  failures = 0;
  skipped = 0;
  inFlight = 0;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly customers: string[],
  ) {}

  /** Sends one mutation; returns the ticket's global ID when it succeeded. */
  private async send(
    query: string,
    field: string,
    input: Record<string, unknown>,
  ): Promise<string | undefined> {
    const sent = Date.now();
    let result: GraphQLResult<Record<string, TicketPayload>>;
    try {
      result = await graphqlRequest<Record<string, TicketPayload>>(
        this.url,
        query,
        { input },
        this.token,
      );
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      return undefined;
    }
    const ackAt = Date.now();
    this.latencies.push(ackAt - sent);
    const payload = result.data?.[field];
    if (result.errors?.length || !payload?.ticket || payload.userErrors.length) {
      this.fail(JSON.stringify(result.errors ?? payload?.userErrors ?? result).slice(0, 300));
      return undefined;
    }
    const decoded = decodeGlobalId(payload.ticket.id);
    this.acks.push({ key: `${decoded?.key}:${payload.ticket.version}`, ackAt });
    return payload.ticket.id;
  }

  private fail(message: string): void {
    this.failures += 1;
    if (this.failureSamples.size < 5) this.failureSamples.add(message);
  }

  private create(i: number): Promise<string | undefined> {
    return this.send(CREATE, 'createTicket', {
      customerId: this.customers[i % this.customers.length],
      subject: `Live bench ${i}`,
      body: 'Where is my order?',
      channel: 'EMAIL',
    });
  }

  /** 20 OPEN tickets to reply on, made before anything is measured. */
  async setup(): Promise<void> {
    for (let i = 0; i < POOL_SIZE; i += 1) {
      const id = await this.create(i);
      if (id) await this.send(STATUS, 'updateTicketStatus', { ticketId: id, status: 'OPEN' });
      if (id) this.pool.push(id);
    }
    if (this.pool.length < POOL_SIZE)
      throw new Error(`could not set up tickets: ${[...this.failureSamples].join('; ')}`);
  }

  /** One step of the cycle create -> open a fresh ticket -> reply on a pool ticket. */
  async step(i: number): Promise<void> {
    switch (i % 3) {
      case 0: {
        const id = await this.create(i);
        if (id) this.fresh.push(id);
        return;
      }
      case 1: {
        const ticketId = this.fresh.shift() ?? this.pool[this.next++ % this.pool.length];
        await this.send(STATUS, 'updateTicketStatus', { ticketId, status: 'OPEN' });
        return;
      }
      default:
        await this.send(REPLY, 'replyToTicket', {
          ticketId: this.pool[this.next++ % this.pool.length],
          body: `Thanks, we are on it (${i}).`,
        });
    }
  }

  /** Open loop: step i is sent at start + i / rate, for `seconds`. */
  async run(rate: number, seconds: number): Promise<number> {
    this.acks.length = 0;
    this.latencies.length = 0;
    this.skipped = 0;
    const total = Math.round(rate * seconds);
    const started = Date.now();
    const running = new Set<Promise<void>>();
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      if (this.inFlight >= 256) {
        this.skipped += 1;
        continue;
      }
      this.inFlight += 1;
      const step = this.step(i).finally(() => {
        this.inFlight -= 1;
        running.delete(step);
      });
      running.add(step);
    }
    await Promise.all(running);
    return total - this.skipped;
  }
}

// ---- workers ------------------------------------------------------------------------------

class WorkerHandle {
  readonly worker: Worker;
  private readonly waiting: ((message: FromWorker) => void)[] = [];

  constructor(data: LiveWorkerData) {
    this.worker = new Worker(path.join(__dirname, 'live-client.js'), { workerData: data });
    this.worker.on('message', (message: FromWorker) => this.waiting.shift()?.(message));
    this.worker.on('error', (error) => console.error('live worker failed:', error));
  }

  request<T extends FromWorker['type']>(
    message: ToWorker,
    reply: T,
  ): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.waiting.push((answer) =>
        answer.type === reply
          ? resolve(answer as Extract<FromWorker, { type: T }>)
          : reject(new Error(`expected ${reply}, got ${answer.type}`)),
      );
      this.worker.postMessage(message);
    });
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message);
  }
}

interface ExpectedEvent {
  seq: number;
  key: string;
  occurredAt: number;
}

/**
 * Waits until the workers received `target` records, none arrived for `quietMs`, or `maxMs`
 * passed.
 */
async function drain(
  workers: WorkerHandle[],
  target: number,
  quietMs: number,
  maxMs: number,
): Promise<void> {
  const started = Date.now();
  let received = 0;
  let lastProgress = Date.now();
  while (received < target && Date.now() - lastProgress < quietMs && Date.now() - started < maxMs) {
    await sleep(100);
    const counts = await Promise.all(
      workers.map((worker) => worker.request({ type: 'progress' }, 'progress')),
    );
    const now = counts.reduce((sum, c) => sum + c.received, 0);
    if (now > received) lastProgress = Date.now();
    received = now;
  }
}

type Collected = Extract<FromWorker, { type: 'records' }>;

interface Scored {
  delivered: number;
  duplicates: number;
  unexpected: number;
  latency: LatencySummary;
  latencyFromAck: LiveResult['latencyFromAck'];
}

/** Scores every (expected event, subscriber) delivery in the workers' records. */
function score(
  expected: ExpectedEvent[],
  collected: Collected[],
  subscribers: number,
  acks: Writer['acks'],
): Scored {
  const ackAt = new Map(acks.map((ack) => [ack.key, ack.ackAt]));
  const index = new Map(expected.map((event, i) => [event.seq, i]));
  const seen = new Uint8Array(expected.length * subscribers);
  const histogramOptions = {
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3 as const,
  };
  const latency = hdr.build(histogramOptions);
  const fromAck = hdr.build(histogramOptions);
  let delivered = 0;
  let duplicates = 0;
  let unexpected = 0;
  let beforeAck = 0;
  for (const { records, count } of collected) {
    for (let r = 0; r < count; r += 1) {
      const subscriber = records[3 * r];
      const i = index.get(records[3 * r + 1]);
      const receivedAt = records[3 * r + 2];
      if (i === undefined) {
        unexpected += 1;
        continue;
      }
      const slot = i * subscribers + subscriber;
      if (seen[slot]) {
        duplicates += 1;
        continue;
      }
      seen[slot] = 1;
      delivered += 1;
      const event = expected[i];
      latency.recordValue(Math.max(0, receivedAt - event.occurredAt));
      const acked = ackAt.get(event.key);
      if (acked !== undefined) {
        if (receivedAt < acked) beforeAck += 1;
        fromAck.recordValue(Math.max(0, receivedAt - acked));
      }
    }
  }
  const unmatchedEvents = expected.filter((event) => !ackAt.has(event.key)).length;
  return {
    delivered,
    duplicates,
    unexpected,
    latency: summary(latency),
    latencyFromAck: { ...summary(fromAck), beforeAck, unmatchedEvents },
  };
}

async function maxSeq(databaseUrl: string): Promise<number> {
  const client = new PgClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ max: string | null }>(
      'SELECT max(seq) AS max FROM event',
    );
    return Number(rows[0].max ?? 0);
  } finally {
    await client.end();
  }
}

async function expectedEvents(
  databaseUrl: string,
  after: number,
  upTo: number,
): Promise<ExpectedEvent[]> {
  const client = new PgClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      seq: string;
      stream_id: string;
      type: string;
      version: string | null;
      occurred_at: Date;
    }>(
      `SELECT seq, stream_id, type, payload->>'version' AS version, occurred_at FROM event
        WHERE seq > $1 AND seq <= $2 AND stream_type = 'Ticket'
          AND (payload->'before'->>'status' = ANY($3) OR payload->'after'->>'status' = ANY($3))
        ORDER BY seq`,
      [after, upTo, QUEUE],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      key: `${row.stream_id}:${row.type === 'CREATED' ? 1 : (row.version ?? '?')}`,
      occurredAt: row.occurred_at.getTime(),
    }));
  } finally {
    await client.end();
  }
}

async function activeCustomers(databaseUrl: string): Promise<string[]> {
  const client = new PgClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM customer WHERE status = 'ACTIVE' ORDER BY id LIMIT 200`,
    );
    if (rows.length === 0) throw new Error('the database has no active customers');
    return rows.map((row) => toGlobalId('Customer', row.id));
  } finally {
    await client.end();
  }
}

/**
 * A few subscribers and the writer at the run's own rate for a few seconds, so that the run
 * measures a server whose write and delivery paths are compiled, as a long-running one's are,
 * and not the first seconds of a cold one.
 */
async function warmUp(
  server: ServerProcess,
  token: string,
  writer: Writer,
  rate: number,
): Promise<void> {
  const data: LiveWorkerData = {
    wsUrl: server.wsUrl,
    token,
    query: SUBSCRIPTION,
    variables: { filter: { status: QUEUE } },
    firstIndex: 0,
    subscribers: 20,
    batch: 20,
  };
  const worker = new WorkerHandle(data);
  try {
    const connected = await worker.request({ type: 'connect' }, 'connected');
    if (connected.failed) throw new Error(`warm-up failed: ${connected.errors.join('; ')}`);
    await waitFor(
      'warm-up subscriptions',
      async () => (await openSubscriptions(server, 'ticketEvents')) >= 20,
      30_000,
    );
    await writer.run(Math.max(rate, 1), envNumber('BENCH_LIVE_WARM_SECONDS', 3));
    if (writer.failures)
      throw new Error(`warm-up write failed: ${[...writer.failureSamples].join('; ')}`);
    await waitFor(
      'warm-up delivery',
      async () => (await worker.request({ type: 'progress' }, 'progress')).received >= 20,
      30_000,
    );
    await worker.request({ type: 'close' }, 'closed');
  } finally {
    await worker.worker.terminate();
  }
  await waitFor(
    'warm-up subscriptions to end',
    async () => (await openSubscriptions(server, 'ticketEvents')) === 0,
    30_000,
  );
}

/**
 * N subscribers on the NEW/OPEN queue, events committed at a fixed rate: delivery latency, loss
 * and server memory per connection (see the comment at the top of this file for definitions).
 */
export async function runLive(options: LiveOptions): Promise<LiveResult> {
  const subscribers = options.subscribers;
  const rate = options.eventsPerSecond ?? 50;
  const seconds = options.seconds ?? 20;
  const workerCount = Math.max(
    1,
    Math.min(
      subscribers,
      options.workers ?? envNumber('BENCH_LIVE_WORKERS', Math.max(2, os.cpus().length)),
    ),
  );
  const batch = envNumber('BENCH_LIVE_BATCH', 100);
  const settleMs = envNumber('BENCH_LIVE_SETTLE_MS', 3000);
  const drainMs = envNumber('BENCH_LIVE_DRAIN_SECONDS', 5) * 1000;
  const maxDrainMs = envNumber('BENCH_LIVE_MAX_DRAIN_SECONDS', 60) * 1000;
  const useGc = (options.forceGc ?? true) && process.env.BENCH_LIVE_GC !== '0';

  const inspectPort = useGc ? await freePort() : null;
  const previousNodeOptions = process.env.BENCH_SERVER_NODE_OPTIONS;
  if (inspectPort !== null)
    process.env.BENCH_SERVER_NODE_OPTIONS = `${previousNodeOptions ?? ''} --inspect=127.0.0.1:${inspectPort}`;
  let server: ServerProcess;
  try {
    server = await startBackdeskProcess(options.databaseUrl, {
      SUBSCRIBER_QUEUE_LIMIT: '1000000',
      LOGIN_ATTEMPTS: '100000',
    });
  } finally {
    if (previousNodeOptions === undefined) delete process.env.BENCH_SERVER_NODE_OPTIONS;
    else process.env.BENCH_SERVER_NODE_OPTIONS = previousNodeOptions;
  }
  // The server's recent output, to explain a failure.
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  server.child.stdout?.on('data', keep);
  server.child.stderr?.on('data', keep);
  let exited: string | undefined;
  server.child.once('exit', (code, signal) => (exited = signal ?? `code ${code}`));
  const serverCpuSeconds = () => {
    if (exited) throw new Error(`the server process ended during the run (${exited})`);
    return processCpuSeconds(server.child.pid as number);
  };
  const workers: WorkerHandle[] = [];
  try {
    const token = await login(server.graphqlUrl, 'agent@example.com');
    const writer = new Writer(server.graphqlUrl, token, await activeCustomers(options.databaseUrl));
    await writer.setup();
    await warmUp(server, token, writer, rate);
    const before = await sampleMemory(server, inspectPort, 2000);

    // Connect every subscriber, in batches, spread over the worker threads.
    const connectStarted = Date.now();
    for (let w = 0, first = 0; w < workerCount; w += 1) {
      const share = Math.floor(subscribers / workerCount) + (w < subscribers % workerCount ? 1 : 0);
      workers.push(
        new WorkerHandle({
          wsUrl: server.wsUrl,
          token,
          query: SUBSCRIPTION,
          variables: { filter: { status: QUEUE } },
          firstIndex: first,
          subscribers: share,
          batch,
        }),
      );
      first += share;
    }
    const connections = await Promise.all(
      workers.map((worker) => worker.request({ type: 'connect' }, 'connected')),
    );
    const connected = connections.reduce((sum, c) => sum + c.connected, 0);
    const connectFailures = connections.reduce((sum, c) => sum + c.failed, 0);
    if (connectFailures)
      console.warn(
        `${connectFailures} subscribers failed to connect: ${connections.flatMap((c) => c.errors).join('; ')}`,
      );
    await waitFor(
      `${connected} subscriptions on the server`,
      async () => (await openSubscriptions(server, 'ticketEvents')) >= connected,
      600_000,
      250,
    );
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    const after = await sampleMemory(server, inspectPort, settleMs);

    // A full-scale warm-up, scored on its own and not counted in the run: the first events
    // sent to all N subscribers find the server's and the subscribers' own code for a pass of N
    // sockets not yet compiled (see "Live delivery" in bench/README.md).
    const warmSeconds = rate > 0 ? envNumber('BENCH_LIVE_FULL_WARM_SECONDS', 2) : 0;
    const warmStartSeq = await maxSeq(options.databaseUrl);
    if (warmSeconds > 0) await writer.run(rate, warmSeconds);
    const warmExpected = await expectedEvents(
      options.databaseUrl,
      warmStartSeq,
      await maxSeq(options.databaseUrl),
    );
    await drain(workers, warmExpected.length * connected, 1000, maxDrainMs);
    const warmScored = score(
      warmExpected,
      await Promise.all(workers.map((worker) => worker.request({ type: 'collect' }, 'records'))),
      subscribers,
      writer.acks,
    );
    const warm = {
      seconds: warmSeconds,
      events: warmExpected.length,
      delivered: warmScored.delivered,
      latency: warmScored.latency,
    };

    // The event phase.
    const startSeq = await maxSeq(options.databaseUrl);
    for (const worker of workers) worker.send({ type: 'start' });
    const cpuBefore = serverCpuSeconds();
    const writeStarted = Date.now();
    const sent = rate > 0 ? await writer.run(rate, seconds) : 0;
    const writeSeconds = (Date.now() - writeStarted) / 1000;
    const endSeq = await maxSeq(options.databaseUrl);
    const expected = await expectedEvents(options.databaseUrl, startSeq, endSeq);

    // Drain: until every expected delivery arrived, none arrived for drainMs, or maxDrainMs
    // passed since the last write answered; what has not arrived by then counts as lost.
    const drainStarted = Date.now();
    await drain(workers, expected.length * connected, drainMs, maxDrainMs);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const serverCpu = (serverCpuSeconds() - cpuBefore) / ((Date.now() - writeStarted) / 1000);
    const collected = await Promise.all(
      workers.map((worker) => worker.request({ type: 'collect' }, 'records')),
    );

    const scored = score(expected, collected, subscribers, writer.acks);
    const closes = new Map<string, CloseCount>();
    for (const c of collected.flatMap((w) => w.closes)) {
      const key = `${c.code}:${c.reason}`;
      const entry = closes.get(key) ?? { ...c, count: 0 };
      entry.count += c.count;
      closes.set(key, entry);
    }
    writer.latencies.sort((a, b) => a - b);
    const pick = (q: number) =>
      writer.latencies.length
        ? writer.latencies[
            Math.min(writer.latencies.length - 1, Math.floor(q * writer.latencies.length))
          ]
        : 0;
    const result: LiveResult = {
      subscribers,
      workers: workerCount,
      connected,
      connectFailures,
      connectSeconds: Math.round(connectSeconds * 10) / 10,
      eventsPerSecond: rate,
      seconds,
      writes: {
        sent,
        failures: writer.failures,
        failureSamples: [...writer.failureSamples],
        skipped: writer.skipped,
        achievedPerSecond: Math.round((writer.acks.length / writeSeconds) * 10) / 10,
        p50: pick(0.5),
        p99: pick(0.99),
      },
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      events: expected.length,
      expectedDeliveries: expected.length * subscribers,
      delivered: scored.delivered,
      lost: expected.length * subscribers - scored.delivered,
      duplicates: scored.duplicates,
      outOfOrder: collected.reduce((sum, c) => sum + c.outOfOrder, 0),
      unexpected: scored.unexpected,
      subscriptionErrors: collected.reduce((sum, c) => sum + c.errors, 0),
      subscriptionErrorSamples: [...new Set(collected.flatMap((c) => c.errorSamples))].slice(0, 5),
      endedSubscriptions: collected.reduce((sum, c) => sum + c.ended, 0),
      socketCloses: [...closes.values()],
      latency: scored.latency,
      latencyFromAck: scored.latencyFromAck,
      fullScaleWarmUp: warm,
      memory: {
        gc: inspectPort !== null,
        rssBefore: before.rss,
        rssAfter: after.rss,
        rssPerConnection: Math.round((after.rss - before.rss) / Math.max(1, connected)),
        heapBefore: before.heap,
        heapAfter: after.heap,
        heapPerConnection:
          before.heap === null || after.heap === null
            ? null
            : Math.round((after.heap - before.heap) / Math.max(1, connected)),
      },
      serverCpu: Math.round(serverCpu * 100) / 100,
      clientLoopDelay: {
        p99: Math.max(...collected.map((c) => c.loopDelay.p99)),
        max: Math.max(...collected.map((c) => c.loopDelay.max)),
      },
    };
    await Promise.all(workers.map((worker) => worker.request({ type: 'close' }, 'closed')));
    return result;
  } catch (error) {
    const lines = output.split('\n').filter((line) => !line.includes('"request completed"'));
    console.error(`server output before the failure:\n${lines.slice(-15).join('\n')}`);
    throw error;
  } finally {
    await Promise.all(workers.map((worker) => worker.worker.terminate()));
    await server.stop();
  }
}

const kib = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 1024).toFixed(1)} KiB`);

export function liveTable(results: LiveResult[], host?: Machine): string {
  const header = `| measure | ${results.map((r) => `${r.subscribers} subscribers`).join(' | ')} |`;
  const rows: [string, (r: LiveResult) => string][] = [
    [
      'connected (failed), time to connect',
      (r) => `${r.connected} (${r.connectFailures}), ${r.connectSeconds} s`,
    ],
    [
      'events/s offered, committed',
      (r) =>
        `${r.eventsPerSecond}, ${r.writes.achievedPerSecond} (${r.writes.failures} failed writes)`,
    ],
    ['write latency p50 / p99', (r) => `${r.writes.p50} / ${r.writes.p99} ms`],
    [
      'events x subscribers expected',
      (r) => `${r.events} x ${r.subscribers} = ${r.expectedDeliveries}`,
    ],
    [
      'delivered / lost (drain after the last write)',
      (r) => `${r.delivered} / **${r.lost}** (${r.drainSeconds} s)`,
    ],
    [
      'duplicates, out of order, socket closes',
      (r) => `${r.duplicates}, ${r.outOfOrder}, ${r.socketCloses.reduce((s, c) => s + c.count, 0)}`,
    ],
    [
      'latency from occurredAt (upper bound): p50 / p99 / max',
      (r) => `${r.latency.p50} / **${r.latency.p99}** / ${r.latency.max} ms`,
    ],
    [
      'full-scale warm-up, not counted: events, p50 / p99 / max',
      (r) =>
        `${r.fullScaleWarmUp.events} in ${r.fullScaleWarmUp.seconds} s, ${r.fullScaleWarmUp.latency.p50} / ${r.fullScaleWarmUp.latency.p99} / ${r.fullScaleWarmUp.latency.max} ms`,
    ],
    [
      'latency from write ack (lower bound): p50 / p99 / max',
      (r) => `${r.latencyFromAck.p50} / ${r.latencyFromAck.p99} / ${r.latencyFromAck.max} ms`,
    ],
    [
      'server RSS per connection',
      (r) =>
        `**${kib(r.memory.rssPerConnection)}** (${(r.memory.rssBefore / 2 ** 20).toFixed(0)} -> ${(r.memory.rssAfter / 2 ** 20).toFixed(0)} MiB${r.memory.gc ? '' : ', no forced GC'})`,
    ],
    ['server V8 heap per connection', (r) => kib(r.memory.heapPerConnection)],
    ['server CPU during events (cores)', (r) => String(r.serverCpu)],
    [
      'client event-loop delay p99 / max',
      (r) => `${r.clientLoopDelay.p99} / ${r.clientLoopDelay.max} ms (${r.workers} threads)`,
    ],
  ];
  return [
    ...(host
      ? [
          `Machine: ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}, PostgreSQL ${host.postgres}.`,
          '',
        ]
      : []),
    header,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
    ...rows.map(([name, cell]) => `| ${name} | ${results.map(cell).join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const admin = await adminDatabase();
  try {
    const databaseUrl = await standaloneDatabase(admin.url, LIVE_DB);
    const host = await machine(databaseUrl);
    const runs: LiveOptions[] = [
      {
        databaseUrl,
        subscribers: envNumber('BENCH_LIVE_SUBSCRIBERS', 1000),
        eventsPerSecond: envNumber('BENCH_LIVE_EVENTS_PER_SECOND', 50),
        seconds: envNumber('BENCH_LIVE_SECONDS', 20),
        forceGc: false,
      },
      {
        databaseUrl,
        subscribers: envNumber('BENCH_LIVE_MEMORY_SUBSCRIBERS', 5000),
        eventsPerSecond: envNumber('BENCH_LIVE_MEMORY_EVENTS_PER_SECOND', 1),
        seconds: envNumber('BENCH_LIVE_MEMORY_SECONDS', 5),
      },
    ].filter((run) => run.subscribers > 0);
    const results: LiveResult[] = [];
    for (const run of runs) {
      console.log(
        `live: ${run.subscribers} subscribers, ${run.eventsPerSecond} events/s for ${run.seconds} s ...`,
      );
      results.push(await runLive(run));
    }
    const file = writeResult('live', { machine: host, runs: results });
    console.log(liveTable(results, host));
    for (const r of results) {
      if (r.writes.failureSamples.length)
        console.log(`\nwrite failures (${r.subscribers}): ${r.writes.failureSamples.join('; ')}`);
      if (r.subscriptionErrorSamples.length)
        console.log(
          `\nsubscription errors (${r.subscribers}): ${r.subscriptionErrorSamples.join('; ')}`,
        );
    }
    console.log(`\nwritten to ${file}`);
  } finally {
    await admin.stop();
  }
}

if (require.main === module) {
  runScript(main);
}
