/**
 * Ticket search latency through the real server over HTTP, and what the search documents cost
 * a reply.
 *
 *   npm run bench:search -- --scale 1                     (database backdesk_bench_1)
 *   npm run bench:search -- --scale 1 --messages 1000000  (backdesk_bench_1_m1000000)
 *   BENCH_DATABASE=<name> npm run bench:search            (an existing benchmark database)
 *
 * The database is built first when missing (bench/data-set.ts). The built server
 * (`dist/src/main.js` under BENCH_SERVER_ROOT, default this checkout) runs in a process of its own;
 * pointing BENCH_SERVER_ROOT at a build of an older commit measures that commit's search on the
 * same data (its own database, built by its migrations from the same data-set.ts: see
 * bench/README.md).
 *
 * One client, one request at a time: a fixed mix of searches (SEARCHES: rare, common and very
 * common words, two words, a phrase, a customer's name, a subject word, a word being typed), in
 * each query shape of BENCH_SEARCH_SHAPES (SHAPES: `page`, the first 20 with customer and last
 * message; `counted`, the same with totalCount), as a support agent (who searches internal notes
 * too) and as REPORTING (who does not), in each order of BENCH_SEARCH_ORDERS (default
 * `default,SLA_DUE`: the order a client gets when it names none, RELEVANCE here, then the SLA
 * queue). BENCH_SEARCH_ROUNDS (10) rounds after one unmeasured round.
 * Latency: from sending the request to having the whole answer, in HDR histograms (µs).
 *
 * Then, unless BENCH_SEARCH_WRITES=0, replies: BENCH_WRITE_CLIENTS (4) clients each posting
 * `replyToTicket` one after another for BENCH_WRITE_SECONDS (10) to open bench tickets; replies
 * per second and latency. Results go to bench/results/search-<database>.json.
 */
import 'reflect-metadata';
import path from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { Client } from 'pg';
import { toGlobalId } from '../src/graphql/global-id';
import { benchDatabaseName, buildBenchData, tailWord } from './data-set';
import {
  adminDatabase,
  databaseExists,
  graphqlRequest,
  login,
  machine,
  runScript,
  startBackdeskProcess,
  withDatabase,
  writeResult,
} from './lib';

/** The searches, by kind; the words come from data-set.ts's vocabulary and its made-up tail. */
const SEARCHES: { kind: string; text: string }[] = [
  { kind: 'rare word', text: tailWord(5000) },
  { kind: 'rare word', text: tailWord(7919) },
  { kind: 'uncommon word', text: tailWord(500) },
  { kind: 'common word', text: 'refund' },
  { kind: 'common word', text: 'password' },
  { kind: 'very common word', text: 'order' },
  { kind: 'two words', text: 'refund delivery' },
  { kind: 'two words', text: 'password reset' },
  { kind: 'common and rare', text: `refund ${tailWord(600)}` },
  { kind: 'phrase', text: '"tracking number"' },
  { kind: 'customer name', text: 'Martinez' },
  { kind: 'customer name', text: 'Olivia Martinez' },
  { kind: 'subject word', text: 'warranty' },
  { kind: 'prefix', text: 'refu' },
  { kind: 'prefix', text: 'warr' },
  { kind: 'prefix', text: tailWord(5000).slice(0, 4) },
];

/**
 * The page a search box asks for (first 20, with each ticket's customer and last message), and
 * the same with `totalCount`, which counts every match (all of them: a word in most tickets is
 * counted in most tickets).
 */
const PAGE_FIELDS = `nodes { id number subject status customer { id name } lastMessage { body createdAt } }
    pageInfo { hasNextPage endCursor }`;
const SHAPES: Record<string, string> = {
  page: `query SearchTickets($filter: TicketFilter, $orderBy: TicketOrder) {
  tickets(first: 20, filter: $filter, orderBy: $orderBy) { ${PAGE_FIELDS} }
}`,
  counted: `query SearchTicketsCounted($filter: TicketFilter, $orderBy: TicketOrder) {
  tickets(first: 20, filter: $filter, orderBy: $orderBy) { totalCount ${PAGE_FIELDS} }
}`,
};

const REPLY = `mutation Reply($input: ReplyToTicketInput!) {
  replyToTicket(input: $input) { message { id } userErrors { code message } }
}`;

interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const newHistogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });

