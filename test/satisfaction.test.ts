import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { PENDING_AUTO_SOLVE_JOB } from '../src/modules/support/pending-auto-solve';
import { SurveyTokens } from '../src/modules/support/survey-tokens';
import {
  AddCustomerMessageDocument,
  AssignTicketDocument,
  CreateTicketDocument,
  MeDocument,
  MergeTicketDocument,
  RespondToSatisfactionSurveyDocument,
  SupportSatisfactionMetricsDocument,
  TicketSatisfactionDocument,
  UpdateTicketStatusDocument,
} from './generated/graphql';
import { createCustomer, errorCode } from './support/fixtures';
import { subscribe, waitForSubscriptions } from './support/live-client';
import { ManualClock } from './support/manual-clock';
import { startSmtpSink, type SmtpSink, type SunkMail } from './support/smtp-sink';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './support/test-server';

const clock = new ManualClock('2031-01-06T09:00:00.000Z');
const PUBLIC_URL = 'https://desk.example.com';
const PER_TOKEN = 12;
const AUTO_SOLVE_DAYS = 3;
const LINK = /https:\/\/desk\.example\.com\/csat\/([0-9a-z]+-[0-9a-f]{32})/;

let sink: SmtpSink;
let server: TestServer;
let db: Client;
let agent: string;
let lead: string;
let admin: string;
const ids: Record<'agent' | 'lead' | 'admin', string> = { agent: '', lead: '', admin: '' };

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer(
    {
      SMTP_URL: sink.url,
      SUPPORT_ADDRESS: 'help@desk.test',
      MAIL_FROM: 'Desk <help@desk.test>',
      JOB_POLL_MS: '500',
      PUBLIC_URL,
      PENDING_AUTO_SOLVE_DAYS: String(AUTO_SOLVE_DAYS),
      CSAT_RATE_LIMIT_PER_TOKEN: String(PER_TOKEN),
      CSAT_RATE_LIMIT_PER_IP: '100000',
    },
    { clock },
  );
  db = new Client({ connectionString: server.database.url });
  await db.connect();
  [agent, lead, admin] = await Promise.all([
    server.login('agent@example.com'),
    server.login('lead@example.com'),
    server.login('admin@example.com'),
  ]);
  for (const [who, token] of [
    ['agent', agent],
    ['lead', lead],
    ['admin', admin],
  ] as const) {
    ids[who] = (await server.request(MeDocument, {}, token)).data?.me.id ?? '';
  }
});

afterAll(async () => {
  await db?.end();
  await server?.close();
  await sink?.close();
});

async function openTicket(customerId: string, subject = 'Where is my parcel?') {
  const result = await server.request(
    CreateTicketDocument,
    { input: { customerId, subject, body: 'It has not arrived.' } },
    agent,
  );
  const ticket = result.data?.createTicket.ticket;
  if (!ticket) throw new Error(JSON.stringify(result));
  return ticket;
}

async function setStatus(ticketId: string, status: 'SOLVED' | 'PENDING' | 'OPEN', token = agent) {
  const result = await server.request(
    UpdateTicketStatusDocument,
    { input: { ticketId, status } },
    token,
  );
  return result.data?.updateTicketStatus;
}

async function assign(ticketId: string, assigneeId: string) {
  const result = await server.request(
    AssignTicketDocument,
    { input: { ticketId, assigneeId } },
    lead,
  );
  expect(result.data?.assignTicket.userErrors).toEqual([]);
}

