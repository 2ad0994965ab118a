import { createClient } from 'graphql-ws';
import pino from 'pino';
import WebSocket from 'ws';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { seedDemoData } from '../src/modules/seed';
import { recordEvent } from '../src/events/event-log';
import {
  graphql,
  login,
  subscribe,
  waitForSubscriptions,
  type Received,
} from './support/live-client';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Live consoles against real server processes: two instances on one database, real graphql-ws
 * clients, and a server killed with SIGKILL and started again.
 */
let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let agent: string;
let lead: string;
let customerId: string;

const url = (server: ServerProcess) => `http://127.0.0.1:${server.port}`;
const ws = (server: ServerProcess) => `ws://127.0.0.1:${server.port}/graphql`;

const TICKET_EVENTS = `subscription($filter: TicketFilter, $after: String) {
  ticketEvents(filter: $filter, after: $after) { cursor type queue changes ticket { id status assignee { email } } message { body internal } }
}`;

interface TicketEventItem {
  cursor: string;
  type: string;
  queue: string;
  changes: Record<string, unknown>;
  ticket: { id: string; status: string; assignee: { email: string } | null };
  message: { body: string; internal: boolean } | null;
}

async function createTicket(server: ServerProcess, subject = 'Live ticket'): Promise<string> {
  const data = await graphql<{ createTicket: { ticket: { id: string } } }>(
    url(server),
    agent,
    'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }',
    { input: { customerId, subject, body: 'Hello', channel: 'CHAT' } },
  );
  return data.createTicket.ticket.id;
}

/**
 * A ticket subscription on `server` that starts from the newest committed event. Without the
 * cursor, a change committed just before (a ticket's CREATED, on the other instance) may still be
 * on its way to this instance's dispatcher when the subscription attaches, and arrive as live.
 */
async function subscribeFromNow(
  server: ServerProcess,
  token: string,
  filter: Record<string, unknown>,
): Promise<Received<TicketEventItem>> {
  const { eventCursor: after } = await graphql<{ eventCursor: string }>(
    url(server),
    token,
    '{ eventCursor }',
  );
  return subscribe<TicketEventItem>(ws(server), token, TICKET_EVENTS, { filter, after });
}

async function reply(
  server: ServerProcess,
  ticketId: string,
  body: string,
  internal = false,
): Promise<void> {
  await graphql(
    url(server),
    agent,
    'mutation($input: ReplyToTicketInput!) { replyToTicket(input: $input) { userErrors { code } } }',
    {
      input: { ticketId, body, internal },
    },
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  const orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 2 });
  await seedDemoData(orm, pino({ level: 'silent' }));
  await orm.close(true);
  [a, b] = await Promise.all([startServerProcess(database.url), startServerProcess(database.url)]);
  [agent, lead] = await Promise.all([
    login(url(a), 'agent@example.com'),
    login(url(a), 'lead@example.com'),
  ]);
  const customers = await graphql<{ customers: { nodes: { id: string }[] } }>(
    url(a),
    agent,
    '{ customers(first: 1) { nodes { id } } }',
  );
  customerId = customers.customers.nodes[0].id;
}, 60_000);

afterAll(async () => {
  for (const server of [a, b])
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await database?.drop();
});

