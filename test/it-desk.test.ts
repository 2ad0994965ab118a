import nodemailer from 'nodemailer';
import { Client } from 'pg';
import {
  AddRequesterMessageDocument,
  AssignTicketDocument,
  CreateApiTokenDocument,
  CreateTicketDocument,
  MeDocument,
  MergeTicketDocument,
  MyItTicketsDocument,
  QueueMetricsDocument,
  ReplyToTicketDocument,
  ReportItIssueDocument,
  TicketDetailDocument,
  TicketQueueDocument,
  UpdateTicketStatusDocument,
} from './generated/graphql';
import { uniqueSuffix } from './support/fixtures';
import { subscribe, waitForSubscriptions, type Received } from './support/live-client';
import { startSmtpSink, type SmtpSink, type SunkMail } from './support/smtp-sink';
import { startTestServer, type TestServer } from './support/test-server';
import { until } from './support/until';

/**
 * The internal IT desk through the real server: an employee's report on the IT queue, live to
 * IT support and to no one else, worked with the support desk's machinery, its replies mailed to
 * the employee and their emailed answers taken back.
 */
const DESK = 'help@desk.test';

interface LiveTicketEvent {
  type: string;
  queue: string;
  ticket: { id: string; queue: string; requester: { email: string } | null };
  message: { body: string; authorKind: string } | null;
}

let server: TestServer;
let sink: SmtpSink;
let db: Client;
let hr: string;
let itStaff: string;
let agent: string;
let reports: string;
let admin: string;
let itSubscriber: Received<LiveTicketEvent>;
let agentSubscriber: Received<LiveTicketEvent>;
/** The report every test works on (the first test makes itStaff). */
let report: { id: string; number: string; subject: string };

const LIVE = `subscription ($filter: TicketFilter) {
  ticketEvents(filter: $filter) {
    type queue
    ticket { id queue requester { email } }
    message { body authorKind }
  }
}`;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer({
    SMTP_URL: sink.url,
    SUPPORT_ADDRESS: DESK,
    INBOUND_SMTP_PORT: '0',
    JOB_POLL_MS: '500',
  });
  db = new Client({ connectionString: server.database.url });
  await db.connect();
  [hr, itStaff, agent, reports, admin] = await Promise.all(
    [
      'hr@example.com',
      'it@example.com',
      'agent@example.com',
      'reports@example.com',
      'admin@example.com',
    ].map((email) => server.login(email)),
  );
  itSubscriber = subscribe(server.wsUrl, itStaff, LIVE, { filter: { queue: 'IT' } });
  agentSubscriber = subscribe(server.wsUrl, agent, LIVE, {});
  await waitForSubscriptions(server.baseUrl, 'ticketEvents', 2);
});

afterAll(async () => {
  await itSubscriber?.stop();
  await agentSubscriber?.stop();
  await db?.end();
  await server?.close();
  await sink?.close();
});

async function employeeId(token: string): Promise<string> {
  const id = (await server.request(MeDocument, {}, token)).data?.me.id;
  if (!id) throw new Error('no viewer');
  return id;
}

/** The events recorded and the tickets that exist: what a refused request must leave alone. */
async function writes(): Promise<{ tickets: string; events: string }> {
  const { rows } = await db.query<{ tickets: string; events: string }>(
    'SELECT (SELECT count(*) FROM ticket) AS tickets, (SELECT count(*) FROM event) AS events',
  );
  return rows[0];
}

/** The first email the relay got that matches, once it arrives. */
async function sunk(what: string, match: (mail: SunkMail) => boolean): Promise<SunkMail> {
  const received = await until(
    async () => sink.received.filter(match),
    (found) => found.length > 0,
    what,
  );
  return received[0];
}

/** Where the inbound email with this Message-ID went, once its job has read it. */
async function inboundOutcome(messageId: string): Promise<{ outcome: string; ticket_id: string }> {
  const rows = await until(
    async () =>
      (
        await db.query<{ outcome: string; ticket_id: string }>(
          'SELECT outcome, ticket_id FROM inbound_email WHERE message_id = $1',
          [messageId],
        )
      ).rows,
    (found) => found.length > 0 && found[0].outcome !== 'RECEIVED',
    `the email ${messageId} to be read`,
  );
  return rows[0];
}

