/**
 * Reads beside two peers: the four read operations of `schema/operations/bench.graphql`
 * (BenchCustomer360, BenchTicketQueue first 50, BenchOrdersPage first 50, BenchTrialBalance)
 * answered by
 *
 * - backdesk: our server (`dist/src/main.js` in a process of its own, signed in as the admin,
 *   bearer token on every request);
 * - raw: the raw-SQL ceiling (`raw-server.ts`: node:http + pg, one SQL statement per answer that
 *   builds the whole JSON in PostgreSQL);
 * - postgraphile: PostGraphile v5, Amber preset, under Node 22 (`postgraphile/`), WITHOUT auth;
 *
 * each loaded by autocannon (closed loop, fixed connections, keep-alive) for a fixed time, one
 * operation and one target at a time. Before any load, every target answers every operation (the
 * Customer 360 once per customer of the set) and the answers are compared; a difference fails
 * the run.
 *
 *   npm run bench:reads      (DATABASE_URL's server, database backdesk_bench_1; BENCH_DATABASE overrides)
 *
 * Environment: BENCH_READ_CONNECTIONS (16), BENCH_READ_SECONDS (20), BENCH_READ_WARMUP_SECONDS (2),
 * BENCH_READ_ROUNDS (4), BENCH_READ_CUSTOMERS (50: how many customers Customer 360 cycles
 * through), BENCH_READ_TARGETS (backdesk,raw,postgraphile), BENCH_READ_OPERATIONS (all four).
 *
 * Rounds: these virtual machines drift by 10-30% within minutes, so the targets are not loaded
 * one after the other for the whole time. Each operation warms every target up, then loads them
 * in BENCH_READ_ROUNDS rounds of seconds/rounds each, in turn, every other round in reverse
 * order (backdesk, raw, postgraphile, then postgraphile, raw, backdesk): a drift during the
 * operation's runs weighs on all targets alike.
 *
 * Definitions: requestsPerSecond = completed requests / measured seconds (all rounds); p50 =
 * the rounds' p50s averaged, weighted by their requests; p99 = the highest of the rounds' p99s
 * (autocannon's latency percentiles, ms); errors = connection errors and timeouts; non2xx = HTTP statuses
 * outside 2xx; graphqlErrors = 2xx answers whose body holds `"errors":[` (autocannon mismatches).
 * Ratios are requests per second, ours / theirs.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../src/config';
import { toGlobalId } from '../src/graphql/global-id';
import {
  adminDatabase,
  databaseExists,
  login,
  machine,
  ratio,
  runAutocannon,
  startBackdeskProcess,
  withDatabase,
  writeResult,
  type Machine,
  runScript,
} from './lib';
import { POSTGRAPHILE_OPERATIONS, startPostGraphile } from './postgraphile';
import { startRawServerProcess } from './raw-server';

/**
 * Measured seconds per operation and target, and the rounds they are split into. Ten seconds in
 * two rounds left a ratio to the raw ceiling moving by a fifth between runs minutes apart (0.37
 * to 0.47 for customer 360): the machines drift, raw SQL as much as ours. Four rounds of five
 * seconds interleave the targets more finely and average more of the drift out.
 */
const READ_SECONDS = 20;
const READ_ROUNDS = 4;

export const OPERATIONS = ['customer360', 'ticketQueue', 'ordersPage', 'trialBalance'] as const;
export type Operation = (typeof OPERATIONS)[number];
export const TARGET_KINDS = ['backdesk', 'raw', 'postgraphile'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

const OPERATION_NAMES: Record<Operation, string> = {
  customer360: 'BenchCustomer360',
  ticketQueue: 'BenchTicketQueue',
  ordersPage: 'BenchOrdersPage',
  trialBalance: 'BenchTrialBalance',
};
const PAGE_SIZE = 50;
const ADMIN_EMAIL = 'admin@example.com';

export interface ReadTarget {
  kind: TargetKind;
  /** backdesk, postgraphile: the GraphQL endpoint; raw: the server's origin. */
  url: string;
  /** The `authorization` header value (Backdesk: `Bearer <token>`). */
  authorization?: string;
}

/** What the operations are asked about, read from the database once. */
export interface ReadFixture {
  /** Customers with orders and open tickets (those with a receivable balance first). */
  customerIds: number[];
  /** Accounts Receivable (code 1100): PostGraphile's Customer 360 asks for its lines. */
  receivableAccountId: number;
}

export interface OperationStats {
  requestsPerSecond: number;
  /** Latency in ms. */
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  graphqlErrors: number;
}

export interface RunReadsOptions {
  target: ReadTarget;
  fixture: ReadFixture;
  /** Concurrent connections (default BENCH_READ_CONNECTIONS, else 16). */
  connections?: number;
  /** Measured seconds per operation (default BENCH_READ_SECONDS, else 10). */
  seconds?: number;
  /** Unmeasured seconds before each measurement (default BENCH_READ_WARMUP_SECONDS, else 2). */
  warmupSeconds?: number;
  /** Which operations (default all four, in order). */
  operations?: readonly Operation[];
}

function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  return value ? Number(value) : fallback;
}

