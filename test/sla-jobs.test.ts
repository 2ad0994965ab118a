import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { decodeGlobalId, toGlobalId } from '../src/graphql/global-id';
import { PENDING_AUTO_SOLVE_JOB } from '../src/modules/support/pending-auto-solve';
import { SLA_SWEEP_JOB } from '../src/modules/support/sla-sweep';
import {
  AddCustomerMessageDocument,
  CreateTicketDocument,
  HireEmployeeDocument,
  JobsDocument,
  ReportItIssueDocument,
  TicketDetailDocument,
  UpdateTicketDocument,
  UpdateTicketStatusDocument,
  type JobsQuery,
} from './generated/graphql';
import { createCustomer, errorCode, uniqueSuffix } from './support/fixtures';
import { subscribe, waitForSubscriptions } from './support/live-client';
import { ManualClock } from './support/manual-clock';
import { startTestServer, type TestServer } from './support/test-server';

const clock = new ManualClock('2030-03-04T09:00:00.000Z');
const PUBLIC_URL = 'https://desk.example.com';
const AUTO_SOLVE_DAYS = 3;
/** A second support lead, whose mailbox the SMTP server answers with 451 (try again later). */
const BUSY_LEAD = `busy-lead-${uniqueSuffix()}@example.com`;

let server: TestServer;
let db: Client;
let sink: SMTPServer;
const delivered: ParsedMail[] = [];
let agent: string;
let admin: string;
/** The active support leads' addresses, sorted. */
let leads: string[];

beforeAll(async () => {
  // A real SMTP server: the alerts are sent to it, and it refuses the busy lead for now.
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address !== BUSY_LEAD) return callback();
      callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          delivered.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const { port } = sink.server.address() as AddressInfo;
  server = await startTestServer(
    {
      JOB_POLL_MS: '500',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      PUBLIC_URL,
      PENDING_AUTO_SOLVE_DAYS: String(AUTO_SOLVE_DAYS),
    },
    { clock },
  );
  db = new Client({ connectionString: server.database.url });
  await db.connect();
  const hr = await server.login('hr@example.com');
  [agent, admin] = await Promise.all([
    server.login('agent@example.com'),
    server.login('admin@example.com'),
  ]);
  const hired = await server.request(
    HireEmployeeDocument,
    {
      input: {
        name: 'Busy Lead',
        email: BUSY_LEAD,
        hireDate: '2029-01-01',
        roles: ['SUPPORT_LEAD'],
        password: 'long-enough-password',
      },
    },
    hr,
  );
  expect(hired.data?.hireEmployee.userErrors).toEqual([]);
  const { rows } = await db.query<{ email: string }>(
    "SELECT email FROM employee WHERE status = 'ACTIVE' AND 'SUPPORT_LEAD' = ANY(roles) ORDER BY email",
  );
  leads = rows.map((row) => row.email);
  expect(leads).toEqual(expect.arrayContaining(['lead@example.com', BUSY_LEAD]));
});

