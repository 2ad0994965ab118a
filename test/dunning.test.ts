import { RUN_DUNNING_CRON, RUN_DUNNING_JOB } from '../src/modules/collections/dunning-jobs';
import { ManualClock } from './support/manual-clock';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, type TestServer } from './support/test-server';
import { dataOf, uniqueSuffix } from './support/fixtures';
import { pdfText } from './support/pdf-text';
import { until } from './support/until';

/** A calendar date `days` after `date`. */
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const numericId = (id: string) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);

interface UserErrorView {
  code: string;
  field: string[] | null;
}

interface InvoiceView {
  id: string;
  number: string;
  dueDate: string;
  total: { amount: string };
  amountDue: { amount: string };
  status: string;
  disputed: boolean;
  disputeReason: string | null;
  dunningLevel: number;
  isDunningCharge: boolean;
}

const INVOICE =
  'id number dueDate total { amount } amountDue { amount } status disputed disputeReason dunningLevel isDunningCharge';

interface NoticeView {
  id: string;
  level: number;
  asOf: string;
  fee: { amount: string };
  interest: { amount: string };
  customer: { id: string };
  invoices: { id: string; number: string }[];
  lines: {
    invoice: { id: string };
    daysOverdue: number;
    amountOpen: { amount: string };
    fee: { amount: string };
    interest: { amount: string };
    annualInterestRate: string;
    interestSegments: { from: string; to: string; days: number; outstanding: { amount: string } }[];
  }[];
  chargeInvoice: InvoiceView | null;
  pdfUrl: string;
  sentAt: string | null;
  createdAt: string;
  waivedAt: string | null;
  waiveReason: string | null;
  waivedBy: { email: string } | null;
}

const NOTICE = `id level asOf fee { amount } interest { amount } customer { id } invoices { id number }
  lines { invoice { id } daysOverdue amountOpen { amount } fee { amount } interest { amount } annualInterestRate
          interestSegments { from to days outstanding { amount } } }
  chargeInvoice { ${INVOICE} } pdfUrl sentAt createdAt waivedAt waiveReason waivedBy { email }`;

const RUN = `mutation($input: RunDunningInput!) { runDunning(input: $input) { notices { ${NOTICE} } userErrors { code field } } }`;

