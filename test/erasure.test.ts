import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { inTransaction } from '../src/db/transaction';
import { BusinessRuleError } from '../src/modules/common/errors';
import { createDomainServices, type DomainServices } from '../src/modules/services';
import type { ErasureResult } from '../src/modules/compliance/data-subject';
import {
  AccountsDocument,
  CreateCustomerDocument,
  CreateTicketDocument,
  PackOrderDocument,
  PlaceOrderDocument,
  RecordPaymentDocument,
  ReplyToTicketDocument,
  ShipOrderDocument,
  StartPickingDocument,
  TrialBalanceDocument,
} from './generated/graphql';
import { createProduct, dataOf, uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';
import { until } from './support/until';

const SECRET = 'inbound-secret-for-the-erasure-tests';

let server: TestServer;
let db: Client;
let services: DomainServices;
let admin: string;
let agent: string;
let warehouse: string;
let compliance: string;
let complianceId: number;

beforeAll(async () => {
  server = await startTestServer({ INBOUND_EMAIL_SECRET: SECRET, JOB_POLL_MS: '500' });
  db = new Client({ connectionString: server.database.url });
  await db.connect();
  services = createDomainServices();
  [admin, agent, warehouse, compliance] = await Promise.all(
    ['admin', 'agent', 'warehouse', 'compliance'].map((who) => server.login(`${who}@example.com`)),
  );
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM employee WHERE email = 'compliance@example.com'",
  );
  complianceId = Number(rows[0].id);
});

afterAll(async () => {
  await db?.end();
  await server?.close();
});

function erase(email: string): Promise<ErasureResult> {
  const em = server.backdesk.database.orm.em.fork() as EntityManager;
  return inTransaction(em, (tx) => services.erasure.erase(tx, { email }, complianceId));
}

/** Every text, varchar, json and jsonb cell of the public schema that contains one of the needles. */
async function cellsContaining(needles: string[]): Promise<string[]> {
  const { rows: columns } = await db.query<{
    table_name: string;
    column_name: string;
    data_type: string;
  }>(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND c.data_type IN ('text', 'character varying', 'json', 'jsonb')
      ORDER BY 1, 2`,
  );
  const found: string[] = [];
  for (const column of columns)
    for (const needle of needles) {
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${column.table_name}" WHERE "${column.column_name}"::text ILIKE $1`,
        [`%${needle.replace(/[\\%_]/g, '\\$&')}%`],
      );
      if (Number(rows[0].n) > 0)
        found.push(`${column.table_name}.${column.column_name}: ${needle}`);
    }
  return found;
}

async function books() {
  const trial = await server.request(TrialBalanceDocument, {}, admin);
  const accounts = await server.request(AccountsDocument, { first: 500 }, admin);
  return { trial: trial.data?.trialBalance, accounts: accounts.data?.accounts.nodes };
}

interface Subject {
  customerId: string;
  name: string;
  email: string;
  ticketIds: string[];
  messageText: string;
}

/**
 * A customer with two shipped (invoiced) orders, a payment, two tickets with messages from both
 * sides (the agent's reply quotes the name and is mailed), an attachment and an inbound email.
 */