describe('delivery', () => {
  it('brings a change committed on one instance to a subscriber on another; a rolled-back change announces nothing', async () => {
    const ticketId = await createTicket(a);
    const live = await subscribeFromNow(b, agent, { ticketId });
    await waitForSubscriptions(url(b), 'ticketEvents', 1);

    const orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 1 });
    const rowId = Number(Buffer.from(ticketId, 'base64url').toString().split(':')[1]);
    await expect(
      orm.em.fork().transactional(async (em) => {
        await recordEvent(em, {
          streamType: 'Ticket',
          streamId: rowId,
          type: 'UPDATED',
          payload: { ghost: true },
          actorId: null,
        });
        // The event row is written (inside the transaction) before it rolls back.
        const [written] = await em.execute<{ count: string }[]>(
          "SELECT count(*) AS count FROM event WHERE payload->>'ghost' = 'true'",
        );
        expect(written.count).toBe('1');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await orm.close(true);

    await reply(a, ticketId, 'First answer');
    const [event] = await live.waitFor(1);
    expect(event).toMatchObject({
      type: 'MESSAGE_ADDED',
      queue: 'STAYED',
      message: { body: 'First answer', internal: false },
      ticket: { id: ticketId, status: 'OPEN' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.items).toHaveLength(1);
    expect(JSON.stringify(live.items)).not.toContain('ghost');
    await live.stop();
  });

  it('replays exactly the missed events after a disconnect, then goes live, with no duplicate', async () => {
    const ticketId = await createTicket(a);
    const first = await subscribeFromNow(b, agent, { ticketId });
    await waitForSubscriptions(url(b), 'ticketEvents', 1);
    await reply(a, ticketId, 'before');
    const [seen] = await first.waitFor(1);
    await first.stop();

    for (let i = 0; i < 100; i += 1) await reply(i % 2 ? a : b, ticketId, `missed ${i}`);

    const resumed = subscribe<TicketEventItem>(ws(b), agent, TICKET_EVENTS, {
      filter: { ticketId },
      after: seen.cursor,
    });
    const replayed = await resumed.waitFor(100);
    expect(replayed.map((e) => e.message?.body)).toEqual(
      Array.from({ length: 100 }, (_, i) => `missed ${i}`),
    );
    await reply(a, ticketId, 'live again');
    const all = await resumed.waitFor(101);
    expect(all[100].message?.body).toBe('live again');
    const cursors = all.map((e) => Number(e.cursor));
    expect([...cursors].sort((x, y) => x - y)).toEqual(cursors);
    expect(new Set(cursors).size).toBe(cursors.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resumed.items).toHaveLength(101);
    await resumed.stop();
  });

  it('starts a queue gap-free from eventCursor read before its list: a change committed between the list and the subscription still arrives', async () => {
    const ticketId = await createTicket(a, 'Gap-free start');
    const { eventCursor: cursor } = await graphql<{ eventCursor: string }>(
      url(a),
      agent,
      '{ eventCursor }',
    );
    // The newest committed change: this ticket's CREATED is at or before it.
    const history = await graphql<{ ticket: { history: { cursor: string }[] } }>(
      url(a),
      agent,
      'query($id: ID!) { ticket(id: $id) { history { cursor } } }',
      { id: ticketId },
    );
    expect(Number(cursor)).toBeGreaterThanOrEqual(Number(history.ticket.history.at(-1)?.cursor));

    // Committed after the cursor was read and before anyone subscribed.
    await reply(b, ticketId, 'between the list and the feed');
    const feed = subscribe<TicketEventItem>(ws(b), agent, TICKET_EVENTS, {
      filter: { ticketId },
      after: cursor,
    });
    const [missed] = await feed.waitFor(1);
    expect(missed.message?.body).toBe('between the list and the feed');
    expect(Number(missed.cursor)).toBeGreaterThan(Number(cursor));
    await feed.stop();

    const anonymous = await fetch(`${url(a)}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ eventCursor }' }),
    });
    const refused = (await anonymous.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('replays the same after the instance it was connected to is killed with SIGKILL and restarted', async () => {
    const ticketId = await createTicket(a);
    const first = await subscribeFromNow(b, agent, { ticketId });
    await waitForSubscriptions(url(b), 'ticketEvents', 1);
    await reply(a, ticketId, 'before the crash');
    const [seen] = await first.waitFor(1);
    b.child.kill('SIGKILL');
    await b.exited;
    await first.stop();

    for (let i = 0; i < 100; i += 1) await reply(a, ticketId, `while down ${i}`);
    b = await startServerProcess(database.url);

    const resumed = subscribe<TicketEventItem>(ws(b), agent, TICKET_EVENTS, {
      filter: { ticketId },
      after: seen.cursor,
    });
    const replayed = await resumed.waitFor(100);
    expect(replayed.map((e) => e.message?.body)).toEqual(
      Array.from({ length: 100 }, (_, i) => `while down ${i}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resumed.items).toHaveLength(100);
    await resumed.stop();
  });

  it('delivers every event exactly once and in order to 5 subscribers on 2 instances under 20 concurrent writers', async () => {
    const tickets = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createTicket(i % 2 ? a : b, `Concurrent ${i}`)),
    );
    const wanted = new Set(tickets);
    const subscribers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => subscribeFromNow(i % 2 ? a : b, agent, { customerId })),
    );
    await Promise.all(
      tickets.map(async (ticketId, writer) => {
        for (let i = 0; i < 5; i += 1)
          await reply(writer % 2 ? a : b, ticketId, `w${writer} m${i}`);
      }),
    );
    for (const subscriber of subscribers) {
      const items = await subscriber.waitFor(100, 20_000);
      const ours = items.filter((e) => wanted.has(e.ticket.id));
      expect(ours).toHaveLength(100);
      const cursors = items.map((e) => Number(e.cursor));
      expect([...cursors].sort((x, y) => x - y)).toEqual(cursors);
      expect(new Set(cursors).size).toBe(cursors.length);
      for (let writer = 0; writer < 20; writer += 1) {
        const bodies = ours
          .filter((e) => e.message?.body.startsWith(`w${writer} `))
          .map((e) => e.message?.body);
        expect(bodies).toEqual([0, 1, 2, 3, 4].map((i) => `w${writer} m${i}`));
      }
    }
    await Promise.all(subscribers.map((s) => s.stop()));
  }, 60_000);
});