describe('collections: dunning policies, runs, interest, charges, waivers and notice letters', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let admin: string;
  let accountant: string;
  let reporting: string;
  let agent: string;
  let policyId: string;
  const clock = new ManualClock();
  const company = `Dunning Test ${uniqueSuffix()} Ltd`;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer(
      { SMTP_URL: sink.url, JOB_POLL_MS: '500', COMPANY_NAME: company },
      { clock },
    );
    [admin, accountant, reporting, agent] = await Promise.all([
      server.login('admin@example.com'),
      server.login('accountant@example.com'),
      server.login('reports@example.com'),
      server.login('agent@example.com'),
    ]);
    policyId = (
      await setPolicy({
        name: `Test policy ${uniqueSuffix()}`,
        isDefault: false,
        levels: [
          {
            level: 1,
            daysOverdue: 10,
            fee: '0',
            annualInterestRate: '0',
            letterText: 'Friendly reminder: please pay.',
          },
          {
            level: 2,
            daysOverdue: 30,
            fee: '5.00',
            annualInterestRate: '8.00',
            letterText: 'Second notice: fees and interest apply.',
          },
          {
            level: 3,
            daysOverdue: 60,
            fee: '15.00',
            annualInterestRate: '8.00',
            letterText: 'Final notice before collection.',
          },
        ],
      })
    ).policy.id;
  });

  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  const gql = <T>(query: string, variables: Record<string, unknown>, token: string) =>
    dataOf<T>(server, query, variables, token);

  const sql = <T extends object>(text: string, params: unknown[] = []) =>
    server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

  async function setPolicy(input: Record<string, unknown>) {
    const data = await gql<{
      setDunningPolicy: {
        policy: { id: string; name: string; isDefault: boolean };
        userErrors: UserErrorView[];
      };
    }>(
      `mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) {
         policy { id name isDefault levels { level daysOverdue fee { amount } annualInterestRate letterText } }
         userErrors { code field } } }`,
      { input },
      accountant,
    );
    return data.setDunningPolicy;
  }

  /** A customer due on the invoice date (terms 0 days), dunned by the test policy. */
  async function customer(): Promise<{ id: string; email: string }> {
    const suffix = uniqueSuffix();
    const email = `late-${suffix}@payer.test`;
    const created = await gql<{ createCustomer: { customer: { id: string } } }>(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
      { input: { name: `Late Payer ${suffix}`, email, paymentTermsDays: 0 } },
      admin,
    );
    const id = created.createCustomer.customer.id;
    const assigned = await gql<{
      setCustomerDunningPolicy: {
        customer: { id: string; dunningPolicy: { id: string } };
        userErrors: UserErrorView[];
      };
    }>(
      `mutation($input: SetCustomerDunningPolicyInput!) { setCustomerDunningPolicy(input: $input) {
         customer { id dunningPolicy { id } } userErrors { code field } } }`,
      { input: { customerId: id, policyId } },
      accountant,
    );
    expect(assigned.setCustomerDunningPolicy).toEqual({
      customer: { id, dunningPolicy: { id: policyId } },
      userErrors: [],
    });
    return { id, email };
  }

  /** An invoice of exactly `price` for the customer: a one-line order, shipped. */
  async function invoice(customerId: string, price: string): Promise<InvoiceView> {
    const sku = `DUN-${uniqueSuffix()}`.toUpperCase();
    const product = await gql<{ createProduct: { product: { id: string } } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
      { input: { sku, name: `Widget ${sku}`, price, cost: '1.00', initialStock: 10 } },
      admin,
    );
    const placed = await gql<{ placeOrder: { order: { id: string } } }>(
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } } }`,
      {
        input: {
          customerId,
          lines: [{ productId: product.createProduct.product.id, quantity: 1 }],
        },
      },
      admin,
    );
    const orderId = placed.placeOrder.order.id;
    for (const step of [
      `mutation($id: ID!) { startPicking(input: { orderId: $id }) { userErrors { code } } }`,
      `mutation($id: ID!) { packOrder(input: { orderId: $id }) { userErrors { code } } }`,
      `mutation($id: ID!) { shipOrder(input: { orderId: $id, carrier: "UPS", trackingNumber: "1Z1" }) { userErrors { code } } }`,
    ])
      await gql(step, { id: orderId }, admin);
    const read = await gql<{ order: { invoice: InvoiceView } }>(
      `query($id: ID!) { order(id: $id) { invoice { ${INVOICE} } } }`,
      { id: orderId },
      accountant,
    );
    expect(read.order.invoice.total.amount).toBe(price);
    return read.order.invoice;
  }

  async function readInvoice(id: string): Promise<InvoiceView> {
    return (
      await gql<{ invoice: InvoiceView }>(
        `query($id: ID!) { invoice(id: $id) { ${INVOICE} } }`,
        { id },
        accountant,
      )
    ).invoice;
  }

  async function run(asOf: string, token = accountant, idempotencyKey?: string) {
    const data = await gql<{
      runDunning: { notices: NoticeView[] | null; userErrors: UserErrorView[] };
    }>(RUN, { input: { asOf, idempotencyKey } }, token);
    expect(data.runDunning.userErrors).toEqual([]);
    return data.runDunning.notices ?? [];
  }

  const mine = (notices: NoticeView[], customerId: string) =>
    notices.filter((notice) => notice.customer.id === customerId);

  async function noticesOf(customerId: string): Promise<NoticeView[]> {
    const data = await gql<{ dunningNotices: { nodes: NoticeView[]; totalCount: number } }>(
      `query($filter: DunningNoticeFilter) { dunningNotices(first: 100, filter: $filter) { nodes { ${NOTICE} } totalCount } }`,
      { filter: { customerId } },
      accountant,
    );
    expect(data.dunningNotices.totalCount).toBe(data.dunningNotices.nodes.length);
    return data.dunningNotices.nodes;
  }

  async function pay(customerId: string, amount: string, date: string) {
    const data = await gql<{ recordPayment: { userErrors: UserErrorView[] } }>(
      `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { userErrors { code field } } }`,
      { input: { customerId, amount, date } },
      accountant,
    );
    expect(data.recordPayment.userErrors).toEqual([]);
  }

  async function balance(customerId: string): Promise<string> {
    return (
      await gql<{ customer: { balance: { amount: string } } }>(
        `query($id: ID!) { customer(id: $id) { balance { amount } } }`,
        { id: customerId },
        accountant,
      )
    ).customer.balance.amount;
  }

  async function trialBalanced(): Promise<boolean> {
    return (
      await gql<{ trialBalance: { balanced: boolean } }>(
        `query { trialBalance { balanced } }`,
        {},
        accountant,
      )
    ).trialBalance.balanced;
  }

  /** Takes a test's customer out of later runs (each run duns every customer). */
  async function retire(customerId: string) {
    await sql(
      `INSERT INTO invoice_dunning (invoice_id, disputed, dispute_reason)
       SELECT id, true, 'test done' FROM invoice WHERE customer_id = ?
       ON CONFLICT (invoice_id) DO UPDATE SET disputed = true, dispute_reason = 'test done'`,
      [numericId(customerId)],
    );
  }

  /** The types of the events recorded on a stream, oldest first. */
  async function eventsOf(streamType: string, globalId: string): Promise<string[]> {
    const rows = await sql<{ type: string }>(
      'SELECT type FROM event WHERE stream_type = ? AND stream_id = ? ORDER BY id',
      [streamType, String(numericId(globalId))],
    );
    return rows.map((row) => row.type);
  }

  async function dunningMailsTo(address: string): Promise<number> {
    const [row] = await sql<{ count: string }>(
      `SELECT count(*) AS count FROM outbound_email WHERE kind = 'DUNNING_NOTICE' AND to_address = ?`,
      [address],
    );
    return Number(row.count);
  }

  it('refuses bad policies with a typed error and writes nothing', async () => {
    const name = `Bad ${uniqueSuffix()}`;
    const level = (level: number, daysOverdue: number, rest: Record<string, string> = {}) => ({
      level,
      daysOverdue,
      fee: '1.00',
      annualInterestRate: '5.00',
      letterText: 'Pay.',
      ...rest,
    });
    for (const [levels, field] of [
      [
        [level(1, 20), level(2, 20)],
        ['input', 'levels', '1', 'daysOverdue'],
      ],
      [
        [level(1, 20), level(2, 10)],
        ['input', 'levels', '1', 'daysOverdue'],
      ],
      [
        [level(2, 10), level(1, 20)],
        ['input', 'levels', '1', 'level'],
      ],
      [[level(1, 10, { fee: '-1.00' })], ['input', 'levels', '0', 'fee']],
      [
        [level(1, 10, { annualInterestRate: '8.005' })],
        ['input', 'levels', '0', 'annualInterestRate'],
      ],
      [
        [level(1, 10, { annualInterestRate: '100.01' })],
        ['input', 'levels', '0', 'annualInterestRate'],
      ],
      [[], ['input', 'levels']],
    ] as const) {
      const result = await setPolicy({ name, isDefault: false, levels });
      expect(result).toEqual({ policy: null, userErrors: [{ code: 'INVALID_INPUT', field }] });
    }
    const policies = await gql<{ dunningPolicies: { name: string }[] }>(
      `query { dunningPolicies { name } }`,
      {},
      reporting,
    );
    expect(policies.dunningPolicies.map((p) => p.name)).not.toContain(name);
  });

  it('keeps one default policy', async () => {
    const levels = [
      { level: 1, daysOverdue: 5, fee: '0', annualInterestRate: '0', letterText: 'Reminder.' },
    ];
    const first = await setPolicy({ name: `Default A ${uniqueSuffix()}`, isDefault: true, levels });
    const second = await setPolicy({
      name: `Default B ${uniqueSuffix()}`,
      isDefault: true,
      levels,
    });
    expect(first.userErrors).toEqual([]);
    expect(second.userErrors).toEqual([]);
    const { dunningPolicies } = await gql<{
      dunningPolicies: { id: string; isDefault: boolean }[];
    }>(`query { dunningPolicies { id isDefault } }`, {}, accountant);
    expect(dunningPolicies.filter((p) => p.isDefault).map((p) => p.id)).toEqual([second.policy.id]);
    const unset = await setPolicy({
      id: second.policy.id,
      name: `Default B2 ${uniqueSuffix()}`,
      isDefault: false,
      levels,
    });
    expect(unset.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'isDefault'] }]);
    const taken = await setPolicy({
      name: (first.policy as { name: string }).name,
      isDefault: false,
      levels,
    });
    expect(taken.userErrors).toEqual([{ code: 'NAME_TAKEN', field: ['input', 'name'] }]);
  });

  it('writes and mails each notice once when run twice on a day, and when runs race', async () => {
    const payer = await customer();
    const inv = await invoice(payer.id, '120.00');
    const day10 = plus(inv.dueDate, 10);

    const first = mine(await run(day10), payer.id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      level: 1,
      asOf: day10,
      fee: { amount: '0.00' },
      interest: { amount: '0.00' },
    });
    expect(first[0].chargeInvoice).toBeNull();
    expect(mine(await run(day10), payer.id)).toEqual([]);

    // Four runs of day 30 at once (the job and manual runs racing): one notice.
    const day30 = plus(inv.dueDate, 30);
    const raced = await Promise.all([1, 2, 3, 4].map(() => run(day30)));
    expect(raced.map((notices) => mine(notices, payer.id).length).sort()).toEqual([0, 0, 0, 1]);
    const [rows] = await sql<{ count: string }>(
      'SELECT count(*) AS count FROM dunning_notice WHERE customer_id = ? AND as_of = ?',
      [numericId(payer.id), day30],
    );
    expect(Number(rows.count)).toBe(1);
    const [charges] = await sql<{ count: string }>(
      `SELECT count(*) AS count FROM journal_line l JOIN account a ON a.id = l.account_id
        WHERE a.code = '4900' AND l.entry_id IN (SELECT journal_entry_id FROM invoice i
          JOIN dunning_notice n ON n.charge_invoice_id = i.id WHERE n.customer_id = ?)`,
      [numericId(payer.id)],
    );
    expect(Number(charges.count)).toBe(1);

    // Both notices mailed (sentAt set in the transaction that queued the mail), each once.
    const notices = await until(
      () => noticesOf(payer.id),
      (list) => list.length === 2 && list.every((n) => n.sentAt !== null),
      'both notices to be mailed',
    );
    expect(await dunningMailsTo(payer.email)).toBe(2);
    const received = await sink.waitFor(
      (all) =>
        all.filter(
          (m) =>
            m.rcptTo.includes(payer.email) &&
            (m.parsed.subject ?? '').startsWith('Payment reminder'),
        ).length === 2,
    );
    expect(
      received.filter(
        (m) =>
          m.rcptTo.includes(payer.email) && (m.parsed.subject ?? '').startsWith('Payment reminder'),
      ),
    ).toHaveLength(2);
    expect(notices.map((n) => n.level)).toEqual([2, 1]);
    expect((await readInvoice(inv.id)).dunningLevel).toBe(2);

    // An idempotency key answers its first run's notices when repeated.
    const key = `dun-${uniqueSuffix()}`;
    const keyed = await run(plus(inv.dueDate, 61), accountant, key);
    const again = await run(plus(inv.dueDate, 61), accountant, key);
    expect(again.map((n) => n.id)).toEqual(keyed.map((n) => n.id));
    expect(mine(keyed, payer.id).map((n) => n.level)).toEqual([3]);
    const reused = await server.raw(
      RUN,
      { input: { asOf: plus(inv.dueDate, 62), idempotencyKey: key } },
      accountant,
    );
    expect(
      (reused.data as { runDunning: { userErrors: UserErrorView[] } }).runDunning.userErrors,
    ).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }]);
    await retire(payer.id);
  }, 120_000);

  it('computes interest per segment between partial payments, to the cent', async () => {
    const payer = await customer();
    const inv = await invoice(payer.id, '1000.00');
    await pay(payer.id, '333.33', plus(inv.dueDate, 13));
    const day30 = plus(inv.dueDate, 30);
    const [notice] = mine(await run(day30), payer.id);
    // By hand, at 8% a year from the due date to day 30:
    //   1000.00 × 0.08 × 13 / 365 = 2.849315…  (due date to the payment of 333.33 on day 13)
    // +  666.67 × 0.08 × 17 / 365 = 2.484031…  (day 13 to day 30)
    // =                             5.333346… → 5.33 (rounded half-up once, for the invoice)
    // Level 2 is reached directly (day 30): its fee 5.00 once; level 1's fee (0) is not charged.
    expect(notice).toMatchObject({
      level: 2,
      fee: { amount: '5.00' },
      interest: { amount: '5.33' },
    });
    expect(notice.lines).toEqual([
      {
        invoice: { id: inv.id },
        daysOverdue: 30,
        amountOpen: { amount: '666.67' },
        fee: { amount: '5.00' },
        interest: { amount: '5.33' },
        annualInterestRate: '8.00',
        interestSegments: [
          {
            from: inv.dueDate,
            to: plus(inv.dueDate, 13),
            days: 13,
            outstanding: { amount: '1000.00' },
          },
          { from: plus(inv.dueDate, 13), to: day30, days: 17, outstanding: { amount: '666.67' } },
        ],
      },
    ]);
    // The charges are a charge invoice (no order) on the customer's receivable.
    expect(notice.chargeInvoice).toMatchObject({
      total: { amount: '10.33' },
      status: 'OPEN',
      isDunningCharge: true,
      dunningLevel: 0,
    });
    expect(await balance(payer.id)).toBe('677.00');
    expect(await trialBalanced()).toBe(true);

    // The letter shows the figures and the computation.
    const pdf = await fetch(`${server.baseUrl}${notice.pdfUrl}`);
    expect(pdf.status).toBe(200);
    const text = (await pdfText(Buffer.from(await pdf.arrayBuffer()))).replace(/\s+/g, ' ');
    expect(text).toContain('Second notice: fees and interest apply.');
    expect(text).toContain(inv.number);
    for (const figure of [
      '666.67 USD',
      '5.00 USD',
      '5.33 USD',
      '677.00 USD',
      '1000.00 USD x 8.00% x 13 / 365',
    ])
      expect(text).toContain(figure);
    await retire(payer.id);
  }, 120_000);

  it('only raises levels, and charges each level fee once', async () => {
    const payer = await customer();
    const inv = await invoice(payer.id, '200.00');
    const [reached] = mine(await run(plus(inv.dueDate, 31)), payer.id);
    // 200.00 × 0.08 × 31 / 365 = 1.3589… → 1.36
    expect(reached).toMatchObject({
      level: 2,
      fee: { amount: '5.00' },
      interest: { amount: '1.36' },
    });
    // An earlier day (level 1) and a later day within level 2: nothing more.
    expect(mine(await run(plus(inv.dueDate, 11)), payer.id)).toEqual([]);
    expect(mine(await run(plus(inv.dueDate, 40)), payer.id)).toEqual([]);
    expect((await readInvoice(inv.id)).dunningLevel).toBe(2);
    // Level 3 on day 60: its fee, and interest only from day 31 (charged through then):
    // 200.00 × 0.08 × 29 / 365 = 1.2712… → 1.27
    const [third] = mine(await run(plus(inv.dueDate, 60)), payer.id);
    expect(third).toMatchObject({
      level: 3,
      fee: { amount: '15.00' },
      interest: { amount: '1.27' },
    });
    expect(third.lines[0].interestSegments).toEqual([
      {
        from: plus(inv.dueDate, 31),
        to: plus(inv.dueDate, 60),
        days: 29,
        outstanding: { amount: '200.00' },
      },
    ]);
    expect(mine(await run(plus(inv.dueDate, 90)), payer.id)).toEqual([]);
    const notices = await noticesOf(payer.id);
    expect(notices.map((n) => [n.level, n.fee.amount])).toEqual([
      [3, '15.00'],
      [2, '5.00'],
    ]);
    await retire(payer.id);
  }, 120_000);

  it('skips disputed invoices, and needs a reason to dispute', async () => {
    const payer = await customer();
    const disputedInvoice = await invoice(payer.id, '50.00');
    const other = await invoice(payer.id, '70.00');
    const DISPUTE = `mutation($input: SetInvoiceDisputedInput!) { setInvoiceDisputed(input: $input) {
      invoice { ${INVOICE} } userErrors { code field } } }`;
    const noReason = await gql<{
      setInvoiceDisputed: { invoice: null; userErrors: UserErrorView[] };
    }>(
      DISPUTE,
      { input: { invoiceId: disputedInvoice.id, disputed: true, reason: '  ' } },
      accountant,
    );
    expect(noReason.setInvoiceDisputed).toEqual({
      invoice: null,
      userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'reason'] }],
    });
    expect((await readInvoice(disputedInvoice.id)).disputed).toBe(false);
    const disputed = await gql<{
      setInvoiceDisputed: { invoice: InvoiceView; userErrors: UserErrorView[] };
    }>(
      DISPUTE,
      { input: { invoiceId: disputedInvoice.id, disputed: true, reason: 'Goods arrived damaged' } },
      accountant,
    );
    expect(disputed.setInvoiceDisputed.invoice).toMatchObject({
      disputed: true,
      disputeReason: 'Goods arrived damaged',
    });
    const [notice] = mine(await run(plus(other.dueDate, 12)), payer.id);
    expect(notice.invoices.map((i) => i.id)).toEqual([other.id]);
    expect((await readInvoice(disputedInvoice.id)).dunningLevel).toBe(0);
    // Resolved: the next run duns it too.
    await gql(DISPUTE, { input: { invoiceId: disputedInvoice.id, disputed: false } }, accountant);
    expect(await eventsOf('Invoice', disputedInvoice.id)).toEqual(
      expect.arrayContaining(['ISSUED', 'DISPUTED', 'DISPUTE_RESOLVED']),
    );
    expect(
      mine(await run(plus(other.dueDate, 13)), payer.id).map((n) => n.invoices.map((i) => i.id)),
    ).toEqual([[disputedInvoice.id]]);
    await retire(payer.id);
  }, 120_000);

  it('charges the final interest segment of an invoice dunned and then paid in full late', async () => {
    const payer = await customer();
    const inv = await invoice(payer.id, '500.00');
    const [dunned] = mine(await run(plus(inv.dueDate, 30)), payer.id);
    // 500.00 × 0.08 × 30 / 365 = 3.2876… → 3.29
    expect(dunned).toMatchObject({ level: 2, interest: { amount: '3.29' } });
    // Paid in full on day 50 (the oldest invoice first, so the invoice itself): interest from
    // day 30 to day 50 is owed and must not be lost.
    await pay(payer.id, '500.00', plus(inv.dueDate, 50));
    expect((await readInvoice(inv.id)).status).toBe('PAID');
    const [last] = mine(await run(plus(inv.dueDate, 55)), payer.id);
    // 500.00 × 0.08 × 20 / 365 = 2.1917… → 2.19
    expect(last).toMatchObject({ level: 2, fee: { amount: '0.00' }, interest: { amount: '2.19' } });
    expect(last.lines[0].interestSegments).toEqual([
      {
        from: plus(inv.dueDate, 30),
        to: plus(inv.dueDate, 50),
        days: 20,
        outstanding: { amount: '500.00' },
      },
    ]);
    expect(mine(await run(plus(inv.dueDate, 80)), payer.id)).toEqual([]);
    // Owed now: the two charge invoices (5.00 + 3.29, and 2.19).
    expect(await balance(payer.id)).toBe('10.48');
    await retire(payer.id);
  }, 120_000);

  it('waives charges only explicitly: the reversal posts and the books still balance', async () => {
    const payer = await customer();
    const inv = await invoice(payer.id, '300.00');
    const [notice] = mine(await run(plus(inv.dueDate, 30)), payer.id);
    // 300.00 × 0.08 × 30 / 365 = 1.9726… → 1.97; with the 5.00 fee, 6.97.
    expect(notice.chargeInvoice?.total.amount).toBe('6.97');
    expect(await balance(payer.id)).toBe('306.97');
    const WAIVE = `mutation($input: WaiveDunningChargesInput!) { waiveDunningCharges(input: $input) {
      notice { ${NOTICE} } userErrors { code field } } }`;
    const noReason = await gql<{ waiveDunningCharges: { userErrors: UserErrorView[] } }>(
      WAIVE,
      { input: { noticeId: notice.id, reason: '' } },
      accountant,
    );
    expect(noReason.waiveDunningCharges.userErrors).toEqual([
      { code: 'INVALID_INPUT', field: ['input', 'reason'] },
    ]);
    const forbidden = await server.raw(
      WAIVE,
      { input: { noticeId: notice.id, reason: 'x' } },
      reporting,
    );
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const waived = await gql<{
      waiveDunningCharges: { notice: NoticeView; userErrors: UserErrorView[] };
    }>(
      WAIVE,
      { input: { noticeId: notice.id, reason: 'Long-standing customer, first delay' } },
      admin,
    );
    expect(waived.waiveDunningCharges.userErrors).toEqual([]);
    expect(waived.waiveDunningCharges.notice).toMatchObject({
      waiveReason: 'Long-standing customer, first delay',
      waivedBy: { email: 'admin@example.com' },
      chargeInvoice: { status: 'PAID', amountDue: { amount: '0.00' } },
    });
    expect(waived.waiveDunningCharges.notice.waivedAt).not.toBeNull();
    expect(await balance(payer.id)).toBe('300.00');
    const [reversal] = await sql<{ debit: string; credit: string }>(
      `SELECT sum(l.debit_minor) AS debit, sum(l.credit_minor) AS credit FROM journal_line l
         JOIN journal_entry e ON e.id = l.entry_id JOIN account a ON a.id = l.account_id
        WHERE e.source = 'DUNNING_WAIVER' AND a.code = '4900' AND e.memo LIKE ?`,
      [`%${notice.chargeInvoice?.number}%`],
    );
    expect(reversal).toEqual({ debit: '697', credit: '0' });
    expect(await trialBalanced()).toBe(true);
    const twice = await gql<{ waiveDunningCharges: { userErrors: UserErrorView[] } }>(
      WAIVE,
      { input: { noticeId: notice.id, reason: 'again' } },
      accountant,
    );
    expect(twice.waiveDunningCharges.userErrors).toEqual([
      { code: 'INVALID_TRANSITION', field: ['input', 'noticeId'] },
    ]);
    expect(await eventsOf('DunningNotice', notice.id)).toEqual(
      expect.arrayContaining(['ISSUED', 'WAIVED']),
    );
    // The invoice stays at its level: waiving does not lower it.
    expect((await readInvoice(inv.id)).dunningLevel).toBe(2);
    await retire(payer.id);
  }, 120_000);

  it('writes the notice of a customer without an email address, without mail', async () => {
    const payer = await customer();
    const inv = await invoice(payer.id, '40.00');
    await sql('UPDATE customer SET email = ? WHERE id = ?', ['', numericId(payer.id)]);
    const [notice] = mine(await run(plus(inv.dueDate, 10)), payer.id);
    expect(notice.level).toBe(1);
    await until(
      () =>
        sql<{ state: string }>(
          `SELECT state::text AS state FROM pgboss.job WHERE name = 'collections.send-notice' AND (data->>'noticeId')::bigint = ?`,
          [numericId(notice.id)],
        ),
      (rows) => rows.length === 1 && rows[0].state === 'completed',
      'the send job to complete',
    );
    const [listed] = await noticesOf(payer.id);
    expect(listed.sentAt).toBeNull();
    expect(await dunningMailsTo('')).toBe(0);
    await retire(payer.id);
  }, 120_000);

  it('runs daily by cron as the system, for the day of the clock', async () => {
    const [schedule] = await sql<{ cron: string }>(
      'SELECT cron FROM pgboss.schedule WHERE name = ?',
      [RUN_DUNNING_JOB],
    );
    expect(schedule?.cron).toBe(RUN_DUNNING_CRON);
    const payer = await customer();
    const inv = await invoice(payer.id, '80.00');
    clock.set(`${plus(inv.dueDate, 10)}T06:00:00Z`);
    try {
      await server.backdesk.jobs.enqueue(undefined, RUN_DUNNING_JOB, {});
      const [notice] = await until(
        () => noticesOf(payer.id),
        (list) => list.length === 1,
        'the daily run to write a notice',
      );
      expect(notice).toMatchObject({ level: 1, asOf: plus(inv.dueDate, 10) });
      const [row] = await sql<{ created_by_id: string | null }>(
        'SELECT created_by_id FROM dunning_notice WHERE id = ?',
        [numericId(notice.id)],
      );
      expect(row.created_by_id).toBeNull();
    } finally {
      clock.set(new Date());
    }
    await retire(payer.id);
  }, 120_000);

  it('stops looking at an invoice paid in full at a level without interest', async () => {
    const payer = await customer();
    const inv = await invoice(payer.id, '60.00');
    expect(mine(await run(plus(inv.dueDate, 10)), payer.id).map((n) => n.level)).toEqual([1]);
    await pay(payer.id, '60.00', plus(inv.dueDate, 15));
    // Level 1 charges no interest: nothing is owed for days 10 to 15, and no notice is written.
    expect(mine(await run(plus(inv.dueDate, 20)), payer.id)).toEqual([]);
    const [state] = await sql<{ level: number; interest_through: string }>(
      `SELECT level, to_char(interest_through, 'YYYY-MM-DD') AS interest_through FROM invoice_dunning WHERE invoice_id = ?`,
      [numericId(inv.id)],
    );
    expect(state).toEqual({ level: 1, interest_through: plus(inv.dueDate, 15) });
    expect(await balance(payer.id)).toBe('0.00');
    await retire(payer.id);
  }, 120_000);

  it('lets ACCOUNTANT and ADMIN write, REPORTING read, and others neither', async () => {
    const payer = await customer();
    const inv = await invoice(payer.id, '25.00');
    const [notice] = mine(await run(plus(inv.dueDate, 10), admin), payer.id);
    const LIST = `query($id: ID!) { customer(id: $id) { dunningNotices(first: 10) { nodes { id level } } } }`;
    const read = await gql<{ customer: { dunningNotices: { nodes: { id: string }[] } } }>(
      LIST,
      { id: payer.id },
      reporting,
    );
    expect(read.customer.dunningNotices.nodes.map((n) => n.id)).toEqual([notice.id]);
    const byReporting = await server.raw(
      RUN,
      { input: { asOf: plus(inv.dueDate, 11) } },
      reporting,
    );
    expect(byReporting.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byAgent = await server.raw(
      `query { dunningNotices(first: 1) { nodes { id } } }`,
      {},
      agent,
    );
    expect(byAgent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const policyByAgent = await server.raw(`query { dunningPolicies { id } }`, {}, agent);
    expect(policyByAgent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // The PDF: the signed link, or a bearer token that may read notices; nobody else.
    const bare = notice.pdfUrl.split('?')[0];
    expect(bare).toBe(`/documents/dunning-notices/${notice.id}.pdf`);
    expect((await fetch(`${server.baseUrl}${bare}`)).status).toBe(401);
    const asAgent = await fetch(`${server.baseUrl}${bare}`, {
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(asAgent.status).toBe(403);
    const asReporting = await fetch(`${server.baseUrl}${bare}`, {
      headers: { authorization: `Bearer ${reporting}` },
    });
    expect(asReporting.status).toBe(200);
    expect(asReporting.headers.get('content-type')).toBe('application/pdf');
    await retire(payer.id);
  }, 120_000);
});
