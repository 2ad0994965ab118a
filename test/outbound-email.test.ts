import { startServerProcess } from './support/server-process';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, type TestServer } from './support/test-server';
import { until } from './support/until';

const AGENT = 'agent@example.com';

interface Delivery {
  status: string;
  sentAt: string | null;
  error: string | null;
  messageId: string;
  attempts: number;
}

const REPLY = `mutation Reply($input: ReplyToTicketInput!) {
  replyToTicket(input: $input) {
    message { id delivery { status sentAt error messageId attempts } }
    userErrors { code message }
  }
}`;

const DELIVERY = `query Delivery($id: ID!) {
  node(id: $id) { ... on TicketMessage { delivery { status sentAt error messageId attempts } } }
}`;

async function firstTicket(server: TestServer, token: string) {
  const result = await server.raw(
    '{ tickets(first: 1, filter: { status: [NEW, OPEN] }) { nodes { id number subject customer { email } } } }',
    {},
    token,
  );
  const data = result.data as {
    tickets: {
      nodes: { id: string; number: string; subject: string; customer: { email: string } }[];
    };
  };
  return data.tickets.nodes[0];
}

async function reply(
  server: TestServer,
  token: string,
  ticketId: string,
  body: string,
  internal = false,
) {
  const result = await server.raw(REPLY, { input: { ticketId, body, internal } }, token);
  const payload = (
    result.data as {
      replyToTicket: {
        message: { id: string; delivery: Delivery | null } | null;
        userErrors: unknown[];
      };
    }
  ).replyToTicket;
  expect(payload.userErrors).toEqual([]);
  return payload.message as { id: string; delivery: Delivery | null };
}

async function deliveryOf(server: TestServer, token: string, messageId: string) {
  const result = await server.raw(DELIVERY, { id: messageId }, token);
  return (result.data as { node: { delivery: Delivery | null } }).node.delivery;
}

describe('outbound email over SMTP', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({
      SMTP_URL: sink.url,
      SUPPORT_ADDRESS: 'help@desk.test',
      MAIL_FROM: 'Desk <help@desk.test>',
      JOB_POLL_MS: '500',
    });
    token = await server.login(AGENT);
  });

  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  it('mails a public reply once, with threading headers and a signed reply address', async () => {
    const ticket = await firstTicket(server, token);
    const first = await reply(server, token, ticket.id, 'Thanks for writing. We are on it.');
    expect(first.delivery).toMatchObject({ status: 'QUEUED', attempts: 0 });
    const firstId = first.delivery?.messageId as string;
    expect(firstId).toMatch(/^[^<>\s]+@desk\.test$/);

    const [mail] = await sink.waitFor((got) => got.some((m) => m.messageId === firstId));
    expect(sink.received.filter((m) => m.messageId === firstId)).toHaveLength(1);
    expect(mail.rcptTo).toEqual([ticket.customer.email]);
    expect(mail.parsed.subject).toBe(`Re: ${ticket.subject} [${ticket.number}]`);
    expect(mail.parsed.text).toContain('Thanks for writing. We are on it.');
    expect(mail.parsed.html).toContain('Thanks for writing. We are on it.');
    const replyTo = mail.parsed.replyTo?.value[0]?.address ?? '';
    const token16 = /^help\+([a-z0-9-]{16,})@desk\.test$/.exec(replyTo);
    expect(token16).not.toBeNull();

    const sent = await until(
      () => deliveryOf(server, token, first.id),
      (delivery) => delivery?.status === 'SENT',
      'SENT',
    );
    expect(sent).toMatchObject({ attempts: 1, error: null, messageId: firstId });
    expect(sent?.sentAt).not.toBeNull();

    // The second reply answers the first: In-Reply-To and References name it.
    const second = await reply(server, token, ticket.id, 'One more thing.');
    const secondId = second.delivery?.messageId as string;
    await sink.waitFor((got) => got.some((m) => m.messageId === secondId));
    const followUp = sink.received.find((m) => m.messageId === secondId);
    expect(followUp?.parsed.inReplyTo).toBe(`<${firstId}>`);
    expect([followUp?.parsed.references].flat()).toContain(`<${firstId}>`);
    expect(followUp?.parsed.replyTo?.value[0]?.address).toBe(replyTo);
  });

  it('never mails an internal note', async () => {
    const ticket = await firstTicket(server, token);
    const before = sink.received.length;
    const note = await reply(server, token, ticket.id, 'Internal: check the warehouse', true);
    expect(note.delivery).toBeNull();
    const [{ count }] = await server.backdesk.database.orm.em
      .fork()
      .execute<{ count: string }[]>(
        'SELECT count(*) FROM outbound_email WHERE ticket_message_id = ?',
        [Number(Buffer.from(note.id, 'base64url').toString().split(':')[1])],
      );
    expect(Number(count)).toBe(0);
    // A public reply made after it arrives, and the note never does.
    const after = await reply(server, token, ticket.id, 'Public after the note');
    await sink.waitFor((got) => got.some((m) => m.messageId === after.delivery?.messageId));
    expect(sink.received.slice(before).some((m) => m.parsed.text?.includes('Internal:'))).toBe(
      false,
    );
  });
});

