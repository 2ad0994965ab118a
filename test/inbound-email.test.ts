import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { Client } from 'pg';
import pino from 'pino';
import {
  CreateCustomerDocument,
  CreateTicketDocument,
  MergeTicketDocument,
  ReplyToTicketDocument,
  TicketDetailDocument,
  UpdateTicketStatusDocument,
} from './generated/graphql';
import { InboundMailbox } from '../src/mail/inbound';
import { inboundEmailEndpoint } from '../src/server/inbound-email-endpoint';
import { uniqueSuffix } from './support/fixtures';
import { graphql, subscribe, waitForSubscriptions } from './support/live-client';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, type TestServer } from './support/test-server';

const SECRET = 'inbound-secret-for-the-tests-0123';
const DESK = 'help@desk.test';
const MAX_ATTACHMENT_BYTES = 64 * 1024;
/** maxInboundMessageBytes: twice the attachment limit and 1 MiB. */
const MAX_MESSAGE_BYTES = 2 * MAX_ATTACHMENT_BYTES + 1024 * 1024;
const MARKER = '##- Please type your reply above this line -##';

/** A 1×1 PNG and a 1×1 GIF: their bytes, not their names, say what they are. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

interface Sunk {
  raw: Buffer;
  mail: ParsedMail;
  to: string[];
}

let server: TestServer;
let db: Client;
let sink: SmtpSink;
let agent: string;
let lead: string;
let smtpPort: number;

beforeAll(async () => {
  // The outbound relay: a real SMTP server that keeps what it is given.
  sink = await startSmtpSink();
  server = await startTestServer({
    SMTP_URL: sink.url,
    SUPPORT_ADDRESS: DESK,
    INBOUND_SMTP_PORT: '0',
    INBOUND_EMAIL_SECRET: SECRET,
    MAX_ATTACHMENT_BYTES: String(MAX_ATTACHMENT_BYTES),
    JOB_POLL_MS: '500',
  });
  smtpPort = server.backdesk.inboundSmtp?.port as number;
  db = new Client({ connectionString: server.database.url });
  await db.connect();
  [agent, lead] = await Promise.all([
    server.login('agent@example.com'),
    server.login('lead@example.com'),
  ]);
});

afterAll(async () => {
  await db?.end();
  await server?.close();
  await sink?.close();
});

// ---- helpers ----

/** Polls `read` until it gives a value, for at most `timeoutMs`. */
async function eventually<T>(
  what: string,
  read: () => Promise<T | null | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const rowId = (globalId: string) =>
  Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);
const ticketGlobalId = (id: number | string) =>
  Buffer.from(`Ticket:${id}`, 'utf8').toString('base64url');
const newMessageId = () => `${uniqueSuffix()}.${Date.now()}@customer.test`;

interface InboundRow {
  id: string;
  outcome: string;
  reason: string | null;
  ticket_id: string | null;
  ticket_message_id: string | null;
  processed_at: Date | null;
  source: string;
}

async function inboundRows(messageId: string): Promise<InboundRow[]> {
  const { rows } = await db.query<InboundRow>(
    `SELECT id, outcome, reason, ticket_id, ticket_message_id, processed_at, source
       FROM inbound_email WHERE message_id = $1`,
    [messageId],
  );
  return rows;
}

/** The email's row once its job has read it. */
function processed(messageId: string): Promise<InboundRow> {
  return eventually(`${messageId} to be read`, async () => {
    const [row] = await inboundRows(messageId);
    return row && row.outcome !== 'RECEIVED' ? row : undefined;
  });
}

async function inboundCount(): Promise<number> {
  const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM inbound_email');
  return Number(rows[0].count);
}

/** The first email the relay got that matches, once it arrives. */
function sunkMail(what: string, match: (mail: Sunk) => boolean): Promise<Sunk> {
  return eventually(what, async () =>
    sink.received.map((got) => ({ raw: got.raw, mail: got.parsed, to: got.rcptTo })).find(match),
  );
}

async function ticketDetail(ticketId: string) {
  const result = await server.request(TicketDetailDocument, { id: ticketId }, agent);
  const ticket = result.data?.ticket;
  if (!ticket) throw new Error(JSON.stringify(result));
  return ticket;
}

async function newCustomer(name = 'Ada Lovelace') {
  const email = `ada-${uniqueSuffix()}@customer.test`;
  const result = await server.request(CreateCustomerDocument, { input: { name, email } }, agent);
  const id = result.data?.createCustomer.customer?.id;
  if (!id) throw new Error(JSON.stringify(result));
  return { id, email, name };
}