async function customerWithHistory(): Promise<Subject> {
  const suffix = uniqueSuffix();
  const name = `Quentin Erasable ${suffix}`;
  const email = `quentin-${suffix}@customer.test`;
  const messageText = `My parcel zorblax-${suffix} arrived crushed`;
  const created = await server.request(
    CreateCustomerDocument,
    { input: { name, email, phone: '+1 555 0101', company: `Quentin Co ${suffix}` } },
    admin,
  );
  const customerId = created.data?.createCustomer.customer?.id as string;
  const productId = await createProduct(server, admin, { price: '25.00', stock: 50 });
  for (let i = 0; i < 2; i += 1) {
    const placed = await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId, quantity: 2 }], note: `Leave with ${name}` } },
      admin,
    );
    const orderId = placed.data?.placeOrder.order?.id as string;
    await server.request(StartPickingDocument, { input: { orderId } }, warehouse);
    await server.request(PackOrderDocument, { input: { orderId } }, warehouse);
    const shipped = await server.request(
      ShipOrderDocument,
      { input: { orderId, carrier: 'DHL', trackingNumber: `JD${suffix}${i}` } },
      warehouse,
    );
    expect(shipped.data?.shipOrder.userErrors).toEqual([]);
  }
  const paid = await server.request(
    RecordPaymentDocument,
    { input: { customerId, amount: '30.00', reference: `Transfer by ${name}` } },
    admin,
  );
  expect(paid.data?.recordPayment.userErrors).toEqual([]);
  const ticketIds: string[] = [];
  for (const subject of [`Broken parcel for ${name}`, 'Where is my refund?']) {
    const ticket = await server.request(
      CreateTicketDocument,
      { input: { customerId, subject, body: messageText, channel: 'EMAIL' } },
      agent,
    );
    const ticketId = ticket.data?.createTicket.ticket?.id as string;
    expect(ticketId).toBeDefined();
    ticketIds.push(ticketId);
    const reply = await server.request(
      ReplyToTicketDocument,
      { input: { ticketId, body: `Dear ${name}, we are sorry about "${messageText}".` } },
      agent,
    );
    expect(reply.data?.replyToTicket.userErrors).toEqual([]);
  }
  const form = new FormData();
  form.append('ticketId', ticketIds[0]);
  form.append('file', new Blob([`photo of ${name}`], { type: 'text/plain' }), 'photo.txt');
  const uploaded = await fetch(`${server.baseUrl}/attachments`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${agent}` },
  });
  expect(uploaded.status).toBe(201);
  const { id: attachmentId } = (await uploaded.json()) as { id: string };
  const withFile = await server.request(
    ReplyToTicketDocument,
    {
      input: {
        ticketId: ticketIds[0],
        body: 'The label, attached.',
        attachmentIds: [attachmentId],
      },
    },
    agent,
  );
  expect(withFile.data?.replyToTicket.userErrors).toEqual([]);
  const messageId = `<erasure-${suffix}@customer.test>`;
  const posted = await fetch(`${server.baseUrl}/inbound/email`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'message/rfc822' },
    body: [
      `From: ${name} <${email}>`,
      'To: support@example.com',
      `Subject: Again: ${messageText}`,
      `Message-ID: ${messageId}`,
      'Date: Mon, 07 Dec 2026 10:00:00 +0000',
      '',
      `${messageText}. Regards, ${name}`,
      '',
    ].join('\r\n'),
  });
  expect(posted.status).toBeLessThan(300);
  await until(
    () =>
      db.query<{ processed: boolean }>(
        'SELECT processed_at IS NOT NULL AS processed FROM inbound_email WHERE message_id = $1',
        [messageId.slice(1, -1)],
      ),
    (result) => result.rows[0]?.processed === true,
    'the inbound email to be processed',
  );
  return { customerId, name, email, ticketIds, messageText };
}

async function placeHold(targetId: string, reason: string): Promise<string> {
  const placed = await dataOf<{ placeLegalHold: { legalHold: { id: string } | null } }>(
    server,
    `mutation($input: PlaceLegalHoldInput!) { placeLegalHold(input: $input) { legalHold { id } userErrors { code } } }`,
    { input: { targetId, reason } },
    compliance,
  );
  return placed.placeLegalHold.legalHold?.id as string;
}

describe('erasure of a data subject', () => {
  it('leaves no copy of the name, email or message text anywhere, and the books unchanged', async () => {
    const subject = await customerWithHistory();
    const needles = [subject.name, subject.email, subject.messageText];
    // The setup put them everywhere the test is meant to look.
    const before = await cellsContaining(needles);
    for (const column of [
      'customer.name',
      'customer.email',
      'ticket.subject',
      'ticket_message.body',
      'outbound_email.text_body',
      'outbound_email.to_address',
      'inbound_email.from_address',
      'event.payload',
      'order.note',
      'journal_entry.memo',
      'payment.reference',
    ])
      expect(before.some((cell) => cell.startsWith(`${column}:`))).toBe(true);
    const { rows: attachmentsBefore } = await db.query(
      "SELECT 1 FROM attachment WHERE convert_from(content, 'UTF8') LIKE $1",
      [`%${subject.name}%`],
    );
    expect(attachmentsBefore).toHaveLength(1);
    // Archived events count too.
    const rowId = await customerRowId(subject.email);
    await db.query(
      `WITH moved AS (DELETE FROM event WHERE stream_type = 'Customer' AND stream_id = $1 AND seq IS NOT NULL
                      RETURNING id, seq, stream_type, stream_id, type, payload, actor_id, occurred_at)
       INSERT INTO event_archive SELECT * FROM moved`,
      [String(rowId)],
    );
    const booksBefore = await books();
    expect(booksBefore.trial?.balanced).toBe(true);

    const result = await erase(subject.email);

    expect(await cellsContaining(needles)).toEqual([]);
    const { rows: bytes } = await db.query(
      `SELECT 'attachment' AS t FROM attachment WHERE position(convert_to($1, 'UTF8') in content) > 0
       UNION ALL SELECT 'inbound' FROM inbound_email WHERE position(convert_to($1, 'UTF8') in raw) > 0
       UNION ALL SELECT 'document' FROM document WHERE position(convert_to($1, 'UTF8') in content) > 0`,
      [subject.name],
    );
    expect(bytes).toEqual([]);
    expect(await books()).toEqual(booksBefore);
    expect(result.erased.map((item) => item.what)).toEqual(
      expect.arrayContaining(['customer record (anonymised)', 'attachments', 'outbound emails']),
    );
    expect(result.kept).toEqual(
      expect.arrayContaining([
        {
          what: expect.stringMatching(/^invoices INV-\S+, INV-\S+ \(amounts and lines\)$/),
          why: expect.stringContaining('the books'),
        },
        { what: '1 payment(s) (amounts and dates)', why: expect.stringContaining('the books') },
      ]),
    );
    const { rows: customer } = await db.query(
      'SELECT name, email, phone, company, status FROM customer WHERE id = $1',
      [rowId],
    );
    expect(customer).toEqual([
      {
        name: `Erased customer ${rowId}`,
        email: `erased-${rowId}@erased.invalid`,
        phone: null,
        company: null,
        status: 'INACTIVE',
      },
    ]);
    // One SYSTEM audit record, with ids and counts only.
    const { rows: audit } = await db.query<{ detail: Record<string, unknown>; actor_id: string }>(
      "SELECT detail, actor_id FROM audit_record WHERE kind = 'SYSTEM' AND action = 'compliance.erasure'",
    );
    expect(audit).toHaveLength(1);
    expect(Number(audit[0].actor_id)).toBe(complianceId);
  });

  it('refuses a held customer, naming the hold, and changes nothing', async () => {
    const subject = await customerWithHistory();
    await placeHold(subject.customerId, 'Case 2026-17: supplier dispute');
    const needles = [subject.name, subject.email, subject.messageText];
    const before = await cellsContaining(needles);
    const refused = await erase(subject.email).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BusinessRuleError);
    expect(refused).toMatchObject({ code: 'LEGAL_HOLD' });
    expect((refused as Error).message).toContain('Case 2026-17: supplier dispute');
    expect(await cellsContaining(needles)).toEqual(before);
  });

  it('keeps a held ticket, lists it with the hold, and erases the rest', async () => {
    const subject = await customerWithHistory();
    await placeHold(subject.ticketIds[1], 'Regulator inquiry R-88');
    const { rows: held } = await db.query<{ number: string; id: string; subject: string }>(
      'SELECT t.id, t.number, t.subject FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE c.email = $1 ORDER BY t.id',
      [subject.email],
    );
    const result = await erase(subject.email);
    expect(result.kept).toContainEqual({
      what: `ticket ${held[1].number} (messages and attachments)`,
      why: expect.stringContaining('Regulator inquiry R-88'),
    });
    const { rows: after } = await db.query<{ id: string; subject: string }>(
      'SELECT id, subject FROM ticket WHERE id = ANY($1::bigint[]) ORDER BY id',
      [held.map((row) => row.id)],
    );
    // The inbound email opened a third ticket: erased with the first.
    expect(after.map((row) => row.subject)).toEqual(
      held.map((row, index) => (index === 1 ? row.subject : '[erased]')),
    );
    const { rows: messages } = await db.query<{ body: string }>(
      'SELECT body FROM ticket_message WHERE ticket_id = $1 ORDER BY id',
      [held[1].id],
    );
    expect(messages[0].body).toBe(subject.messageText);
    // The customer record itself was erased.
    const { rows: customer } = await db.query('SELECT 1 FROM customer WHERE email = $1', [
      subject.email,
    ]);
    expect(customer).toEqual([]);
  });
});

async function customerRowId(email: string): Promise<number> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM customer WHERE email = $1', [
    email,
  ]);
  return Number(rows[0].id);
}
