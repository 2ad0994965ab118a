/**
 * The benchmark data set, made with SQL set operations (no request per row): at scale 1, 10,000
 * customers, 100,000 orders with 300,000 lines, 50,000 tickets with 200,000 messages and 500,000
 * journal entries with 1,000,000 lines, with every ledger invariant intact.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import pino from 'pino';
import { migrateUp, openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { seedDemoData } from '../src/modules/seed';
import { recreateDatabase, withDatabase } from './lib';

export function benchDatabaseName(scale: number): string {
  return process.env.BENCH_DATABASE ?? `backdesk_bench_${String(scale).replace('.', '_')}`;
}

/** Each step: a name and the SQL that makes it, with `:n` placeholders for row counts. */
function steps(counts: Record<string, number>): [string, string][] {
  const n = (name: string) => String(counts[name]);
  return [
    [
      'customers',
      `INSERT INTO customer (name, email, company, phone)
       SELECT 'Customer ' || i, 'customer' || i || '@bench.example', 'Company ' || (i % 997), '+1 555 ' || lpad((i % 10000)::text, 4, '0')
         FROM generate_series(1, ${n('customers')}) AS i`,
    ],
    [
      'products',
      `WITH made AS (
         INSERT INTO product (sku, name, price_minor, cost_minor)
         SELECT 'BENCH-' || i, 'Bench product ' || i, 500 + (i * 37) % 20000, 200 + (i * 17) % 8000
           FROM generate_series(1, ${n('products')}) AS i
         RETURNING id)
       INSERT INTO stock_level (product_id, on_hand, reserved) SELECT id, 1000000, 0 FROM made`,
    ],
    [
      'orders',
      `INSERT INTO "order" (number, customer_id, status, total_minor, created_at, updated_at)
       SELECT 'SO-B' || lpad(i::text, 8, '0'),
              (SELECT min(id) FROM customer) + (i::bigint * 7919) % ${n('customers')},
              (ARRAY['PLACED','PICKING','PACKED','SHIPPED','DELIVERED','CANCELLED'])[1 + i % 6],
              0, now() - (i % 365) * interval '1 day', now() - (i % 365) * interval '1 day'
         FROM generate_series(1, ${n('orders')}) AS i`,
    ],
    [
      'order lines',
      `INSERT INTO order_line (order_id, line_no, product_id, quantity, unit_price_minor, unit_cost_minor, total_minor)
       SELECT o.id, l, p.id, 1 + (o.id + l) % 4, p.price_minor, p.cost_minor, p.price_minor * (1 + (o.id + l) % 4)
         FROM "order" o CROSS JOIN generate_series(0, 2) AS l
         JOIN LATERAL (SELECT id, price_minor, cost_minor FROM product WHERE sku = 'BENCH-' || (1 + (o.id * 3 + l) % ${n('products')})) p ON true
        WHERE o.number LIKE 'SO-B%'`,
    ],
    [
      'order totals',
      `UPDATE "order" o SET total_minor = t.total FROM (SELECT order_id, sum(total_minor) AS total FROM order_line GROUP BY order_id) t
        WHERE t.order_id = o.id AND o.number LIKE 'SO-B%'`,
    ],
    [
      'tickets',
      `INSERT INTO ticket (number, subject, customer_id, status, priority, priority_rank, channel, tags, assignee_id,
                           first_response_due_at, resolution_due_at, next_due_at, created_at, updated_at)
       SELECT 'T-B' || lpad(i::text, 8, '0'), 'Bench ticket ' || i,
              (SELECT min(id) FROM customer) + (i::bigint * 104729) % ${n('customers')},
              (ARRAY['NEW','OPEN','PENDING','ON_HOLD','SOLVED','CLOSED'])[1 + i % 6],
              (ARRAY['LOW','NORMAL','HIGH','URGENT'])[1 + i % 4], 3 - i % 4,
              'EMAIL', ARRAY['bench'],
              CASE WHEN i % 3 = 0 THEN NULL ELSE (SELECT id FROM employee WHERE email = 'agent@example.com') END,
              now() + (i % 480) * interval '1 minute', now() + (i % 2880) * interval '1 minute',
              CASE WHEN i % 6 >= 4 THEN '9999-12-31'::timestamptz ELSE now() + (i % 480) * interval '1 minute' END,
              now() - (i % 90) * interval '1 day', now() - (i % 90) * interval '1 day'
         FROM generate_series(1, ${n('tickets')}) AS i`,
    ],
    [
      'ticket messages',
      `INSERT INTO ticket_message (ticket_id, author_kind, author_id, body, internal, created_at)
       SELECT t.id, CASE WHEN m % 2 = 0 THEN 'CUSTOMER' ELSE 'AGENT' END,
              CASE WHEN m % 2 = 0 THEN NULL ELSE t.assignee_id END,
              'Message ' || m || ' about ' || t.subject, m = 3, t.created_at + m * interval '1 hour'
         FROM ticket t CROSS JOIN generate_series(0, 3) AS m WHERE t.number LIKE 'T-B%'`,
    ],
    [
      'journal entries',
      `INSERT INTO journal_entry (number, date, memo, source, created_by_id)
       SELECT c.value + i, (current_date - (i % 730)), 'Bench entry ' || i, 'MANUAL', NULL
         FROM generate_series(1, ${n('entries')}) AS i, ledger_counter c WHERE c.name = 'journal_entry'`,
    ],
    [
      'journal lines',
      `WITH accounts AS (SELECT array_agg(id ORDER BY id) AS ids FROM account),
       entries AS (SELECT e.id, e.date, e.number FROM journal_entry e WHERE e.memo LIKE 'Bench entry %'),
       sides AS (
         SELECT e.id AS entry_id, e.date, s.side,
                (a.ids)[1 + ((e.number::bigint * 7 + s.side * 3) % array_length(a.ids, 1))] AS account_id,
                100 + (e.number::bigint * 7919) % 500000 AS amount
           FROM entries e CROSS JOIN accounts a CROSS JOIN generate_series(0, 1) AS s(side)
       ),
       fixed AS (  -- never debit and credit one account in one entry
         SELECT entry_id, date, side, amount,
                CASE WHEN side = 1 AND account_id = lag(account_id) OVER (PARTITION BY entry_id ORDER BY side)
                     THEN (SELECT ids[1 + (array_position(ids, account_id) % array_length(ids, 1))] FROM accounts)
                     ELSE account_id END AS account_id
           FROM sides
       ),
       ordered AS (
         SELECT entry_id, date, side, account_id,
                CASE WHEN side = 0 THEN amount ELSE 0 END AS debit, CASE WHEN side = 1 THEN amount ELSE 0 END AS credit
           FROM fixed
       )
       INSERT INTO journal_line (entry_id, line_no, account_id, entry_date, debit_minor, credit_minor, balance_after_minor)
       SELECT o.entry_id, o.side, o.account_id, o.date, o.debit, o.credit,
              a.balance_minor + sum(o.debit - o.credit) OVER (PARTITION BY o.account_id ORDER BY o.entry_id, o.side)
         FROM ordered o JOIN account a ON a.id = o.account_id
        ORDER BY o.entry_id, o.side`,
    ],
    [
      'account balances and counters',
      `WITH totals AS (SELECT account_id, sum(debit_minor - credit_minor) AS net FROM journal_line GROUP BY account_id)
       UPDATE account a SET balance_minor = t.net FROM totals t WHERE t.account_id = a.id`,
    ],
    [
      'entry counter',
      `UPDATE ledger_counter SET value = (SELECT max(number) FROM journal_entry) WHERE name = 'journal_entry'`,
    ],
  ];
}

