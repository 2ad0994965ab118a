/**
 * The raw-SQL ceiling of the read benchmark: a bare `node:http` server (a `pg` pool, no framework,
 * no GraphQL) answering the four read operations of `schema/operations/bench.graphql`. Each answer
 * is ONE hand-written SQL statement that builds the whole JSON response inside PostgreSQL
 * (json_build_object/json_agg over LATERAL subqueries), shaped like Backdesk's GraphQL `data`
 * (global IDs, amounts as decimal strings, instants in ISO 8601 UTC), and sent on as the text
 * PostgreSQL returned: Node never parses or re-serialises it.
 *
 *   GET /customer360?id=<numeric customer id>   BenchCustomer360
 *   GET /ticket-queue[?first=50]                BenchTicketQueue (status NEW or OPEN, by next SLA due)
 *   GET /orders-page[?first=50]                 BenchOrdersPage (newest first)
 *   GET /trial-balance                          BenchTrialBalance (every posting)
 *
 * Run it standalone (`node dist/bench/raw-server.js`, with DATABASE_URL and PORT) or start it in a
 * process of its own with `startRawServerProcess`, so that the load generator never shares its
 * event loop.
 */
import { spawnServer } from './server-process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Pool } from 'pg';

/** Pool size: Backdesk's default (`poolMax` 20), so neither side has more connections. */
const POOL_MAX = Number(process.env.BENCH_PEER_POOL_MAX ?? 20);

// ---- SQL fragments ----

/** Backdesk's global ID: base64url of `<Type>:<id>`, without padding. */
function gid(typeName: string, column: string): string {
  return `translate(encode(convert_to('${typeName}:' || ${column}, 'UTF8'), 'base64'), '+/=', '-_')`;
}

/** Minor units (cents) as an exact decimal string with two decimals, like `Money.amount`. */
function money(expression: string): string {
  return `round((${expression})::numeric / 100, 2)::text`;
}

