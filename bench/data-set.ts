/**
 * The benchmark data set, made with SQL set operations (no request per row): at scale 1, 10,000
 * customers, 100,000 orders with 300,000 lines, 50,000 tickets with 200,000 messages and 500,000
 * journal entries with 1,000,000 lines, with every ledger invariant intact. Customers have
 * people's names; subjects and messages are deterministic text drawn from a support desk's
 * vocabulary with a Zipf-like word distribution (for the search benchmark, bench/search.ts); the
 * search documents are made by the triggers as the rows go in.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import pino from 'pino';
import { migrateUp, openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { seedDemoData } from '../src/modules/seed';
import { recreateDatabase, withDatabase } from './lib';

export function benchDatabaseName(scale: number, messages?: number): string {
  return (
    process.env.BENCH_DATABASE ??
    `backdesk_bench_${String(scale).replace('.', '_')}${messages ? `_m${messages}` : ''}`
  );
}

/** Messages per ticket: the first three public (customer and agent in turn), the last a note. */
const MESSAGES_PER_TICKET = 4;

/**
 * The words of the benchmark's tickets, most frequent first: a support desk's vocabulary (some of
 * it stop words, which search leaves out). Ranks past the list are made-up words of three
 * syllables (`TAIL_SYLLABLES`): a long tail of rare words, as product names, places and codes are.
 */
