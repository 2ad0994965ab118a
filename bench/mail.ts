/**
 * Mail through the job queue: replies delivered to an SMTP server, and inbound messages parsed
 * and threaded.
 *
 *   npm run bench:mail                 (both parts; DATABASE_URL, or the embedded PostgreSQL)
 *   npm run bench:mail -- outbound     (one part)
 *   npm run bench:mail -- inbound
 *   BENCH_MAIL_REPLIES=500 BENCH_MAIL_POLL_MS=500 npm run bench:mail -- outbound
 *
 * Each run makes a fresh database `backdesk_bench_mail` (or writes into `BENCH_DATABASE`), starts
 * the built server in a process of its own (demo seed, SMTP_URL to a sink in this process,
 * INBOUND_EMAIL_SECRET), opens `BENCH_MAIL_TICKETS` tickets on the seeded customers, then runs the
 * parts asked for, writes bench/results/mail.json and prints a Markdown table.
 *
 * Definitions:
 * - Outbound: `BENCH_MAIL_REPLIES` public replies (`replyToTicket` as agent@example.com) spread
 *   over the tickets, from `BENCH_CLIENTS` closed loops of `fetch`. The sink is a real
 *   `smtp-server` on 127.0.0.1 that answers DATA after `BENCH_MAIL_SMTP_DELAY_MS` (0: as fast as
 *   it can; a relay on the network takes tens of ms).
 *   - enqueuePerSecond: replies / (last reply answered - first reply sent).
 *   - deliveredPerMinute: replies / (last of their messages accepted by the sink - first reply
 *     sent) x 60.
 *   - latency p50/p99: from a reply's answer to the sink's acceptance of its message, in ms.
 *   - duplicates: Message-IDs the sink accepted more than once (0 without a crash).
 * - Inbound: `BENCH_MAIL_INBOUND` raw MIME messages POSTed to `/inbound/email` (Bearer
 *   INBOUND_EMAIL_SECRET), from `BENCH_CLIENTS` closed loops: three in four are replies of a
 *   ticket's customer to the ticket's reply address (`ReplyAddresses`), one in four a new mail
 *   from a customer to the desk's address. Each must be answered 202.
 *   - acceptedPerSecond: messages / (last 202 - first POST).
 *   - processedPerSecond: messages / (the last `inbound_email.processed_at` among them - first
 *     POST), once none is RECEIVED any more.
 *   - outcomes: how many ended THREADED, NEW_TICKET or otherwise; `wrong` counts replies not
 *     THREADED and new mails not NEW_TICKET.
 * - serverCpu: the server process's CPU seconds over the part's wall seconds (1 = one core).
 * - JOB_POLL_MS is the server's default (2000) unless `BENCH_MAIL_POLL_MS` is set.
 */
import 'reflect-metadata';
import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import MailComposer from 'nodemailer/lib/mail-composer';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { ReplyAddresses } from '../src/mail/reply-address';
import {
  adminDatabase,
  BENCH_JWT_SECRET,
  graphqlRequest,
  login,
  machine,
  recreateDatabase,
  runScript,
  startBackdeskProcess,
  withDatabase,
  writeResult,
  type Machine,
  type ServerProcess,
} from './lib';
import { processCpuSeconds } from './writes';

const MAIL_DB = 'backdesk_bench_mail';
const INBOUND_SECRET = 'bench-inbound-secret-long-enough';
const SUPPORT_ADDRESS = 'support@example.com';

const REPLY = `mutation Reply($input: ReplyToTicketInput!) {
  replyToTicket(input: $input) { message { id } userErrors { code message } }
}`;
const CREATE_TICKET = `mutation Open($input: CreateTicketInput!) {
  createTicket(input: $input) { ticket { id } userErrors { code message } }
}`;

type Part = 'outbound' | 'inbound';

export interface OutboundResult {
  replies: number;
  clients: number;
  smtpDelayMs: number;
  enqueueSeconds: number;
  enqueuePerSecond: number;
  deliverySeconds: number;
  deliveredPerMinute: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  duplicates: number;
  serverCpu: number;
}

