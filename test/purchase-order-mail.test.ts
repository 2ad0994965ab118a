import { createHash, createHmac } from 'node:crypto';
import { systemClock } from '../src/modules/common/clock';
import { SignedLinks } from '../src/modules/common/signed-links';
import { SEND_PURCHASE_ORDER_JOB } from '../src/modules/purchasing/purchase-order-sending';
import { SEND_EMAIL_JOB } from '../src/mail/outbox';
import { dataOf, uniqueSuffix } from './support/fixtures';
import { pdfText } from './support/pdf-text';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './support/test-server';
import { until } from './support/until';

/**
 * Purchase orders mailed to their vendors as PDFs (through a real SMTP server), their download
 * links, `sendPurchaseOrder`, and vendors' terms copied onto orders.
 */

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const numericId = (id: string) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);
/** The path of a signed URL, without its query: what a bearer token opens. */
const bare = (url: string) => url.split('?')[0];

/** Mail to this local part is refused for now (451): it stays queued, for the withholding test. */
const BUSY_PREFIX = 'busy-';

interface PurchaseOrderView {
  id: string;
  number: string;
  status: string;
  sentAt: string | null;
  pdfUrl: string | null;
  receiptTolerancePercent: string;
  priceTolerancePercent: string;
  priceToleranceAmount: { amount: string };
  history: { type: string }[];
}

const PO_FIELDS = `id number status sentAt pdfUrl receiptTolerancePercent priceTolerancePercent
  priceToleranceAmount { amount } history { type }`;

interface VendorView {
  id: string;
  name: string;
  email: string | null;
  paymentTermsDays: number;
  receiptTolerancePercent: string;
  priceTolerancePercent: string;
  priceToleranceAmount: { amount: string; currency: string };
}

const VENDOR_FIELDS = `id name email paymentTermsDays receiptTolerancePercent priceTolerancePercent
  priceToleranceAmount { amount currency }`;

interface UserErrorView {
  code: string;
  field: string[] | null;
}