export const VOCABULARY = [
  'the',
  'my',
  'order',
  'is',
  'please',
  'thanks',
  'help',
  'not',
  'to',
  'and',
  'for',
  'it',
  'with',
  'we',
  'you',
  'have',
  'refund',
  'delivery',
  'package',
  'payment',
  'invoice',
  'account',
  'password',
  'shipping',
  'return',
  'damaged',
  'charged',
  'twice',
  'late',
  'missing',
  'login',
  'error',
  'update',
  'cancel',
  'address',
  'card',
  'replacement',
  'warranty',
  'tracking',
  'number',
  'email',
  'phone',
  'subscription',
  'discount',
  'coupon',
  'price',
  'store',
  'orders',
  'received',
  'broken',
  'wrong',
  'item',
  'size',
  'color',
  'exchange',
  'credit',
  'bank',
  'transfer',
  'receipt',
  'customer',
  'service',
  'agent',
  'manager',
  'urgent',
  'asap',
  'today',
  'tomorrow',
  'week',
  'month',
  'yesterday',
  'still',
  'waiting',
  'reply',
  'response',
  'issue',
  'problem',
  'question',
  'request',
  'complaint',
  'feedback',
  'app',
  'website',
  'checkout',
  'cart',
  'basket',
  'stock',
  'available',
  'backorder',
  'preorder',
  'shipped',
  'courier',
  'parcel',
  'box',
  'label',
  'carrier',
  'fedex',
  'ups',
  'dhl',
  'post',
  'office',
  'pickup',
  'locker',
  'signature',
  'door',
  'neighbour',
  'weather',
  'delay',
  'estimated',
  'arrival',
  'days',
  'hours',
  'reset',
  'unlock',
  'locked',
  'verify',
  'code',
  'sms',
  'two',
  'factor',
  'security',
  'fraud',
  'suspicious',
  'transaction',
  'dispute',
  'chargeback',
  'paypal',
  'visa',
  'mastercard',
  'amex',
  'debit',
  'statement',
  'balance',
  'fee',
  'interest',
  'vat',
  'tax',
  'quote',
  'estimate',
  'discounted',
  'sale',
  'promotion',
  'loyalty',
  'points',
  'voucher',
  'gift',
  'wrap',
  'message',
  'note',
  'instructions',
  'laptop',
  'tablet',
  'charger',
  'cable',
  'battery',
  'screen',
  'keyboard',
  'mouse',
  'headphones',
  'speaker',
  'monitor',
  'printer',
  'router',
  'camera',
  'watch',
  'console',
  'controller',
  'adapter',
  'case',
  'cover',
  'bag',
  'install',
  'setup',
  'configure',
  'firmware',
  'driver',
  'software',
  'license',
  'key',
  'activation',
  'download',
  'crash',
  'freeze',
  'slow',
  'noise',
  'overheating',
  'leaking',
  'cracked',
  'scratched',
  'dented',
  'faulty',
  'dead',
  'manual',
  'guide',
  'video',
  'support',
  'chat',
  'callback',
  'appointment',
  'technician',
  'repair',
  'engineer',
  'visit',
  'inspection',
  'plan',
  'extended',
  'coverage',
  'claim',
  'insurance',
  'approved',
  'rejected',
  'pending',
  'processed',
  'completed',
  'partial',
  'full',
  'amount',
  'difference',
  'overcharged',
  'undercharged',
  'invoices',
  'copy',
  'pdf',
  'attachment',
  'photo',
  'picture',
  'evidence',
  'proof',
  'serial',
  'model',
  'version',
  'upgrade',
  'downgrade',
  'monthly',
  'yearly',
  'annual',
  'renewal',
  'auto',
  'cancelled',
  'reactivate',
  'pause',
  'resume',
  'close',
  'delete',
  'export',
  'privacy',
  'data',
  'gdpr',
  'consent',
  'unsubscribe',
  'newsletter',
  'spam',
  'notification',
  'alert',
  'reminder',
  'confirmation',
  'quickly',
  'kindly',
  'frustrated',
  'disappointed',
  'happy',
  'satisfied',
  'great',
  'excellent',
  'terrible',
  'awful',
  'unacceptable',
  'again',
  'third',
  'time',
  'nobody',
  'answered',
  'called',
  'escalate',
  'supervisor',
  'compensation',
  'apology',
  'goodwill',
  'gesture',
  'credited',
  'reversed',
  'refunded',
  'issued',
  'sent',
  'dispatched',
  'delivered',
  'collected',
  'returned',
  'exchanged',
  'replaced',
  'repaired',
  'confirmed',
];
const TAIL_SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'te',
  'vo',
  'zi',
  'da',
  'fe',
  'gu',
  'ha',
  'ji',
  'ko',
  'lu',
  'ma',
  'ni',
  'po',
  're',
];
/** Subjects leave out the most common words (stop words and pleasantries). */
const SUBJECT_SKIP = 16;
/** Ranks drawn for message words: the real words, then the made-up tail. */
const WORD_RANKS = 50_000;
const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Oliver',
  'Sophia',
  'Elijah',
  'Isabella',
  'James',
  'Mia',
  'William',
  'Amelia',
  'Benjamin',
  'Harper',
  'Lucas',
  'Evelyn',
  'Henry',
  'Abigail',
  'Alexander',
  'Emily',
  'Mason',
  'Ella',
  'Michael',
  'Elizabeth',
  'Ethan',
  'Camila',
  'Daniel',
  'Luna',
  'Jacob',
  'Sofia',
  'Logan',
  'Avery',
  'Jackson',
  'Mila',
  'Levi',
  'Aria',
  'Sebastian',
  'Scarlett',
  'Mateo',
  'Penelope',
  'Jack',
  'Layla',
  'Owen',
  'Chloe',
  'Theodore',
  'Victoria',
  'Aiden',
  'Madison',
  'Samuel',
  'Eleanor',
  'Joseph',
  'Grace',
  'John',
  'Nora',
  'David',
  'Riley',
  'Wyatt',
  'Zoey',
  'Matthew',
  'Hannah',
];
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Gomez',
  'Phillips',
  'Evans',
  'Turner',
  'Diaz',
  'Parker',
  'Cruz',
  'Edwards',
  'Collins',
  'Reyes',
  'Stewart',
  'Morris',
  'Morales',
  'Murphy',
  'Cook',
  'Rogers',
  'Gutierrez',
  'Ortiz',
  'Morgan',
  'Cooper',
  'Peterson',
  'Bailey',
  'Reed',
  'Kelly',
  'Howard',
  'Ramos',
  'Kim',
  'Cox',
  'Ward',
  'Richardson',
  'Watson',
  'Brooks',
  'Chavez',
  'Wood',
  'James',
  'Bennett',
  'Gray',
  'Mendoza',
  'Ruiz',
  'Hughes',
  'Price',
  'Alvarez',
  'Castillo',
  'Sanders',
  'Patel',
  'Myers',
  'Long',
  'Ross',
  'Foster',
  'Jimenez',
];