export interface InboundResult {
  messages: number;
  clients: number;
  acceptSeconds: number;
  acceptedPerSecond: number;
  processSeconds: number;
  processedPerSecond: number;
  outcomes: Record<string, number>;
  wrong: number;
  serverCpu: number;
}

export interface MailResult {
  pollMs: number | 'default';
  tickets: number;
  outbound?: OutboundResult;
  inbound?: InboundResult;
}

interface Ticket {
  id: number;
  customerEmail: string;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `count` tasks from `clients` closed loops: each starts its next task when one ends. */
async function closedLoops(
  count: number,
  clients: number,
  task: (n: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(clients, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * A real SMTP server that notes when each Message-ID arrives. It reads only the header of each
 * message (no MIME parsing), so it takes little of the CPU it shares with the load.
 */
class Sink {
  readonly arrivals = new Map<string, number[]>();
  count = 0;
  private readonly server: SMTPServer;
  private waiting: { count: number; resolve: () => void } | undefined;

  constructor(delayMs: number) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 50 * 1024 * 1024,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const text = Buffer.concat(chunks).toString('latin1');
          const header = text.slice(0, text.indexOf('\r\n\r\n'));
          const messageId = /^Message-ID:\s*<([^>]+)>/im.exec(header)?.[1] ?? '';
          const accept = () => {
            const at = performance.now();
            this.arrivals.set(messageId, [...(this.arrivals.get(messageId) ?? []), at]);
            this.count += 1;
            if (this.waiting && this.count >= this.waiting.count) this.waiting.resolve();
            callback();
          };
          if (delayMs > 0) setTimeout(accept, delayMs);
          else accept();
        });
      },
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () =>
        resolve((this.server.server.address() as AddressInfo).port),
      ),
    );
  }

  /** Resolves once the sink has accepted `count` messages in all, or rejects after `ms`. */
  until(count: number, ms: number): Promise<void> {
    if (this.count >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the sink accepted ${this.count} of ${count} messages in ${ms} ms`)),
        ms,
      );
      this.waiting = {
        count,
        resolve: () => {
          clearTimeout(timer);
          this.waiting = undefined;
          resolve();
        },
      };
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function countOf(db: Client, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ count: string }>(sql, values);
  return Number(rows[0].count);
}

async function waitUntil(what: string, ms: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`gave up waiting (${ms} ms): ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Opens `count` tickets as the agent, spread over the seeded customers that have an email. */
async function openTickets(
  server: ServerProcess,
  db: Client,
  token: string,
  count: number,
): Promise<Ticket[]> {
  const customers = (
    await db.query<{ id: string; email: string }>(
      `SELECT id, email FROM customer WHERE email IS NOT NULL ORDER BY id LIMIT 50`,
    )
  ).rows;
  if (customers.length === 0) throw new Error('the demo seed made no customer with an email');
  const tickets: Ticket[] = [];
  await closedLoops(count, 4, async (n) => {
    const customer = customers[n % customers.length];
    const result = await graphqlRequest<{
      createTicket: { ticket: { id: string } | null; userErrors: { message: string }[] };
    }>(
      server.graphqlUrl,
      CREATE_TICKET,
      {
        input: {
          customerId: toGlobalId('Customer', customer.id),
          subject: `Bench mail ${n}`,
          body: 'Where is my order?',
          channel: 'EMAIL',
        },
      },
      token,
    );
    const id = result.data?.createTicket.ticket?.id;
    if (!id) throw new Error(`createTicket failed: ${JSON.stringify(result)}`);
    tickets.push({ id: parseGlobalId(id, 'Ticket'), customerEmail: customer.email });
  });
  return tickets;
}

async function runOutbound(
  server: ServerProcess,
  db: Client,
  sink: Sink,
  token: string,
  tickets: readonly Ticket[],
  options: { replies: number; clients: number; smtpDelayMs: number },
): Promise<OutboundResult> {
  // Whatever the set-up queued (acknowledgements, the seed's replies) is delivered first.
  await waitUntil('the set-up’s emails sent', 600_000, async () => {
    return (await countOf(db, `SELECT count(*) FROM outbound_email WHERE status = 'QUEUED'`)) === 0;
  });
  const before = sink.count;
  const answeredAt = new Map<number, number>();
  const pid = server.child.pid as number;
  const cpuBefore = processCpuSeconds(pid);
  const started = performance.now();
  await closedLoops(options.replies, options.clients, async (n) => {
    const ticket = tickets[n % tickets.length];
    const result = await graphqlRequest<{
      replyToTicket: { message: { id: string } | null; userErrors: { message: string }[] };
    }>(
      server.graphqlUrl,
      REPLY,
      { input: { ticketId: toGlobalId('Ticket', ticket.id), body: `Answer ${n} from the bench` } },
      token,
    );
    const id = result.data?.replyToTicket.message?.id;
    if (!id || result.data?.replyToTicket.userErrors.length)
      throw new Error(`replyToTicket failed: ${JSON.stringify(result)}`);
    answeredAt.set(parseGlobalId(id, 'TicketMessage'), performance.now());
  });
  const enqueued = performance.now();
  await sink.until(before + options.replies, 30 * 60_000);
  const delivered = performance.now();
  const serverCpu = (processCpuSeconds(pid) - cpuBefore) / ((delivered - started) / 1000);

  const emails = (
    await db.query<{ message_id: string; ticket_message_id: string; status: string }>(
      `SELECT message_id, ticket_message_id, status FROM outbound_email
        WHERE ticket_message_id = ANY($1::bigint[])`,
      [[...answeredAt.keys()]],
    )
  ).rows;
  if (emails.length !== options.replies)
    throw new Error(`${options.replies} replies made ${emails.length} emails`);
  const latencies: number[] = [];
  for (const email of emails) {
    const arrival = sink.arrivals.get(email.message_id)?.[0];
    if (arrival === undefined) throw new Error(`${email.message_id} never reached the sink`);
    latencies.push(arrival - (answeredAt.get(Number(email.ticket_message_id)) as number));
  }
  latencies.sort((a, b) => a - b);
  const enqueueSeconds = (enqueued - started) / 1000;
  const deliverySeconds = (delivered - started) / 1000;
  return {
    replies: options.replies,
    clients: options.clients,
    smtpDelayMs: options.smtpDelayMs,
    enqueueSeconds: round(enqueueSeconds, 2),
    enqueuePerSecond: round(options.replies / enqueueSeconds),
    deliverySeconds: round(deliverySeconds, 2),
    deliveredPerMinute: Math.round((options.replies / deliverySeconds) * 60),
    latencyP50Ms: Math.round(percentile(latencies, 50)),
    latencyP99Ms: Math.round(percentile(latencies, 99)),
    duplicates: [...sink.arrivals.values()].filter((times) => times.length > 1).length,
    serverCpu: round(serverCpu, 2),
  };
}

/** The raw MIME of the n-th inbound message: a reply to a ticket, or (one in four) a new mail. */
function inboundMessage(
  n: number,
  tickets: readonly Ticket[],
  addresses: ReplyAddresses,
  run: string,
): Promise<{ raw: Buffer; messageId: string; isReply: boolean }> {
  const ticket = tickets[n % tickets.length];
  const isReply = n % 4 !== 3;
  const messageId = `bench-${run}-${n}@customer.example`;
  const composer = new MailComposer({
    from: ticket.customerEmail,
    to: isReply ? addresses.addressFor(ticket.id) : SUPPORT_ADDRESS,
    subject: isReply ? `Re: Bench mail ${n % tickets.length}` : `A new question ${n}`,
    text: isReply
      ? `Thanks, that answers it (${n}).\n\nOn a day, Support wrote:\n> Answer from the bench`
      : `Do you ship to Norway? (${n})`,
    messageId: `<${messageId}>`,
    date: new Date(),
  });
  return new Promise((resolve, reject) =>
    composer
      .compile()
      .build((error, raw) => (error ? reject(error) : resolve({ raw, messageId, isReply }))),
  );
}

async function runInbound(
  server: ServerProcess,
  db: Client,
  tickets: readonly Ticket[],
  options: { messages: number; clients: number },
): Promise<InboundResult> {
  const addresses = new ReplyAddresses(
    // As src/server/start.ts derives it from JWT_SECRET; checked below against a sent email.
    createHmac('sha256', BENCH_JWT_SECRET).update('backdesk reply addresses').digest('hex'),
    SUPPORT_ADDRESS,
  );
  const sent = await db.query<{ ticket_id: string; reply_to: string }>(
    `SELECT ticket_id, reply_to FROM outbound_email WHERE reply_to IS NOT NULL LIMIT 1`,
  );
  if (
    sent.rows[0] &&
    addresses.addressFor(Number(sent.rows[0].ticket_id)) !== sent.rows[0].reply_to
  )
    throw new Error(
      `reply addresses differ from the server's (${sent.rows[0].reply_to}): see src/server/start.ts`,
    );
  const run = randomUUID().slice(0, 8);
  const messages = await Promise.all(
    Array.from({ length: options.messages }, (_, n) => inboundMessage(n, tickets, addresses, run)),
  );
  const url = server.graphqlUrl.replace(/\/graphql$/, '/inbound/email');
  const pid = server.child.pid as number;
  const cpuBefore = processCpuSeconds(pid);
  const startedWall = Date.now();
  const started = performance.now();
  await closedLoops(options.messages, options.clients, async (n) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'message/rfc822',
        authorization: `Bearer ${INBOUND_SECRET}`,
      },
      body: messages[n].raw,
    });
    await response.arrayBuffer();
    if (response.status !== 202)
      throw new Error(
        response.status === 404
          ? 'POST /inbound/email answered 404: this build has no inbound endpoint yet'
          : `POST /inbound/email answered ${response.status}, not 202`,
      );
  });
  const accepted = performance.now();
  const ids = messages.map((message) => message.messageId);
  await waitUntil('every inbound message processed', 30 * 60_000, async () => {
    const left = await countOf(
      db,
      `SELECT count(*) FROM inbound_email WHERE message_id = ANY($1::text[]) AND outcome = 'RECEIVED'`,
      [ids],
    );
    return left === 0;
  });
  const processed = performance.now();
  const serverCpu = (processCpuSeconds(pid) - cpuBefore) / ((processed - started) / 1000);
  const rows = (
    await db.query<{ message_id: string; outcome: string; last: Date }>(
      `SELECT message_id, outcome, max(processed_at) OVER () AS last
         FROM inbound_email WHERE message_id = ANY($1::text[])`,
      [ids],
    )
  ).rows;
  if (rows.length !== options.messages)
    throw new Error(`${options.messages} messages POSTed, ${rows.length} stored`);
  const isReply = new Map(messages.map((message) => [message.messageId, message.isReply]));
  const outcomes: Record<string, number> = {};
  let wrong = 0;
  for (const row of rows) {
    outcomes[row.outcome] = (outcomes[row.outcome] ?? 0) + 1;
    if (row.outcome !== (isReply.get(row.message_id) ? 'THREADED' : 'NEW_TICKET')) wrong += 1;
  }
  const acceptSeconds = (accepted - started) / 1000;
  const processSeconds = (new Date(rows[0].last).getTime() - startedWall) / 1000;
  return {
    messages: options.messages,
    clients: options.clients,
    acceptSeconds: round(acceptSeconds, 2),
    acceptedPerSecond: round(options.messages / acceptSeconds),
    processSeconds: round(processSeconds, 2),
    processedPerSecond: round(options.messages / processSeconds),
    outcomes,
    wrong,
    serverCpu: round(serverCpu, 2),
  };
}