describe('purchase orders mailed to vendors, and vendors’ terms', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let admin: string;
  let accountant: string;
  let warehouse: string;
  const company = `Buyer Test ${uniqueSuffix()} Ltd`;

  beforeAll(async () => {
    sink = await startSmtpSink({
      refuse: (_attempt, rcptTo) =>
        rcptTo.some((address) => address.startsWith(BUSY_PREFIX))
          ? { code: 451, message: 'Mailbox busy, try later' }
          : null,
    });
    server = await startTestServer({
      SMTP_URL: sink.url,
      JOB_POLL_MS: '500',
      COMPANY_NAME: company,
      COMPANY_ADDRESS: '1 Purchase Street, Testville',
      // A refused email is retried by hand in these tests, never by the queue meanwhile.
      MAIL_RETRY_DELAY_SECONDS: '3600',
    });
    [admin, accountant, warehouse] = await Promise.all([
      server.login('admin@example.com'),
      server.login('accountant@example.com'),
      server.login('warehouse@example.com'),
    ]);
  });

  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  const gql = <T>(query: string, variables: Record<string, unknown>, token: string) =>
    dataOf<T>(server, query, variables, token);

  const sql = <T extends object>(text: string, params: unknown[] = []) =>
    server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

  const mailsTo = (address: string) =>
    sink.received.filter((mail) => mail.rcptTo.includes(address));

  async function fetchPath(path: string, token?: string) {
    const response = await fetch(`${server.baseUrl}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return {
      status: response.status,
      headers: response.headers,
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  async function createVendor(
    input: Record<string, unknown>,
  ): Promise<{ vendor: VendorView | null; userErrors: UserErrorView[] }> {
    const data = await gql<{
      createVendor: { vendor: VendorView | null; userErrors: UserErrorView[] };
    }>(
      `mutation($input: CreateVendorInput!) { createVendor(input: $input) { vendor { ${VENDOR_FIELDS} } userErrors { code field } } }`,
      { input },
      accountant,
    );
    return data.createVendor;
  }

  /** A new vendor (with an address unless `email` is null). */
  async function vendor(
    email: string | null = `orders-${uniqueSuffix()}@vendor.test`,
    terms: Record<string, unknown> = {},
  ): Promise<VendorView> {
    const created = await createVendor({
      name: `Supplier ${uniqueSuffix()}`,
      ...(email === null ? {} : { email }),
      ...terms,
    });
    if (!created.vendor) throw new Error(JSON.stringify(created.userErrors));
    return created.vendor;
  }

  async function updateVendor(
    input: Record<string, unknown>,
  ): Promise<{ vendor: VendorView | null; userErrors: UserErrorView[] }> {
    const data = await gql<{
      updateVendor: { vendor: VendorView | null; userErrors: UserErrorView[] };
    }>(
      `mutation($input: UpdateVendorInput!) { updateVendor(input: $input) { vendor { ${VENDOR_FIELDS} } userErrors { code field } } }`,
      { input },
      accountant,
    );
    return data.updateVendor;
  }

  async function product(name: string) {
    const sku = `PO-${uniqueSuffix()}`.toUpperCase();
    const data = await gql<{ createProduct: { product: { id: string } } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }`,
      { input: { sku, name, price: '99.00', cost: '10.00', initialStock: 0 } },
      admin,
    );
    return { id: data.createProduct.product.id, sku, name };
  }

  async function createPurchaseOrder(
    vendorId: string,
    lines: { productId: string; quantity: number; unitCost: string; expectedDate?: string }[],
    extra: Record<string, unknown> = {},
    token = warehouse,
  ): Promise<PurchaseOrderView> {
    const data = await gql<{
      createPurchaseOrder: { purchaseOrder: PurchaseOrderView | null; userErrors: unknown[] };
    }>(
      `mutation($input: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $input) { purchaseOrder { ${PO_FIELDS} } userErrors { code field message } } }`,
      { input: { vendorId, lines, ...extra } },
      token,
    );
    const { purchaseOrder, userErrors } = data.createPurchaseOrder;
    if (!purchaseOrder) throw new Error(JSON.stringify(userErrors));
    return purchaseOrder;
  }

  /** A small order (under the approval threshold): APPROVED at once, and so mailed. */
  async function approvedOrder(vendorId: string) {
    const item = await product(`Bolt ${uniqueSuffix()}`);
    const order = await createPurchaseOrder(vendorId, [
      { productId: item.id, quantity: 4, unitCost: '2.50' },
    ]);
    expect(order.status).toBe('APPROVED');
    return { order, item };
  }

  async function readOrder(id: string, token = accountant): Promise<PurchaseOrderView> {
    return (
      await gql<{ purchaseOrder: PurchaseOrderView }>(
        `query($id: ID!) { purchaseOrder(id: $id) { ${PO_FIELDS} } }`,
        { id },
        token,
      )
    ).purchaseOrder;
  }

  /** The states of the send jobs of one order, once none is waiting or running. */
  async function sendJobsSettled(purchaseOrderId: string): Promise<string[]> {
    const states = async () =>
      (
        await sql<{ state: string }>(
          `SELECT state::text AS state FROM pgboss.job
            WHERE name = ? AND (data->>'purchaseOrderId')::bigint = ? ORDER BY created_on`,
          [SEND_PURCHASE_ORDER_JOB, numericId(purchaseOrderId)],
        )
      ).map((row) => row.state);
    return until(
      states,
      (found) => found.length > 0 && found.every((state) => state === 'completed'),
      'the send job to complete',
    );
  }

  const emailsOf = (purchaseOrderId: string) =>
    sql<{ id: string; kind: string; status: string; error: string | null; to_address: string }>(
      `SELECT m.id, m.kind, m.status, m.error, m.to_address FROM purchase_order_email e
         JOIN outbound_email m ON m.id = e.email_id
        WHERE e.purchase_order_id = ? ORDER BY m.id`,
      [numericId(purchaseOrderId)],
    );

  /** Waits until every email of the order left the outbox (SENT or FAILED), and answers them. */
  const emailsSettled = (purchaseOrderId: string, count: number) =>
    until(
      () => emailsOf(purchaseOrderId),
      (rows) => rows.length === count && rows.every((row) => row.status !== 'QUEUED'),
      'the emails to be sent',
    );

  const SEND = `mutation($input: SendPurchaseOrderInput!) { sendPurchaseOrder(input: $input) { purchaseOrder { id sentAt } userErrors { code field } } }`;

  async function sendPurchaseOrder(purchaseOrderId: string, token = accountant) {
    return (
      await gql<{
        sendPurchaseOrder: {
          purchaseOrder: { id: string; sentAt: string | null } | null;
          userErrors: UserErrorView[];
        };
      }>(SEND, { input: { purchaseOrderId } }, token)
    ).sendPurchaseOrder;
  }

  it('mails an order approved at creation to its vendor once, with its PDF: number, lines, dates, note and tolerances', async () => {
    const supplier = await vendor(undefined, {
      receiptTolerancePercent: '12.50',
      priceTolerancePercent: '2.00',
      priceToleranceAmount: '1.50',
      paymentTermsDays: 45,
    });
    const email = supplier.email as string;
    const bolts = await product(`Hex Bolt ${uniqueSuffix()}`);
    const nuts = await product(`Wing Nut ${uniqueSuffix()}`);
    const order = await createPurchaseOrder(
      supplier.id,
      [
        { productId: bolts.id, quantity: 3, unitCost: '12.50' },
        { productId: nuts.id, quantity: 20, unitCost: '0.75', expectedDate: '2031-02-10' },
      ],
      { expectedDate: '2031-02-01', note: 'Deliver to dock 4, mornings only.' },
    );
    expect(order.status).toBe('APPROVED');

    const [mail] = await sink.waitFor((received) => received.some((m) => m.rcptTo.includes(email)));
    const received = mailsTo(email);
    expect(received).toHaveLength(1);
    const [message] = received;
    expect(mail).toBeDefined();
    expect(message.parsed.subject).toBe(`Purchase order ${order.number} from ${company}`);
    expect(message.parsed.text).toContain(order.number);
    expect(message.parsed.attachments).toHaveLength(1);
    const [attachment] = message.parsed.attachments;
    expect(attachment.contentType).toBe('application/pdf');
    expect(attachment.filename).toBe(`purchase-order-${order.number}.pdf`);

    const text = await pdfText(attachment.content);
    expect(text).toContain(company);
    expect(text).toContain('1 Purchase Street, Testville');
    expect(text).toContain(`Purchase order ${order.number}`);
    expect(text).toContain(supplier.name);
    expect(text).toContain(email);
    expect(text).toContain('45 days from the bill date');
    expect(text).toContain('Expected by 2031-02-01');
    expect(text).toContain(`${bolts.sku} ${bolts.name} 3 12.50 USD 37.50 USD 2031-02-01`);
    expect(text).toContain(`${nuts.sku} ${nuts.name} 20 0.75 USD 15.00 USD 2031-02-10`);
    expect(text).toContain('Total 52.50 USD');
    expect(text).toContain('Deliver to dock 4, mornings only.');
    expect(text).toContain('12.50% over the quantity ordered');
    expect(text).toContain('2.00% or 1.50 USD per line');

    // The attachment is the stored document, stored once; the email is recorded SENT.
    const stored = await sql<{ sha256: string; kind: string }>(
      'SELECT sha256, kind FROM document WHERE key = ?',
      [`purchase-order:${numericId(order.id)}`],
    );
    expect(stored).toEqual([{ sha256: sha256(attachment.content), kind: 'PURCHASE_ORDER' }]);
    await sendJobsSettled(order.id);
    const emails = await emailsSettled(order.id, 1);
    expect(emails.map(({ kind, status, to_address }) => ({ kind, status, to_address }))).toEqual([
      { kind: 'PURCHASE_ORDER', status: 'SENT', to_address: email },
    ]);
    const sent = await readOrder(order.id);
    expect(Date.parse(sent.sentAt as string)).not.toBeNaN();
    expect(sent.history.map((entry) => entry.type)).toEqual(['CREATED', 'APPROVED', 'SENT']);
    // Everything settled, and still one email in the sink.
    expect(mailsTo(email)).toHaveLength(1);
  });

  it('mails a draft only once approvePurchaseOrder approves it', async () => {
    const supplier = await vendor();
    const email = supplier.email as string;
    const item = await product(`Pallet ${uniqueSuffix()}`);
    // 2 × 600.00 is above PO_APPROVAL_THRESHOLD (1000.00): a draft, with no PDF and no mail.
    const draft = await createPurchaseOrder(
      supplier.id,
      [{ productId: item.id, quantity: 2, unitCost: '600.00' }],
      {},
      accountant,
    );
    expect(draft).toMatchObject({ status: 'DRAFT', sentAt: null, pdfUrl: null });
    expect(
      await sql(
        `SELECT id FROM pgboss.job WHERE name = ? AND (data->>'purchaseOrderId')::bigint = ?`,
        [SEND_PURCHASE_ORDER_JOB, numericId(draft.id)],
      ),
    ).toEqual([]);
    expect((await sendPurchaseOrder(draft.id)).userErrors).toEqual([
      { code: 'INVALID_TRANSITION', field: ['input', 'purchaseOrderId'] },
    ]);
    expect((await fetchPath(`/documents/purchase-orders/${draft.id}.pdf`, accountant)).status).toBe(
      404,
    );

    const approved = await gql<{
      approvePurchaseOrder: { purchaseOrder: { status: string }; userErrors: unknown[] };
    }>(
      `mutation($input: PurchaseOrderIdInput!) { approvePurchaseOrder(input: $input) { purchaseOrder { status } userErrors { code } } }`,
      { input: { purchaseOrderId: draft.id } },
      accountant,
    );
    expect(approved.approvePurchaseOrder).toEqual({
      purchaseOrder: { status: 'APPROVED' },
      userErrors: [],
    });
    const received = await sink.waitFor((got) => got.some((m) => m.rcptTo.includes(email)));
    const text = await pdfText(
      received.find((m) => m.rcptTo.includes(email))!.parsed.attachments[0].content,
    );
    expect(text).toContain(draft.number);
    expect(text).toContain(`${item.sku} ${item.name} 2 600.00 USD 1200.00 USD`);
    await sendJobsSettled(draft.id);
    await emailsSettled(draft.id, 1);
    expect(mailsTo(email)).toHaveLength(1);
    expect((await readOrder(draft.id)).sentAt).not.toBeNull();
  });

  it('never mails an order twice: retried, duplicated and concurrent send jobs', async () => {
    const supplier = await vendor();
    const { order } = await approvedOrder(supplier.id);
    const purchaseOrderId = numericId(order.id);
    // Racing the queued job itself: four more runs of it at once, as retries or duplicates.
    await Promise.all(
      Array.from({ length: 4 }, () =>
        server.backdesk.jobs.runNow(SEND_PURCHASE_ORDER_JOB, { purchaseOrderId }),
      ),
    );
    await sendJobsSettled(order.id);
    // And once more after everything finished, as a late retry would.
    await server.backdesk.jobs.runNow(SEND_PURCHASE_ORDER_JOB, { purchaseOrderId });
    const emails = await emailsSettled(order.id, 1);
    expect(emails.map((row) => row.status)).toEqual(['SENT']);
    const events = await sql<{ count: string }>(
      `SELECT count(*) FROM event WHERE stream_type = 'PurchaseOrder' AND stream_id = ? AND type = 'SENT'`,
      [String(purchaseOrderId)],
    );
    expect(events[0].count).toBe('1');
    expect(mailsTo(supplier.email as string)).toHaveLength(1);
  });

  it('sends nothing to a vendor without an address, visibly, until one is added and the order is sent', async () => {
    const supplier = await vendor(null);
    expect(supplier.email).toBeNull();
    const { order } = await approvedOrder(supplier.id);
    // The job ran and completed: nothing to mail, nothing to retry.
    expect(await sendJobsSettled(order.id)).toEqual(['completed']);
    // A duplicate run records nothing more.
    await server.backdesk.jobs.runNow(SEND_PURCHASE_ORDER_JOB, {
      purchaseOrderId: numericId(order.id),
    });
    const unsent = await readOrder(order.id);
    expect(unsent.sentAt).toBeNull();
    expect(unsent.history.map((entry) => entry.type)).toEqual([
      'CREATED',
      'APPROVED',
      'SEND_SKIPPED',
    ]);
    expect(await emailsOf(order.id)).toEqual([]);

    expect(await sendPurchaseOrder(order.id)).toEqual({
      purchaseOrder: null,
      userErrors: [{ code: 'NO_EMAIL_ADDRESS', field: ['input', 'purchaseOrderId'] }],
    });

    const address = `found-${uniqueSuffix()}@vendor.test`;
    const updated = await updateVendor({ vendorId: supplier.id, email: address });
    expect(updated.userErrors).toEqual([]);
    expect(updated.vendor?.email).toBe(address);
    const sent = await sendPurchaseOrder(order.id, warehouse);
    expect(sent.userErrors).toEqual([]);
    expect(sent.purchaseOrder?.sentAt).not.toBeNull();
    const received = await sink.waitFor((got) => got.some((m) => m.rcptTo.includes(address)));
    const mail = received.find((m) => m.rcptTo.includes(address))!;
    expect(await pdfText(mail.parsed.attachments[0].content)).toContain(order.number);
    await emailsSettled(order.id, 1);
  });

  it('sendPurchaseOrder resends as a new email with the same PDF and keeps the first sentAt; refuses what may not', async () => {
    const supplier = await vendor();
    const email = supplier.email as string;
    const { order } = await approvedOrder(supplier.id);
    await emailsSettled(order.id, 1);
    const first = await readOrder(order.id);
    expect(first.sentAt).not.toBeNull();

    const resent = await sendPurchaseOrder(order.id);
    expect(resent).toEqual({
      purchaseOrder: { id: order.id, sentAt: first.sentAt },
      userErrors: [],
    });
    await sink.waitFor((got) => got.filter((m) => m.rcptTo.includes(email)).length === 2);
    const attached = mailsTo(email).map((m) => sha256(m.parsed.attachments[0].content));
    expect(attached).toHaveLength(2);
    expect(new Set(attached).size).toBe(1);
    expect(new Set(mailsTo(email).map((m) => m.messageId)).size).toBe(2);
    await emailsSettled(order.id, 2);

    const missing = await sendPurchaseOrder(
      Buffer.from('PurchaseOrder:999999999').toString('base64url'),
    );
    expect(missing.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);

    const cancelled = await approvedOrder(supplier.id);
    await gql(
      `mutation($input: CancelPurchaseOrderInput!) { cancelPurchaseOrder(input: $input) { userErrors { code } } }`,
      { input: { purchaseOrderId: cancelled.order.id, reason: 'Ordered twice' } },
      accountant,
    );
    expect((await sendPurchaseOrder(cancelled.order.id)).userErrors).toEqual([
      { code: 'INVALID_TRANSITION', field: ['input', 'purchaseOrderId'] },
    ]);

    for (const who of ['agent', 'reports', 'hr']) {
      const forbidden = await server.raw(
        SEND,
        { input: { purchaseOrderId: order.id } },
        await server.login(`${who}@example.com`),
      );
      expect({ who, code: forbidden.errors?.[0]?.extensions?.code }).toEqual({
        who,
        code: 'FORBIDDEN',
      });
    }
  });

  it('withholds the email of an order cancelled before it left', async () => {
    const address = `${BUSY_PREFIX}${uniqueSuffix()}@vendor.test`;
    const supplier = await vendor(address);
    const { order } = await approvedOrder(supplier.id);
    // The vendor's server answers 451: the email stays queued, its retry an hour away.
    const [queued] = await until(
      () => emailsOf(order.id),
      (rows) => rows.length === 1 && rows[0].error !== null,
      'the first try to be refused',
    );
    expect(queued.status).toBe('QUEUED');
    const cancelled = await gql<{
      cancelPurchaseOrder: { purchaseOrder: { status: string }; userErrors: unknown[] };
    }>(
      `mutation($input: CancelPurchaseOrderInput!) { cancelPurchaseOrder(input: $input) { purchaseOrder { status } userErrors { code } } }`,
      { input: { purchaseOrderId: order.id, reason: 'Vendor cannot deliver' } },
      accountant,
    );
    expect(cancelled.cancelPurchaseOrder.purchaseOrder.status).toBe('CANCELLED');
    // The retry: the send job asks purchasing, which withholds it for good.
    await server.backdesk.jobs.runNow(SEND_EMAIL_JOB, { emailId: Number(queued.id) });
    const [withheld] = await emailsOf(order.id);
    expect(withheld).toMatchObject({
      status: 'FAILED',
      error: `Withheld: purchase order ${order.number} was cancelled`,
    });
    expect(mailsTo(address)).toEqual([]);
  });

  it('serves the PDF to purchasing readers by token or signed link, 401 without, 403 to others', async () => {
    const supplier = await vendor();
    const { order } = await approvedOrder(supplier.id);
    const url = (await readOrder(order.id)).pdfUrl as string;
    const path = bare(url);
    expect(path).toBe(`/documents/purchase-orders/${order.id}.pdf`);
    for (const who of ['accountant', 'warehouse', 'reports', 'admin']) {
      const got = await fetchPath(path, await server.login(`${who}@example.com`));
      expect({ who, status: got.status }).toEqual({ who, status: 200 });
      expect(got.headers.get('content-type')).toBe('application/pdf');
      expect(got.headers.get('content-disposition')).toContain(
        `purchase-order-${order.number}.pdf`,
      );
      expect(got.headers.get('etag')).toBe(`"${sha256(got.body)}"`);
      expect(await pdfText(got.body)).toContain(order.number);
    }
    for (const who of ['hr', 'agent', 'lead']) {
      const got = await fetchPath(path, await server.login(`${who}@example.com`));
      expect({ who, status: got.status }).toEqual({ who, status: 403 });
    }
    expect((await fetchPath(path)).status).toBe(401);
    expect((await fetchPath(path, 'not-a-token')).status).toBe(401);
    const unknown = `/documents/purchase-orders/${Buffer.from('PurchaseOrder:999999999').toString('base64url')}.pdf`;
    expect((await fetchPath(unknown, accountant)).status).toBe(404);

    // Signed: opens without a token; expired, altered or another kind's signature do not.
    expect((await fetchPath(url)).status).toBe(200);
    const links = new SignedLinks(
      createHmac('sha256', TEST_JWT_SECRET).update('backdesk download links').digest(),
      systemClock,
    );
    const resource = `document:purchase-order:${numericId(order.id)}`;
    expect((await fetchPath(`${path}?${links.sign(resource, -60)}`)).status).toBe(403);
    const forged = url.replace(
      /signature=([0-9a-f])/,
      (_m, c: string) => `signature=${c === '0' ? '1' : '0'}`,
    );
    expect((await fetchPath(forged)).status).toBe(403);
    const invoiceLink = `${path}?${links.sign(`document:invoice:${numericId(order.id)}`)}`;
    expect((await fetchPath(invoiceLink)).status).toBe(403);

    // The field is for purchasing's readers.
    const asAgent = await server.raw(
      `query($id: ID!) { purchaseOrder(id: $id) { pdfUrl } }`,
      { id: order.id },
      await server.login('agent@example.com'),
    );
    expect(asAgent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("copies the vendor's terms onto each order made; updateVendor changes later orders only", async () => {
    const defaults = await vendor();
    expect(defaults).toMatchObject({
      paymentTermsDays: 30,
      receiptTolerancePercent: '10.00',
      priceTolerancePercent: '5.00',
      priceToleranceAmount: { amount: '5.00', currency: 'USD' },
    });
    const supplier = await vendor(undefined, {
      receiptTolerancePercent: '20.00',
      priceTolerancePercent: '0.50',
      priceToleranceAmount: '0.00',
    });
    const { order: before } = await approvedOrder(supplier.id);
    expect(before).toMatchObject({
      receiptTolerancePercent: '20.00',
      priceTolerancePercent: '0.50',
      priceToleranceAmount: { amount: '0.00' },
    });

    const updated = await updateVendor({
      vendorId: supplier.id,
      receiptTolerancePercent: '0.00',
      priceTolerancePercent: '7.25',
      priceToleranceAmount: '12.00',
      paymentTermsDays: 14,
    });
    expect(updated.userErrors).toEqual([]);
    expect(updated.vendor).toMatchObject({
      name: supplier.name,
      email: supplier.email,
      paymentTermsDays: 14,
      receiptTolerancePercent: '0.00',
      priceTolerancePercent: '7.25',
      priceToleranceAmount: { amount: '12.00' },
    });
    expect(await readOrder(before.id)).toMatchObject({
      receiptTolerancePercent: '20.00',
      priceTolerancePercent: '0.50',
      priceToleranceAmount: { amount: '0.00' },
    });
    const { order: after } = await approvedOrder(supplier.id);
    expect(after).toMatchObject({
      receiptTolerancePercent: '0.00',
      priceTolerancePercent: '7.25',
      priceToleranceAmount: { amount: '12.00' },
    });

    // The change is recorded, field by field.
    const [event] = await sql<{ payload: { changes: Record<string, unknown> }; actor_id: string }>(
      `SELECT payload, actor_id FROM event WHERE stream_type = 'Vendor' AND stream_id = ? AND type = 'UPDATED'`,
      [String(numericId(supplier.id))],
    );
    expect(event.payload.changes).toEqual({
      paymentTermsDays: { from: 30, to: 14 },
      receiptTolerancePercent: { from: '20.00', to: '0.00' },
      priceTolerancePercent: { from: '0.50', to: '7.25' },
      priceToleranceAmount: { from: '0.00', to: '12.00' },
    });
    // Nothing changed, nothing recorded.
    expect(
      (await updateVendor({ vendorId: supplier.id, paymentTermsDays: 14 })).userErrors,
    ).toEqual([]);
    expect(
      await sql(
        `SELECT id FROM event WHERE stream_type = 'Vendor' AND stream_id = ? AND type = 'UPDATED'`,
        [String(numericId(supplier.id))],
      ),
    ).toHaveLength(1);
  });

  it('validates percentages, amounts, names and who may read and write vendors', async () => {
    for (const [field, value] of [
      ['receiptTolerancePercent', '100.01'],
      ['receiptTolerancePercent', '-1.00'],
      ['priceTolerancePercent', '5.001'],
      ['priceTolerancePercent', '250'],
      ['priceToleranceAmount', '-0.01'],
    ] as const) {
      const refused = await createVendor({ name: `Bad ${uniqueSuffix()}`, [field]: value });
      expect({ field, value, ...refused }).toEqual({
        field,
        value,
        vendor: null,
        userErrors: [{ code: 'INVALID_INPUT', field: ['input', field] }],
      });
    }
    expect(
      (await createVendor({ name: `Whole ${uniqueSuffix()}`, receiptTolerancePercent: '100' }))
        .vendor?.receiptTolerancePercent,
    ).toBe('100.00');
    const notDecimal = await server.raw(
      `mutation($input: CreateVendorInput!) { createVendor(input: $input) { userErrors { code } } }`,
      { input: { name: `Words ${uniqueSuffix()}`, priceTolerancePercent: 'ten' } },
      accountant,
    );
    expect(notDecimal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const supplier = await vendor();
    const other = await vendor();
    expect(await updateVendor({ vendorId: supplier.id, priceTolerancePercent: '101.00' })).toEqual({
      vendor: null,
      userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'priceTolerancePercent'] }],
    });
    expect(await updateVendor({ vendorId: supplier.id, name: other.name })).toEqual({
      vendor: null,
      userErrors: [{ code: 'NAME_TAKEN', field: ['input', 'name'] }],
    });
    expect(await updateVendor({ vendorId: supplier.id, email: 'not an address' })).toMatchObject({
      vendor: null,
      userErrors: [{ code: 'INVALID_INPUT' }],
    });
    expect(
      (
        await updateVendor({
          vendorId: Buffer.from('Vendor:999999999').toString('base64url'),
          paymentTermsDays: 10,
        })
      ).userErrors,
    ).toEqual([{ code: 'NOT_FOUND', field: ['input', 'vendorId'] }]);
    // Nothing was written by the refusals.
    expect(
      (
        await gql<{ node: VendorView }>(
          `query($id: ID!) { node(id: $id) { ... on Vendor { ${VENDOR_FIELDS} } } }`,
          { id: supplier.id },
          accountant,
        )
      ).node,
    ).toEqual(supplier);

    // FULFILLMENT buys from vendors: it reads them and their terms, but does not change them.
    const listed = await gql<{ vendors: { nodes: { id: string }[] } }>(
      `query { vendors(first: 100) { nodes { id receiptTolerancePercent } } }`,
      {},
      warehouse,
    );
    expect(listed.vendors.nodes.map((node) => node.id)).toContain(supplier.id);
    const asWarehouse = await server.raw(
      `mutation($input: UpdateVendorInput!) { updateVendor(input: $input) { userErrors { code } } }`,
      { input: { vendorId: supplier.id, paymentTermsDays: 5 } },
      warehouse,
    );
    expect(asWarehouse.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asAgent = await server.raw(
      `query { vendors(first: 1) { nodes { id } } }`,
      {},
      await server.login('agent@example.com'),
    );
    expect(asAgent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