/** The tables the steps above fill: the ones `gatherStatistics` vacuums. */
const FILLED_TABLES = [
  'customer',
  'product',
  'stock_level',
  '"order"',
  'order_line',
  'ticket',
  'ticket_message',
  'journal_entry',
  'journal_line',
];

/**
 * VACUUM (ANALYZE) of the tables the data set filled, for their statistics and visibility maps.
 * The others keep only the demo seed's few rows (the event log, idempotency keys, accounts) and
 * are left as a freshly migrated database has them, never vacuumed, on purpose: VACUUM would
 * record each as a table of one page, and where autovacuum is off (as on the benchmark machines)
 * nothing ever corrects that. The plans that the write functions cache on each connection then
 * scan the event log whole to give an event its place, and the idempotency keys to record a
 * result, at every commit, ever longer as the tables grow: `placeOrder` fell from 800/s to 370/s
 * within 30 s of writes, and ran at 1,700/s once the tables were analyzed. PostgreSQL plans a
 * table never vacuumed as one of at least ten pages, and then by its real size.
 */
async function gatherStatistics(client: Client): Promise<number> {
  await client.query(`VACUUM (ANALYZE) ${FILLED_TABLES.join(', ')}`);
  return FILLED_TABLES.length;
}

export interface BenchDataOptions {
  adminUrl: string;
  scale: number;
  database?: string;
  log?: (line: string) => void;
}

/** Creates the database afresh, migrates and seeds it, then fills it. Returns its URL. */
export async function buildBenchData(options: BenchDataOptions): Promise<string> {
  const { scale } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const counts = {
    customers: Math.round(10_000 * scale),
    products: Math.max(10, Math.round(1_000 * Math.min(scale, 1))),
    orders: Math.round(100_000 * scale),
    tickets: Math.round(50_000 * scale),
    entries: Math.round(500_000 * scale),
  };
  const database = options.database ?? benchDatabaseName(scale);
  const url = await recreateDatabase(options.adminUrl, database);
  const orm = await openOrm({ entities: ENTITIES, clientUrl: url, poolMax: 2 });
  await migrateUp(orm);
  await seedDemoData(orm, pino({ level: 'warn' }));
  await orm.close(true);

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET statement_timeout = '1h'");
    // Journal entries and their lines share one transaction: the ledger's deferred check refuses,
    // at commit, an entry without balanced lines. Every other step commits on its own.
    const seconds = (started: number) => ((Date.now() - started) / 1000).toFixed(1);
    for (const [name, sql] of steps(counts)) {
      const started = Date.now();
      const continues = name === 'journal entries';
      if (name !== 'journal lines') await client.query('BEGIN');
      const result = await client.query(sql);
      if (!continues) await client.query('COMMIT');
      log(
        `${name.padEnd(30)} ${String(result.rowCount ?? '').padStart(9)} rows  ${seconds(started)} s`,
      );
    }
    const started = Date.now();
    const tables = await gatherStatistics(client);
    log(`${'statistics'.padEnd(30)} ${String(tables).padStart(9)} tables ${seconds(started)} s`);
  } finally {
    await client.end();
  }
  log(`database ${database} ready at scale ${scale}: ${JSON.stringify(counts)}`);
  return url;
}

/**
 * The database a standalone benchmark part runs on: `BENCH_DATABASE` when set (an existing
 * benchmark database), otherwise `fresh`, built anew at scale 0.1.
 */
export function standaloneDatabase(adminUrl: string, fresh: string): Promise<string> {
  const existing = process.env.BENCH_DATABASE;
  if (existing) return Promise.resolve(withDatabase(adminUrl, existing));
  return buildBenchData({ adminUrl, scale: 0.1, database: fresh, log: () => undefined });
}