describe('several subscriptions on one socket', () => {
  it('each get their own messages, whether they share an execution (same filter) or not', async () => {
    const ticketId = await createTicket(a);
    // Subscribed from the newest cursor: without it, this ticket's CREATED, committed on A, may
    // still be on its way to B's dispatcher when the subscriptions attach, and arrive as live.
    const { eventCursor: after } = await graphql<{ eventCursor: string }>(
      url(a),
      agent,
      '{ eventCursor }',
    );
    const metrics = async () =>
      Number(
        /backdesk_subscriptions\{kind="ticketEvents"\} (\d+)/.exec(
          await (await fetch(`${url(b)}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const before = await metrics();
    const client = createClient({
      url: ws(b),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${agent}` },
      retryAttempts: 0,
    });
    const received: Record<string, TicketEventItem[]> = { queueA: [], queueB: [], one: [] };
    const follow = (name: string, variables: Record<string, unknown>) =>
      client.subscribe<{ ticketEvents: TicketEventItem }>(
        { query: TICKET_EVENTS, variables },
        {
          next: ({ data }) => data && received[name].push(data.ticketEvents),
          error: (error) => {
            throw error;
          },
          complete: () => undefined,
        },
      );
    const queue = { filter: { status: ['NEW', 'OPEN'], customerId }, after };
    follow('queueA', queue);
    const stopB = follow('queueB', queue);
    follow('one', { filter: { ticketId }, after });
    await waitForSubscriptions(url(b), 'ticketEvents', before + 3);

    const created = await createTicket(a, 'Seen by both queues');
    await reply(a, ticketId, 'Only for the one ticket and the queues');
    const until = async (check: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!check() && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await until(() => received.queueA.length >= 2 && received.queueB.length >= 2);
    await until(() => received.one.length >= 1);
    for (const name of ['queueA', 'queueB']) {
      expect(received[name].map((event) => [event.type, event.queue, event.ticket.id])).toEqual([
        ['CREATED', 'ENTERED', created],
        ['MESSAGE_ADDED', 'STAYED', ticketId],
      ]);
    }
    expect(received.queueA.map((event) => event.cursor)).toEqual(
      received.queueB.map((event) => event.cursor),
    );
    expect(received.one.map((event) => [event.type, event.ticket.id])).toEqual([
      ['MESSAGE_ADDED', ticketId],
    ]);

    // One of the two equal subscriptions ends; the other and the socket carry on.
    stopB();
    const deadline = Date.now() + 10_000;
    while ((await metrics()) !== before + 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await metrics()).toBe(before + 2);
    await reply(a, ticketId, 'After one unsubscribed');
    await until(() => received.queueA.length >= 3 && received.one.length >= 2);
    expect(received.queueA).toHaveLength(3);
    expect(received.one).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.queueB).toHaveLength(2);
    await client.dispose();
  });
});

describe('filters and permissions', () => {
  it('announces ENTERED, LEFT and STAYED for a queue, and the LEFT only once', async () => {
    const queue = subscribe<TicketEventItem>(ws(a), lead, TICKET_EVENTS, {
      filter: { unassigned: true, customerId },
    });
    await waitForSubscriptions(url(a), 'ticketEvents', 1);
    const ticketId = await createTicket(b);
    const employees = await graphql<{ employees: { nodes: { id: string }[] } }>(
      url(a),
      lead,
      '{ employees(filter: { search: "agent@example.com" }) { nodes { id } } }',
    );
    const assign = (assigneeId: string | null) =>
      graphql(
        url(b),
        lead,
        'mutation($input: AssignTicketInput!) { assignTicket(input: $input) { userErrors { code } } }',
        { input: { ticketId, assigneeId } },
      );
    await reply(b, ticketId, 'still unassigned');
    await assign(employees.employees.nodes[0].id);
    await reply(b, ticketId, 'assigned now');
    await assign(null);
    const items = await queue.waitFor(4);
    const ours = items.filter((e) => e.ticket.id === ticketId).map((e) => [e.type, e.queue]);
    expect(ours).toEqual([
      ['CREATED', 'ENTERED'],
      ['MESSAGE_ADDED', 'STAYED'],
      ['ASSIGNED', 'LEFT'],
      ['ASSIGNED', 'ENTERED'],
    ]);
    await queue.stop();
  });

  it('never carries an internal note to REPORTING, and ends at once for a terminated agent', async () => {
    const reports = await login(url(a), 'reports@example.com');
    const ticketId = await createTicket(a);
    const forReporting = await subscribeFromNow(b, reports, { ticketId });
    const forAgent = await subscribeFromNow(b, agent, { ticketId });
    await waitForSubscriptions(url(b), 'ticketEvents', 2);
    await reply(a, ticketId, 'secret note', true);
    await reply(a, ticketId, 'public reply');
    expect((await forAgent.waitFor(2)).map((e) => e.message?.body)).toEqual([
      'secret note',
      'public reply',
    ]);
    expect((await forReporting.waitFor(1)).map((e) => e.message?.body)).toEqual(['public reply']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(forReporting.items).toHaveLength(1);

    const hr = await login(url(a), 'hr@example.com');
    const hired = await graphql<{ hireEmployee: { employee: { id: string } } }>(
      url(a),
      hr,
      'mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id } } }',
      {
        input: {
          name: 'Short Stay',
          email: 'short.stay@example.com',
          hireDate: '2026-01-01',
          roles: ['SUPPORT_AGENT'],
          password: 'long-enough-password',
        },
      },
    );
    const temp = await login(url(a), 'short.stay@example.com', 'long-enough-password');
    const doomed = await subscribeFromNow(b, temp, { ticketId });
    await waitForSubscriptions(url(b), 'ticketEvents', 3);
    await graphql(
      url(a),
      hr,
      'mutation($input: TerminateEmployeeInput!) { terminateEmployee(input: $input) { userErrors { code } } }',
      {
        input: { employeeId: hired.hireEmployee.employee.id, date: '2026-11-22', reason: 'Test' },
      },
    );
    const deadline = Date.now() + 5000;
    while (doomed.errors.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(doomed.errors.map((error) => (error as { code?: number }).code)).toContain(4403);
    await reply(a, ticketId, 'after termination');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(doomed.items).toHaveLength(0);
    await Promise.all([forReporting.stop(), forAgent.stop(), doomed.stop()]);
  });

  it('ends a subscription whose cursor is older than the retained history with RESYNC_REQUIRED', async () => {
    const orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 1 });
    await orm.em.fork().execute('UPDATE event_retention SET pruned_through = 50 WHERE id = 1');
    const stale = subscribe<TicketEventItem>(ws(a), agent, TICKET_EVENTS, { after: '10' });
    const deadline = Date.now() + 5000;
    while (stale.errors.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.stringify(stale.errors)).toContain('RESYNC_REQUIRED');
    await orm.em.fork().execute('UPDATE event_retention SET pruned_through = 0 WHERE id = 1');
    await orm.close(true);
    await stale.stop();
  });
});

describe('presence', () => {
  it('shows a viewer on another instance within a second, with what they type, and drops them when their socket closes', async () => {
    const ticketId = await createTicket(a);
    const PRESENCE =
      'subscription($id: ID!) { ticketPresence(ticketId: $id) { ticketId viewers { employee { email } activity } } }';
    type Presence = {
      ticketId: string;
      viewers: { employee: { email: string }; activity: string }[];
    };
    const watcher = subscribe<Presence>(ws(a), agent, PRESENCE, { id: ticketId });
    await watcher.waitFor(1);

    const { createClient } = await import('graphql-ws');
    const WebSocket = (await import('ws')).default;
    const leadClient = createClient({
      url: ws(b),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${lead}` },
      retryAttempts: 0,
    });
    leadClient.subscribe(
      { query: PRESENCE, variables: { id: ticketId } },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );

    const seesLead = async (activity: string) => {
      const started = Date.now();
      while (Date.now() - started < 1000) {
        const latest = watcher.items.at(-1);
        if (
          latest?.viewers.some(
            (v) => v.employee.email === 'lead@example.com' && v.activity === activity,
          )
        )
          return Date.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(
        `lead not seen ${activity} within 1 s: ${JSON.stringify(watcher.items.at(-1))}`,
      );
    };
    expect(await seesLead('VIEWING')).toBeLessThan(1000);

    await new Promise<void>((resolve, reject) =>
      leadClient.subscribe(
        {
          query:
            'mutation($input: SetTicketActivityInput!) { setTicketActivity(input: $input) { activity userErrors { code } } }',
          variables: { input: { ticketId, activity: 'TYPING_REPLY' } },
        },
        { next: () => undefined, error: reject, complete: resolve },
      ),
    );
    expect(await seesLead('TYPING_REPLY')).toBeLessThan(1000);

    await leadClient.dispose();
    const started = Date.now();
    while (
      watcher.items.at(-1)?.viewers.some((v) => v.employee.email === 'lead@example.com') &&
      Date.now() - started < 2000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(watcher.items.at(-1)?.viewers.map((v) => v.employee.email)).toEqual([
      'agent@example.com',
    ]);
    await watcher.stop();
  });
});