afterAll(async () => {
  await db?.end();
  await server?.close();
  await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Queues a job as the cron would and waits until a worker has completed it. */
async function runJob(name: string): Promise<string> {
  const id = await server.backdesk.jobs.enqueue(undefined, name, {});
  if (!id) throw new Error(`${name} was not queued`);
  await until(`${name} ${id} to complete`, async () => {
    const { rows } = await db.query<{ state: string; output: unknown }>(
      'SELECT state::text AS state, output FROM pgboss.job WHERE id = $1',
      [id],
    );
    if (rows[0]?.state === 'failed' || rows[0]?.state === 'retry')
      throw new Error(`${name} failed: ${JSON.stringify(rows[0].output)}`);
    return rows[0]?.state === 'completed';
  });
  return id;
}

const keyOf = (globalId: string) => decodeGlobalId(globalId)?.key as string;

async function newTicket(customerId: string, priority: 'URGENT' | 'NORMAL' = 'URGENT') {
  const result = await server.request(
    CreateTicketDocument,
    {
      input: {
        customerId,
        subject: `Parcel lost ${uniqueSuffix()}`,
        body: 'Where is it?',
        priority,
        channel: 'EMAIL',
      },
    },
    agent,
  );
  const ticket = result.data?.createTicket.ticket;
  if (!ticket) throw new Error(JSON.stringify(result));
  return ticket;
}

/** The ticket's SLA_BREACHED events, oldest first, from the event table. */
async function slaEvents(ticketId: string) {
  const { rows } = await db.query<{ payload: Record<string, unknown>; actor_id: string | null }>(
    "SELECT payload, actor_id FROM event WHERE stream_type = 'Ticket' AND stream_id = $1 AND type = 'SLA_BREACHED' ORDER BY id",
    [keyOf(ticketId)],
  );
  return rows.map(({ payload, actor_id }) => ({
    target: payload.target,
    dueAt: payload.dueAt,
    actorId: actor_id,
  }));
}

interface Alert {
  to: string;
  subject: string;
  text: string;
  autoSubmitted: boolean;
}

/** The SLA alerts queued about a ticket, by recipient address. */
async function alertsOf(ticketId: string): Promise<Alert[]> {
  const { rows } = await db.query<{
    to_address: string;
    subject: string;
    text_body: string;
    auto_submitted: boolean;
  }>(
    "SELECT to_address, subject, text_body, auto_submitted FROM outbound_email WHERE ticket_id = $1 AND kind = 'SLA_BREACH_ALERT' ORDER BY id",
    [keyOf(ticketId)],
  );
  return rows.map((row) => ({
    to: /<([^>]+)>$/.exec(row.to_address)?.[1] ?? row.to_address,
    subject: row.subject,
    text: row.text_body,
    autoSubmitted: row.auto_submitted,
  }));
}

const TICKET_EVENTS = `subscription ($filter: TicketFilter, $after: String) {
  ticketEvents(filter: $filter, after: $after) {
    type
    queue
    changes
    actor { email }
    ticket { id slaBreached }
  }
}`;

interface TicketEventItem {
  type: string;
  queue: string;
  changes: Record<string, unknown>;
  actor: { email: string } | null;
  ticket: { id: string; slaBreached: boolean };
}

/** A live ticket queue from the newest committed event on, so nothing after it is missed. */
async function followQueue(filter: Record<string, unknown>) {
  const cursor = await server.raw('{ eventCursor }', {}, agent);
  return subscribe<TicketEventItem>(server.wsUrl, agent, TICKET_EVENTS, {
    filter,
    after: cursor.data?.eventCursor,
  });
}

describe('SLA breaches', () => {
  it('announces each missed target once: live into the breached queue, in the history, and by email to every active lead', async () => {
    clock.set('2030-03-04T09:00:00.000Z');
    const customerId = await createCustomer(server, agent, 'Initech');
    const ticket = await newTicket(customerId); // URGENT: first response by 10:00, resolution by 13:00
    const breachedQueue = await followQueue({ breached: true, customerId });
    const customerQueue = await followQueue({ customerId });
    try {
      await waitForSubscriptions(server.baseUrl, 'ticketEvents', 2);

      clock.set('2030-03-04T09:59:00.000Z');
      await runJob(SLA_SWEEP_JOB);
      expect(await slaEvents(ticket.id)).toEqual([]);

      clock.set('2030-03-04T10:00:30.000Z');
      await runJob(SLA_SWEEP_JOB);
      const firstResponse = {
        target: 'FIRST_RESPONSE',
        dueAt: '2030-03-04T10:00:00.000Z',
        actorId: null,
      };
      expect(await slaEvents(ticket.id)).toEqual([firstResponse]);
      const [entered] = await breachedQueue.waitFor(1);
      expect(entered).toEqual({
        type: 'SLA_BREACHED',
        queue: 'ENTERED',
        changes: { target: 'FIRST_RESPONSE', dueAt: '2030-03-04T10:00:00.000Z' },
        actor: null,
        ticket: { id: ticket.id, slaBreached: true },
      });
      expect((await customerQueue.waitFor(1))[0]).toMatchObject({
        type: 'SLA_BREACHED',
        queue: 'STAYED',
      });

      // One alert per active lead, in the sweep's transaction, then sent over SMTP.
      const alerts = await alertsOf(ticket.id);
      expect(alerts.map((alert) => alert.to).sort()).toEqual(leads);
      for (const alert of alerts) {
        expect(alert.subject).toBe(`SLA breach: ${ticket.number} missed its first response target`);
        expect(alert.text).toContain(`${ticket.number} "${ticket.subject}"`);
        expect(alert.text).toContain('Due: 2030-03-04 10:00 UTC');
        expect(alert.text).toContain(
          `${PUBLIC_URL}/queues/breached/tickets/${encodeURIComponent(ticket.id)}`,
        );
        expect(alert.autoSubmitted).toBe(true);
      }
      // The SMTP server takes every lead's but the busy one's (which waits for a retry).
      const reachable = leads.filter((address) => address !== BUSY_LEAD);
      const sent = () => delivered.filter((mail) => mail.subject === alerts[0].subject);
      await until('the alerts to reach the SMTP server', async () =>
        Promise.resolve(sent().length >= reachable.length),
      );
      const recipients = sent().flatMap((mail) =>
        (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((to) =>
          to.value.map((mailbox) => mailbox.address),
        ),
      );
      expect(recipients.sort()).toEqual(reachable);
      expect(sent()[0].headers.get('auto-submitted')).toBe('auto-generated');

      const detail = await server.request(TicketDetailDocument, { id: ticket.id }, agent);
      expect(detail.data?.ticket?.history.filter((entry) => entry.type === 'SLA_BREACHED')).toEqual(
        [
          {
            type: 'SLA_BREACHED',
            actor: null,
            data: expect.objectContaining({ target: 'FIRST_RESPONSE' }) as unknown,
          },
        ],
      );

      // Sweeping again finds nothing new.
      await runJob(SLA_SWEEP_JOB);
      expect(await slaEvents(ticket.id)).toEqual([firstResponse]);
      expect(await alertsOf(ticket.id)).toHaveLength(leads.length);

      // The resolution target passes later: one more event; the ticket was already in the queue.
      clock.set('2030-03-04T13:00:30.000Z');
      await runJob(SLA_SWEEP_JOB);
      await runJob(SLA_SWEEP_JOB);
      expect(await slaEvents(ticket.id)).toEqual([
        firstResponse,
        { target: 'RESOLUTION', dueAt: '2030-03-04T13:00:00.000Z', actorId: null },
      ]);
      expect((await breachedQueue.waitFor(2))[1]).toMatchObject({
        type: 'SLA_BREACHED',
        queue: 'STAYED',
        changes: { target: 'RESOLUTION' },
      });
      const resolutionAlerts = (await alertsOf(ticket.id)).filter((alert) =>
        alert.subject.endsWith('missed its resolution target'),
      );
      expect(resolutionAlerts.map((alert) => alert.to).sort()).toEqual(leads);
      expect(breachedQueue.items).toHaveLength(2);
    } finally {
      await breachedQueue.stop();
      await customerQueue.stop();
    }
  });

  it('keeps a breached ticket in the breached queue through other changes, and takes it out when the breach ends', async () => {
    clock.set('2030-03-05T09:00:00.000Z');
    const customerId = await createCustomer(server, agent, 'Hooli');
    const ticket = await newTicket(customerId);
    const breachedQueue = await followQueue({ breached: true, customerId });
    try {
      // Past the first-response deadline: the tag may come before the sweep has announced it
      // (then the change shows the breach) or after (a cron sweep came first).
      clock.set('2030-03-05T10:05:00.000Z');
      const tagged = await server.request(
        UpdateTicketDocument,
        { input: { ticketId: ticket.id, addTags: ['vip'] } },
        agent,
      );
      expect(tagged.data?.updateTicket.userErrors).toEqual([]);
      await runJob(SLA_SWEEP_JOB);
      // LOW: the first response is now due a day after creation, so the ticket is not breached.
      const lowered = await server.request(
        UpdateTicketDocument,
        { input: { ticketId: ticket.id, priority: 'LOW' } },
        agent,
      );
      expect(lowered.data?.updateTicket.ticket?.slaBreached).toBe(false);
      await runJob(SLA_SWEEP_JOB);

      const items = await breachedQueue.waitFor(3);
      expect(items.map((item) => item.queue)).toEqual(['ENTERED', 'STAYED', 'LEFT']);
      expect(items.map((item) => item.type).sort()).toEqual(['SLA_BREACHED', 'UPDATED', 'UPDATED']);
      expect(items[2].type).toBe('UPDATED');
      expect(await slaEvents(ticket.id)).toHaveLength(1);
      expect(breachedQueue.items).toHaveLength(3);
    } finally {
      await breachedQueue.stop();
    }
  });

  it('records each breach once when sweeps run at the same time', async () => {
    clock.set('2030-03-06T09:00:00.000Z');
    const customerId = await createCustomer(server, agent, 'Umbrella');
    const tickets = [];
    for (let index = 0; index < 6; index += 1) tickets.push(await newTicket(customerId));
    clock.set('2030-03-06T13:30:00.000Z'); // both targets of every ticket passed

    await Promise.all(
      Array.from({ length: 4 }, () => server.backdesk.jobs.runNow(SLA_SWEEP_JOB, {})),
    );

    const { rows } = await db.query<{ stream_id: string; target: string; count: number }>(
      `SELECT stream_id, payload->>'target' AS target, count(*)::int AS count FROM event
        WHERE stream_type = 'Ticket' AND type = 'SLA_BREACHED' AND stream_id = ANY($1)
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [tickets.map((ticket) => keyOf(ticket.id))],
    );
    expect(rows).toEqual(
      tickets
        .map((ticket) => keyOf(ticket.id))
        .sort()
        .flatMap((id) => [
          { stream_id: id, target: 'FIRST_RESPONSE', count: 1 },
          { stream_id: id, target: 'RESOLUTION', count: 1 },
        ]),
    );
    for (const ticket of tickets) {
      const alerts = await alertsOf(ticket.id);
      expect(alerts).toHaveLength(2 * leads.length);
      expect(new Set(alerts.map((alert) => `${alert.to} ${alert.subject}`)).size).toBe(
        alerts.length,
      );
    }
  });
});

describe('SLA breaches on the IT desk', () => {
  it("announces an IT ticket's missed target live on the IT queue and alerts IT support, not the support leads", async () => {
    clock.set('2030-03-05T09:00:00.000Z');
    const [hr, itStaff] = await Promise.all([
      server.login('hr@example.com'),
      server.login('it@example.com'),
    ]);
    const reported = await server.request(
      ReportItIssueDocument,
      {
        input: {
          subject: `VPN drops ${uniqueSuffix()}`,
          body: 'Every ten minutes',
          priority: 'URGENT',
        },
      },
      hr,
    );
    const ticket = reported.data?.reportItIssue.ticket;
    if (!ticket) throw new Error(JSON.stringify(reported));
    const cursor = await server.raw('{ eventCursor }', {}, itStaff);
    const itBreached = await subscribe<TicketEventItem>(server.wsUrl, itStaff, TICKET_EVENTS, {
      filter: { queue: 'IT', breached: true },
      after: cursor.data?.eventCursor,
    });
    try {
      await waitForSubscriptions(server.baseUrl, 'ticketEvents', 1);
      clock.set('2030-03-05T10:00:30.000Z');
      await runJob(SLA_SWEEP_JOB);
      expect(await slaEvents(ticket.id)).toEqual([
        { target: 'FIRST_RESPONSE', dueAt: '2030-03-05T10:00:00.000Z', actorId: null },
      ]);
      expect((await itBreached.waitFor(1))[0]).toMatchObject({
        type: 'SLA_BREACHED',
        queue: 'ENTERED',
        ticket: { id: ticket.id, slaBreached: true },
      });
      const { rows } = await db.query<{ email: string }>(
        "SELECT email FROM employee WHERE status = 'ACTIVE' AND 'IT_SUPPORT' = ANY(roles) ORDER BY email",
      );
      const alerts = await alertsOf(ticket.id);
      expect(alerts.map((alert) => alert.to).sort()).toEqual(rows.map((row) => row.email));
      expect(alerts.map((alert) => alert.to)).not.toContain('lead@example.com');
      expect(alerts[0].text).toContain(
        `${PUBLIC_URL}/it/queues/breached/tickets/${encodeURIComponent(ticket.id)}`,
      );
    } finally {
      await itBreached.stop();
    }
  });
});

describe('pending tickets without an answer', () => {
  it(`are solved after ${AUTO_SOLVE_DAYS} days by the system, with a note; younger ones stay; a customer answer reopens`, async () => {
    const customerId = await createCustomer(server, agent, 'Vandelay');
    const pending = async (at: string) => {
      clock.set(at);
      const ticket = await newTicket(customerId, 'NORMAL');
      const result = await server.request(
        UpdateTicketStatusDocument,
        { input: { ticketId: ticket.id, status: 'PENDING' } },
        agent,
      );
      const updated = result.data?.updateTicketStatus.ticket;
      if (!updated) throw new Error(JSON.stringify(result));
      return updated;
    };
    const old = await pending('2030-03-10T09:00:00.000Z');
    const young = await pending('2030-03-12T09:00:00.000Z');
    clock.set('2030-03-13T09:01:00.000Z'); // three days and a minute, and one day and a minute

    await runJob(PENDING_AUTO_SOLVE_JOB);

    const solved = (await server.request(TicketDetailDocument, { id: old.id }, agent)).data?.ticket;
    expect(solved).toMatchObject({
      status: 'SOLVED',
      version: old.version + 1,
      solvedAt: '2030-03-13T09:01:00.000Z',
    });
    expect(solved?.messages.nodes.at(-1)).toEqual({
      id: expect.any(String) as unknown,
      body: `Solved automatically: the customer had not answered for ${AUTO_SOLVE_DAYS} days.`,
      internal: true,
      authorKind: 'AGENT',
      author: null,
    });
    expect(solved?.history.filter((entry) => entry.type === 'STATUS_CHANGED').at(-1)).toEqual({
      type: 'STATUS_CHANGED',
      actor: null,
      data: expect.objectContaining({
        from: 'PENDING',
        to: 'SOLVED',
        reason: 'NO_CUSTOMER_ANSWER',
        days: AUTO_SOLVE_DAYS,
      }) as unknown,
    });
    const untouched = (await server.request(TicketDetailDocument, { id: young.id }, agent)).data
      ?.ticket;
    expect(untouched).toMatchObject({ status: 'PENDING', version: young.version });

    // Solving it again finds nothing; the customer's answer reopens it as any other.
    await runJob(PENDING_AUTO_SOLVE_JOB);
    const answered = await server.request(
      AddCustomerMessageDocument,
      { input: { ticketId: old.id, body: 'Sorry, I was away. It still has not arrived.' } },
      agent,
    );
    expect(answered.data?.addCustomerMessage.ticket).toMatchObject({
      status: 'OPEN',
      version: old.version + 2,
    });
  });
});

describe('jobs', () => {
  type JobPage = JobsQuery['jobs'];
  const jobs = async (variables: Record<string, unknown>, token = admin) => {
    const result = await server.request(JobsDocument, variables, token);
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.jobs;
  };
  const idsOf = (page: JobPage) => page.edges.map((edge) => edge.node.id);

  it('lists the queue for ADMIN, newest first, by state and name, a page at a time', async () => {
    const sweepIds: string[] = [];
    for (let run = 0; run < 4; run += 1) sweepIds.push(await runJob(SLA_SWEEP_JOB));

    const completed = await jobs({
      first: 100,
      filter: { name: SLA_SWEEP_JOB, state: 'COMPLETED' },
    });
    expect(
      completed.edges.every(
        ({ node }) => node.name === SLA_SWEEP_JOB && node.state === 'COMPLETED',
      ),
    ).toBe(true);
    const last = completed.edges.find(({ node }) => node.id === toGlobalId('Job', sweepIds[3]));
    expect(last?.node).toMatchObject({ attempts: 1, lastError: null });
    expect(last?.node.startedAt).not.toBeNull();
    expect(last?.node.completedAt).not.toBeNull();

    // A send the SMTP server put off (451) waits for its retry, with the reason.
    clock.set('2030-03-20T09:00:00.000Z');
    const ticket = await newTicket(await createCustomer(server, agent, 'Soylent'));
    clock.set('2030-03-20T10:00:30.000Z');
    await runJob(SLA_SWEEP_JOB);
    let retrying: string | undefined;
    await until('the busy lead’s alert to wait for a retry', async () => {
      const { rows } = await db.query<{ id: string }>(
        `SELECT job.id FROM pgboss.job job JOIN outbound_email email ON email.id = (job.data->>'emailId')::bigint
          WHERE job.name = 'mail.send' AND job.state = 'retry' AND email.ticket_id = $1 AND email.to_address LIKE $2`,
        [keyOf(ticket.id), `%<${BUSY_LEAD}>`],
      );
      retrying = rows[0]?.id;
      return retrying !== undefined;
    });
    const waiting = await jobs({ first: 100, filter: { state: 'RETRY', name: 'mail.send' } });
    const job = waiting.edges.find(({ node }) => node.id === toGlobalId('Job', retrying as string));
    expect(job?.node).toMatchObject({ name: 'mail.send', state: 'RETRY', attempts: 1 });
    expect(job?.node.lastError).toMatch(/451 Mailbox busy/);
    expect(Date.parse(job?.node.runAt as string)).toBeGreaterThan(Date.now());

    // Pages: newest first, no overlap, and back again.
    const filter = { name: SLA_SWEEP_JOB };
    const first = await jobs({ first: 2, filter });
    const second = await jobs({ first: 2, after: first.pageInfo.endCursor, filter });
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    const times = [...first.edges, ...second.edges].map(({ node }) => Date.parse(node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set([...idsOf(first), ...idsOf(second)]).size).toBe(4);
    const back = await jobs({ last: 2, before: second.pageInfo.startCursor, filter });
    expect(idsOf(back)).toEqual(idsOf(first));
    expect(back.pageInfo.hasNextPage).toBe(true);

    const count = async () =>
      (
        await db.query<{ count: number }>(
          "SELECT count(*)::int AS count FROM pgboss.job WHERE name NOT LIKE '\\_\\_pgboss%'",
        )
      ).rows[0].count;
    const before = await count();
    const all = await jobs({ first: 1 });
    expect(all.totalCount).toBeGreaterThanOrEqual(before);
    expect(all.totalCount).toBeLessThanOrEqual(await count());

    const bad = await server.request(JobsDocument, { first: 2, after: 'not-a-cursor' }, admin);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
  });

  it('is for ADMIN only', async () => {
    const lead = await server.login('lead@example.com');
    for (const token of [agent, lead]) {
      const refused = await server.request(JobsDocument, { first: 5 }, token);
      expect(errorCode(refused)).toBe('FORBIDDEN');
      expect(refused.data).toBeNull();
    }
  });
});