/** The made-up word of a rank past VOCABULARY, as zipfWordSql makes it (for the search benchmark). */
export function tailWord(rank: number): string {
  const syllable = (divisor: number) =>
    TAIL_SYLLABLES[Math.floor(rank / divisor) % TAIL_SYLLABLES.length];
  return syllable(1) + syllable(TAIL_SYLLABLES.length) + syllable(TAIL_SYLLABLES.length ** 2);
}

const sqlArray = (words: readonly string[]) =>
  `ARRAY[${words.map((word) => `'${word}'`).join(',')}]::text[]`;

/**
 * A deterministic number in [0, 1) from an integer expression (PostgreSQL's hash of it).
 */
const unit = (seed: string) => `((hashint8((${seed})::bigint) & 2147483647)::float8 / 2147483648)`;

/**
 * A word drawn from a Zipf-like distribution (rank r with probability about 1 / (r ln n), by
 * inverse transform of a log-uniform draw) for the integer `seed`: ranks within VOCABULARY are its
 * words, ranks past it are made-up words from the tail syllables.
 */
function zipfWordSql(seed: string, ranks: number, skip: number): string {
  const rank = `(${skip} + least(${ranks}, floor(exp(${unit(seed)} * ln(${ranks} + 1)))::int))`;
  const syllable = (divisor: number) =>
    `(${sqlArray(TAIL_SYLLABLES)})[1 + ((${rank} / ${divisor}) % ${TAIL_SYLLABLES.length})]`;
  return `CASE WHEN ${rank} <= ${VOCABULARY.length} THEN (${sqlArray(VOCABULARY)})[${rank}]
               ELSE ${syllable(1)} || ${syllable(TAIL_SYLLABLES.length)} || ${syllable(TAIL_SYLLABLES.length ** 2)} END`;
}

/**
 * `count` words drawn for `seed` (each word's own seed is seed * 64 + k), space-separated, from
 * the ranks after the first `skip`.
 */
function textSql(seed: string, count: string, ranks: number, skip = 0): string {
  return `(SELECT string_agg(${zipfWordSql(`(${seed}) * 64 + k`, ranks, skip)}, ' ' ORDER BY k)
             FROM generate_series(1, ${count}) AS k)`;
}

/** Each step: a name and the SQL that makes it, with `:n` placeholders for row counts. */
function steps(counts: Record<string, number>): [string, string][] {
  const n = (name: string) => String(counts[name]);
  return [
    [
      'customers',
      `INSERT INTO customer (name, email, company, phone)
       SELECT (${sqlArray(FIRST_NAMES)})[1 + (i * 7) % ${FIRST_NAMES.length}] || ' ' || (${sqlArray(LAST_NAMES)})[1 + (i * 13) % ${LAST_NAMES.length}],
              'customer' || i || '@bench.example', 'Company ' || (i % 997), '+1 555 ' || lpad((i % 10000)::text, 4, '0')
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
       SELECT 'T-B' || lpad(i::text, 8, '0'), initcap(${textSql('-i', `3 + i % 4`, VOCABULARY.length - SUBJECT_SKIP, SUBJECT_SKIP)}),
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
              ${textSql('t.id * 8 + m', `8 + (t.id * 8 + m) % 17`, WORD_RANKS)}, m = ${MESSAGES_PER_TICKET - 1},
              t.created_at + m * interval '1 hour'
         FROM ticket t CROSS JOIN generate_series(0, ${MESSAGES_PER_TICKET - 1}) AS m WHERE t.number LIKE 'T-B%'`,
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
  'ticket_search',
  'ticket_staff_search',
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
  /** Ticket messages in all (tickets: a quarter of it) instead of the scale's 200,000 per unit. */
  messages?: number;
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
    tickets: options.messages
      ? Math.round(options.messages / MESSAGES_PER_TICKET)
      : Math.round(50_000 * scale),
    entries: Math.round(500_000 * scale),
  };
  const database = options.database ?? benchDatabaseName(scale, options.messages);
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