export async function runMail(databaseUrl: string, parts: readonly Part[]): Promise<MailResult> {
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const ticketCount = Number(process.env.BENCH_MAIL_TICKETS ?? 50);
  const smtpDelayMs = Number(process.env.BENCH_MAIL_SMTP_DELAY_MS ?? 0);
  const pollMs = process.env.BENCH_MAIL_POLL_MS;
  const sink = new Sink(smtpDelayMs);
  const sinkPort = await sink.listen();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let server: ServerProcess | undefined;
  try {
    server = await startBackdeskProcess(databaseUrl, {
      DEMO_SEED: 'true',
      SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
      INBOUND_EMAIL_SECRET: INBOUND_SECRET,
      LOGIN_ATTEMPTS: '100000',
      ...(pollMs ? { JOB_POLL_MS: pollMs } : {}),
    });
    const token = await login(server.graphqlUrl, 'agent@example.com');
    const tickets = await openTickets(server, db, token, ticketCount);
    const result: MailResult = {
      pollMs: pollMs ? Number(pollMs) : 'default',
      tickets: ticketCount,
    };
    if (parts.includes('outbound'))
      result.outbound = await runOutbound(server, db, sink, token, tickets, {
        replies: Number(process.env.BENCH_MAIL_REPLIES ?? 500),
        clients,
        smtpDelayMs,
      });
    if (parts.includes('inbound'))
      result.inbound = await runInbound(server, db, tickets, {
        messages: Number(process.env.BENCH_MAIL_INBOUND ?? 500),
        clients,
      });
    return result;
  } finally {
    await server?.stop();
    await db.end();
    await sink.close();
  }
}