describe('failed sends', () => {
  it('retries a temporary refusal, then shows the reply FAILED with the reason', async () => {
    const sink = await startSmtpSink({
      refuse: () => ({ code: 451, message: 'Mailbox busy, try later' }),
    });
    const server = await startTestServer({
      SMTP_URL: sink.url,
      JOB_POLL_MS: '500',
      MAIL_SEND_RETRIES: '2',
      MAIL_RETRY_DELAY_SECONDS: '1',
    });
    try {
      const token = await server.login(AGENT);
      const ticket = await firstTicket(server, token);
      const message = await reply(server, token, ticket.id, 'This will not get through');
      const failed = await until(
        () => deliveryOf(server, token, message.id),
        (delivery) => delivery?.status === 'FAILED',
        'FAILED',
      );
      expect(failed?.attempts).toBe(3);
      expect(failed?.error).toContain('451');
      expect(failed?.sentAt).toBeNull();
      // The job ends after the email's row records the failure: wait for pg-boss to say so.
      const jobs = await until(
        () =>
          server.backdesk.database.orm.em.fork().execute<{ state: string; retry_count: number }[]>(
            `SELECT state::text AS state, retry_count FROM pgboss.job WHERE name = 'mail.send' AND data->>'emailId' = (
                 SELECT id::text FROM outbound_email WHERE message_id = ?)`,
            [message.delivery?.messageId],
          ),
        (rows) => rows[0]?.state === 'failed',
        'the job to fail',
      );
      expect(jobs).toEqual([{ state: 'failed', retry_count: 2 }]);
      const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/backdesk_jobs\{name="mail\.send",state="failed"\} 1/);
      expect(metrics).toMatch(/backdesk_job_failures_total\{name="mail\.send"\} 3/);
    } finally {
      await server.close();
      await sink.close();
    }
  });

  it('gives up at once on a permanent refusal', async () => {
    const sink = await startSmtpSink({
      refuse: () => ({ code: 550, message: 'No such user here' }),
    });
    const server = await startTestServer({ SMTP_URL: sink.url, JOB_POLL_MS: '500' });
    try {
      const token = await server.login(AGENT);
      const ticket = await firstTicket(server, token);
      const message = await reply(server, token, ticket.id, 'Nobody home');
      const failed = await until(
        () => deliveryOf(server, token, message.id),
        (delivery) => delivery?.status === 'FAILED',
        'FAILED',
      );
      expect(failed).toMatchObject({ attempts: 1 });
      expect(failed?.error).toContain('No such user here');
    } finally {
      await server.close();
      await sink.close();
    }
  });
});

describe('the local outbox (no SMTP_URL)', () => {
  it('keeps the message as written, marked SENT through the outbox', async () => {
    const server = await startTestServer({ JOB_POLL_MS: '500' });
    try {
      const token = await server.login(AGENT);
      const ticket = await firstTicket(server, token);
      const message = await reply(server, token, ticket.id, 'Kept in the outbox');
      await until(
        () => deliveryOf(server, token, message.id),
        (delivery) => delivery?.status === 'SENT',
        'SENT',
      );
      const [row] = await server.backdesk.database.orm.em
        .fork()
        .execute<{ transport: string; raw: string }[]>(
          'SELECT transport, raw FROM outbound_email WHERE message_id = ?',
          [message.delivery?.messageId],
        );
      expect(row.transport).toBe('outbox');
      expect(row.raw).toContain(`Message-ID: <${message.delivery?.messageId}>`);
      expect(row.raw).toContain('Kept in the outbox');

      // The outbox is for ADMIN: newest first, with what was sent.
      const outbox = `{ outboundEmails(first: 5, filter: { status: [SENT] }) {
        totalCount nodes { id to subject status createdAt sentAt messageId kind transport text } } }`;
      const admin = await server.raw(outbox, {}, await server.login('admin@example.com'));
      const listed = (
        admin.data as {
          outboundEmails: {
            nodes: { messageId: string; to: string; transport: string; text: string }[];
          };
        }
      ).outboundEmails.nodes;
      expect(listed[0]).toMatchObject({
        messageId: message.delivery?.messageId,
        to: expect.stringContaining(ticket.customer.email),
        transport: 'outbox',
      });
      expect(listed[0].text).toContain('Kept in the outbox');
      const agent = await server.raw(outbox, {}, token);
      expect(agent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      await server.close();
    }
  });
});

describe('workers in a process of their own (npm run worker)', () => {
  it('sends what an API-only instance queued', async () => {
    const sink = await startSmtpSink();
    const env = { SMTP_URL: sink.url, JOB_POLL_MS: '500' };
    const api = await startTestServer({ ...env, RUN_WORKERS: 'false' });
    const worker = await startServerProcess(api.database.url, env, 'worker');
    try {
      const token = await api.login(AGENT);
      const ticket = await firstTicket(api, token);
      const message = await reply(api, token, ticket.id, 'Sent by the worker');
      const [mail] = await sink.waitFor((got) =>
        got.some((m) => m.messageId === message.delivery?.messageId),
      );
      expect(mail.parsed.text).toContain('Sent by the worker');
      await until(
        () => deliveryOf(api, token, message.id),
        (delivery) => delivery?.status === 'SENT',
        'SENT',
      );
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await api.close();
      await sink.close();
    }
  });
});