/** An instant in ISO 8601 UTC with milliseconds, like the DateTime scalar. */
function instant(expression: string): string {
  return `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** The order lines of `o`, in line order, with their product. */
function orderLines(withTotal: boolean): string {
  return `SELECT json_agg(json_build_object(
             'quantity', l.quantity,
             'unitPrice', json_build_object('amount', ${money('l.unit_price_minor')}),
             ${withTotal ? `'total', json_build_object('amount', ${money('l.total_minor')}),` : ''}
             'product', json_build_object('id', ${gid('Product', 'p.id')}, 'sku', p.sku, 'name', p.name)
           ) ORDER BY l.line_no) AS lines
      FROM order_line l JOIN product p ON p.id = l.product_id
     WHERE l.order_id = o.id`;
}

/** A page cursor (opaque to clients): base64 of the sort key of the page's last row. */
function cursor(keys: string): string {
  return `encode(convert_to(json_build_array(${keys})::text, 'UTF8'), 'base64')`;
}

export const RAW_SQL = {
  /**
   * $1: customer id. Balance: the customer's lines on Accounts Receivable (code 1100), debits minus
   * credits, as `CustomerLedgerResolver.balance`. Orders: newest first (id desc), 10. Tickets:
   * status NEW/OPEN/PENDING/ON_HOLD, newest first (created_at desc, id desc), 10.
   */
  customer360: `
    SELECT json_build_object('data', json_build_object('customer', (
      SELECT json_build_object(
               'id', ${gid('Customer', 'c.id')}, 'name', c.name, 'email', c.email, 'company', c.company,
               'balance', json_build_object('amount', ${money('coalesce(b.balance, 0)')}, 'currency', 'USD'),
               'orders', json_build_object('nodes', coalesce(co.nodes, '[]'::json)),
               'tickets', json_build_object('nodes', coalesce(ct.nodes, '[]'::json)))
        FROM customer c
        LEFT JOIN LATERAL (
          SELECT sum(j.debit_minor) - sum(j.credit_minor) AS balance
            FROM journal_line j
           WHERE j.customer_id = c.id AND j.account_id = (SELECT a.id FROM account a WHERE a.code = '1100')
        ) b ON true
        LEFT JOIN LATERAL (
          SELECT json_agg(json_build_object(
                   'id', ${gid('Order', 'o.id')}, 'number', o.number, 'status', o.status,
                   'createdAt', ${instant('o.created_at')},
                   'total', json_build_object('amount', ${money('o.total_minor')}),
                   'lines', coalesce(ol.lines, '[]'::json)
                 ) ORDER BY o.id DESC) AS nodes
            FROM (SELECT * FROM "order" WHERE customer_id = c.id ORDER BY id DESC LIMIT 10) o
            LEFT JOIN LATERAL (${orderLines(false)}) ol ON true
        ) co ON true
        LEFT JOIN LATERAL (
          SELECT json_agg(json_build_object(
                   'id', ${gid('Ticket', 't.id')}, 'number', t.number, 'subject', t.subject,
                   'status', t.status, 'priority', t.priority
                 ) ORDER BY t.created_at DESC, t.id DESC) AS nodes
            FROM (SELECT * FROM ticket
                   WHERE customer_id = c.id AND status IN ('NEW', 'OPEN', 'PENDING', 'ON_HOLD')
                   ORDER BY created_at DESC, id DESC LIMIT 10) t
        ) ct ON true
       WHERE c.id = $1
    )))::text AS body`,

  /**
   * $1: page size. Status NEW or OPEN, by next SLA due then id (`TicketOrder.SLA_DUE`); the last
   * message is the newest by id, internal notes included (the admin sees them).
   */
  ticketQueue: `
    WITH page AS (
      SELECT * FROM ticket WHERE status IN ('NEW', 'OPEN') ORDER BY next_due_at, id LIMIT $1 + 1
    ), shown AS (
      SELECT * FROM page ORDER BY next_due_at, id LIMIT $1
    )
    SELECT json_build_object('data', json_build_object('tickets', json_build_object(
      'nodes', coalesce((
        SELECT json_agg(json_build_object(
                 'id', ${gid('Ticket', 't.id')}, 'number', t.number, 'subject', t.subject,
                 'status', t.status, 'priority', t.priority,
                 'nextDueAt', CASE WHEN t.next_due_at = '9999-12-31T00:00:00Z' THEN NULL
                                   ELSE ${instant('t.next_due_at')} END,
                 'customer', json_build_object('id', ${gid('Customer', 'c.id')}, 'name', c.name),
                 'assignee', CASE WHEN e.id IS NULL THEN NULL
                                  ELSE json_build_object('id', ${gid('Employee', 'e.id')}, 'name', e.name) END,
                 'order', CASE WHEN o.id IS NULL THEN NULL
                               ELSE json_build_object('id', ${gid('Order', 'o.id')}, 'number', o.number, 'status', o.status) END,
                 'lastMessage', CASE WHEN m.body IS NULL THEN NULL
                                     ELSE json_build_object('body', m.body, 'createdAt', ${instant('m.created_at')}) END
               ) ORDER BY t.next_due_at, t.id)
          FROM shown t
          JOIN customer c ON c.id = t.customer_id
          LEFT JOIN employee e ON e.id = t.assignee_id
          LEFT JOIN "order" o ON o.id = t.order_id
          LEFT JOIN LATERAL (
            SELECT body, created_at FROM ticket_message WHERE ticket_id = t.id ORDER BY id DESC LIMIT 1
          ) m ON true
      ), '[]'::json),
      'pageInfo', json_build_object(
        'hasNextPage', (SELECT count(*) FROM page) > $1,
        'endCursor', (SELECT ${cursor(instant('next_due_at') + ', id')} FROM shown ORDER BY next_due_at DESC, id DESC LIMIT 1))
    )))::text AS body`,

  /** $1: page size. Newest first (id desc), with customer and lines. */
  ordersPage: `
    WITH page AS (
      SELECT * FROM "order" ORDER BY id DESC LIMIT $1 + 1
    ), shown AS (
      SELECT * FROM page ORDER BY id DESC LIMIT $1
    )
    SELECT json_build_object('data', json_build_object('orders', json_build_object(
      'nodes', coalesce((
        SELECT json_agg(json_build_object(
                 'id', ${gid('Order', 'o.id')}, 'number', o.number, 'status', o.status,
                 'createdAt', ${instant('o.created_at')},
                 'total', json_build_object('amount', ${money('o.total_minor')}),
                 'customer', json_build_object('id', ${gid('Customer', 'c.id')}, 'name', c.name),
                 'lines', coalesce(ol.lines, '[]'::json)
               ) ORDER BY o.id DESC)
          FROM shown o
          JOIN customer c ON c.id = o.customer_id
          LEFT JOIN LATERAL (${orderLines(true)}) ol ON true
      ), '[]'::json),
      'pageInfo', json_build_object(
        'hasNextPage', (SELECT count(*) FROM page) > $1,
        'endCursor', (SELECT ${cursor('id')} FROM shown ORDER BY id LIMIT 1))
    )))::text AS body`,

  /**
   * Every posting: each account's maintained balance (debits minus credits of all its lines, kept
   * by the ledger), on the debit side when positive and the credit side when negative, by code.
   */
  trialBalance: `
    WITH totals AS (
      SELECT id, code, name, type, balance_minor AS net FROM account
    )
    SELECT json_build_object('data', json_build_object('trialBalance', json_build_object(
      'rows', coalesce((
        SELECT json_agg(json_build_object(
                 'account', json_build_object('id', ${gid('Account', 'id')}, 'code', code, 'name', name, 'type', type),
                 'debit', json_build_object('amount', ${money('greatest(net, 0)')}),
                 'credit', json_build_object('amount', ${money('greatest(-net, 0)')})
               ) ORDER BY code)
          FROM totals
      ), '[]'::json),
      'totalDebit', json_build_object('amount', ${money('(SELECT coalesce(sum(greatest(net, 0)), 0) FROM totals)')}),
      'totalCredit', json_build_object('amount', ${money('(SELECT coalesce(sum(greatest(-net, 0)), 0) FROM totals)')})
    )))::text AS body`,
} as const;

export type RawOperation = keyof typeof RAW_SQL;

export interface RawServer {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

function positiveInteger(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^[1-9]\d{0,15}$/.test(value) ? Number(value) : undefined;
}

/** Starts the raw server in this process; port 0 picks a free one. */
export async function startRawServer(databaseUrl: string, port = 0): Promise<RawServer> {
  const pool = new Pool({ connectionString: databaseUrl, max: POOL_MAX });
  pool.on('error', () => undefined); // an idle client's connection dropped: the pool replaces it

  const answer = async (
    res: http.ServerResponse,
    name: RawOperation,
    values: (number | string)[],
  ): Promise<void> => {
    const { rows } = await pool.query<{ body: string }>({ name, text: RAW_SQL[name], values });
    const body = rows[0].body;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };
  const fail = (res: http.ServerResponse, status: number, message: string) => {
    const body = JSON.stringify({ errors: [{ message }] });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://raw');
    const route = (): Promise<void> | undefined => {
      if (req.method !== 'GET') return undefined;
      switch (url.pathname) {
        case '/customer360': {
          const id = positiveInteger(url.searchParams.get('id'), 0);
          return id ? answer(res, 'customer360', [id]) : undefined;
        }
        case '/ticket-queue': {
          const first = positiveInteger(url.searchParams.get('first'), 50);
          return first ? answer(res, 'ticketQueue', [first]) : undefined;
        }
        case '/orders-page': {
          const first = positiveInteger(url.searchParams.get('first'), 50);
          return first ? answer(res, 'ordersPage', [first]) : undefined;
        }
        case '/trial-balance':
          return answer(res, 'trialBalance', []);
        default:
          return undefined;
      }
    };
    const done = route();
    if (!done) {
      fail(res, 404, `no such endpoint: ${req.method ?? ''} ${url.pathname}${url.search}`);
      return;
    }
    done.catch((error: unknown) =>
      fail(res, 500, error instanceof Error ? error.message : String(error)),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

export interface RawServerProcess extends RawServer {
  pid: number;
  rss(): number;
}

const READY = /"rawServer":"listening","url":"([^"]+)"/;

/** Starts the raw server in a process of its own (the compiled `dist/bench/raw-server.js`). */
export async function startRawServerProcess(databaseUrl: string): Promise<RawServerProcess> {
  const server = await spawnServer({
    name: 'raw server',
    command: process.execPath,
    args: [path.join(__dirname, 'raw-server.js')],
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0' },
    ready: READY,
    startTimeoutMs: 30_000,
    stopTimeoutMs: 10_000,
  });
  return { url: server.ready[1], pid: server.pid, rss: server.rss, close: server.stop };
}

if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is required');
    process.exit(2);
  }
  startRawServer(databaseUrl, Number(process.env.PORT ?? 0)).then(
    (server) => {
      console.log(JSON.stringify({ rawServer: 'listening', url: server.url }));
      const stop = () => {
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
