import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { simpleParser } from 'mailparser';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { toGlobalId } from '../src/graphql/global-id';
import { SENDERS } from '../src/mail/sender';
import { DEMO_PASSWORD } from '../src/modules/seed';
import { LoginDocument, ReplyToTicketDocument } from './generated/graphql';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** Replies posted before the kill. */
const REPLIES = 60;
/** The sink has received at least this many messages when the kill comes. */
const KILL_AFTER_RECEIVED = 8;
/** How long the sink takes to answer DATA: sends are in flight when the kill comes. */
const DATA_DELAY_MS = 150;
/** How long the restarted server may take to send everything (pg-boss's expiry is 300 s). */
const DELIVERY_BOUND_MS = 60_000;

interface Received {
  messageId: string;
  at: number;
}

/**
 * A real SMTP server that records the Message-ID of every message it accepts. It holds every
 * message until `open()` (the replies are all posted by then, whatever the machine's speed),
 * then answers DATA after DATA_DELAY_MS. It calls `onReceived` once a message is accepted and
 * before it answers: a process killed from there has a message accepted that it never heard of.
 */
class Sink {
  readonly received: Received[] = [];
  private readonly server: SMTPServer;
  private opened!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));

  constructor(private readonly onReceived: () => void) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        Promise.all([simpleParser(stream), this.gate]).then(
          ([parsed]) => {
            this.received.push({
              messageId: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
              at: Date.now(),
            });
            this.onReceived();
            setTimeout(() => callback(), DATA_DELAY_MS);
          },
          (error: Error) => callback(error),
        );
      },
    });
  }

  open(): void {
    this.opened();
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () =>
        resolve((this.server.server.address() as AddressInfo).port),
      );
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function graphql<T, V>(
  port: number,
  document: TypedDocumentNode<T, V>,
  variables: V,
  token?: string,
): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body)}`);
  return body.data;
}

async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DELIVERY_BOUND_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let database: TestDatabase;
let db: Client;
let sink: Sink;
let server: ServerProcess | undefined;

afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await sink?.close();
  await db?.end();
  await database?.drop();
});

describe('outbound mail across a SIGKILL', () => {
  it('delivers every reply after a restart, sending twice only what was in the window', async () => {
    let killed: Promise<unknown> | undefined;
    let receivedAtKill = 0;
    sink = new Sink(() => {
      // From inside a message's DATA: the server accepted it, its sender has not heard so yet.
      if (killed || sink.received.length < KILL_AFTER_RECEIVED) return;
      receivedAtKill = sink.received.length;
      server?.child.kill('SIGKILL');
      killed = server?.exited;
    });
    const sinkPort = await sink.listen();
    database = await createTestDatabase({ seeded: true });
    db = new Client({ connectionString: database.url });
    await db.connect();
    const env = {
      SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
      JOB_POLL_MS: '500',
      DEMO_SEED: 'true',
    };

    server = await startServerProcess(database.url, env);
    const { port } = server;
    const agent = (
      await graphql(port, LoginDocument, {
        input: { email: 'agent@example.com', password: DEMO_PASSWORD },
      })
    ).login.token as string;
    const tickets = (
      await db.query<{ id: string }>(
        `SELECT t.id FROM ticket t JOIN customer c ON c.id = t.customer_id
          WHERE t.status <> 'CLOSED' AND c.email IS NOT NULL ORDER BY t.id`,
      )
    ).rows.map((row) => toGlobalId('Ticket', row.id));
    expect(tickets.length).toBeGreaterThan(1);
    const replies = await Promise.all(
      Array.from({ length: REPLIES }, (_, n) =>
        graphql(
          port,
          ReplyToTicketDocument,
          { input: { ticketId: tickets[n % tickets.length], body: `Answer ${n}` } },
          agent,
        ),
      ),
    );
    expect(replies.every((reply) => reply.replyToTicket.userErrors.length === 0)).toBe(true);
    expect(sink.received).toEqual([]);
    sink.open();

    await waitFor('the kill', async () => killed !== undefined);
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
    const total = Number(
      (await db.query<{ count: string }>('SELECT count(*) FROM outbound_email')).rows[0].count,
    );
    expect(total).toBeGreaterThanOrEqual(REPLIES);
    // Killed with mail left to send: some reached the sink, not all.
    expect(receivedAtKill).toBeLessThan(total);

    const restartedAt = Date.now();
    server = await startServerProcess(database.url, env);
    await waitFor('every email SENT and every send job done', async () => {
      const { rows } = await db.query<{ pending: string; jobs: string }>(
        `SELECT (SELECT count(*) FROM outbound_email WHERE status <> 'SENT') AS pending,
                (SELECT count(*) FROM pgboss.job WHERE name = 'mail.send'
                   AND state IN ('created', 'retry', 'active')) AS jobs`,
      );
      return Number(rows[0].pending) === 0 && Number(rows[0].jobs) === 0;
    });

    const emails = (
      await db.query<{ message_id: string; status: string }>(
        'SELECT message_id, status FROM outbound_email ORDER BY id',
      )
    ).rows;
    expect(emails).toHaveLength(total);
    expect(emails.filter((email) => email.status !== 'SENT')).toEqual([]);
    expect(
      Number(
        (
          await db.query<{ count: string }>(
            `SELECT count(*) FROM pgboss.job WHERE name = 'mail.send' AND state = 'failed'`,
          )
        ).rows[0].count,
      ),
    ).toBe(0);

    const times = new Map<string, number>();
    for (const { messageId } of sink.received)
      times.set(messageId, (times.get(messageId) ?? 0) + 1);
    const ours = new Set(emails.map((email) => email.message_id));
    // Every email reached the sink, and the sink got nothing that is not one of them.
    expect(emails.filter((email) => !times.has(email.message_id))).toEqual([]);
    expect([...times.keys()].filter((messageId) => !ours.has(messageId))).toEqual([]);
    // Twice at most, and only as many as one process sends at once: the resend window.
    const twice = [...times].filter(([, count]) => count > 1);
    expect(twice.every(([, count]) => count === 2)).toBe(true);
    expect(twice.length).toBeGreaterThanOrEqual(1); // the message whose DATA the kill cut
    expect(twice.length).toBeLessThanOrEqual(SENDERS);
    // A message sent twice was sent once by the killed process and once after the restart.
    for (const [messageId] of twice) {
      const arrivals = sink.received.filter((r) => r.messageId === messageId).map((r) => r.at);
      expect(arrivals[0]).toBeLessThan(restartedAt);
      expect(arrivals[1]).toBeGreaterThan(restartedAt);
    }
  }, 180_000);
});
