import { createHash, createHmac } from 'node:crypto';
import { systemClock } from '../src/modules/common/clock';
import { SignedLinks } from '../src/modules/common/signed-links';
import { SEND_INVOICE_JOB, SWEEP_WINDOW_DAYS } from '../src/modules/ledger/invoice-sending';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './support/test-server';
import { dataOf, uniqueSuffix } from './support/fixtures';
import { pdfText } from './support/pdf-text';
import { until } from './support/until';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Fetched {
  status: number;
  headers: Headers;
  body: Buffer;
}

async function fetchPath(server: TestServer, path: string, token?: string): Promise<Fetched> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** The path of a signed URL, without its query: what a bearer token opens. */
const bare = (url: string) => url.split('?')[0];

interface InvoiceView {
  id: string;
  number: string;
  sentAt: string | null;
  pdfUrl: string;
  total: { amount: string };
  dueDate: string;
}

const INVOICE_FIELDS = 'id number sentAt pdfUrl total { amount } dueDate';

describe('documents: invoice and payslip PDFs, and invoices by email', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let admin: string;
  let accountant: string;
  let hr: string;
  const company = `Acme Test ${uniqueSuffix()} GmbH`;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({
      SMTP_URL: sink.url,
      JOB_POLL_MS: '500',
      COMPANY_NAME: company,
      INVOICE_PAYMENT_TERMS: 'Pay within 30 days by transfer.',
      INVOICE_BANK_DETAILS: 'Test Bank, IBAN DE02120300000000202051',
    });
    [admin, accountant, hr] = await Promise.all([
      server.login('admin@example.com'),
      server.login('accountant@example.com'),
      server.login('hr@example.com'),
    ]);
  });

  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  const gql = <T>(query: string, variables: Record<string, unknown>, token: string) =>
    dataOf<T>(server, query, variables, token);

  /** The first email the sink received for `address` (waiting for it). */
  async function mailTo(address: string) {
    const got = await sink.waitFor((received) => received.some((m) => m.rcptTo.includes(address)));
    return got.find((m) => m.rcptTo.includes(address)) as (typeof got)[number];
  }

  const sql = <T extends object>(text: string, params: unknown[] = []) =>
    server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

  async function product(name: string, price: string) {
    const sku = `SKU-${uniqueSuffix()}`.toUpperCase();
    const data = await gql<{ createProduct: { product: { id: string } } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }`,
      { input: { sku, name, price, cost: '1.00', initialStock: 100 } },
      admin,
    );
    return { id: data.createProduct.product.id, sku, name, price };
  }

  /** A new customer, an order of two lines, shipped: the invoice it issued. */
  async function shippedOrder() {
    const suffix = uniqueSuffix();
    const customer = { name: `Jane Doe ${suffix}`, email: `jane-${suffix}@buyer.test` };
    const created = await gql<{ createCustomer: { customer: { id: string } } }>(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
      { input: { ...customer, company: `Doe Industries ${suffix}` } },
      admin,
    );
    const customerId = created.createCustomer.customer.id;
    const lines = [
      await product(`Blue Gadget ${suffix}`, '12.50'),
      await product(`Red Gizmo ${suffix}`, '3.25'),
    ];
    const placed = await gql<{ placeOrder: { order: { id: string; number: string } } }>(
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id number } } }`,
      {
        input: {
          customerId,
          lines: [
            { productId: lines[0].id, quantity: 2 },
            { productId: lines[1].id, quantity: 3 },
          ],
        },
      },
      admin,
    );
    const order = placed.placeOrder.order;
    for (const step of [
      `mutation($id: ID!) { startPicking(input: { orderId: $id }) { userErrors { code } } }`,
      `mutation($id: ID!) { packOrder(input: { orderId: $id }) { userErrors { code } } }`,
      `mutation($id: ID!) { shipOrder(input: { orderId: $id, carrier: "UPS", trackingNumber: "1Z999" }) { userErrors { code } } }`,
    ])
      await gql(step, { id: order.id }, admin);
    const read = await gql<{ order: { invoice: InvoiceView } }>(
      `query($id: ID!) { order(id: $id) { invoice { ${INVOICE_FIELDS} } } }`,
      { id: order.id },
      accountant,
    );
    return { customer: { ...customer, id: customerId }, order, lines, invoice: read.order.invoice };
  }

  const invoiceKey = (invoice: { id: string }) =>
    `invoice:${Buffer.from(invoice.id, 'base64url').toString().split(':')[1]}`;
  const numericId = (id: string) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);

  async function readInvoice(id: string, token = accountant) {
    return (
      await gql<{ invoice: InvoiceView }>(
        `query($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} } }`,
        { id },
        token,
      )
    ).invoice;
  }

  it('mails a shipped order its invoice once, with the PDF, and sets sentAt', async () => {
    const { customer, order, lines, invoice } = await shippedOrder();
    const mail = await mailTo(customer.email);
    expect(mail.parsed.subject).toBe(`Invoice ${invoice.number} from ${company}`);
    expect(mail.parsed.text).toContain(invoice.number);
    expect(mail.parsed.attachments).toHaveLength(1);
    const [attachment] = mail.parsed.attachments;
    expect(attachment.contentType).toBe('application/pdf');
    expect(attachment.filename).toBe(`invoice-${invoice.number}.pdf`);
    expect(attachment.content.subarray(0, 5).toString()).toBe('%PDF-');

    const text = await pdfText(attachment.content);
    expect(text).toContain(company);
    expect(text).toContain(invoice.number);
    expect(text).toContain(order.number);
    expect(text).toContain(customer.name);
    expect(text).toContain(customer.email);
    expect(text).toContain(`Due date ${invoice.dueDate}`);
    expect(text).toContain(`${lines[0].name} ${lines[0].sku} 2 12.50 USD 25.00 USD`);
    expect(text).toContain(`${lines[1].name} ${lines[1].sku} 3 3.25 USD 9.75 USD`);
    expect(invoice.total.amount).toBe('34.75');
    expect(text).toContain('Total 34.75 USD');
    expect(text).toContain('Amount due 34.75 USD');
    expect(text).toContain('Pay within 30 days by transfer.');
    expect(text).toContain('IBAN DE02120300000000202051');

    // The attached PDF is the stored one, stored once.
    const stored = await sql<{ sha256: string; count: string }>(
      'SELECT min(sha256) AS sha256, count(*) AS count FROM document WHERE key = ?',
      [invoiceKey(invoice)],
    );
    expect(stored[0]).toEqual({ sha256: sha256(attachment.content), count: '1' });

    const sent = await until(
      () => readInvoice(invoice.id),
      (read) => read.sentAt !== null,
      'sentAt',
    );
    expect(Date.parse(sent.sentAt as string)).not.toBeNaN();
    const emails = await sql<{ kind: string; status: string }>(
      'SELECT kind, status FROM outbound_email WHERE to_address = ?',
      [customer.email],
    );
    expect(emails).toEqual([{ kind: 'INVOICE', status: 'SENT' }]);
  });

  it('never mails an invoice twice: retried, duplicated and concurrent jobs and the sweep', async () => {
    const { customer, invoice } = await shippedOrder();
    const invoiceId = numericId(invoice.id);
    // Racing the queued job itself: four more runs of it and a sweep, all at once.
    await Promise.all([
      ...Array.from({ length: 4 }, () =>
        server.backdesk.jobs.runNow(SEND_INVOICE_JOB, { invoiceId }),
      ),
      server.backdesk.jobs.runNow('billing.send-unsent-invoices', {}),
    ]);
    await until(
      async () =>
        (
          await sql<{ count: string }>(
            `SELECT count(*) FROM pgboss.job WHERE name = ? AND (data->>'invoiceId')::bigint = ?
                AND state IN ('created', 'retry', 'active')`,
            [SEND_INVOICE_JOB, invoiceId],
          )
        )[0].count,
      (count) => count === '0',
      'the queued send job to finish',
    );
    // And once more after everything finished, as a retry would.
    await server.backdesk.jobs.runNow(SEND_INVOICE_JOB, { invoiceId });
    const emails = await sql<{ id: string; status: string }>(
      'SELECT id, status FROM outbound_email WHERE to_address = ?',
      [customer.email],
    );
    expect(emails).toHaveLength(1);
    await sink.waitFor((got) => got.some((m) => m.rcptTo.includes(customer.email)));
    const events = await sql<{ count: string }>(
      `SELECT count(*) FROM event WHERE stream_type = 'Invoice' AND stream_id = ? AND type = 'SENT'`,
      [String(invoiceId)],
    );
    expect(events[0].count).toBe('1');
  });

  it('leaves the invoice of a customer without an address unsent, then the sweep mails it', async () => {
    const suffix = uniqueSuffix();
    const created = await gql<{ createCustomer: { customer: { id: string } } }>(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
      { input: { name: `No Mail ${suffix}`, email: `later-${suffix}@buyer.test` } },
      admin,
    );
    const customerId = created.createCustomer.customer.id;
    // A customer without an address (imported or cleared); the API keeps one, the table may not.
    await sql('UPDATE customer SET email = ? WHERE id = ?', ['', numericId(customerId)]);
    const item = await product(`Plain Thing ${suffix}`, '5.00');
    const placed = await gql<{ placeOrder: { order: { id: string } } }>(
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } } }`,
      { input: { customerId, lines: [{ productId: item.id, quantity: 1 }] } },
      admin,
    );
    const orderId = placed.placeOrder.order.id;
    for (const step of ['startPicking', 'packOrder'])
      await gql(
        `mutation($id: ID!) { ${step}(input: { orderId: $id }) { userErrors { code } } }`,
        { id: orderId },
        admin,
      );
    await gql(
      `mutation($id: ID!) { shipOrder(input: { orderId: $id, carrier: "DHL", trackingNumber: "X1" }) { userErrors { code } } }`,
      { id: orderId },
      admin,
    );
    const { order } = await gql<{ order: { invoice: InvoiceView } }>(
      `query($id: ID!) { order(id: $id) { invoice { ${INVOICE_FIELDS} } } }`,
      { id: orderId },
      accountant,
    );
    const invoiceId = numericId(order.invoice.id);
    // The job ran and completed: nothing to mail, and nothing to retry.
    await until(
      async () =>
        (
          await sql<{ state: string }>(
            `SELECT state::text AS state FROM pgboss.job WHERE name = ? AND (data->>'invoiceId')::bigint = ?`,
            [SEND_INVOICE_JOB, invoiceId],
          )
        ).map((row) => row.state),
      (states) => states.length === 1 && states[0] === 'completed',
      'the send job to complete',
    );
    expect((await readInvoice(order.invoice.id)).sentAt).toBeNull();
    const unsent = await gql<{ invoices: { nodes: { id: string }[] } }>(
      `query { invoices(first: 100, filter: { sent: false }) { nodes { id } } }`,
      {},
      accountant,
    );
    expect(unsent.invoices.nodes.map((n) => n.id)).toContain(order.invoice.id);
    const sentList = await gql<{ invoices: { nodes: { id: string }[] } }>(
      `query { invoices(first: 100, filter: { sent: true }) { nodes { id } } }`,
      {},
      accountant,
    );
    expect(sentList.invoices.nodes.map((n) => n.id)).not.toContain(order.invoice.id);

    const SEND = `mutation($input: SendInvoiceInput!) { sendInvoice(input: $input) { invoice { id sentAt } userErrors { code field } } }`;
    const refused = await gql<{ sendInvoice: { invoice: null; userErrors: { code: string }[] } }>(
      SEND,
      { input: { invoiceId: order.invoice.id } },
      accountant,
    );
    expect(refused.sendInvoice).toEqual({
      invoice: null,
      userErrors: [{ code: 'NO_EMAIL_ADDRESS', field: ['input', 'invoiceId'] }],
    });

    const address = `found-${suffix}@buyer.test`;
    await sql('UPDATE customer SET email = ? WHERE id = ?', [address, numericId(customerId)]);
    // Issued longer ago than the sweep's window (an upgraded database's old invoices): left alone.
    await sql(`UPDATE invoice SET issue_date = current_date - ? WHERE id = ?`, [
      SWEEP_WINDOW_DAYS + 1,
      invoiceId,
    ]);
    await server.backdesk.jobs.runNow('billing.send-unsent-invoices', {});
    expect((await readInvoice(order.invoice.id)).sentAt).toBeNull();
    await sql(`UPDATE invoice SET issue_date = current_date - ? WHERE id = ?`, [
      SWEEP_WINDOW_DAYS,
      invoiceId,
    ]);
    await server.backdesk.jobs.runNow('billing.send-unsent-invoices', {});
    await server.backdesk.jobs.runNow('billing.send-unsent-invoices', {});
    expect((await readInvoice(order.invoice.id)).sentAt).not.toBeNull();
    const mail = await mailTo(address);
    expect(await pdfText(mail.parsed.attachments[0].content)).toContain(order.invoice.number);
    expect(await sql('SELECT id FROM outbound_email WHERE to_address = ?', [address])).toHaveLength(
      1,
    );
  });

  it('sendInvoice resends as a new email and keeps the first sentAt; refuses what may not', async () => {
    const { customer, invoice } = await shippedOrder();
    const first = await until(
      () => readInvoice(invoice.id),
      (read) => read.sentAt !== null,
      'sentAt',
    );
    const SEND = `mutation($input: SendInvoiceInput!) { sendInvoice(input: $input) { invoice { id sentAt } userErrors { code } } }`;
    const resent = await gql<{ sendInvoice: { invoice: InvoiceView; userErrors: unknown[] } }>(
      SEND,
      { input: { invoiceId: invoice.id } },
      accountant,
    );
    expect(resent.sendInvoice.userErrors).toEqual([]);
    expect(resent.sendInvoice.invoice.sentAt).toBe(first.sentAt);
    await sink.waitFor((got) => got.filter((m) => m.rcptTo.includes(customer.email)).length === 2);
    // Both emails attach the one stored PDF.
    const attached = sink.received
      .filter((m) => m.rcptTo.includes(customer.email))
      .map((m) => sha256(m.parsed.attachments[0].content));
    expect(new Set(attached).size).toBe(1);

    const missing = await gql<{ sendInvoice: { userErrors: { code: string }[] } }>(
      SEND,
      { input: { invoiceId: Buffer.from('Invoice:999999999').toString('base64url') } },
      accountant,
    );
    expect(missing.sendInvoice.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    const agent = await server.login('agent@example.com');
    const forbidden = await server.raw(SEND, { input: { invoiceId: invoice.id } }, agent);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('serves an invoice PDF to roles that read invoices, once stored, with its sha256 as ETag', async () => {
    const { invoice } = await shippedOrder();
    const path = bare(invoice.pdfUrl);
    expect(path).toMatch(/^\/documents\/invoices\/[A-Za-z0-9_-]+\.pdf$/);
    const readers = ['accountant', 'admin', 'reports', 'agent', 'lead'];
    for (const who of readers) {
      const got = await fetchPath(server, path, await server.login(`${who}@example.com`));
      expect({ who, status: got.status }).toEqual({ who, status: 200 });
      expect(got.headers.get('content-type')).toBe('application/pdf');
      expect(got.headers.get('content-disposition')).toContain(`invoice-${invoice.number}.pdf`);
      expect(got.headers.get('etag')).toBe(`"${sha256(got.body)}"`);
    }
    for (const who of ['hr', 'warehouse']) {
      const got = await fetchPath(server, path, await server.login(`${who}@example.com`));
      expect({ who, status: got.status }).toEqual({ who, status: 403 });
    }
    expect((await fetchPath(server, path)).status).toBe(401);
    expect((await fetchPath(server, path, 'not-a-token')).status).toBe(401);
    const unknown = `/documents/invoices/${Buffer.from('Invoice:999999999').toString('base64url')}.pdf`;
    expect((await fetchPath(server, unknown, accountant)).status).toBe(404);

    // Signed: valid without a token; expired or altered refused.
    const signed = await fetchPath(server, invoice.pdfUrl);
    expect(signed.status).toBe(200);
    const links = new SignedLinks(
      createHmac('sha256', TEST_JWT_SECRET).update('backdesk download links').digest(),
      systemClock,
    );
    const expired = `${path}?${links.sign(`document:${invoiceKey(invoice)}`, -60)}`;
    expect((await fetchPath(server, expired)).status).toBe(403);
    const forged = invoice.pdfUrl.replace(
      /signature=([0-9a-f])/,
      (_m, c: string) => `signature=${c === '0' ? '1' : '0'}`,
    );
    expect((await fetchPath(server, forged)).status).toBe(403);
    // A payslip's link does not open an invoice of the same number.
    const otherKind = `${path}?${links.sign(`document:payslip:${numericId(invoice.id)}`)}`;
    expect((await fetchPath(server, otherKind)).status).toBe(403);

    const stored = await sql<{ sha256: string; size: number }>(
      'SELECT sha256, size FROM document WHERE key = ?',
      [invoiceKey(invoice)],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].sha256).toBe(sha256(signed.body));
    expect(stored[0].size).toBe(signed.body.length);

    const again = await fetch(`${server.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${accountant}`, 'if-none-match': `"${stored[0].sha256}"` },
    });
    expect(again.status).toBe(304);
    // The GraphQL field is for invoice readers only.
    const asHr = await server.raw(
      `query($id: ID!) { invoice(id: $id) { pdfUrl } }`,
      { id: invoice.id },
      hr,
    );
    expect(asHr.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  describe('payslips', () => {
    let slips: { employee: { email: string }; pdfUrl: string; id: number }[];

    beforeAll(async () => {
      const data = await gql<{
        runPayroll: {
          payrollRun: {
            payslips: {
              employee: { email: string };
              pdfUrl: string;
              periodStart: string;
              periodEnd: string;
              gross: { amount: string };
              withholding: { amount: string };
              net: { amount: string };
            }[];
          };
        };
      }>(
        `mutation { runPayroll(input: { periodStart: "2027-03-01", periodEnd: "2027-03-31" }) {
           payrollRun { payslips { employee { email } pdfUrl periodStart periodEnd gross { amount } withholding { amount } net { amount } } }
           userErrors { code } } }`,
        {},
        hr,
      );
      slips = data.runPayroll.payrollRun.payslips.map((slip) => ({
        ...slip,
        id: numericId(bare(slip.pdfUrl).split('/').pop()?.replace('.pdf', '') as string),
      }));
    });

    const slipOf = (email: string) => {
      const slip = slips.find((s) => s.employee.email === email);
      if (!slip) throw new Error(`no payslip for ${email}`);
      return slip;
    };

    it('shows the period, gross, withholding and net', async () => {
      const slip = slipOf('agent@example.com');
      const got = await fetchPath(server, slip.pdfUrl);
      expect(got.status).toBe(200);
      const text = await pdfText(got.body);
      expect(text).toContain('Payslip');
      expect(text).toContain('agent@example.com');
      expect(text).toContain('Period 2027-03-01 to 2027-03-31');
      expect(text).toContain('Gross pay 4333.33 USD');
      expect(text).toContain('Withholding -866.67 USD');
      expect(text).toContain('Net pay 3466.66 USD');
    });

    it('answers HR, ADMIN and the employee only', async () => {
      const slip = slipOf('agent@example.com');
      const path = bare(slip.pdfUrl);
      const status = async (who: string) =>
        (await fetchPath(server, path, await server.login(`${who}@example.com`))).status;
      expect(await status('hr')).toBe(200);
      expect(await status('admin')).toBe(200);
      expect(await status('agent')).toBe(200);
      for (const who of ['lead', 'reports', 'accountant', 'warehouse'])
        expect({ who, status: await status(who) }).toEqual({ who, status: 403 });
      expect((await fetchPath(server, path)).status).toBe(401);
      const forged = slip.pdfUrl.replace(/expires=\d+/, (m) => `${m}9`);
      expect((await fetchPath(server, forged)).status).toBe(403);

      // The field itself: FORBIDDEN to someone else, the URL to the employee.
      const agent = await server.login('agent@example.com');
      const lead = await server.login('lead@example.com');
      const own = await gql<{ me: { id: string; payslips: { pdfUrl: string }[] } }>(
        '{ me { id payslips { pdfUrl } } }',
        {},
        agent,
      );
      expect(own.me.payslips.map((p) => bare(p.pdfUrl))).toContain(path);
      const other = await server.raw(
        'query($id: ID!) { employee(id: $id) { payslips { pdfUrl } } }',
        { id: own.me.id },
        lead,
      );
      expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('stores a payslip once when first requests come together', async () => {
      const slip = slipOf('lead@example.com');
      const bodies = await Promise.all(
        Array.from({ length: 6 }, () => fetchPath(server, bare(slip.pdfUrl), hr)),
      );
      expect(bodies.map((b) => b.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(bodies.map((b) => sha256(b.body))).size).toBe(1);
      const rows = await sql<{ sha256: string }>('SELECT sha256 FROM document WHERE key = ?', [
        `payslip:${slip.id}`,
      ]);
      expect(rows).toEqual([{ sha256: sha256(bodies[0].body) }]);
      // Rendered again from the same data (the stored row gone), it is the same bytes.
      await sql('DELETE FROM document WHERE key = ?', [`payslip:${slip.id}`]);
      const rerendered = await fetchPath(server, bare(slip.pdfUrl), hr);
      expect(sha256(rerendered.body)).toBe(rows[0].sha256);
    });
  });
});

describe('the demo data', () => {
  let server: TestServer;

  beforeAll(async () => {
    // No SMTP_URL: mail stays in the local outbox. Seeded at start and the sweep on, as
    // `npm start` runs them.
    server = await startTestServer({
      JOB_POLL_MS: '500',
      INVOICE_SWEEP_MINUTES: '10',
      DEMO_SEED: 'true',
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('mails the seeded invoices once, through the sweep that follows the seed', async () => {
    const sql = <T extends object>(text: string) =>
      server.backdesk.database.orm.em.fork().execute<T[]>(text);
    const invoices = await sql<{ count: string }>('SELECT count(*) FROM invoice');
    expect(Number(invoices[0].count)).toBeGreaterThan(0);
    const emails = await until(
      () =>
        sql<{ invoice: string; emails: string; status: string }>(
          `SELECT i.number AS invoice, count(e.id)::text AS emails, min(e.status) AS status
             FROM invoice i
             LEFT JOIN outbound_email e ON e.kind = 'INVOICE' AND e.subject LIKE 'Invoice ' || i.number || ' %'
            GROUP BY i.number ORDER BY i.number`,
        ),
      (rows) => rows.every((row) => row.emails === '1' && row.status === 'SENT'),
      'every demo invoice mailed',
    );
    expect(emails.length).toBe(Number(invoices[0].count));
    const unsent = await sql<{ count: string }>(
      'SELECT count(*) FROM invoice WHERE sent_at IS NULL',
    );
    expect(unsent[0].count).toBe('0');
  });
});