async function newTicket(customerId: string, subject = `Parcel ${uniqueSuffix()}`) {
  const result = await server.request(
    CreateTicketDocument,
    { input: { customerId, subject, body: 'Where is my parcel?', channel: 'EMAIL' } },
    agent,
  );
  const ticket = result.data?.createTicket.ticket;
  if (!ticket) throw new Error(JSON.stringify(result));
  return ticket;
}

async function setStatus(ticketId: string, status: 'PENDING' | 'SOLVED' | 'CLOSED') {
  const result = await server.request(
    UpdateTicketStatusDocument,
    { input: { ticketId, status } },
    agent,
  );
  expect(result.data?.updateTicketStatus.userErrors).toEqual([]);
}

/** An agent's public reply, and the email the relay got for it. */
async function agentReply(
  ticket: { id: string; number: string },
  customerEmail: string,
  body: string,
) {
  const result = await server.request(
    ReplyToTicketDocument,
    { input: { ticketId: ticket.id, body } },
    agent,
  );
  expect(result.data?.replyToTicket.userErrors).toEqual([]);
  return sunkMail(
    `the reply "${body}"`,
    (mail) => mail.to.includes(customerEmail) && (mail.mail.text ?? '').includes(body),
  );
}

const replyAddressOf = (mail: Sunk) => mail.mail.replyTo?.value[0]?.address as string;
const messageIdOf = (mail: { messageId?: string }) => (mail.messageId ?? '').replace(/^<|>$/g, '');

/** A client of the desk's SMTP listener. */
const smtp = () =>
  nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });

/** One SMTP session with the listener, as a sending server holds it; the refusal, if any. */
async function smtpSession(
  envelope: SMTPConnection.Envelope,
  message: string,
): Promise<SMTPConnection.SMTPError | null> {
  const connection = new SMTPConnection({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
  try {
    await new Promise<void>((resolve, reject) =>
      connection.connect((error) => (error ? reject(error) : resolve())),
    );
    return await new Promise((resolve) =>
      connection.send(envelope, message, (error) => resolve(error ?? null)),
    );
  } finally {
    connection.close();
  }
}

function postEmail(body: Buffer | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.baseUrl}/inbound/email`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${SECRET}`,
      'content-type': 'message/rfc822',
      ...headers,
    },
    body,
  });
}

/** A plain text message, written out as a mail client would (CRLF line ends). */
function rawMessage(fields: {
  from: string;
  to?: string;
  subject?: string;
  messageId?: string | null;
  headers?: string[];
  body?: string;
}): string {
  return [
    `From: ${fields.from}`,
    `To: ${fields.to ?? DESK}`,
    `Subject: ${fields.subject ?? 'Hello'}`,
    ...(fields.messageId === null ? [] : [`Message-ID: <${fields.messageId ?? newMessageId()}>`]),
    'Date: Mon, 07 Jan 2030 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(fields.headers ?? []),
    '',
    fields.body ?? 'Hello there',
    '',
  ].join('\r\n');
}

// ---- tests ----