describe('the IT desk', () => {
  it("takes an employee's report onto the IT queue, live to IT support and to no one else", async () => {
    const subject = `VPN drops ${uniqueSuffix()}`;
    const result = await server.request(
      ReportItIssueDocument,
      { input: { subject, body: 'It disconnects every few minutes.', priority: 'HIGH' } },
      hr,
    );
    expect(result.data?.reportItIssue.userErrors).toEqual([]);
    const ticket = result.data?.reportItIssue.ticket;
    if (!ticket) throw new Error(JSON.stringify(result));
    report = { id: ticket.id, number: ticket.number, subject };
    expect(ticket).toMatchObject({
      queue: 'IT',
      channel: 'INTERNAL',
      status: 'NEW',
      priority: 'HIGH',
      customer: null,
      requester: { email: 'hr@example.com' },
    });
    // SLA deadlines from the same policies as customer tickets (HIGH: 4 h and 24 h).
    const created = Date.parse(ticket.createdAt);
    expect(Date.parse(ticket.firstResponseDueAt) - created).toBe(4 * 3600_000);
    expect(Date.parse(ticket.resolutionDueAt) - created).toBe(24 * 3600_000);

    const [created_] = await itSubscriber.waitFor(1);
    expect(created_).toMatchObject({
      type: 'CREATED',
      queue: 'ENTERED',
      ticket: { id: report.id, queue: 'IT', requester: { email: 'hr@example.com' } },
    });

    // The support agent's feed (every queue they read) skips it: the next event it gets is a
    // customer ticket opened after the report.
    const customers = await server.raw('{ customers(first: 1) { nodes { id } } }', {}, agent);
    const customerId = (customers.data?.customers as { nodes: { id: string }[] }).nodes[0].id;
    const opened = await server.request(
      CreateTicketDocument,
      { input: { customerId, subject: 'A customer ticket', body: 'Hello' } },
      agent,
    );
    const customerTicketId = opened.data?.createTicket.ticket?.id;
    const [first] = await agentSubscriber.waitFor(1);
    expect(first).toMatchObject({ type: 'CREATED', ticket: { id: customerTicketId } });

    // REPORTING reads the IT queue; IT support reads only the IT queue.
    const read = await server.request(TicketDetailDocument, { id: report.id }, reports);
    expect(read.data?.ticket).toMatchObject({ id: report.id, queue: 'IT' });
    const itQueue = await server.request(
      TicketQueueDocument,
      { first: 100, filter: { queue: 'IT', search: subject } },
      reports,
    );
    expect(itQueue.data?.tickets.nodes.map((node) => node.id)).toEqual([report.id]);
    const itsOwn = await server.raw('{ tickets(first: 100) { nodes { queue } } }', {}, itStaff);
    const queues = (itsOwn.data?.tickets as { nodes: { queue: string }[] }).nodes.map(
      (node) => node.queue,
    );
    expect(new Set(queues)).toEqual(new Set(['IT']));
    const notForIt = await server.request(
      TicketDetailDocument,
      { id: customerTicketId ?? '' },
      itStaff,
    );
    expect(notForIt.data?.ticket).toBeNull();
  });

  it('keeps IT tickets from support agents: unreadable, FORBIDDEN as a queue, NOT_FOUND to work', async () => {
    expect((await server.request(TicketDetailDocument, { id: report.id }, agent)).data).toEqual({
      ticket: null,
    });
    const asked = await server.request(
      TicketQueueDocument,
      { first: 5, filter: { queue: 'IT' } },
      agent,
    );
    expect(asked.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const theirs = await server.request(
      TicketQueueDocument,
      { first: 5, filter: { search: report.subject } },
      agent,
    );
    expect(theirs.data?.tickets.totalCount).toBe(0);
    const before = await writes();
    const reply = await server.request(
      ReplyToTicketDocument,
      { input: { ticketId: report.id, body: 'Not mine to answer' } },
      agent,
    );
    expect(reply.data?.replyToTicket.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'ticketId'] }),
    ]);
    const live = subscribe(server.wsUrl, agent, LIVE, { filter: { queue: 'IT' } });
    await until(
      async () => live.errors,
      (errors) => errors.length > 0,
      'the IT queue to be refused',
    );
    expect(live.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    await live.stop();
    expect(await writes()).toEqual(before);
  });

  it('is worked by IT support: assigned among IT staff, the reply mailed to the employee, whose emailed answer comes back', async () => {
    const [itId, agentId] = await Promise.all([employeeId(itStaff), employeeId(agent)]);
    const toAgent = await server.request(
      AssignTicketDocument,
      { input: { ticketId: report.id, assigneeId: agentId } },
      itStaff,
    );
    expect(toAgent.data?.assignTicket.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_ASSIGNEE', field: ['input', 'assigneeId'] }),
    ]);
    const taken = await server.request(
      AssignTicketDocument,
      { input: { ticketId: report.id, assigneeId: itId } },
      itStaff,
    );
    expect(taken.data?.assignTicket.ticket?.assignee?.id).toBe(itId);

    await server.request(
      ReplyToTicketDocument,
      { input: { ticketId: report.id, body: 'Checked the VPN logs.', internal: true } },
      itStaff,
    );
    const body = `Please restart the VPN client ${uniqueSuffix()}.`;
    const replied = await server.request(
      ReplyToTicketDocument,
      { input: { ticketId: report.id, body } },
      itStaff,
    );
    expect(replied.data?.replyToTicket.ticket?.firstRespondedAt).not.toBeNull();
    const mail = await sunk('the reply to the employee', (got) =>
      (got.parsed.text ?? '').includes(body),
    );
    expect(mail.rcptTo).toEqual(['hr@example.com']);
    expect(mail.parsed.subject).toBe(`Re: ${report.subject} [${report.number}]`);
    const replyTo = mail.parsed.replyTo?.value[0]?.address ?? '';
    expect(replyTo).toMatch(/^help\+[A-Za-z0-9_-]{16,}@desk\.test$/);

    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.backdesk.inboundSmtp?.port,
      secure: false,
      ignoreTLS: true,
    });
    const answer = `Restarted, it still drops ${uniqueSuffix()}`;
    const answerId = `${uniqueSuffix()}@example.com`;
    await smtp.sendMail({
      from: 'Hana HR <hr@example.com>',
      to: replyTo,
      subject: `Re: ${mail.parsed.subject}`,
      text: answer,
      messageId: `<${answerId}>`,
      inReplyTo: `<${mail.messageId}>`,
      references: [`<${mail.messageId}>`],
    });
    const events = await until(
      async () => itSubscriber.items,
      (items) => items.some((item) => item.message?.body.includes(answer)),
      "the employee's answer live",
    );
    expect(events.find((item) => item.message?.body.includes(answer))).toMatchObject({
      type: 'MESSAGE_ADDED',
      ticket: { id: report.id },
      message: { authorKind: 'REQUESTER' },
    });
    expect(await inboundOutcome(answerId)).toMatchObject({ outcome: 'THREADED' });

    // The same answer from someone else is not the requester's: it opens a ticket of its own.
    const forgedId = `${uniqueSuffix()}@else.test`;
    await smtp.sendMail({
      from: 'someone@else.test',
      to: replyTo,
      subject: `Re: ${mail.parsed.subject}`,
      text: 'Me too',
      messageId: `<${forgedId}>`,
      inReplyTo: `<${mail.messageId}>`,
    });
    const forged = await inboundOutcome(forgedId);
    expect(forged.outcome).toBe('NEW_TICKET');
    expect(Number(forged.ticket_id)).not.toBe(
      Number(Buffer.from(report.id, 'base64url').toString().split(':')[1]),
    );
    smtp.close();

    // The requester reads their own report, without the internal note, and answers in the app.
    const mine = await server.request(MyItTicketsDocument, { first: 20 }, hr);
    const own = mine.data?.myItTickets.nodes.find((node) => node.id === report.id);
    expect(own?.messages.nodes.map((message) => [message.authorKind, message.body])).toEqual([
      ['REQUESTER', 'It disconnects every few minutes.'],
      ['AGENT', body],
      ['REQUESTER', answer],
    ]);
    const inApp = await server.request(
      AddRequesterMessageDocument,
      { input: { ticketId: report.id, body: 'Also from the office Wi-Fi.' } },
      hr,
    );
    expect(inApp.data?.addRequesterMessage.userErrors).toEqual([]);
    const notTheirs = await server.request(
      AddRequesterMessageDocument,
      { input: { ticketId: report.id, body: 'Me too' } },
      agent,
    );
    expect(notTheirs.data?.addRequesterMessage.userErrors[0]?.code).toBe('NOT_FOUND');
    const detail = await server.request(TicketDetailDocument, { id: report.id }, itStaff);
    expect(detail.data?.ticket?.messages.nodes.map((message) => message.internal)).toEqual([
      false,
      true,
      false,
      false,
      false,
    ]);

    // Solved by IT support: the satisfaction survey goes to the employee, and counts in the IT
    // queue's figures, which REPORTING reads and a support lead may not.
    const solved = await server.request(
      UpdateTicketStatusDocument,
      { input: { ticketId: report.id, status: 'SOLVED' } },
      itStaff,
    );
    expect(solved.data?.updateTicketStatus.userErrors).toEqual([]);
    const survey = await sunk('the survey to the employee', (got) =>
      (got.parsed.subject ?? '').startsWith(`How did we do? [${report.number}]`),
    );
    expect(survey.rcptTo).toEqual(['hr@example.com']);

    // Closed, the report takes no more mail: the employee's answer opens an IT follow-up for them.
    const closed = await server.request(
      UpdateTicketStatusDocument,
      { input: { ticketId: report.id, status: 'CLOSED' } },
      itStaff,
    );
    expect(closed.data?.updateTicketStatus.userErrors).toEqual([]);
    const followUpId = `${uniqueSuffix()}@example.com`;
    const again = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.backdesk.inboundSmtp?.port,
      secure: false,
      ignoreTLS: true,
    });
    await again.sendMail({
      from: 'Hana HR <hr@example.com>',
      to: replyTo,
      subject: `Re: ${mail.parsed.subject}`,
      text: 'It is back again since this morning.',
      messageId: `<${followUpId}>`,
      inReplyTo: `<${mail.messageId}>`,
    });
    again.close();
    const followUp = await inboundOutcome(followUpId);
    expect(followUp.outcome).toBe('NEW_TICKET');
    const [opened] = await server.backdesk.database.orm.em
      .fork()
      .execute<{ queue: string; requester: string; customer_id: string | null }[]>(
        `SELECT t.queue, e.email AS requester, t.customer_id
             FROM ticket t JOIN employee e ON e.id = t.requester_id WHERE t.id = ?`,
        [followUp.ticket_id],
      );
    expect(opened).toEqual({ queue: 'IT', requester: 'hr@example.com', customer_id: null });
    // A day either side: the report may have been made just before midnight (UTC).
    const dayFrom = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const period = { from: dayFrom(-1), to: dayFrom(1) };
    const figures = await server.request(
      QueueMetricsDocument,
      { ...period, queue: 'IT' as const },
      reports,
    );
    expect(figures.data?.supportMetrics.csatSurveysSent).toBeGreaterThanOrEqual(1);
    expect(figures.data?.supportMetrics.solved).toBeGreaterThanOrEqual(1);
    const lead = await server.login('lead@example.com');
    const refused = await server.request(
      QueueMetricsDocument,
      { ...period, queue: 'IT' as const },
      lead,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('takes a report about an asset: the ticket shows the asset and the contracts covering it that day, the asset its tickets', async () => {
    const accountant = await server.login('accountant@example.com');
    const graphql = async <T>(query: string, variables: Record<string, unknown>, token: string) => {
      const result = await server.raw(query, variables, token);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data as T;
    };
    const { createAsset } = await graphql<{ createAsset: { asset: { id: string } } }>(
      `
        mutation ($input: CreateAssetInput!) {
          createAsset(input: $input) {
            asset {
              id
            }
            userErrors {
              message
            }
          }
        }
      `,
      { input: { tag: `LT-${uniqueSuffix()}`, type: 'LAPTOP', model: 'ThinkPad T14' } },
      itStaff,
    );
    const assetId = createAsset.asset.id;
    const { createVendor } = await graphql<{ createVendor: { vendor: { id: string } } }>(
      `
        mutation ($input: CreateVendorInput!) {
          createVendor(input: $input) {
            vendor {
              id
            }
          }
        }
      `,
      { input: { name: `Repairs ${uniqueSuffix()}` } },
      accountant,
    );
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const contract = async (name: string, startsOn: string, endsOn: string) =>
      (
        await graphql<{ createServiceContract: { serviceContract: { id: string } } }>(
          `
            mutation ($input: CreateServiceContractInput!) {
              createServiceContract(input: $input) {
                serviceContract {
                  id
                }
                userErrors {
                  message
                }
              }
            }
          `,
          {
            input: {
              vendorId: createVendor.vendor.id,
              name,
              startsOn,
              endsOn,
              cost: '120.00',
              assetIds: [assetId],
            },
          },
          itStaff,
        )
      ).createServiceContract.serviceContract.id;
    const current = await contract('Next-day repair', day(-30), day(30));
    await contract('Last year', day(-400), day(-35));

    const reported = await server.request(
      ReportItIssueDocument,
      { input: { subject: 'Keyboard dead', body: 'No key works.', assetId } },
      hr,
    );
    const ticketId = reported.data?.reportItIssue.ticket?.id;
    expect(reported.data?.reportItIssue.userErrors).toEqual([]);
    const seen = await graphql<{
      ticket: { asset: { id: string }; serviceContracts: { id: string }[] };
      asset: { tickets: { nodes: { id: string }[] } };
    }>(
      `
        query ($ticketId: ID!, $assetId: ID!) {
          ticket(id: $ticketId) {
            asset {
              id
            }
            serviceContracts {
              id
            }
          }
          asset(id: $assetId) {
            tickets(first: 5) {
              nodes {
                id
              }
            }
          }
        }
      `,
      { ticketId, assetId },
      itStaff,
    );
    expect(seen).toEqual({
      ticket: { asset: { id: assetId }, serviceContracts: [{ id: current }] },
      asset: { tickets: { nodes: [{ id: ticketId }] } },
    });

    const before = await writes();
    const missing = await server.request(
      ReportItIssueDocument,
      {
        input: {
          subject: 'Mouse',
          body: 'Broken',
          assetId: Buffer.from('Asset:999999').toString('base64url'),
        },
      },
      hr,
    );
    expect(missing.data?.reportItIssue.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'assetId'] }),
    ]);
    expect(await writes()).toEqual(before);
  });

  it('refuses a report without a subject, one by an API token, and a merge across queues, writing nothing', async () => {
    const token = await server.request(
      CreateApiTokenDocument,
      { input: { name: `tool ${uniqueSuffix()}`, roles: ['REPORTING'] } },
      admin,
    );
    const apiToken = token.data?.createApiToken.token;
    if (!apiToken) throw new Error(JSON.stringify(token));
    const customerTicket = (
      await server.request(TicketQueueDocument, { first: 1, filter: { queue: 'CUSTOMER' } }, admin)
    ).data?.tickets.nodes[0]?.id;
    const open = await server.request(
      ReportItIssueDocument,
      { input: { subject: `Printer jammed ${uniqueSuffix()}`, body: 'Paper stuck' } },
      hr,
    );
    const openReport = open.data?.reportItIssue.ticket;
    if (!openReport) throw new Error(JSON.stringify(open));
    const before = await writes();
    const empty = await server.request(
      ReportItIssueDocument,
      { input: { subject: '  ', body: 'Something' } },
      hr,
    );
    expect(empty.data?.reportItIssue).toEqual({
      ticket: null,
      userErrors: [expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'subject'] })],
    });
    const byTool = await server.request(
      ReportItIssueDocument,
      { input: { subject: 'From a script', body: 'Something' } },
      apiToken,
    );
    expect(byTool.data?.reportItIssue).toEqual({
      ticket: null,
      userErrors: [expect.objectContaining({ code: 'INVALID_INPUT' })],
    });
    const merged = await server.request(
      MergeTicketDocument,
      { input: { sourceTicketId: openReport.id, targetTicketId: customerTicket ?? '' } },
      admin,
    );
    expect(merged.data?.mergeTicket.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'targetTicketId'] }),
    ]);
    expect(await writes()).toEqual(before);
  });
});
