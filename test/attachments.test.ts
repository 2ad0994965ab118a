import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { Client } from 'pg';
import { toGlobalId } from '../src/graphql/global-id';
import { storeAttachment } from '../src/mail/attachments';
import {
  AddCustomerMessageDocument,
  AttachmentNodeDocument,
  CreateTicketDocument,
  ReplyWithAttachmentsDocument,
  TicketAttachmentsDocument,
  UpdateTicketStatusDocument,
} from './generated/graphql';
import { createCustomer, uniqueSuffix } from './support/fixtures';
import { ManualClock } from './support/manual-clock';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * Ticket files end to end: uploads through `POST /attachments` (multipart, as a browser sends
 * them), downloads with a bearer token or a signed link, `TicketMessage.attachments`, replies
 * that carry uploads, and the email that carries them, received by a real SMTP server.
 */
const MAX_BYTES = 2048;
const clock = new ManualClock(new Date());
let server: TestServer;
let db: Client;
let sink: SmtpSink;
let agent: string;
let reporting: string;
let accountant: string;
let customerId: string;

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script>');

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer(
    {
      SMTP_URL: sink.url,
      MAX_ATTACHMENT_BYTES: String(MAX_BYTES),
      JOB_POLL_MS: '500',
      RATE_LIMIT_PER_TOKEN: '100000',
      RATE_LIMIT_PER_IP: '100000',
    },
    { clock },
  );
  db = new Client({ connectionString: server.database.url });
  await db.connect();
  [agent, reporting, accountant] = await Promise.all(
    ['agent@example.com', 'reports@example.com', 'accountant@example.com'].map((email) =>
      server.login(email),
    ),
  );
  customerId = await createCustomer(server, agent, 'Initech');
});

afterAll(async () => {
  await db?.end();
  await server?.close();
  await sink?.close();
});

async function newTicket(): Promise<{ id: string; number: string; subject: string }> {
  const result = await server.request(
    CreateTicketDocument,
    {
      input: {
        customerId,
        subject: `Scan ${uniqueSuffix()}`,
        body: 'Please look',
        channel: 'EMAIL',
      },
    },
    agent,
  );
  const ticket = result.data?.createTicket.ticket;
  if (!ticket) throw new Error(JSON.stringify(result));
  return ticket;
}

interface Uploaded {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
}

