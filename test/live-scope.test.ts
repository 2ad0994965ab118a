import { watchStatements } from '../src/db/driver';
import { EventRetentionJob } from '../src/events/retention';
import pino from 'pino';
import {
  CreateTicketDocument,
  ReplyToTicketDocument,
  TicketDetailDocument,
} from './generated/graphql';
import { createCustomer } from './support/fixtures';
import { subscribe, waitForSubscriptions, type Received } from './support/live-client';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let agent: string;

beforeAll(async () => {
  server = await startTestServer();
  agent = await server.login('agent@example.com');
});

afterAll(async () => {
  await server?.close();
});

const QUERY = `subscription($filter: TicketFilter) {
  ticketEvents(filter: $filter) { cursor type ticket { id subject status customer { name } assignee { email } } message { body } }
}`;

async function newTicket(): Promise<string> {
  const customerId = await createCustomer(server, agent);
  const created = await server.request(
    CreateTicketDocument,
    { input: { customerId, subject: 'Shared', body: 'Hi' } },
    agent,
  );
  return created.data?.createTicket.ticket?.id as string;
}

describe('live delivery at scale', () => {
  it('resolves one event for 25 subscribers with about as many queries as for one', async () => {
    // Reads made by the reply and by delivering its event (presence heart-beats and retention excluded).
    const measure = async (subscriberCount: number) => {
      const ticketId = await newTicket();
      const subscribers: Received<unknown>[] = Array.from({ length: subscriberCount }, () =>
        subscribe(server.wsUrl, agent, QUERY, { filter: { ticketId } }),
      );
      await waitForSubscriptions(server.baseUrl, 'ticketEvents', subscriberCount);
      let statements = 0;
      const count = (query: { sql: string }) => {
        if (
          /^\s*(with|select)/i.test(query.sql) &&
          !/pg_notify|event_retention|from event\s+where occurred_at/i.test(query.sql)
        ) {
          statements += 1;
        }
      };
      const stop = watchStatements(server.backdesk.database.orm, count);
      try {
        await server.request(
          ReplyToTicketDocument,
          { input: { ticketId, body: 'To everyone' } },
          agent,
        );
        await Promise.all(subscribers.map((s) => s.waitFor(1)));
      } finally {
        stop();
        await Promise.all(subscribers.map((s) => s.stop()));
      }
      return statements;
    };
    const one = await measure(1);
    const many = await measure(25);
    // The ticket, its customer, assignee and message load once for all 25: at most a catch-up read more.
    expect(many - one).toBeLessThanOrEqual(2);
  });

  it('reports subscribers, deliveries and lag on /metrics', async () => {
    const ticketId = await newTicket();
    const subscriber = subscribe(server.wsUrl, agent, QUERY, { filter: { ticketId } });
    await waitForSubscriptions(server.baseUrl, 'ticketEvents', 1);
    await server.request(ReplyToTicketDocument, { input: { ticketId, body: 'Measured' } }, agent);
    await subscriber.waitFor(1);
    const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(text).toMatch(/backdesk_subscriptions\{kind="ticketEvents"\} [1-9]\d*/);
    expect(text).toMatch(/backdesk_events_delivered_total\{kind="ticketEvents"\} [1-9]\d*/);
    expect(text).toMatch(
      /backdesk_event_delivery_lag_seconds_bucket\{le="0.1",kind="ticketEvents"\}/,
    );
    await subscriber.stop();
  });
});

describe('retention', () => {
  it('archives events past the window, keeps them in the history, and moves the resync watermark', async () => {
    const ticketId = await newTicket();
    await server.request(ReplyToTicketDocument, { input: { ticketId, body: 'Old news' } }, agent);
    const em = server.backdesk.database.orm.em.fork();
    const rowId = Buffer.from(ticketId, 'base64url').toString().split(':')[1];
    await em.execute(
      "UPDATE event SET occurred_at = now() - interval '40 days' WHERE stream_type = 'Ticket' AND stream_id = ?",
      [rowId],
    );
    const moved = await new EventRetentionJob(
      server.backdesk.database.orm,
      30,
      pino({ level: 'silent' }),
    ).runOnce();
    expect(moved).toBeGreaterThanOrEqual(2);
    const [live] = await em.execute<{ count: string }[]>(
      "SELECT count(*) FROM event WHERE stream_type = 'Ticket' AND stream_id = ?",
      [rowId],
    );
    expect(live.count).toBe('0');
    const [mark] = await em.execute<{ pruned_through: string }[]>(
      'SELECT pruned_through FROM event_retention',
    );
    expect(Number(mark.pruned_through)).toBeGreaterThan(0);
    const history = await server.request(TicketDetailDocument, { id: ticketId }, agent);
    expect(history.data?.ticket?.history.map((h) => h.type)).toEqual(['CREATED', 'MESSAGE_ADDED']);
  });
});

describe('a subscriber that cannot keep up', () => {
  it('is dropped with close code 1013 instead of buffering without bound', async () => {
    const small = await startTestServer({ SUBSCRIBER_QUEUE_LIMIT: '10' });
    try {
      const token = await small.login('agent@example.com');
      const live = subscribe(small.wsUrl, token, QUERY, {});
      await waitForSubscriptions(small.baseUrl, 'ticketEvents', 1);
      // 200 events in one commit arrive in one read: more than the subscriber may have queued.
      await small.backdesk.database.orm.em
        .fork()
        .getConnection()
        .execute(
          `INSERT INTO event (stream_type, stream_id, type, payload)
           SELECT 'Ticket', '1', 'UPDATED', '{}'::jsonb FROM generate_series(1, 200)`,
        );
      const deadline = Date.now() + 10_000;
      while (live.errors.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(live.errors.map((error) => (error as { code?: number }).code)).toContain(1013);
      await live.stop();
    } finally {
      await small.close();
    }
  });
});

describe('a role revoked while subscribed', () => {
  it('stops the subscription at the next event with FORBIDDEN', async () => {
    const hr = await server.login('hr@example.com');
    const admin = await server.login('admin@example.com');
    const email = `revoked-${Date.now()}@example.com`;
    const hired = await server.raw(
      'mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id } } }',
      {
        input: {
          name: 'Soon Revoked',
          email,
          hireDate: '2026-01-01',
          roles: ['SUPPORT_AGENT'],
          password: 'long-enough-password',
        },
      },
      hr,
    );
    const employeeId = (hired.data as { hireEmployee: { employee: { id: string } } }).hireEmployee
      .employee.id;
    const token = await server.login(email, 'long-enough-password');
    const ticketId = await newTicket();
    const live = subscribe(server.wsUrl, token, QUERY, { filter: { ticketId } });
    await waitForSubscriptions(server.baseUrl, 'ticketEvents', 1);
    await server.request(ReplyToTicketDocument, { input: { ticketId, body: 'Before' } }, agent);
    await live.waitFor(1);
    await server.raw(
      'mutation($input: ChangeEmployeeRolesInput!) { changeEmployeeRoles(input: $input) { userErrors { code } } }',
      { input: { employeeId, roles: ['ACCOUNTANT'] } },
      admin,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.request(ReplyToTicketDocument, { input: { ticketId, body: 'After' } }, agent);
    const deadline = Date.now() + 5000;
    while (live.errors.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.stringify(live.errors)).toContain('FORBIDDEN');
    expect(live.items).toHaveLength(1);
    await live.stop();
  });
});