export function mailTable(result: MailResult, host?: Machine): string {
  const lines = [
    ...(host
      ? [
          `Machine: ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}, PostgreSQL ${host.postgres}; JOB_POLL_MS ${result.pollMs}, ${result.tickets} tickets.`,
          '',
        ]
      : []),
    '| measure | value |',
    '| --- | --- |',
  ];
  const out = result.outbound;
  if (out)
    lines.push(
      `| replies enqueued (\`replyToTicket\`, ${out.clients} clients) | ${out.enqueuePerSecond}/s (${out.replies} in ${out.enqueueSeconds} s) |`,
      `| replies delivered to the SMTP sink (DATA answered after ${out.smtpDelayMs} ms) | ${out.deliveredPerMinute}/min (${out.replies} in ${out.deliverySeconds} s from the first reply) |`,
      `| reply answered → message accepted, p50 / p99 | ${out.latencyP50Ms} / ${out.latencyP99Ms} ms |`,
      `| Message-IDs accepted twice | ${out.duplicates} |`,
      `| server CPU, outbound | ${out.serverCpu} cores |`,
    );
  const inb = result.inbound;
  if (inb)
    lines.push(
      `| inbound accepted (\`POST /inbound/email\` 202, ${inb.clients} clients) | ${inb.acceptedPerSecond}/s (${inb.messages} in ${inb.acceptSeconds} s) |`,
      `| inbound parsed and threaded | ${inb.processedPerSecond}/s (${inb.messages} in ${inb.processSeconds} s from the first POST) |`,
      `| inbound outcomes | ${Object.entries(inb.outcomes)
        .map(([outcome, count]) => `${outcome} ${count}`)
        .join(', ')}; ${inb.wrong} wrong |`,
      `| server CPU, inbound | ${inb.serverCpu} cores |`,
    );
  return lines.join('\n');
}

function partsAsked(argument: string | undefined): Part[] {
  if (argument === undefined) return ['outbound', 'inbound'];
  if (argument === 'outbound' || argument === 'inbound') return [argument];
  throw new Error(`usage: npm run bench:mail [-- outbound | inbound], not "${argument}"`);
}

async function main(): Promise<void> {
  const parts = partsAsked(process.argv[2]);
  const admin = await adminDatabase();
  try {
    const databaseUrl = process.env.BENCH_DATABASE
      ? withDatabase(admin.url, process.env.BENCH_DATABASE)
      : await recreateDatabase(admin.url, MAIL_DB);
    const host = await machine(databaseUrl);
    const result = await runMail(databaseUrl, parts);
    const file = writeResult('mail', { machine: host, ...result });
    console.log(mailTable(result, host));
    console.log(`\nwritten to ${file}`);
  } finally {
    await admin.stop();
  }
}

if (require.main === module) {
  runScript(main);
}