function upload(
  ticketId: string,
  content: Buffer,
  filename: string,
  token: string | null = agent,
  declaredType = 'application/octet-stream',
): Promise<Response> {
  const form = new FormData();
  form.append('ticketId', ticketId);
  form.append('file', new Blob([content], { type: declaredType }), filename);
  return fetch(`${server.baseUrl}/attachments`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

async function uploaded(ticketId: string, content: Buffer, filename: string): Promise<Uploaded> {
  const response = await upload(ticketId, content, filename);
  const body = (await response.json()) as Uploaded;
  if (response.status !== 201)
    throw new Error(`upload: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

function download(path: string, token?: string): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

async function errorOf(response: Response): Promise<[number, unknown]> {
  const body = (await response.json()) as { error?: { code?: unknown } };
  return [response.status, body.error?.code];
}

async function count(table: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0].n);
}

/** Every row that a refused upload or reply must leave as it was. */
async function snapshot() {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM attachment) AS attachments,
            (SELECT count(*) FROM attachment WHERE ticket_message_id IS NOT NULL) AS attached,
            (SELECT count(*) FROM ticket_message) AS messages,
            (SELECT count(*) FROM outbound_email) AS emails,
            (SELECT sum(version) FROM ticket) AS versions`,
  );
  return rows[0] as Record<string, string>;
}

async function mailFor(subject: string): Promise<ParsedMail> {
  for (;;) {
    const mail = sink.received
      .map((got) => got.parsed)
      .find((candidate) => candidate.subject?.includes(subject));
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The numeric key inside a global ID. */
const keyOf = (globalId: string) =>
  Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);

describe('POST /attachments', () => {
  it('keeps an agent’s upload for the ticket, typed by its bytes, and answers 201', async () => {
    const ticket = await newTicket();
    const response = await upload(ticket.id, PNG, 'notes.txt', agent, 'text/plain');
    expect(response.status).toBe(201);
    const body = (await response.json()) as Uploaded;
    expect(body).toMatchObject({
      filename: 'notes.txt',
      contentType: 'image/png',
      size: PNG.length,
    });
    expect(body.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(body.url).toMatch(
      new RegExp(`^/attachments/${body.id}/notes\\.txt\\?expires=\\d+&signature=[0-9a-f]{64}$`),
    );
    expect(response.headers.get('location')).toBe(`/attachments/${body.id}/notes.txt`);
    const { rows } = await db.query(
      `SELECT a.ticket_id, a.ticket_message_id, a.uploaded_by_id, a.sha256, a.content, e.email
         FROM attachment a JOIN employee e ON e.id = a.uploaded_by_id WHERE a.id = $1`,
      [keyOf(body.id)],
    );
    expect(rows).toEqual([
      {
        ticket_id: String(keyOf(ticket.id)),
        ticket_message_id: null,
        uploaded_by_id: expect.any(String),
        sha256: createHash('sha256').update(PNG).digest('hex'),
        content: PNG,
        email: 'agent@example.com',
      },
    ]);
  });

  it('never serves HTML as HTML, whatever the file was called', async () => {
    const ticket = await newTicket();
    const body = await uploaded(ticket.id, HTML, 'x.png');
    expect(body.contentType).toBe('text/plain');
    const response = await download(body.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(HTML);
  });

  it('cuts off a file over MAX_ATTACHMENT_BYTES with 413 and keeps nothing', async () => {
    const ticket = await newTicket();
    const before = await count('attachment');
    // Over the limit, within what a multipart body may add: cut off while streaming.
    const streamed = await upload(ticket.id, Buffer.alloc(MAX_BYTES + 1, 0x61), 'big.txt');
    expect(await errorOf(streamed)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // Declared far over the limit: refused before the body is read.
    const declared = await upload(ticket.id, Buffer.alloc(1024 * 1024, 0x61), 'huge.txt');
    expect(await errorOf(declared)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await count('attachment')).toBe(before);
    // Exactly the limit is kept, and the server still answers.
    expect((await upload(ticket.id, Buffer.alloc(MAX_BYTES, 0x61), 'full.txt')).status).toBe(201);
    expect(await count('attachment')).toBe(before + 1);
  });

  it('refuses without a token (401), to other roles (403), for unknown tickets (404), and bad bodies', async () => {
    const ticket = await newTicket();
    const before = await snapshot();
    expect(await errorOf(await upload(ticket.id, PNG, 'a.png', null))).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    expect(await errorOf(await upload(ticket.id, PNG, 'a.png', 'not-a-token'))).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    expect(await errorOf(await upload(ticket.id, PNG, 'a.png', accountant))).toEqual([
      403,
      'FORBIDDEN',
    ]);
    // REPORTING reads tickets but does not work them.
    expect(await errorOf(await upload(ticket.id, PNG, 'a.png', reporting))).toEqual([
      403,
      'FORBIDDEN',
    ]);
    expect(await errorOf(await upload(toGlobalId('Ticket', 99_999_999), PNG, 'a.png'))).toEqual([
      404,
      'NOT_FOUND',
    ]);
    expect(await errorOf(await upload(toGlobalId('Customer', 1), PNG, 'a.png'))).toEqual([
      400,
      'BAD_REQUEST',
    ]);
    expect(await errorOf(await upload(ticket.id, Buffer.alloc(0), 'empty.txt'))).toEqual([
      400,
      'EMPTY',
    ]);
    const withoutFile = new FormData();
    withoutFile.append('ticketId', ticket.id);
    const missing = await fetch(`${server.baseUrl}/attachments`, {
      method: 'POST',
      body: withoutFile,
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(await errorOf(missing)).toEqual([400, 'BAD_REQUEST']);
    const json = await fetch(`${server.baseUrl}/attachments`, {
      method: 'POST',
      body: JSON.stringify({ ticketId: ticket.id }),
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
    });
    expect(await errorOf(json)).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses uploads to a closed ticket (409)', async () => {
    const ticket = await newTicket();
    const closed = await server.request(
      UpdateTicketStatusDocument,
      { input: { ticketId: ticket.id, status: 'CLOSED' } },
      agent,
    );
    expect(closed.data?.updateTicketStatus.userErrors).toEqual([]);
    expect(await errorOf(await upload(ticket.id, PNG, 'late.png'))).toEqual([409, 'TICKET_CLOSED']);
  });
});

describe('GET /attachments/<id>', () => {
  it('hands the exact bytes to an agent’s bearer token, with headers that keep them inert', async () => {
    const ticket = await newTicket();
    const file = await uploaded(ticket.id, PNG, 'scan é.png');
    const path = file.url.slice(0, file.url.indexOf('?'));
    const response = await download(path, agent);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(PNG.length),
      'content-disposition': `inline; filename="scan _.png"; filename*=UTF-8''scan%20%C3%A9.png`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
      'cache-control': 'private',
    });
    // The name in the path is decoration: the id alone finds it.
    expect((await download(`/attachments/${file.id}`, agent)).status).toBe(200);
  });

  it('answers 401 without credentials, 403 to roles that do not read tickets, 404 for unknown ids', async () => {
    const ticket = await newTicket();
    const file = await uploaded(ticket.id, PNG, 'a.png');
    const path = `/attachments/${file.id}`;
    expect(await errorOf(await download(path))).toEqual([401, 'UNAUTHENTICATED']);
    expect(await errorOf(await download(path, accountant))).toEqual([403, 'FORBIDDEN']);
    expect(
      await errorOf(await download(`/attachments/${toGlobalId('Attachment', 99_999_999)}`, agent)),
    ).toEqual([404, 'NOT_FOUND']);
    expect(await errorOf(await download(`/attachments/${ticket.id}`, agent))).toEqual([
      404,
      'NOT_FOUND',
    ]);
    // An upload no reply carries yet is the desk's draft: REPORTING does not see it.
    expect(await errorOf(await download(path, reporting))).toEqual([404, 'NOT_FOUND']);
  });
});

describe('replyToTicket with attachmentIds', () => {
  it('links the uploads to the reply, lists them on the message, and mails them', async () => {
    const ticket = await newTicket();
    const png = await uploaded(ticket.id, PNG, 'screenshot.png');
    const text = await uploaded(ticket.id, Buffer.from('line one\nline two\n'), 'log.txt');
    const result = await server.request(
      ReplyWithAttachmentsDocument,
      {
        input: {
          ticketId: ticket.id,
          body: 'Here are the files',
          attachmentIds: [png.id, text.id],
        },
      },
      agent,
    );
    expect(result.data?.replyToTicket.userErrors).toEqual([]);
    const message = result.data?.replyToTicket.message;
    expect(
      message?.attachments.map(({ id, filename, contentType, size, inline }) => ({
        id,
        filename,
        contentType,
        size,
        inline,
      })),
    ).toEqual([
      {
        id: png.id,
        filename: 'screenshot.png',
        contentType: 'image/png',
        size: PNG.length,
        inline: false,
      },
      { id: text.id, filename: 'log.txt', contentType: 'text/plain', size: 18, inline: false },
    ]);

    // The conversation lists them too, and REPORTING now reads them (they are on a public reply).
    const detail = await server.request(TicketAttachmentsDocument, { id: ticket.id }, reporting);
    const reply = detail.data?.ticket?.messages.nodes.find((node) => node.id === message?.id);
    expect(reply?.attachments.map((attachment) => attachment.id)).toEqual([png.id, text.id]);
    const asReporting = await download(`/attachments/${png.id}`, reporting);
    expect(asReporting.status).toBe(200);
    expect(Buffer.from(await asReporting.arrayBuffer())).toEqual(PNG);

    // The email carries both files, byte for byte.
    const mail = await mailFor(ticket.number);
    expect(mail.text).toContain('Here are the files');
    expect(
      mail.attachments.map((attachment) => [
        attachment.filename,
        attachment.contentType,
        attachment.content.toString('base64'),
      ]),
    ).toEqual([
      ['screenshot.png', 'image/png', PNG.toString('base64')],
      ['log.txt', 'text/plain', Buffer.from('line one\nline two\n').toString('base64')],
    ]);
  });

  it('opens a file through the signed url without a token, until the link expires', async () => {
    const ticket = await newTicket();
    const file = await uploaded(ticket.id, PNG, 'signed.png');
    await server.request(
      ReplyWithAttachmentsDocument,
      { input: { ticketId: ticket.id, body: 'Signed', attachmentIds: [file.id] } },
      agent,
    );
    const detail = await server.request(TicketAttachmentsDocument, { id: ticket.id }, agent);
    const url = detail.data?.ticket?.messages.nodes.flatMap((node) => node.attachments)[0]?.url;
    expect(url).toMatch(/\?expires=\d+&signature=[0-9a-f]{64}$/);
    const signed = await download(url as string);
    expect(signed.status).toBe(200);
    expect(Buffer.from(await signed.arrayBuffer())).toEqual(PNG);

    const signature = /signature=([0-9a-f]+)/.exec(url as string)?.[1] as string;
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    expect(await errorOf(await download((url as string).replace(signature, flipped)))).toEqual([
      403,
      'FORBIDDEN',
    ]);
    const later = (url as string).replace(
      /expires=(\d+)/,
      (_, at: string) => `expires=${Number(at) + 3600}`,
    );
    expect(await errorOf(await download(later))).toEqual([403, 'FORBIDDEN']);
    // Another attachment's path with this signature opens nothing.
    const other = await uploaded(ticket.id, PNG, 'other.png');
    const borrowed = (url as string).replace(file.id, other.id);
    expect(await errorOf(await download(borrowed))).toEqual([403, 'FORBIDDEN']);

    const now = clock.now();
    try {
      clock.advance(16);
      expect(await errorOf(await download(url as string))).toEqual([403, 'FORBIDDEN']);
      // The bearer token still opens it.
      expect((await download(url as string, agent)).status).toBe(200);
    } finally {
      clock.set(now);
    }
  });

  it('refuses a used upload, another ticket’s, or an unknown one, and writes nothing', async () => {
    const ticket = await newTicket();
    const other = await newTicket();
    const sent = await uploaded(ticket.id, PNG, 'sent.png');
    const first = await server.request(
      ReplyWithAttachmentsDocument,
      { input: { ticketId: ticket.id, body: 'First', attachmentIds: [sent.id] } },
      agent,
    );
    expect(first.data?.replyToTicket.userErrors).toEqual([]);
    const fresh = await uploaded(ticket.id, PNG, 'fresh.png');
    const foreign = await uploaded(other.id, PNG, 'foreign.png');
    const unknown = toGlobalId('Attachment', 99_999_999);
    await mailFor(ticket.number);

    const before = await snapshot();
    const cases: [string, string[], string][] = [
      ['already sent', [fresh.id, sent.id], '1'],
      ['from another ticket', [foreign.id], '0'],
      ['unknown', [fresh.id, unknown], '1'],
    ];
    for (const [why, attachmentIds, index] of cases) {
      const refused = await server.request(
        ReplyWithAttachmentsDocument,
        { input: { ticketId: ticket.id, body: `Again (${why})`, attachmentIds } },
        agent,
      );
      expect([why, refused.data?.replyToTicket]).toEqual([
        why,
        {
          ticket: null,
          message: null,
          userErrors: [
            {
              code: 'INVALID_INPUT',
              field: ['input', 'attachmentIds', index],
              message: expect.any(String),
            },
          ],
        },
      ]);
    }
    expect(await snapshot()).toEqual(before);
    // The fresh upload is still free for a later reply.
    const later = await server.request(
      ReplyWithAttachmentsDocument,
      { input: { ticketId: ticket.id, body: 'Now', attachmentIds: [fresh.id] } },
      agent,
    );
    expect(later.data?.replyToTicket.message?.attachments.map((a) => a.id)).toEqual([fresh.id]);
  });

  it('keeps the files of an internal note from REPORTING and out of the mail', async () => {
    const ticket = await newTicket();
    const file = await uploaded(ticket.id, PNG, 'internal.png');
    const emails = await count('outbound_email');
    const note = await server.request(
      ReplyWithAttachmentsDocument,
      { input: { ticketId: ticket.id, body: 'Note', internal: true, attachmentIds: [file.id] } },
      agent,
    );
    expect(note.data?.replyToTicket.message?.attachments.map((a) => a.id)).toEqual([file.id]);
    expect(await count('outbound_email')).toBe(emails);
    expect((await download(`/attachments/${file.id}`, agent)).status).toBe(200);
    expect(await errorOf(await download(`/attachments/${file.id}`, reporting))).toEqual([
      404,
      'NOT_FOUND',
    ]);
    const asNode = await server.request(AttachmentNodeDocument, { id: file.id }, reporting);
    expect(asNode.data?.node).toBeNull();
    const asAgent = await server.request(AttachmentNodeDocument, { id: file.id }, agent);
    expect(asAgent.data?.node).toMatchObject({ id: file.id, filename: 'internal.png' });
  });
});

describe('attachments that came by email', () => {
  it('are listed on the customer’s message and download like uploads', async () => {
    const ticket = await newTicket();
    const added = await server.request(
      AddCustomerMessageDocument,
      { input: { ticketId: ticket.id, body: 'See attached' } },
      agent,
    );
    expect(added.data?.addCustomerMessage.userErrors).toEqual([]);
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM ticket_message WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1',
      [keyOf(ticket.id)],
    );
    // Stored as inbound mail stores it: on the message, with no uploader.
    const em = server.backdesk.database.orm.em.fork();
    const stored = await storeAttachment(
      em,
      {
        ticketId: keyOf(ticket.id),
        ticketMessageId: Number(rows[0].id),
        filename: 'photo.png',
        declaredType: 'image/png',
        content: PNG,
        contentId: '<photo@mail>',
        inline: true,
        createdAt: clock.now(),
      },
      MAX_BYTES,
    );
    const id = toGlobalId('Attachment', stored.id);
    const detail = await server.request(TicketAttachmentsDocument, { id: ticket.id }, reporting);
    const message = detail.data?.ticket?.messages.nodes.find(
      (node) => node.authorKind === 'CUSTOMER' && node.body === 'See attached',
    );
    expect(message?.attachments).toEqual([
      expect.objectContaining({
        id,
        filename: 'photo.png',
        contentType: 'image/png',
        inline: true,
      }),
    ]);
    const response = await download(message?.attachments[0].url as string);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
  });
});