/** A histogram of microseconds, summarised in milliseconds. */
function summary(histogram: hdr.Histogram): Summary {
  const ms = (value: number) => Math.round(value / 10) / 100;
  return {
    count: histogram.totalCount,
    p50: ms(histogram.getValueAtPercentile(50)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
  };
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function timed<T>(action: () => Promise<T>): Promise<{ micros: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await action();
  return { micros: Number((process.hrtime.bigint() - started) / 1000n), value };
}

async function searchPhase(graphqlUrl: string, tokens: Record<string, string>, rounds: number) {
  const orders = (process.env.BENCH_SEARCH_ORDERS ?? 'default,SLA_DUE').split(',');
  const shapes = (process.env.BENCH_SEARCH_SHAPES ?? 'page,counted').split(',');
  const results: Record<string, unknown>[] = [];
  const matches: Record<string, number> = {};
  for (const shape of shapes)
    for (const order of orders) {
      for (const [role, token] of Object.entries(tokens)) {
        const all = newHistogram();
        const byKind = new Map<string, hdr.Histogram>();
        for (let round = 0; round <= rounds; round += 1) {
          for (const { kind, text } of SEARCHES) {
            const variables = {
              filter: { search: text },
              ...(order === 'default' ? {} : { orderBy: order }),
            };
            const { micros, value } = await timed(() =>
              graphqlRequest<{ tickets: { totalCount?: number } }>(
                graphqlUrl,
                SHAPES[shape],
                variables,
                token,
              ),
            );
            if (value.errors || !value.data) throw new Error(JSON.stringify(value.errors));
            const count = value.data.tickets.totalCount;
            if (count !== undefined) matches[`${role}|${text}`] = count;
            if (round === 0) continue; // warm-up
            all.recordValue(micros);
            if (!byKind.has(kind)) byKind.set(kind, newHistogram());
            byKind.get(kind)?.recordValue(micros);
          }
        }
        const row = {
          shape,
          order,
          role,
          ...summary(all),
          byKind: Object.fromEntries([...byKind].map(([kind, h]) => [kind, summary(h)])),
        };
        console.log(
          `${shape.padEnd(8)} ${order.padEnd(8)} ${role.padEnd(9)} p50 ${row.p50} ms  p95 ${row.p95} ms  p99 ${row.p99} ms  max ${row.max} ms  (${row.count} requests)`,
        );
        results.push(row);
      }
    }
  return { results, matches };
}

async function writePhase(graphqlUrl: string, databaseUrl: string, token: string) {
  const clients = Number(process.env.BENCH_WRITE_CLIENTS ?? 4);
  const seconds = Number(process.env.BENCH_WRITE_SECONDS ?? 10);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let ids: string[];
  try {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM ticket WHERE number LIKE 'T-B%' AND status IN ('OPEN', 'PENDING', 'ON_HOLD')
        ORDER BY id DESC LIMIT 2000`,
    );
    ids = rows.map((row) => toGlobalId('Ticket', row.id));
  } finally {
    await db.end();
  }
  const latency = newHistogram();
  let done = 0;
  let failed = 0;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let index = client; Date.now() < deadline; index += clients) {
        const ticketId = ids[(index * 7919) % ids.length];
        const body = `Thanks for waiting: the refund for your order ${index} is on its way by courier.`;
        const { micros, value } = await timed(() =>
          graphqlRequest<{ replyToTicket: { userErrors: unknown[] } }>(
            graphqlUrl,
            REPLY,
            { input: { ticketId, body } },
            token,
          ),
        );
        latency.recordValue(micros);
        if (value.errors || value.data?.replyToTicket.userErrors.length) failed += 1;
        else done += 1;
      }
    }),
  );
  const wall = (Date.now() - started) / 1000;
  const result = {
    clients,
    seconds: wall,
    perSecond: Math.round(done / wall),
    failed,
    ...summary(latency),
  };
  console.log(
    `replyToTicket: ${result.perSecond}/s from ${clients} clients, p50 ${result.p50} ms, p99 ${result.p99} ms, ${failed} failed`,
  );
  return result;
}

async function main(): Promise<void> {
  const scale = Number(option('--scale') ?? 1);
  const messagesOption = option('--messages');
  const messages = messagesOption ? Number(messagesOption) : undefined;
  const rounds = Number(process.env.BENCH_SEARCH_ROUNDS ?? 10);
  const admin = await adminDatabase();
  try {
    const database = benchDatabaseName(scale, messages);
    if (!(await databaseExists(admin.url, database)))
      await buildBenchData({ adminUrl: admin.url, scale, messages, database });
    const url = withDatabase(admin.url, database);
    // No job workers: the data set's tickets are long past their SLA deadlines, and the sweep
    // recording their breaches would run beside the searches being measured.
    const server = await startBackdeskProcess(
      url,
      { RUN_WORKERS: 'false' },
      process.env.BENCH_SERVER_ROOT,
    );
    try {
      const tokens = {
        agent: await login(server.graphqlUrl, 'agent@example.com'),
        reporting: await login(server.graphqlUrl, 'reports@example.com'),
      };
      const loadBefore = (await import('node:os')).loadavg();
      const search = await searchPhase(server.graphqlUrl, tokens, rounds);
      const writes =
        process.env.BENCH_SEARCH_WRITES === '0'
          ? null
          : await writePhase(server.graphqlUrl, url, tokens.agent);
      const loadAfter = (await import('node:os')).loadavg();
      const file = writeResult(`search-${database}`, {
        database,
        server: path.resolve(process.env.BENCH_SERVER_ROOT ?? '.'),
        machine: await machine(url),
        load: { before: loadBefore, after: loadAfter },
        searches: SEARCHES,
        ...search,
        writes,
      });
      console.log(
        `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
      );
      console.log(`wrote ${file}`);
    } finally {
      await server.stop();
    }
  } finally {
    await admin.stop();
  }
}

runScript(main);