// ---- the requests ----

let backdeskDocuments: Record<Operation, string> | undefined;

/** Each operation of `bench.graphql` as a standalone document (what a client would send). */
function backdeskDocument(operation: Operation): string {
  if (!backdeskDocuments) {
    const file = path.join(PROJECT_ROOT, 'schema', 'operations', 'bench.graphql');
    const definitions = parse(fs.readFileSync(file, 'utf8')).definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const byName = new Map(definitions.map((d) => [d.name?.value, print(d)]));
    const documents = {} as Record<Operation, string>;
    for (const op of OPERATIONS) {
      const document = byName.get(OPERATION_NAMES[op]);
      if (!document) throw new Error(`${file} has no operation ${OPERATION_NAMES[op]}`);
      documents[op] = document;
    }
    backdeskDocuments = documents;
  }
  return backdeskDocuments[operation];
}

interface HttpRequest {
  method: 'GET' | 'POST';
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The request a target gets for an operation (`customerId` for Customer 360). */
export function requestFor(
  target: ReadTarget,
  operation: Operation,
  fixture: ReadFixture,
  customerId: number,
): HttpRequest {
  if (target.kind === 'raw') {
    const paths: Record<Operation, string> = {
      customer360: `/customer360?id=${customerId}`,
      ticketQueue: `/ticket-queue?first=${PAGE_SIZE}`,
      ordersPage: `/orders-page?first=${PAGE_SIZE}`,
      trialBalance: '/trial-balance',
    };
    return { method: 'GET', url: `${target.url}${paths[operation]}`, headers: {} };
  }
  let body: { query: string; variables: Record<string, unknown> };
  if (target.kind === 'backdesk') {
    const variables: Record<Operation, Record<string, unknown>> = {
      customer360: { id: toGlobalId('Customer', customerId) },
      ticketQueue: { first: PAGE_SIZE },
      ordersPage: { first: PAGE_SIZE },
      trialBalance: {},
    };
    body = { query: backdeskDocument(operation), variables: variables[operation] };
  } else {
    const variables: Record<Operation, Record<string, unknown>> = {
      customer360: {
        id: String(customerId),
        receivableAccountId: String(fixture.receivableAccountId),
      },
      ticketQueue: { first: PAGE_SIZE },
      ordersPage: { first: PAGE_SIZE },
      trialBalance: {},
    };
    body = { query: POSTGRAPHILE_OPERATIONS[operation], variables: variables[operation] };
  }
  return {
    method: 'POST',
    url: target.url,
    headers: {
      'content-type': 'application/json',
      ...(target.authorization ? { authorization: target.authorization } : {}),
    },
    body: JSON.stringify(body),
  };
}

// ---- the answers, reduced to what must agree ----

interface Amount {
  amount: string;
}
interface Nodes<T> {
  nodes: T[];
}
interface OursLine {
  quantity: number;
  unitPrice: Amount;
  total?: Amount;
  product: { sku: string; name: string };
}
interface OursOrder {
  number: string;
  status: string;
  createdAt: string;
  total: Amount;
  customer?: { name: string };
  lines: OursLine[];
}
interface OursTicket {
  number: string;
  subject: string;
  status: string;
  priority: string;
  nextDueAt?: string | null;
  customer?: { name: string };
  assignee?: { name: string } | null;
  order?: { number: string; status: string } | null;
  lastMessage?: { body: string; createdAt: string } | null;
}
interface OursPageInfo {
  hasNextPage: boolean;
}
/** Backdesk's `data`, and the raw server's (shaped the same). */
interface OursData {
  customer?: {
    name: string;
    email: string;
    company: string | null;
    balance: Amount & { currency: string };
    orders: Nodes<OursOrder>;
    tickets: Nodes<OursTicket>;
  } | null;
  tickets?: Nodes<OursTicket> & { pageInfo: OursPageInfo };
  orders?: Nodes<OursOrder> & { pageInfo: OursPageInfo };
  trialBalance?: {
    rows: {
      account: { code: string; name: string; type: string };
      debit: Amount;
      credit: Amount;
    }[];
    totalDebit: Amount;
    totalCredit: Amount;
  };
}

interface PgLine {
  quantity: number;
  unitPriceMinor: string;
  totalMinor?: string;
  product: { sku: string; name: string };
}
interface PgOrder {
  number: string;
  status: string;
  createdAt: string;
  totalMinor: string;
  customer?: { name: string };
  lines: Nodes<PgLine>;
}
interface PgTicket {
  number: string;
  subject: string;
  status: string;
  priority: string;
  nextDueAt?: string;
  customer?: { name: string };
  assignee?: { name: string } | null;
  order?: { number: string; status: string } | null;
  lastMessage?: Nodes<{ body: string; createdAt: string }>;
}
interface PgData {
  customer?: {
    name: string;
    email: string;
    company: string | null;
    orders: Nodes<PgOrder>;
    tickets: Nodes<PgTicket>;
  } | null;
  receivableLines?: Nodes<{ debitMinor: string; creditMinor: string }>;
  tickets?: Nodes<PgTicket> & { pageInfo: OursPageInfo };
  orders?: Nodes<PgOrder> & { pageInfo: OursPageInfo };
  accounts?: Nodes<{ code: string; name: string; type: string; balanceMinor: string }>;
}

/** 123456n → "1234.56" (as `formatMinorUnits`). */
function decimal(minor: bigint | string): string {
  const value = BigInt(minor);
  const absolute = value < 0n ? -value : value;
  return `${value < 0n ? '-' : ''}${absolute / 100n}.${(absolute % 100n).toString().padStart(2, '0')}`;
}

/** An instant to whole seconds (the peers print micro- or milliseconds). */
function second(iso: string | null | undefined): string {
  if (!iso) return '-';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return `invalid:${iso}`;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** Backdesk's "no deadline" (9999-12-31) reads as null. */
function dueAt(iso: string | null | undefined): string {
  const value = second(iso);
  return value.startsWith('9999-12-31') ? '-' : value;
}

const line = (parts: (string | number | boolean | null | undefined)[]) =>
  parts.map((part) => (part === null || part === undefined ? '-' : String(part))).join(' | ');

function oursOrder(order: OursOrder, withTotals: boolean): string {
  return line([
    order.number,
    order.status,
    second(order.createdAt),
    order.total.amount,
    order.customer?.name,
    order.lines
      .map(
        (l) =>
          `${l.product.sku} ${l.product.name} x${l.quantity} @${l.unitPrice.amount}${withTotals ? ` =${l.total?.amount}` : ''}`,
      )
      .join(', '),
  ]);
}

function pgOrder(order: PgOrder, withTotals: boolean): string {
  return line([
    order.number,
    order.status,
    second(order.createdAt),
    decimal(order.totalMinor),
    order.customer?.name,
    order.lines.nodes
      .map(
        (l) =>
          `${l.product.sku} ${l.product.name} x${l.quantity} @${decimal(l.unitPriceMinor)}${withTotals ? ` =${decimal(l.totalMinor ?? '0')}` : ''}`,
      )
      .join(', '),
  ]);
}

/** What must agree between the targets; `{ missing: true }` when the answer lacks its object. */
export type Comparable = Record<string, unknown>;

/** Whether an answer has something to compare: its object, and non-empty lists. */
function substantive(answer: Comparable): boolean {
  if (answer.missing) return false;
  return Object.values(answer).every((value) => !Array.isArray(value) || value.length > 0);
}

/** What must agree, from Backdesk's or the raw server's `data`. */
export function comparableOurs(operation: Operation, data: OursData): Comparable {
  switch (operation) {
    case 'customer360': {
      const c = data.customer;
      if (!c) return { missing: true };
      return {
        name: c.name,
        email: c.email,
        company: c.company,
        balance: c.balance.amount,
        orders: c.orders.nodes.map((o) => oursOrder(o, false)),
        tickets: c.tickets.nodes.map((t) => line([t.number, t.status, t.priority, t.subject])),
      };
    }
    case 'ticketQueue': {
      const page = data.tickets;
      if (!page) return { missing: true };
      return {
        tickets: page.nodes.map((t) =>
          line([
            t.number,
            t.status,
            t.priority,
            t.subject,
            dueAt(t.nextDueAt),
            t.customer?.name,
            t.assignee?.name,
            t.order ? `${t.order.number} ${t.order.status}` : null,
            t.lastMessage ? `${t.lastMessage.body} @${second(t.lastMessage.createdAt)}` : null,
          ]),
        ),
        hasNextPage: page.pageInfo.hasNextPage,
      };
    }
    case 'ordersPage': {
      const page = data.orders;
      if (!page) return { missing: true };
      return {
        orders: page.nodes.map((o) => oursOrder(o, true)),
        hasNextPage: page.pageInfo.hasNextPage,
      };
    }
    case 'trialBalance': {
      const tb = data.trialBalance;
      if (!tb) return { missing: true };
      return {
        rows: tb.rows.map((r) =>
          line([r.account.code, r.account.name, r.account.type, r.debit.amount, r.credit.amount]),
        ),
        totalDebit: tb.totalDebit.amount,
        totalCredit: tb.totalCredit.amount,
      };
    }
  }
}

/** What must agree, from PostGraphile's `data` (the client-side arithmetic is here). */
export function comparablePostGraphile(operation: Operation, data: PgData): Comparable {
  switch (operation) {
    case 'customer360': {
      const c = data.customer;
      if (!c) return { missing: true };
      const balance = (data.receivableLines?.nodes ?? []).reduce(
        (sum, l) => sum + BigInt(l.debitMinor) - BigInt(l.creditMinor),
        0n,
      );
      return {
        name: c.name,
        email: c.email,
        company: c.company,
        balance: decimal(balance),
        orders: c.orders.nodes.map((o) => pgOrder(o, false)),
        tickets: c.tickets.nodes.map((t) => line([t.number, t.status, t.priority, t.subject])),
      };
    }
    case 'ticketQueue': {
      const page = data.tickets;
      if (!page) return { missing: true };
      return {
        tickets: page.nodes.map((t) => {
          const last = t.lastMessage?.nodes[0];
          return line([
            t.number,
            t.status,
            t.priority,
            t.subject,
            dueAt(t.nextDueAt),
            t.customer?.name,
            t.assignee?.name,
            t.order ? `${t.order.number} ${t.order.status}` : null,
            last ? `${last.body} @${second(last.createdAt)}` : null,
          ]);
        }),
        hasNextPage: page.pageInfo.hasNextPage,
      };
    }
    case 'ordersPage': {
      const page = data.orders;
      if (!page) return { missing: true };
      return {
        orders: page.nodes.map((o) => pgOrder(o, true)),
        hasNextPage: page.pageInfo.hasNextPage,
      };
    }
    case 'trialBalance': {
      const accounts = data.accounts?.nodes;
      if (!accounts) return { missing: true };
      let totalDebit = 0n;
      let totalCredit = 0n;
      const rows = accounts.map((a) => {
        const net = BigInt(a.balanceMinor);
        const debit = net > 0n ? net : 0n;
        const credit = net < 0n ? -net : 0n;
        totalDebit += debit;
        totalCredit += credit;
        return line([a.code, a.name, a.type, decimal(debit), decimal(credit)]);
      });
      return { rows, totalDebit: decimal(totalDebit), totalCredit: decimal(totalCredit) };
    }
  }
}

/** Sends one request and returns the comparable answer; throws on an HTTP or GraphQL error. */
export async function answerOf(
  target: ReadTarget,
  operation: Operation,
  fixture: ReadFixture,
  customerId: number,
): Promise<Comparable> {
  const request = requestFor(target, operation, fixture, customerId);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new Error(`${target.kind} ${operation}: ${request.method} ${request.url} failed${cause}`);
  }
  const text = await response.text();
  let payload: { data?: unknown; errors?: unknown[] };
  try {
    payload = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
  } catch {
    throw new Error(
      `${target.kind} ${operation}: HTTP ${response.status}, not JSON: ${text.slice(0, 300)}`,
    );
  }
  if (!response.ok || payload.errors?.length || !payload.data) {
    throw new Error(`${target.kind} ${operation}: HTTP ${response.status}: ${text.slice(0, 600)}`);
  }
  return target.kind === 'postgraphile'
    ? comparablePostGraphile(operation, payload.data as PgData)
    : comparableOurs(operation, payload.data as OursData);
}

/** The first place two comparable answers differ, or undefined when they agree. */
function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        at ? `${at}.${key}` : key,
      );
      if (found) return found;
    }
    return undefined;
  }
  return a === b ? undefined : `${at || '(root)'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

export interface EquivalenceReport {
  /** Answers compared per operation (per target pair). */
  compared: Record<Operation, number>;
}

/**
 * Asks every target every operation (Customer 360 for each customer of the fixture) and compares
 * each answer with the first target's (Backdesk's when present). Throws on the first difference.
 */
export async function checkEquivalence(
  targets: readonly ReadTarget[],
  fixture: ReadFixture,
  operations: readonly Operation[] = OPERATIONS,
): Promise<EquivalenceReport> {
  const compared = Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<Operation, number>;
  const [reference, ...others] = [...targets].sort(
    (a, b) => TARGET_KINDS.indexOf(a.kind) - TARGET_KINDS.indexOf(b.kind),
  );
  for (const operation of operations) {
    const customers = operation === 'customer360' ? fixture.customerIds : [0];
    for (const customerId of customers) {
      const expected = await answerOf(reference, operation, fixture, customerId);
      if (!substantive(expected)) {
        throw new Error(
          `${reference.kind} ${operation}${customerId ? ` (customer ${customerId})` : ''} answered nothing to compare: ${JSON.stringify(expected)}`,
        );
      }
      for (const other of others) {
        const actual = await answerOf(other, operation, fixture, customerId);
        const difference = firstDifference(expected, actual);
        if (difference) {
          throw new Error(
            `NOT EQUIVALENT: ${operation}${customerId ? ` (customer ${customerId})` : ''}, ${reference.kind} vs ${other.kind} at ${difference}`,
          );
        }
        compared[operation]++;
      }
    }
  }
  return { compared };
}

// ---- the load ----

function autocannonOptions(
  target: ReadTarget,
  operation: Operation,
  fixture: ReadFixture,
  connections: number,
  seconds: number,
): autocannon.Options {
  const first = requestFor(target, operation, fixture, fixture.customerIds[0]);
  const base: autocannon.Options = {
    url: first.url,
    connections,
    duration: seconds,
    timeout: 30,
    // A 2xx answer carrying GraphQL errors counts as a mismatch.
    verifyBody: (body) => typeof body !== 'string' || !body.includes('"errors":['),
  };
  if (operation !== 'customer360') {
    return {
      ...base,
      method: first.method,
      headers: first.headers,
      ...(first.body !== undefined ? { body: first.body } : {}),
    };
  }
  // Customer 360: each connection cycles through the customers (requests built once, up front).
  return {
    ...base,
    requests: fixture.customerIds.map((id) => {
      const request = requestFor(target, operation, fixture, id);
      const requestUrl = new URL(request.url);
      return {
        method: request.method,
        path: `${requestUrl.pathname}${requestUrl.search}`,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
      };
    }),
  };
}

function statsOf(result: autocannon.Result): OperationStats {
  const requests = result.requests.total;
  return {
    requestsPerSecond: Math.round((requests / Math.max(result.duration, 0.001)) * 10) / 10,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors: result.mismatches,
  };
}

/** One target's figures for an operation over several rounds (see the definitions above). */
function combined(rounds: readonly OperationStats[]): OperationStats {
  const sum = (pick: (stats: OperationStats) => number) =>
    rounds.reduce((total, stats) => total + pick(stats), 0);
  const requests = sum((stats) => stats.requests);
  const seconds = sum((stats) => stats.requests / Math.max(stats.requestsPerSecond, 0.001));
  return {
    requestsPerSecond: Math.round((requests / Math.max(seconds, 0.001)) * 10) / 10,
    p50: Math.round((sum((stats) => stats.p50 * stats.requests) / Math.max(requests, 1)) * 10) / 10,
    p99: Math.max(...rounds.map((stats) => stats.p99)),
    requests,
    errors: sum((stats) => stats.errors),
    timeouts: sum((stats) => stats.timeouts),
    non2xx: sum((stats) => stats.non2xx),
    graphqlErrors: sum((stats) => stats.graphqlErrors),
  };
}

/** Loads one target with each operation in turn; returns the figures per operation. */
export async function runReads(
  options: RunReadsOptions,
): Promise<Partial<Record<Operation, OperationStats>>> {
  const connections = options.connections ?? envNumber('BENCH_READ_CONNECTIONS', 16);
  const seconds = options.seconds ?? envNumber('BENCH_READ_SECONDS', READ_SECONDS);
  const warmupSeconds = options.warmupSeconds ?? envNumber('BENCH_READ_WARMUP_SECONDS', 2);
  const results: Partial<Record<Operation, OperationStats>> = {};
  for (const operation of options.operations ?? OPERATIONS) {
    if (warmupSeconds > 0) {
      await runAutocannon(
        autocannonOptions(options.target, operation, options.fixture, connections, warmupSeconds),
      );
    }
    const result = await runAutocannon(
      autocannonOptions(options.target, operation, options.fixture, connections, seconds),
    );
    results[operation] = statsOf(result);
  }
  return results;
}

// ---- the targets ----

/** Customers with orders and open tickets: those with receivable lines first, then a spread. */
export async function loadFixture(databaseUrl: string, customers?: number): Promise<ReadFixture> {
  const count = customers ?? envNumber('BENCH_READ_CUSTOMERS', 50);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const account = await client.query<{ id: string }>(
      "SELECT id FROM account WHERE code = '1100'",
    );
    if (account.rowCount !== 1) throw new Error('no Accounts Receivable (1100) account');
    const { rows } = await client.query<{ id: string }>(
      `SELECT c.id FROM customer c
        WHERE EXISTS (SELECT 1 FROM "order" o WHERE o.customer_id = c.id)
          AND EXISTS (SELECT 1 FROM ticket t WHERE t.customer_id = c.id
                         AND t.status IN ('NEW', 'OPEN', 'PENDING', 'ON_HOLD'))
        ORDER BY EXISTS (SELECT 1 FROM journal_line j WHERE j.customer_id = c.id AND j.account_id = $1) DESC,
                 md5(c.id::text)
        LIMIT $2`,
      [account.rows[0].id, count],
    );
    if (rows.length === 0) throw new Error('no customer has both orders and open tickets');
    return {
      customerIds: rows.map((row) => Number(row.id)),
      receivableAccountId: Number(account.rows[0].id),
    };
  } finally {
    await client.end();
  }
}

export interface ReadTargets {
  targets: Partial<Record<TargetKind, ReadTarget>>;
  /** Resident set size of each server process, in bytes. */
  rss(): Partial<Record<TargetKind, number>>;
  stop(): Promise<void>;
}

/** Starts the targets (each in a process of its own) on one database, one after another. */
export async function startReadTargets(
  databaseUrl: string,
  kinds: readonly TargetKind[] = TARGET_KINDS,
  log: (line: string) => void = () => undefined,
): Promise<ReadTargets> {
  const targets: Partial<Record<TargetKind, ReadTarget>> = {};
  const rss: Partial<Record<TargetKind, () => number>> = {};
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(stops.map((s) => s()));
  };
  try {
    if (kinds.includes('backdesk')) {
      log('starting Backdesk (dist/src/main.js)');
      const server = await startBackdeskProcess(databaseUrl);
      let stopping = false;
      let tail = '';
      // Its log, less the line per request, for when it exits on its own.
      const keep = (chunk: Buffer) => {
        const lines = chunk
          .toString()
          .split('\n')
          .filter((l) => l && !l.includes('"msg":"request '));
        if (lines.length) tail = `${tail}${lines.join('\n')}\n`.slice(-4_000);
      };
      server.child.stdout?.on('data', keep);
      server.child.stderr?.on('data', keep);
      server.child.once('exit', (code, signal) => {
        if (!stopping)
          log(`Backdesk EXITED (code ${code}, signal ${signal}); its last output:\n${tail}`);
      });
      stops.push(() => {
        stopping = true;
        return server.stop();
      });
      const token = await login(server.graphqlUrl, ADMIN_EMAIL);
      targets.backdesk = {
        kind: 'backdesk',
        url: server.graphqlUrl,
        authorization: `Bearer ${token}`,
      };
      rss.backdesk = () => server.rss();
    }
    if (kinds.includes('raw')) {
      log('starting the raw-SQL server');
      const server = await startRawServerProcess(databaseUrl);
      stops.push(() => server.close());
      targets.raw = { kind: 'raw', url: server.url };
      rss.raw = () => server.rss();
    }
    if (kinds.includes('postgraphile')) {
      log('starting PostGraphile 5 (Node 22)');
      const server = await startPostGraphile(databaseUrl, log);
      stops.push(() => server.stop());
      targets.postgraphile = { kind: 'postgraphile', url: server.graphqlUrl };
      rss.postgraphile = () => server.rss();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    targets,
    rss: () =>
      Object.fromEntries(
        Object.entries(rss).map(([kind, read]) => {
          try {
            return [kind, read()];
          } catch {
            return [kind, 0];
          }
        }),
      ) as Partial<Record<TargetKind, number>>,
    stop,
  };
}

// ---- standalone ----

export interface ReadsResult {
  date: string;
  machine: Machine;
  database: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** The measured seconds are split into this many rounds across the targets. */
  rounds: number;
  customers: number;
  equivalence: EquivalenceReport;
  operations: Partial<
    Record<
      Operation,
      Partial<Record<TargetKind, OperationStats>> & {
        oursOverRaw?: number;
        oursOverPostgraphile?: number;
      }
    >
  >;
  rssBytes: Partial<Record<TargetKind, number>>;
  notes: string[];
}

function listFromEnv<T extends string>(name: string, all: readonly T[]): T[] {
  const value = process.env[name];
  if (!value) return [...all];
  const chosen = value.split(',').map((item) => item.trim()) as T[];
  const unknown = chosen.filter((item) => !all.includes(item));
  if (unknown.length)
    throw new Error(`${name}: unknown ${unknown.join(', ')} (known: ${all.join(', ')})`);
  return chosen;
}

function cell(stats: OperationStats | undefined): string {
  if (!stats) return 'n/a';
  const failures = stats.errors + stats.non2xx + stats.graphqlErrors;
  return `${stats.requestsPerSecond.toLocaleString('en-US')} req/s (p50 ${stats.p50} ms, p99 ${stats.p99} ms${failures ? `, ${failures} failed` : ''})`;
}

export function markdownTable(result: ReadsResult): string {
  const rows = [
    '| operation | Backdesk | raw SQL | PostGraphile 5 | ours/raw | ours/PostGraphile |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const op of OPERATIONS) {
    const r = result.operations[op];
    if (!r) continue;
    rows.push(
      `| ${OPERATION_NAMES[op]} | ${cell(r.backdesk)} | ${cell(r.raw)} | ${cell(r.postgraphile)} | ${r.oursOverRaw ?? 'n/a'} | ${r.oursOverPostgraphile ?? 'n/a'} |`,
    );
  }
  return rows.join('\n');
}

export interface MeasureReadsOptions {
  databaseUrl: string;
  /** The database's name, for the report. */
  database: string;
  kinds?: readonly TargetKind[];
  operations?: readonly Operation[];
  log?: (line: string) => void;
}

/**
 * Starts the targets on one database, checks that they answer alike, then loads them one
 * operation at a time across the targets, so a passing disturbance hits them alike.
 */
export async function measureReads(options: MeasureReadsOptions): Promise<ReadsResult> {
  const log = options.log ?? (() => undefined);
  const connections = envNumber('BENCH_READ_CONNECTIONS', 16);
  const seconds = envNumber('BENCH_READ_SECONDS', READ_SECONDS);
  const warmupSeconds = envNumber('BENCH_READ_WARMUP_SECONDS', 2);
  const rounds = Math.max(1, Math.round(envNumber('BENCH_READ_ROUNDS', READ_ROUNDS)));
  const kinds = options.kinds ?? listFromEnv('BENCH_READ_TARGETS', TARGET_KINDS);
  const operations = options.operations ?? listFromEnv('BENCH_READ_OPERATIONS', OPERATIONS);
  const { databaseUrl, database } = options;
  const fixture = await loadFixture(databaseUrl);
  log(`${database}: Customer 360 cycles through ${fixture.customerIds.length} customers`);
  const started = await startReadTargets(databaseUrl, kinds, log);
  try {
    const targets = kinds.map((kind) => started.targets[kind] as ReadTarget);
    log('checking that the targets answer alike');
    const equivalence = await checkEquivalence(targets, fixture, operations);
    log(`equivalent: ${JSON.stringify(equivalence.compared)}`);
    const result: ReadsResult = {
      date: new Date().toISOString(),
      machine: await machine(databaseUrl),
      database,
      connections,
      seconds,
      warmupSeconds,
      rounds,
      customers: fixture.customerIds.length,
      equivalence,
      operations: {},
      rssBytes: {},
      notes: [
        'PostGraphile runs without authentication; Backdesk verifies a bearer token on every request.',
        'PostGraphile: Customer.balance and the trial-balance debit/credit split and totals are summed by the client from the rows it returns (no aggregates in its default schema).',
        'The raw server builds each answer in one SQL statement and passes the JSON text through.',
      ],
    };
    for (const operation of operations) {
      const row: NonNullable<ReadsResult['operations'][Operation]> = {};
      const load = async (kind: TargetKind, duration: number) =>
        (
          await runReads({
            target: started.targets[kind] as ReadTarget,
            fixture,
            connections,
            seconds: duration,
            warmupSeconds: 0,
            operations: [operation],
          })
        )[operation] as OperationStats;
      log(
        `${operation}: ${warmupSeconds} s warm-up each, then ${rounds} rounds of ${seconds / rounds} s × ${connections} connections on ${kinds.join(', ')}`,
      );
      if (warmupSeconds > 0) for (const kind of kinds) await load(kind, warmupSeconds);
      const perRound = new Map<TargetKind, OperationStats[]>(kinds.map((kind) => [kind, []]));
      for (let round = 0; round < rounds; round += 1) {
        for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse())
          perRound.get(kind)?.push(await load(kind, seconds / rounds));
      }
      for (const kind of kinds) row[kind] = combined(perRound.get(kind) ?? []);
      const ours = row.backdesk?.requestsPerSecond;
      if (ours !== undefined && row.raw) row.oursOverRaw = ratio(ours, row.raw.requestsPerSecond);
      if (ours !== undefined && row.postgraphile)
        row.oursOverPostgraphile = ratio(ours, row.postgraphile.requestsPerSecond);
      result.operations[operation] = row;
    }
    result.rssBytes = started.rss();
    return result;
  } finally {
    await started.stop();
  }
}

export function readsReport(result: ReadsResult): string {
  const rss = Object.entries(result.rssBytes)
    .map(([kind, bytes]) => `${kind} ${Math.round(bytes / 2 ** 20)} MiB`)
    .join(', ');
  return [
    `Reads on ${result.database}, ${result.connections} connections, ${result.seconds} s per operation and target in ${result.rounds} rounds (after ${result.warmupSeconds} s warm-up); ${result.machine.cores} cores, Node ${result.machine.node}, PostgreSQL ${result.machine.postgres}`,
    '',
    markdownTable(result),
    '',
    `Resident memory after the runs: ${rss}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const log = (line: string) => console.error(`[reads] ${line}`);
  const database = process.env.BENCH_DATABASE ?? 'backdesk_bench_1';
  const admin = await adminDatabase();
  try {
    if (!(await databaseExists(admin.url, database))) {
      throw new Error(
        `database ${database} does not exist: build it first (npm run bench:data -- --scale 1)`,
      );
    }
    const result = await measureReads({
      databaseUrl: withDatabase(admin.url, database),
      database,
      log,
    });
    const file = writeResult('reads', result);
    console.log(readsReport(result));
    console.log(`\nwritten to ${path.relative(PROJECT_ROOT, file)}`);
  } finally {
    await admin.stop();
  }
}

if (require.main === module) {
  runScript(main);
}