describe('answers to our emails', () => {
  it("mails an agent's reply; the customer's answer lands on the same ticket, reopens it and reaches a live subscriber", async () => {
    const customer = await newCustomer();
    const ticket = await newTicket(customer.id);
    const reply = await agentReply(ticket, customer.email, 'Your parcel left our warehouse today.');
    const replyAddress = replyAddressOf(reply);
    expect(replyAddress).toMatch(/^help\+[0-9a-z]+-[0-9a-f]{20}@desk\.test$/);
    await setStatus(ticket.id, 'PENDING');

    // From the newest committed change: the status change above is not delivered as live.
    const { eventCursor } = await graphql<{ eventCursor: string }>(
      server.baseUrl,
      agent,
      '{ eventCursor }',
    );
    const live = subscribe<{
      type: string;
      message: { body: string } | null;
      ticket: { status: string };
    }>(
      server.wsUrl,
      agent,
      `subscription($filter: TicketFilter, $after: String) {
        ticketEvents(filter: $filter, after: $after) { type message { body internal } ticket { status } }
      }`,
      { filter: { ticketId: ticket.id }, after: eventCursor },
    );
    try {
      await waitForSubscriptions(server.baseUrl, 'ticketEvents', 1);
      const answerId = newMessageId();
      // The customer's client: their address in other case, the quote of our email below.
      const info = await smtp().sendMail({
        from: `"${customer.name}" <${customer.email.toUpperCase()}>`,
        to: replyAddress,
        subject: `Re: ${reply.mail.subject}`,
        messageId: `<${answerId}>`,
        inReplyTo: `<${messageIdOf(reply.mail)}>`,
        references: [`<${messageIdOf(reply.mail)}>`],
        text: [
          'Thanks, it arrived!',
          '',
          `On Mon, 7 Jan 2030 at 09:00, Backdesk Support <${replyAddress}> wrote:`,
          `> ${MARKER}`,
          '>',
          '> Your parcel left our warehouse today.',
          '',
        ].join('\n'),
      });
      expect(info.response).toMatch(/^250 /);

      const [event] = await live.waitFor(1, 20_000);
      expect(event).toEqual({
        type: 'MESSAGE_ADDED',
        message: { body: 'Thanks, it arrived!', internal: false },
        ticket: { status: 'OPEN' },
      });
      const row = await processed(answerId);
      expect(row).toMatchObject({
        outcome: 'THREADED',
        source: 'smtp',
        ticket_id: String(rowId(ticket.id)),
        reason: null,
      });
      expect(row.processed_at).toBeInstanceOf(Date);
      const detail = await ticketDetail(ticket.id);
      expect(detail.messages.nodes.at(-1)).toMatchObject({
        body: 'Thanks, it arrived!',
        authorKind: 'CUSTOMER',
        author: null,
      });
      // The event is the system's doing, not an employee's.
      expect(detail.history.at(-1)).toMatchObject({ type: 'MESSAGE_ADDED', actor: null });

      // The next reply answers the customer's email.
      const next = await agentReply(ticket, customer.email, 'Glad to hear it.');
      expect(messageIdOf({ messageId: next.mail.inReplyTo })).toBe(answerId);
    } finally {
      await live.stop();
    }
  });

  it('threads an answer by its References when it carries no reply token, and reopens a SOLVED ticket', async () => {
    const customer = await newCustomer();
    const ticket = await newTicket(customer.id);
    const reply = await agentReply(ticket, customer.email, 'Could you send a photo?');
    await setStatus(ticket.id, 'SOLVED');
    const answerId = newMessageId();
    const response = await postEmail(
      rawMessage({
        from: customer.email,
        to: DESK,
        subject: 'Re: photo',
        messageId: answerId,
        headers: [`References: <unrelated@elsewhere.test> <${messageIdOf(reply.mail)}>`],
        body: 'Here is the photo you asked for.',
      }),
    );
    expect(response.status).toBe(202);
    expect(await processed(answerId)).toMatchObject({
      outcome: 'THREADED',
      source: 'http',
      ticket_id: String(rowId(ticket.id)),
    });
    const detail = await ticketDetail(ticket.id);
    expect(detail.status).toBe('OPEN');
    expect(detail.messages.nodes.at(-1)?.body).toBe('Here is the photo you asked for.');
  });

  it('never puts a forged reply token on its ticket: the email opens a new ticket', async () => {
    const customer = await newCustomer();
    const ticket = await newTicket(customer.id);
    const reply = await agentReply(ticket, customer.email, 'Anything else?');
    const genuine = replyAddressOf(reply);
    const forged = genuine.replace(
      /-([0-9a-f]{20})@/,
      (_whole, mac: string) => `-${mac.startsWith('0') ? '1' : '0'}${mac.slice(1)}@`,
    );
    const answerId = newMessageId();
    await smtp().sendMail({
      from: customer.email,
      to: forged,
      subject: 'Re: Anything else?',
      messageId: `<${answerId}>`,
      text: 'Show me that ticket',
    });
    const row = await processed(answerId);
    expect(row.outcome).toBe('NEW_TICKET');
    expect(row.reason).toContain('reply token we did not sign');
    expect(row.ticket_id).not.toBe(String(rowId(ticket.id)));
    expect((await ticketDetail(ticket.id)).messages.totalCount).toBe(2);
  });

  it("opens a new ticket for a sender who is not the ticket's customer, even with the genuine reply address", async () => {
    const customer = await newCustomer();
    const ticket = await newTicket(customer.id);
    const reply = await agentReply(ticket, customer.email, 'We refunded you.');
    const intruder = `mallory-${uniqueSuffix()}@elsewhere.test`;
    const answerId = newMessageId();
    await smtp().sendMail({
      from: `"Mallory Intruder" <${intruder}>`,
      to: replyAddressOf(reply),
      subject: 'Re: We refunded you',
      messageId: `<${answerId}>`,
      inReplyTo: `<${messageIdOf(reply.mail)}>`,
      text: 'Refund me too',
    });
    const row = await processed(answerId);
    expect(row.outcome).toBe('NEW_TICKET');
    expect(row.reason).toContain(`comes from ${intruder}, who is not its customer`);
    expect((await ticketDetail(ticket.id)).messages.totalCount).toBe(2);
    const opened = await ticketDetail(ticketGlobalId(row.ticket_id as string));
    expect(opened).toMatchObject({
      channel: 'EMAIL',
      subject: 'Re: We refunded you',
      customer: { name: 'Mallory Intruder' },
    });
    expect(opened.messages.nodes[0]).toMatchObject({
      body: 'Refund me too',
      authorKind: 'CUSTOMER',
    });
  });

  it('follows a merged ticket to the one it was merged into, and opens a follow-up for a CLOSED one', async () => {
    const customer = await newCustomer();
    const duplicate = await newTicket(customer.id);
    const survivor = await newTicket(customer.id);
    const reply = await agentReply(duplicate, customer.email, 'Looking into it.');
    const merged = await server.request(
      MergeTicketDocument,
      { input: { sourceTicketId: duplicate.id, targetTicketId: survivor.id } },
      lead,
    );
    expect(merged.data?.mergeTicket.userErrors).toEqual([]);
    const toMerged = newMessageId();
    await smtp().sendMail({
      from: customer.email,
      to: replyAddressOf(reply),
      subject: 'Re: Looking into it',
      messageId: `<${toMerged}>`,
      text: 'Any news?',
    });
    const row = await processed(toMerged);
    expect(row).toMatchObject({ outcome: 'THREADED', ticket_id: String(rowId(survivor.id)) });
    expect(row.reason).toBe(`${duplicate.number} was merged into ${survivor.number}`);

    await setStatus(survivor.id, 'CLOSED');
    const toClosed = newMessageId();
    await smtp().sendMail({
      from: customer.email,
      to: replyAddressOf(reply),
      subject: 'Re: Looking into it',
      messageId: `<${toClosed}>`,
      text: 'It broke again',
    });
    const followUp = await processed(toClosed);
    expect(followUp.outcome).toBe('NEW_TICKET');
    expect(followUp.reason).toBe(
      `Answers ${survivor.number}, which is closed: opened a follow-up ticket`,
    );
    const opened = await ticketDetail(ticketGlobalId(followUp.ticket_id as string));
    expect(opened.customer?.id).toBe(customer.id);
    expect(opened.messages.nodes[0].body).toBe('It broke again');
  });
});