/** The survey emails of a ticket in the outbox (every one queued, sent or not). */
async function surveysQueued(ticketNumber: string): Promise<number> {
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*) FROM outbound_email e JOIN ticket t ON t.id = e.ticket_id
      WHERE t.number = $1 AND e.kind = 'SATISFACTION_SURVEY'`,
    [ticketNumber],
  );
  return Number(rows[0].count);
}

function surveyMailsOf(ticketNumber: string): SunkMail[] {
  return sink.received.filter((mail) => mail.parsed.subject === `How did we do? [${ticketNumber}]`);
}

/** Waits for the `count`th survey email of a ticket at the SMTP sink and answers its token. */
async function surveyToken(ticketNumber: string, count = 1): Promise<string> {
  await sink.waitFor(() => surveyMailsOf(ticketNumber).length >= count);
  const mail = surveyMailsOf(ticketNumber)[count - 1];
  const token = LINK.exec(mail.parsed.text ?? '')?.[1];
  if (!token) throw new Error(`no survey link in ${mail.parsed.text}`);
  return token;
}

async function respond(token: string, rating: number, comment?: string | null) {
  // No bearer token: the survey token is the credential.
  return server.request(RespondToSatisfactionSurveyDocument, {
    input: { token, rating, comment },
  });
}

async function satisfactionOf(ticketId: string) {
  const result = await server.request(TicketSatisfactionDocument, { id: ticketId }, agent);
  const ticket = result.data?.ticket;
  if (!ticket) throw new Error(JSON.stringify(result));
  return ticket;
}

async function page(token: string, init?: RequestInit) {
  const response = await fetch(`${server.baseUrl}/csat/${token}`, init);
  return { status: response.status, headers: response.headers, html: await response.text() };
}

function postForm(token: string, fields: Record<string, string>) {
  return page(token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function runJob(name: string): Promise<void> {
  const id = await server.backdesk.jobs.enqueue(undefined, name, {});
  if (!id) throw new Error(`${name} was not queued`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await db.query<{ state: string; output: unknown }>(
      'SELECT state::text AS state, output FROM pgboss.job WHERE id = $1',
      [id],
    );
    if (rows[0]?.state === 'completed') return;
    if (rows[0]?.state === 'failed') throw new Error(JSON.stringify(rows[0].output));
    if (Date.now() > deadline) throw new Error(`${name} did not complete`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A survey token signed with the server's key (the test knows its secret), for any survey id. */
function signedToken(surveyId: number): string {
  const key = createHmac('sha256', TEST_JWT_SECRET).update('backdesk satisfaction surveys');
  return new SurveyTokens(key.digest()).tokenFor(surveyId);
}

describe('satisfaction surveys', () => {
  let ticket: { id: string; number: string };
  let firstToken: string;

  it('sends one survey when an agent solves a ticket, about its assignee, whose link answers without a bearer token', async () => {
    clock.set('2031-01-06T09:00:00.000Z');
    const customerId = await createCustomer(server, agent, 'Survey Co');
    ticket = await openTicket(customerId);
    await assign(ticket.id, ids.lead);
    expect((await setStatus(ticket.id, 'SOLVED'))?.userErrors).toEqual([]);
    // A second attempt within the same solve makes no second survey.
    await setStatus(ticket.id, 'SOLVED');

    firstToken = await surveyToken(ticket.number);
    expect(firstToken.length).toBeGreaterThanOrEqual(16);
    expect(await surveysQueued(ticket.number)).toBe(1);
    const [mail] = surveyMailsOf(ticket.number);
    expect(mail.parsed.text).toContain(`${PUBLIC_URL}/csat/${firstToken}?rating=5`);
    expect(mail.parsed.html).toContain(`${PUBLIC_URL}/csat/${firstToken}`);
    expect((await satisfactionOf(ticket.id)).satisfaction).toBeNull();

    const answered = await respond(firstToken, 4, '  Quick and kind.  ');
    expect(answered.status).toBe(200);
    expect(answered.data?.respondToSatisfactionSurvey).toEqual({
      satisfaction: {
        rating: 4,
        comment: 'Quick and kind.',
        respondedAt: '2031-01-06T09:00:00.000Z',
        sentAt: '2031-01-06T09:00:00.000Z',
        agent: { id: ids.lead, email: 'lead@example.com' },
      },
      userErrors: [],
    });
    const read = await satisfactionOf(ticket.id);
    expect(read.satisfaction).toMatchObject({ rating: 4, comment: 'Quick and kind.' });
    expect(read.history.filter((entry) => entry.type === 'SATISFACTION_RATED')).toEqual([
      {
        type: 'SATISFACTION_RATED',
        actor: null,
        data: expect.objectContaining({
          rating: 4,
          previousRating: null,
          comment: 'Quick and kind.',
        }) as unknown,
      },
    ]);
  });

  it('sends another survey after a reopen and a new solve; the ticket shows the latest solve', async () => {
    clock.set('2031-01-07T09:00:00.000Z');
    const reopened = await server.request(
      AddCustomerMessageDocument,
      { input: { ticketId: ticket.id, body: 'It broke again.' } },
      agent,
    );
    expect(reopened.data?.addCustomerMessage.ticket?.status).toBe('OPEN');
    await setStatus(ticket.id, 'SOLVED');
    const second = await surveyToken(ticket.number, 2);
    expect(second).not.toBe(firstToken);
    expect(await surveysQueued(ticket.number)).toBe(2);
    // The latest solve's survey is not answered yet.
    expect((await satisfactionOf(ticket.id)).satisfaction).toBeNull();
    expect((await respond(second, 2)).data?.respondToSatisfactionSurvey.userErrors).toEqual([]);
    expect((await satisfactionOf(ticket.id)).satisfaction).toMatchObject({
      rating: 2,
      comment: null,
    });
  });

  it('makes one survey however many agents solve the same ticket at once', async () => {
    clock.set('2031-01-07T12:00:00.000Z');
    const customerId = await createCustomer(server, agent, 'Race Co');
    const own = await openTicket(customerId);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => setStatus(own.id, 'SOLVED', i % 2 ? agent : lead)),
    );
    expect(results.every((result) => result?.userErrors.length === 0)).toBe(true);
    expect(await surveysQueued(own.number)).toBe(1);
    const { rows } = await db.query<{ count: string }>(
      `SELECT count(*) FROM satisfaction_survey s JOIN ticket t ON t.id = s.ticket_id WHERE t.number = $1`,
      [own.number],
    );
    expect(Number(rows[0].count)).toBe(1);
  });

  it('sends none for a merged ticket nor for one the system solved', async () => {
    clock.set('2031-01-08T09:00:00.000Z');
    const customerId = await createCustomer(server, agent, 'Merge Co');
    const target = await openTicket(customerId, 'Refund');
    const source = await openTicket(customerId, 'Refund (again)');
    const merged = await server.request(
      MergeTicketDocument,
      { input: { sourceTicketId: source.id, targetTicketId: target.id } },
      agent,
    );
    expect(merged.data?.mergeTicket.userErrors).toEqual([]);

    const idle = await openTicket(customerId, 'Waiting for the customer');
    await setStatus(idle.id, 'PENDING');
    clock.set('2031-01-12T09:00:00.000Z');
    await runJob(PENDING_AUTO_SOLVE_JOB);
    expect((await satisfactionOf(idle.id)).status).toBe('SOLVED');

    expect(await surveysQueued(source.number)).toBe(0);
    expect(await surveysQueued(target.number)).toBe(0);
    expect(await surveysQueued(idle.number)).toBe(0);
  });

  it('the page shows the form, records an answer, refuses forged tokens, and takes changes for 7 days only', async () => {
    clock.set('2031-01-13T09:00:00.000Z');
    const customerId = await createCustomer(server, agent, 'Page Co');
    const subject = 'Broken <script>alert("x")</script> & co';
    const own = await openTicket(customerId, subject);
    await setStatus(own.id, 'SOLVED');
    const token = await surveyToken(own.number);

    const form = await page(`${token}?rating=3`);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toMatch(/^text\/html/);
    expect(form.headers.get('referrer-policy')).toBe('no-referrer');
    expect(form.html).toContain('<form method="post"');
    expect(form.html).toContain(own.number);
    expect(form.html).toContain(
      'Broken &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co',
    );
    expect(form.html).not.toContain('<script>');
    expect(form.html).toContain('value="3" required checked');
    for (const rating of [1, 2, 3, 4, 5]) expect(form.html).toContain(`value="${rating}"`);
    // A GET records nothing.
    expect((await satisfactionOf(own.id)).satisfaction).toBeNull();

    const posted = await postForm(token, { rating: '5', comment: 'Great <b>help</b>' });
    expect(posted.status).toBe(200);
    expect(posted.html).toContain('your answer is recorded');
    expect(posted.html).toContain('Great &lt;b&gt;help&lt;/b&gt;');
    expect((await satisfactionOf(own.id)).satisfaction).toMatchObject({
      rating: 5,
      comment: 'Great <b>help</b>',
    });
    const shown = await page(token);
    expect(shown.html).toContain('<strong>5 of 5</strong>');

    const noRating = await postForm(token, { comment: 'forgot' });
    expect(noRating.status).toBe(400);
    expect(noRating.html).toContain('Please choose a rating');
    const outOfRange = await respond(token, 6);
    expect(outOfRange.data?.respondToSatisfactionSurvey.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'rating'] }),
    ]);

    // Forged: one character of the MAC changed; unknown: a well-signed token of no survey.
    const last = token.at(-1) === '0' ? '1' : '0';
    const forged = `${token.slice(0, -1)}${last}`;
    expect((await page(forged)).status).toBe(404);
    expect((await postForm(forged, { rating: '1' })).status).toBe(404);
    expect((await page(signedToken(987_654_321))).status).toBe(404);
    expect((await page('not-a-token')).status).toBe(404);
    for (const bad of [forged, signedToken(987_654_321)]) {
      const refused = await respond(bad, 1);
      expect(refused.data?.respondToSatisfactionSurvey).toEqual({
        satisfaction: null,
        userErrors: [expect.objectContaining({ code: 'INVALID_TOKEN' })],
      });
    }

    // Within 7 days of sending, a change replaces the answer (and is recorded as an event).
    clock.set('2031-01-20T08:59:00.000Z');
    const changed = await postForm(token, { rating: '3', comment: 'Second thoughts' });
    expect(changed.status).toBe(200);
    const read = await satisfactionOf(own.id);
    expect(read.satisfaction).toMatchObject({
      rating: 3,
      comment: 'Second thoughts',
      respondedAt: '2031-01-20T08:59:00.000Z',
    });
    expect(
      read.history
        .filter((entry) => entry.type === 'SATISFACTION_RATED')
        .map((entry) => [entry.data.rating, entry.data.previousRating]),
    ).toEqual([
      [5, null],
      [3, 5],
    ]);

    // From 7 days after sending, the survey is closed.
    clock.set('2031-01-20T09:00:00.000Z');
    const late = await postForm(token, { rating: '1' });
    expect(late.status).toBe(410);
    expect(late.html).toContain('This survey closed');
    expect(late.html).not.toContain('<form');
    const lateMutation = await respond(token, 1);
    expect(lateMutation.data?.respondToSatisfactionSurvey).toEqual({
      satisfaction: null,
      userErrors: [expect.objectContaining({ code: 'SURVEY_CLOSED' })],
    });
    expect((await page(token)).html).toContain('This survey closed');
    expect((await satisfactionOf(own.id)).satisfaction).toMatchObject({ rating: 3 });
  });

  it('limits requests per survey token, on the page and the mutation together', async () => {
    clock.set('2031-01-21T09:00:00.000Z');
    const customerId = await createCustomer(server, agent, 'Limit Co');
    const own = await openTicket(customerId);
    await setStatus(own.id, 'SOLVED');
    const token = await surveyToken(own.number);
    for (let i = 0; i < PER_TOKEN / 2; i += 1) {
      expect((await page(token)).status).toBe(200);
      expect((await respond(token, 4)).data?.respondToSatisfactionSurvey.userErrors).toEqual([]);
    }
    const limited = await page(token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await postForm(token, { rating: '2' })).status).toBe(429);
    const mutation = await respond(token, 2);
    expect(errorCode(mutation)).toBe('RATE_LIMITED');
    expect((await satisfactionOf(own.id)).satisfaction).toMatchObject({ rating: 4 });
  });

  it('needs no bearer token for the answer, and still needs one for everything else', async () => {
    expect(errorCode(await server.raw('{ tickets(first: 1) { totalCount } }'))).toBe(
      'UNAUTHENTICATED',
    );
    const mixed = await server.raw(
      `mutation { respondToSatisfactionSurvey(input: { token: "x", rating: 5 }) { userErrors { code } }
                  createCustomer(input: { name: "Sneaky", email: "sneaky@example.org" }) { userErrors { code } } }`,
    );
    expect(errorCode(mixed)).toBe('UNAUTHENTICATED');
    const { rows } = await db.query("SELECT 1 FROM customer WHERE email = 'sneaky@example.org'");
    expect(rows).toHaveLength(0);
    const alone = await server.raw(
      'mutation { respondToSatisfactionSurvey(input: { token: "x", rating: 5 }) { userErrors { code } } }',
    );
    expect(alone.data).toEqual({
      respondToSatisfactionSurvey: { userErrors: [{ code: 'INVALID_TOKEN' }] },
    });
  });

  it('announces an answer on the ticket events', async () => {
    clock.set('2031-01-22T09:00:00.000Z');
    const customerId = await createCustomer(server, agent, 'Live Co');
    const own = await openTicket(customerId);
    await setStatus(own.id, 'SOLVED');
    const token = await surveyToken(own.number);
    const events = subscribe<{ type: string; changes: Record<string, unknown>; queue: string }>(
      server.wsUrl,
      agent,
      'subscription($id: ID!) { ticketEvents(filter: { ticketId: $id }) { type changes queue } }',
      { id: own.id },
    );
    try {
      await waitForSubscriptions(server.baseUrl, 'ticketEvents', 1);
      await respond(token, 5, 'Thanks');
      const [event] = await events.waitFor(1);
      expect(event).toMatchObject({
        type: 'SATISFACTION_RATED',
        changes: expect.objectContaining({ rating: 5, comment: 'Thanks' }) as unknown,
        queue: 'STAYED',
      });
    } finally {
      await events.stop();
    }
  });

  it('supportMetrics: response rate, average and per agent over the surveys sent in the period', async () => {
    const customerId = await createCustomer(server, agent, 'Metrics Co');
    /** Solves a new ticket at `at` (assigned to `assignee`, solved by `solver`) and answers its survey. */
    const survey = async (
      at: string,
      assignee: string | null,
      solver: string,
      rating: number | null,
    ) => {
      clock.set(at);
      const own = await openTicket(customerId);
      if (assignee) await assign(own.id, assignee);
      expect((await setStatus(own.id, 'SOLVED', solver))?.userErrors).toEqual([]);
      const token = await surveyToken(own.number);
      if (rating !== null) {
        // Answered a day later: the period counts when the survey was sent.
        clock.set(new Date(Date.parse(at) + 86_400_000));
        expect((await respond(token, rating)).data?.respondToSatisfactionSurvey.userErrors).toEqual(
          [],
        );
      }
    };
    // Outside the period [2031-02-10, 2031-02-12): before and after it.
    await survey('2031-02-09T23:59:00.000Z', ids.agent, agent, 1);
    await survey('2031-02-12T00:00:00.000Z', ids.agent, agent, 1);
    // Inside: three about the agent (two answered), one about the lead (solved by the agent),
    // one unassigned that the administrator solved (about them, unanswered).
    await survey('2031-02-10T00:00:00.000Z', ids.agent, agent, 5);
    await survey('2031-02-10T12:00:00.000Z', ids.agent, agent, 3);
    await survey('2031-02-11T08:00:00.000Z', ids.agent, agent, null);
    await survey('2031-02-11T09:00:00.000Z', ids.lead, agent, 2);
    await survey('2031-02-11T23:59:00.000Z', null, admin, null);

    const result = await server.request(
      SupportSatisfactionMetricsDocument,
      { from: '2031-02-10', to: '2031-02-11' },
      lead,
    );
    const metrics = result.data?.supportMetrics;
    expect(metrics).toMatchObject({ csatSurveysSent: 5, csatResponseRate: 0.6 });
    expect(metrics?.csatAverage).toBeCloseTo(10 / 3, 10);
    const byAgent = [
      {
        agent: { id: ids.agent, email: 'agent@example.com' },
        surveysSent: 3,
        responses: 2,
        average: 4,
      },
      {
        agent: { id: ids.lead, email: 'lead@example.com' },
        surveysSent: 1,
        responses: 1,
        average: 2,
      },
      {
        agent: { id: ids.admin, email: 'admin@example.com' },
        surveysSent: 1,
        responses: 0,
        average: null,
      },
    ];
    const { rows } = await db.query<{ email: string }>(
      `SELECT email FROM employee WHERE email IN ('agent@example.com', 'lead@example.com', 'admin@example.com') ORDER BY id`,
    );
    expect(metrics?.csatByAgent).toEqual(
      rows.map(({ email }) => byAgent.find((entry) => entry.agent.email === email)),
    );

    const empty = await server.request(
      SupportSatisfactionMetricsDocument,
      { from: '2031-03-01', to: '2031-03-01' },
      lead,
    );
    expect(empty.data?.supportMetrics).toEqual({
      csatSurveysSent: 0,
      csatResponseRate: null,
      csatAverage: null,
      csatByAgent: [],
    });
  });
});

describe('with CSAT_SURVEYS=false', () => {
  let quiet: TestServer;

  beforeAll(async () => {
    quiet = await startTestServer({ CSAT_SURVEYS: 'false' });
  });

  afterAll(async () => {
    await quiet?.close();
  });

  it('solving a ticket sends no survey', async () => {
    const token = await quiet.login('agent@example.com');
    const customerId = await createCustomer(quiet, token, 'Quiet Co');
    const created = await quiet.request(
      CreateTicketDocument,
      { input: { customerId, subject: 'No survey, please', body: 'Thanks.' } },
      token,
    );
    const ticketId = created.data?.createTicket.ticket?.id ?? '';
    const solved = await quiet.request(
      UpdateTicketStatusDocument,
      { input: { ticketId, status: 'SOLVED' } },
      token,
    );
    expect(solved.data?.updateTicketStatus.ticket?.status).toBe('SOLVED');
    const client = new Client({ connectionString: quiet.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ surveys: string; emails: string }>(
        // The demo seed's own surveys are made without the server's settings: only this ticket counts.
        `SELECT (SELECT count(*) FROM satisfaction_survey s JOIN ticket t ON t.id = s.ticket_id
                  WHERE t.subject = $1) AS surveys,
                (SELECT count(*) FROM outbound_email WHERE kind = 'SATISFACTION_SURVEY') AS emails`,
        ['No survey, please'],
      );
      expect(rows[0]).toEqual({ surveys: '0', emails: '0' });
    } finally {
      await client.end();
    }
  });
});