describe('new mail', () => {
  it('opens an EMAIL ticket for an unknown sender, who becomes a customer, and acknowledges it in the thread', async () => {
    const sender = `grace-${uniqueSuffix()}@newcomer.test`;
    const messageId = newMessageId();
    await smtp().sendMail({
      from: `"Grace Hopper" <${sender}>`,
      to: DESK,
      subject: 'My invoice is wrong',
      messageId: `<${messageId}>`,
      // HTML only: kept as its text.
      html: '<p>The <b>total</b> is twice what I ordered.</p>',
    });
    const row = await processed(messageId);
    expect(row.outcome).toBe('NEW_TICKET');
    const ticket = await ticketDetail(ticketGlobalId(row.ticket_id as string));
    expect(ticket).toMatchObject({
      subject: 'My invoice is wrong',
      channel: 'EMAIL',
      status: 'NEW',
      customer: { name: 'Grace Hopper' },
    });
    expect(ticket.messages.nodes).toEqual([
      expect.objectContaining({
        body: 'The total is twice what I ordered.',
        authorKind: 'CUSTOMER',
        internal: false,
      }),
    ]);
    expect(row.ticket_message_id).toBe(String(rowId(ticket.messages.nodes[0].id)));
    const { rows } = await db.query<{ email: string }>('SELECT email FROM customer WHERE id = $1', [
      rowId(ticket.customer?.id as string),
    ]);
    expect(rows).toEqual([{ email: sender }]);

    const ack = await sunkMail('the acknowledgement', (mail) => mail.to.includes(sender));
    expect(ack.mail.subject).toBe(`Re: My invoice is wrong [${ticket.number}]`);
    expect(ack.mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(messageIdOf({ messageId: ack.mail.inReplyTo })).toBe(messageId);
    expect(replyAddressOf(ack)).toMatch(/^help\+[0-9a-z]+-[0-9a-f]{20}@desk\.test$/);
    const { rows: kinds } = await db.query<{ kind: string }>(
      'SELECT kind FROM outbound_email WHERE ticket_id = $1',
      [row.ticket_id],
    );
    expect(kinds).toEqual([{ kind: 'TICKET_ACKNOWLEDGEMENT' }]);
  });

  it('reads EUC-KR, Shift_JIS and ISO-8859-1 subjects and bodies', async () => {
    const korean = {
      subject: '주문 문의',
      subjectBytes: Buffer.from('c1d6b9ae20b9aec0c7', 'hex'),
      body: '안녕하세요, 주문한 물건이 아직 안 왔어요.',
      bodyBytes: Buffer.from('vsiz58fPvLy/5Cwgwda5rsfRILmwsMfAzCC+xsH3IL7IIL/Uvu6/5C4=', 'base64'),
    };
    const japanese = {
      subject: '注文について',
      subjectBytes: Buffer.from('928d95b682c982c282a282c4', 'hex'),
      body: '注文した商品がまだ届きません。',
      bodyBytes: Buffer.from('928d95b682b582bd8fa4956982aa82dc82be93cd82ab82dc82b982f18142', 'hex'),
    };
    // The test's own bytes are what they claim to be.
    expect(new TextDecoder('euc-kr').decode(korean.subjectBytes)).toBe(korean.subject);
    expect(new TextDecoder('euc-kr').decode(korean.bodyBytes)).toBe(korean.body);
    expect(new TextDecoder('shift_jis').decode(japanese.subjectBytes)).toBe(japanese.subject);
    expect(new TextDecoder('shift_jis').decode(japanese.bodyBytes)).toBe(japanese.body);

    const header = (fields: string[]) => Buffer.from(`${fields.join('\r\n')}\r\n\r\n`, 'latin1');
    const messages = [
      {
        id: newMessageId(),
        subject: korean.subject,
        body: korean.body,
        raw: (id: string) =>
          Buffer.concat([
            header([
              `From: Kim <kim-${uniqueSuffix()}@customer.test>`,
              `To: ${DESK}`,
              `Subject: =?EUC-KR?B?${korean.subjectBytes.toString('base64')}?=`,
              `Message-ID: <${id}>`,
              'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=EUC-KR',
              'Content-Transfer-Encoding: base64',
            ]),
            Buffer.from(`${korean.bodyBytes.toString('base64')}\r\n`, 'latin1'),
          ]),
      },
      {
        id: newMessageId(),
        subject: japanese.subject,
        body: japanese.body,
        raw: (id: string) =>
          Buffer.concat([
            header([
              `From: Sato <sato-${uniqueSuffix()}@customer.test>`,
              `To: ${DESK}`,
              `Subject: =?Shift_JIS?B?${japanese.subjectBytes.toString('base64')}?=`,
              `Message-ID: <${id}>`,
              'MIME-Version: 1.0',
              'Content-Type: text/plain; charset="Shift_JIS"',
              'Content-Transfer-Encoding: 8bit',
            ]),
            japanese.bodyBytes,
            Buffer.from('\r\n', 'latin1'),
          ]),
      },
      {
        id: newMessageId(),
        subject: 'Bestellung für Jürgen',
        body: 'Grüße aus Köln: die Bestellung ist nicht angekommen.',
        raw: (id: string) =>
          header([
            `From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen-${uniqueSuffix()}@customer.test>`,
            `To: ${DESK}`,
            'Subject: =?ISO-8859-1?Q?Bestellung_f=FCr_J=FCrgen?=',
            `Message-ID: <${id}>`,
            'MIME-Version: 1.0',
            'Content-Type: text/plain; charset=ISO-8859-1',
            'Content-Transfer-Encoding: quoted-printable',
            '',
            'Gr=FC=DFe aus K=F6ln: die Bestellung ist nicht angekommen.',
          ]),
      },
    ];
    for (const message of messages)
      expect((await postEmail(message.raw(message.id))).status).toBe(202);
    for (const message of messages) {
      const row = await processed(message.id);
      expect(row.outcome).toBe('NEW_TICKET');
      const ticket = await ticketDetail(ticketGlobalId(row.ticket_id as string));
      expect([ticket.subject, ticket.messages.nodes[0].body]).toEqual([
        message.subject,
        message.body,
      ]);
    }
    const german = await processed(messages[2].id);
    const ticket = await ticketDetail(ticketGlobalId(german.ticket_id as string));
    expect(ticket.customer?.name).toBe('Jürgen Müller');
  });

  it('keeps a message whose decoded text holds NUL characters, without them', async () => {
    const messageId = newMessageId();
    const raw = [
      `From: =?utf-8?Q?Nul=00l_Person?= <nul-${uniqueSuffix()}@customer.test>`,
      `To: ${DESK}`,
      'Subject: =?utf-8?Q?Null=00_byte?=',
      `Message-ID: <${messageId}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Before=00after',
      '',
    ].join('\r\n');
    expect((await postEmail(raw)).status).toBe(202);
    const row = await processed(messageId);
    expect(row.outcome).toBe('NEW_TICKET');
    const ticket = await ticketDetail(ticketGlobalId(row.ticket_id as string));
    expect([ticket.subject, ticket.customer?.name, ticket.messages.nodes[0].body]).toEqual([
      'Null byte',
      'Null Person',
      'Beforeafter',
    ]);
  });

  it('keeps attachments and inline images with their sniffed types; one over the limit is skipped and noted', async () => {
    const messageId = newMessageId();
    const sender = `pat-${uniqueSuffix()}@customer.test`;
    await smtp().sendMail({
      from: sender,
      to: DESK,
      subject: 'Broken on arrival',
      messageId: `<${messageId}>`,
      text: 'Photos attached.',
      html: '<p>Photos attached. <img src="cid:dot@customer.test"></p>',
      attachments: [
        // Claimed to be a download; the bytes are a PNG.
        { filename: 'box.bin', content: PNG, contentType: 'application/octet-stream' },
        { filename: 'dot.gif', content: GIF, cid: 'dot@customer.test' },
        { filename: 'video.mov', content: randomBytes(MAX_ATTACHMENT_BYTES + 1) },
      ],
    });
    const row = await processed(messageId);
    expect(row.outcome).toBe('NEW_TICKET');
    expect(row.reason).toContain('Attachment video.mov was not kept');
    const { rows } = await db.query<{
      filename: string;
      content_type: string;
      size: number;
      inline: boolean;
      content_id: string | null;
      ticket_id: string;
      ticket_message_id: string;
      same: boolean;
    }>(
      `SELECT filename, content_type, size, inline, content_id, ticket_id, ticket_message_id,
              content = $2 OR content = $3 AS same
         FROM attachment WHERE ticket_message_id = $1 ORDER BY filename`,
      [row.ticket_message_id, PNG, GIF],
    );
    expect(rows).toEqual([
      {
        filename: 'box.bin',
        content_type: 'image/png',
        size: PNG.length,
        inline: false,
        content_id: null,
        ticket_id: row.ticket_id,
        ticket_message_id: row.ticket_message_id,
        same: true,
      },
      {
        filename: 'dot.gif',
        content_type: 'image/gif',
        size: GIF.length,
        inline: true,
        content_id: 'dot@customer.test',
        ticket_id: row.ticket_id,
        ticket_message_id: row.ticket_message_id,
        same: true,
      },
    ]);
    const ticket = await ticketDetail(ticketGlobalId(row.ticket_id as string));
    expect(ticket.messages.nodes[0].body).toMatch(
      /^Photos attached\.\n\n\[Attachment video\.mov was not kept: The file is 65537 bytes; at most 65536 are kept\.\]$/,
    );
  });
});

describe('mail that is no customer message', () => {
  it('keeps auto-replies, bulk mail and our own emails come back, and answers none of them', async () => {
    const customer = await newCustomer();
    const ticket = await newTicket(customer.id);
    const reply = await agentReply(ticket, customer.email, 'We are on it.');
    const cases = [
      {
        headers: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'],
        reason: 'Auto-Submitted: auto-replied',
      },
      { headers: ['Precedence: bulk'], reason: 'Precedence: bulk' },
      { headers: ['X-Auto-Response-Suppress: All'], reason: 'X-Auto-Response-Suppress: All' },
    ];
    for (const { headers, reason } of cases) {
      const messageId = newMessageId();
      await smtp().sendMail({
        envelope: { from: customer.email, to: replyAddressOf(reply) },
        raw: rawMessage({
          from: customer.email,
          to: replyAddressOf(reply),
          subject: 'Out of office',
          messageId,
          headers,
          body: 'I am away until Monday.',
        }),
      });
      expect(await processed(messageId)).toMatchObject({
        outcome: 'IGNORED',
        reason: `An automatic message: ${reason}`,
        ticket_id: null,
      });
    }
    // Our own reply, delivered back to us (a forwarding loop).
    expect((await postEmail(reply.raw)).status).toBe(202);
    const ownId = messageIdOf(reply.mail);
    expect(await processed(ownId)).toMatchObject({
      outcome: 'IGNORED',
      reason: `Our own email came back (Message-ID ${ownId})`,
    });
    expect((await ticketDetail(ticket.id)).messages.totalCount).toBe(2);
    // None was acknowledged or answered (that would be queued with its outcome).
    const { rows } = await db.query<{ count: string }>(
      'SELECT count(*) FROM outbound_email WHERE ticket_id = $1 OR to_address LIKE $2',
      [rowId(ticket.id), `%${customer.email}%`],
    );
    expect(Number(rows[0].count)).toBe(1);
  });

  it("marks a bounced reply's email FAILED with the report's reason", async () => {
    const customer = await newCustomer();
    const ticket = await newTicket(customer.id);
    const reply = await agentReply(ticket, customer.email, 'Please confirm your address.');
    const replyId = messageIdOf(reply.mail);
    const reportId = newMessageId();
    const returned = reply.raw.toString('utf8').split(/\r?\n\r?\n/)[0];
    const report = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
      `To: ${DESK}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <${reportId}>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="REPORT"',
      '',
      '--REPORT',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Your message could not be delivered.',
      '',
      '--REPORT',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.customer.test',
      '',
      `Final-Recipient: rfc822; ${customer.email}`,
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 Mailbox does not exist',
      '',
      '--REPORT',
      'Content-Type: text/rfc822-headers',
      '',
      returned,
      '',
      '--REPORT--',
      '',
    ].join('\r\n');
    expect((await postEmail(report)).status).toBe(202);
    const row = await processed(reportId);
    expect(row).toMatchObject({ outcome: 'BOUNCE', ticket_id: String(rowId(ticket.id)) });
    const { rows } = await db.query<{ status: string; error: string }>(
      'SELECT status, error FROM outbound_email WHERE message_id = $1',
      [replyId],
    );
    expect(rows).toEqual([
      { status: 'FAILED', error: 'Bounced: 550 Mailbox does not exist (status 5.1.1)' },
    ]);
    expect((await ticketDetail(ticket.id)).messages.totalCount).toBe(2);
  });
  it('rejects, without retrying, an email whose sender cannot be a customer', async () => {
    const messageId = newMessageId();
    expect(
      (await postEmail(rawMessage({ from: 'root@localhost', messageId, body: 'cron output' })))
        .status,
    ).toBe(202);
    const row = await processed(messageId);
    expect(row).toMatchObject({
      outcome: 'REJECTED',
      reason: 'The sender root@localhost cannot be a customer: Not a valid email address',
      ticket_id: null,
    });
    // Its job ends at once (no retry): the refusal would not change.
    const settled = await eventually('the job to settle', async () => {
      const { rows } = await db.query<{ state: string }>(
        `SELECT state::text FROM pgboss.job
          WHERE name = 'mail.receive' AND data->>'inboundEmailId' = $1`,
        [row.id],
      );
      return rows.length && !['created', 'active'].includes(rows[0].state) ? rows : undefined;
    });
    expect(settled).toEqual([{ state: 'completed' }]);
  });
});

describe('the doors: SMTP listener and POST /inbound/email', () => {
  it('stores a Message-ID delivered twice once, as one message, and a retried job adds nothing', async () => {
    const messageId = newMessageId();
    const raw = rawMessage({
      from: `twice-${uniqueSuffix()}@customer.test`,
      messageId,
      body: 'Said once, sent twice',
    });
    const first = await postEmail(raw);
    expect(first.status).toBe(202);
    const accepted = (await first.json()) as { id: string; messageId: string; duplicate: boolean };
    expect(accepted).toEqual({ id: expect.any(String), messageId, duplicate: false });
    const again = await postEmail(raw);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ ...accepted, duplicate: true });
    const bySmtp = await smtp().sendMail({
      envelope: { from: 'twice@customer.test', to: DESK },
      raw,
    });
    expect(bySmtp.response).toMatch(/^250 /);
    const row = await processed(messageId);
    expect(await inboundRows(messageId)).toHaveLength(1);

    // The job runs again (as after a crash): it finds the outcome and changes nothing.
    await server.backdesk.jobs.enqueue(undefined, 'mail.receive', {
      inboundEmailId: Number(row.id),
    });
    await eventually('the second run', async () => {
      const { rows } = await db.query<{ count: string }>(
        `SELECT count(*) FROM pgboss.job
          WHERE name = 'mail.receive' AND data->>'inboundEmailId' = $1 AND state = 'completed'`,
        [row.id],
      );
      return Number(rows[0].count) >= 2 ? true : undefined;
    });
    const ticket = await ticketDetail(ticketGlobalId(row.ticket_id as string));
    expect(ticket.messages.totalCount).toBe(1);
    expect(await inboundRows(messageId)).toEqual([row]);
  });

  it('keeps a message without a Message-ID under one made from its bytes', async () => {
    const raw = rawMessage({
      from: `anon-${uniqueSuffix()}@customer.test`,
      messageId: null,
      body: 'No id here',
    });
    const first = (await (await postEmail(raw)).json()) as { messageId: string };
    expect(first.messageId).toMatch(/^sha256-[0-9a-f]{64}@inbound\.invalid$/);
    const second = (await (await postEmail(raw)).json()) as {
      messageId: string;
      duplicate: boolean;
    };
    expect(second).toMatchObject({ messageId: first.messageId, duplicate: true });
    expect((await processed(first.messageId)).outcome).toBe('NEW_TICKET');
  });

  it('refuses a message above the size limit (SMTP 552, HTTP 413) and stores nothing', async () => {
    const before = await inboundCount();
    const huge = rawMessage({
      from: `big-${uniqueSuffix()}@customer.test`,
      body: 'x'.repeat(MAX_MESSAGE_BYTES),
    });
    const http = await postEmail(huge);
    expect(http.status).toBe(413);
    expect(((await http.json()) as { errors: { message: string }[] }).errors[0].message).toContain(
      `at most ${MAX_MESSAGE_BYTES}`,
    );
    // Without a SIZE declaration the listener finds out while the data arrives.
    const undeclared = await smtpSession({ from: 'big@customer.test', to: [DESK] }, huge);
    expect(undeclared?.responseCode).toBe(552);
    const declared = await smtpSession(
      { from: 'big@customer.test', to: [DESK], size: Buffer.byteLength(huge) },
      huge,
    );
    // The listener states its limit (EHLO SIZE): a client that knows the size does not send.
    expect(declared?.message).toBe(`Message size larger than allowed ${MAX_MESSAGE_BYTES}`);
    expect(await inboundCount()).toBe(before);
  });

  it('refuses what is not a mail (SMTP 550, HTTP 400), saying what is wrong, and stores nothing', async () => {
    const before = await inboundCount();
    const notMail = await postEmail('hello, this is not an email\r\nat all\r\n');
    expect(notMail.status).toBe(400);
    expect(((await notMail.json()) as { errors: { message: string }[] }).errors[0].message).toBe(
      'The body is not an email message: it starts with no header fields (Name: value)',
    );
    const noFrom = 'To: help@desk.test\r\nSubject: who am I\r\n\r\nbody\r\n';
    const http = await postEmail(noFrom);
    expect(http.status).toBe(400);
    expect(((await http.json()) as { errors: { message: string }[] }).errors[0].message).toBe(
      'The message has no From header with an address',
    );
    await expect(
      smtp().sendMail({ envelope: { from: 'x@customer.test', to: DESK }, raw: noFrom }),
    ).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringContaining('The message has no From header with an address'),
    });
    expect(await inboundCount()).toBe(before);
  });

  it('takes mail only for its own domain', async () => {
    await expect(
      smtp().sendMail({
        from: 'someone@customer.test',
        to: 'someone-else@elsewhere.test',
        subject: 'relay me',
        text: 'please',
      }),
    ).rejects.toMatchObject({ responseCode: 550 });
  });

  it('answers POST /inbound/email only with the secret (401), only for a message (415)', async () => {
    const before = await inboundCount();
    const raw = rawMessage({ from: 'door@customer.test' });
    const missing = await fetch(`${server.baseUrl}/inbound/email`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: raw,
    });
    expect(missing.status).toBe(401);
    expect((await postEmail(raw, { authorization: `Bearer ${SECRET}x` })).status).toBe(401);
    expect((await postEmail(raw, { authorization: SECRET })).status).toBe(401);
    expect((await postEmail(raw, { 'content-type': 'text/plain' })).status).toBe(415);
    expect(await inboundCount()).toBe(before);
    const octets = await postEmail(raw, { 'content-type': 'application/octet-stream' });
    expect(octets.status).toBe(202);
  });

  it('answers 404 when no INBOUND_EMAIL_SECRET is set', async () => {
    const { orm } = server.backdesk.database;
    const mailbox = new InboundMailbox(orm, server.backdesk.jobs, {
      maxAttachmentBytes: MAX_ATTACHMENT_BYTES,
      now: () => new Date(),
    });
    const off = http.createServer(
      inboundEmailEndpoint({ mailbox, secret: undefined }, pino({ level: 'silent' })),
    );
    await new Promise<void>((resolve) => off.listen(0, '127.0.0.1', resolve));
    try {
      const before = await inboundCount();
      const response = await fetch(
        `http://127.0.0.1:${(off.address() as AddressInfo).port}/inbound/email`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'message/rfc822' },
          body: rawMessage({ from: 'door@customer.test' }),
        },
      );
      expect(response.status).toBe(404);
      expect(await inboundCount()).toBe(before);
    } finally {
      await new Promise((resolve) => off.close(resolve));
    }
  });
});
