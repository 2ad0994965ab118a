import { Client } from 'pg';
import {
  AccountsDocument,
  ApAgingDocument,
  ArAgingDocument,
  BalanceSheetDocument,
  ClosePeriodDocument,
  CreateAccountDocument,
  CreateVendorDocument,
  CustomerLedgerDocument,
  IncomeStatementDocument,
  JournalEntriesDocument,
  OrderInvoiceDocument,
  PackOrderDocument,
  PayBillDocument,
  PlaceOrderDocument,
  PostJournalEntryDocument,
  RecordBillDocument,
  RecordPaymentDocument,
  ReverseJournalEntryDocument,
  ShipOrderDocument,
  StartPickingDocument,
  TrialBalanceDocument,
} from './generated/graphql';
import { createCustomer, createProduct, errorCode, uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let admin: string;
let accountant: string;
let warehouse: string;
const account: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin@example.com');
  accountant = await server.login('accountant@example.com');
  warehouse = await server.login('warehouse@example.com');
  const accounts = await server.request(AccountsDocument, { first: 100 }, accountant);
  for (const node of accounts.data?.accounts.nodes ?? []) account[node.code] = node.id;
});

afterAll(async () => {
  await server?.close();
});

async function sql<T = Record<string, unknown>>(
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  return server.backdesk.database.orm.em.fork().getConnection().execute<T[]>(query, params);
}

const TODAY = new Date().toISOString().slice(0, 10);

function entry(
  lines: { code: string; debit?: string; credit?: string }[],
  extra: { date?: string; memo?: string; idempotencyKey?: string } = {},
) {
  return {
    input: {
      date: extra.date ?? TODAY,
      memo: extra.memo ?? 'test',
      idempotencyKey: extra.idempotencyKey,
      lines: lines.map((line) => ({
        accountId: account[line.code],
        debit: line.debit,
        credit: line.credit,
      })),
    },
  };
}

async function post(
  lines: { code: string; debit?: string; credit?: string }[],
  extra: { date?: string; idempotencyKey?: string } = {},
) {
  return server.request(PostJournalEntryDocument, entry(lines, extra), accountant);
}

async function ledgerCounts() {
  const [row] = await sql<{ entries: string; lines: string }>(
    'SELECT (SELECT count(*) FROM journal_entry) AS entries, (SELECT count(*) FROM journal_line) AS lines',
  );
  return row;
}

/** The invariants of a double-entry ledger, checked in SQL. */
async function assertLedgerInvariants(): Promise<void> {
  const [totals] = await sql<{ debits: string; credits: string; balances: string }>(
    'SELECT (SELECT coalesce(sum(debit_minor), 0) FROM journal_line) AS debits, (SELECT coalesce(sum(credit_minor), 0) FROM journal_line) AS credits, (SELECT coalesce(sum(balance_minor), 0) FROM account) AS balances',
  );
  expect(totals.debits).toBe(totals.credits);
  expect(totals.balances).toBe('0');
  const unbalanced = await sql(
    'SELECT entry_id FROM journal_line GROUP BY entry_id HAVING sum(debit_minor) <> sum(credit_minor) OR count(*) < 2',
  );
  expect(unbalanced).toEqual([]);
  const [numbers] = await sql<{ count: string; max: string | null; min: string | null }>(
    'SELECT count(*), max(number), min(number) FROM journal_entry',
  );
  expect(numbers.min ?? '1').toBe('1');
  expect(numbers.max ?? '0').toBe(numbers.count);
  const driftingAccounts = await sql(
    `SELECT a.code FROM account a LEFT JOIN (SELECT account_id, sum(debit_minor - credit_minor) AS net FROM journal_line GROUP BY account_id) l
        ON l.account_id = a.id WHERE a.balance_minor <> coalesce(l.net, 0)`,
  );
  expect(driftingAccounts).toEqual([]);
  const brokenChain = await sql(
    `SELECT id FROM (
       SELECT id, balance_after_minor,
              sum(debit_minor - credit_minor) OVER (PARTITION BY account_id ORDER BY id) AS expected
         FROM journal_line) chain
      WHERE balance_after_minor <> expected`,
  );
  expect(brokenChain).toEqual([]);
  const lastLinks = await sql(
    `SELECT a.code FROM account a JOIN LATERAL (SELECT balance_after_minor FROM journal_line l WHERE l.account_id = a.id ORDER BY id DESC LIMIT 1) last ON true
      WHERE last.balance_after_minor <> a.balance_minor`,
  );
  expect(lastLinks).toEqual([]);
}

describe('posting journal entries', () => {
  it('posts a balanced entry with a gapless number and updates balances', async () => {
    const result = await post([
      { code: '1000', debit: '1000.00' },
      { code: '3000', credit: '1000.00' },
    ]);
    expect(result.data?.postJournalEntry.userErrors).toEqual([]);
    const posted = result.data?.postJournalEntry.journalEntry;
    expect(posted).toMatchObject({
      source: 'MANUAL',
      createdBy: { email: 'accountant@example.com' },
    });
    const [{ max }] = await sql<{ max: string }>('SELECT max(number) FROM journal_entry');
    expect(posted?.number).toBe(Number(max));
    expect(posted?.lines.map((l) => [l.account.code, l.debit.amount, l.credit.amount])).toEqual([
      ['1000', '1000.00', '0.00'],
      ['3000', '0.00', '1000.00'],
    ]);
    const [cash] = await sql<{ balance_minor: string }>(
      "SELECT balance_minor FROM account WHERE code = '1000'",
    );
    const accounts = await server.request(
      AccountsDocument,
      { first: 100, filter: { search: 'cash' } },
      accountant,
    );
    expect(accounts.data?.accounts.nodes[0].balance).toEqual({
      amount: (Number(cash.balance_minor) / 100).toFixed(2),
      currency: 'USD',
    });
    // Recorded in the same statement as the posting, and committed with it.
    const entryId = Buffer.from(String(posted?.id), 'base64url').toString().split(':')[1];
    const events = await sql<{ type: string; payload: { total: string }; seq: string | null }>(
      "SELECT type, payload, seq FROM event WHERE stream_type = 'JournalEntry' AND stream_id = ?",
      [entryId],
    );
    expect(events).toEqual([
      {
        type: 'POSTED',
        payload: expect.objectContaining({ total: '100000' }),
        seq: expect.any(String),
      },
    ]);
    await assertLedgerInvariants();
  });

  it('refuses bad entries with a user error and writes nothing', async () => {
    const before = await ledgerCounts();
    const cases: [Parameters<typeof post>[0], string][] = [
      [
        [
          { code: '1000', debit: '10.00' },
          { code: '3000', credit: '9.99' },
        ],
        'UNBALANCED',
      ],
      [[{ code: '1000', debit: '10.00' }], 'INVALID_INPUT'],
      [
        [
          { code: '1000', debit: '10.00', credit: '10.00' },
          { code: '3000', credit: '10.00' },
        ],
        'INVALID_INPUT',
      ],
      [[{ code: '1000' }, { code: '3000', credit: '10.00' }], 'INVALID_INPUT'],
      [
        [
          { code: '1000', debit: '-10.00' },
          { code: '3000', credit: '-10.00' },
        ],
        'INVALID_INPUT',
      ],
      [
        [
          { code: '1000', debit: '10.001' },
          { code: '3000', credit: '10.001' },
        ],
        'INVALID_INPUT',
      ],
      [
        [
          { code: '1000', debit: '0' },
          { code: '3000', credit: '0' },
        ],
        'INVALID_INPUT',
      ],
    ];
    for (const [lines, code] of cases) {
      const result = await post(lines);
      expect([lines, result.data?.postJournalEntry.userErrors[0]?.code]).toEqual([lines, code]);
      expect(result.data?.postJournalEntry.journalEntry).toBeNull();
    }
    const unknownAccount = await server.request(
      PostJournalEntryDocument,
      {
        input: {
          date: TODAY,
          lines: [
            { accountId: Buffer.from('Account:999999').toString('base64url'), debit: '1.00' },
            { accountId: account['3000'], credit: '1.00' },
          ],
        },
      },
      accountant,
    );
    expect(unknownAccount.data?.postJournalEntry.userErrors[0]).toMatchObject({
      code: 'NOT_FOUND',
      field: ['input', 'lines', '0', 'accountId'],
    });
    const badDate = await server.raw(
      'mutation($date: Date!) { postJournalEntry(input: { date: $date, lines: [] }) { userErrors { code } } }',
      { date: '2026-02-30' },
      accountant,
    );
    expect(errorCode(badDate)).toBe('BAD_USER_INPUT');
    expect(await ledgerCounts()).toEqual(before);
  });

  it('is enforced by the database: no UPDATE or DELETE of posted lines, no unbalanced insert', async () => {
    await post([
      { code: '1000', debit: '5.00' },
      { code: '3000', credit: '5.00' },
    ]);
    await expect(
      sql(
        'UPDATE journal_line SET debit_minor = debit_minor + 1 WHERE id = (SELECT max(id) FROM journal_line)',
      ),
    ).rejects.toThrow(/immutable/);
    await expect(
      sql('DELETE FROM journal_line WHERE id = (SELECT max(id) FROM journal_line)'),
    ).rejects.toThrow(/immutable/);
    await expect(
      sql(
        "UPDATE journal_entry SET memo = 'changed' WHERE id = (SELECT max(id) FROM journal_entry)",
      ),
    ).rejects.toThrow(/immutable/);
    await expect(sql('DELETE FROM journal_entry')).rejects.toThrow(/immutable/);
    const before = await ledgerCounts();
    const em = server.backdesk.database.orm.em.fork();
    await expect(
      em.transactional(async (tx) => {
        const [created] = await tx.execute<{ id: string }[]>(
          "INSERT INTO journal_entry (number, date, source) VALUES (999999, current_date, 'MANUAL') RETURNING id",
        );
        await tx.execute(
          `INSERT INTO journal_line (entry_id, line_no, account_id, entry_date, debit_minor, credit_minor, balance_after_minor)
           VALUES (?, 0, ?, current_date, 100, 0, 0), (?, 1, ?, current_date, 0, 99, 0)`,
          [
            created.id,
            Number(Buffer.from(account['1000'], 'base64url').toString().split(':')[1]),
            created.id,
            Number(Buffer.from(account['3000'], 'base64url').toString().split(':')[1]),
          ],
        );
      }),
    ).rejects.toThrow(/does not balance/);
    expect(await ledgerCounts()).toEqual(before);
  });

  it('keeps every invariant with 1,000 entries from 20 concurrent clients', async () => {
    const codes = ['1000', '1100', '1200', '2000', '3000', '4000', '5000', '6100'];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const jobs = Array.from({ length: 1000 }, () => {
      const a = codes[random(codes.length)];
      let b = codes[random(codes.length)];
      if (b === a) b = codes[(codes.indexOf(a) + 1) % codes.length];
      const amount = `${1 + random(50000)}.${String(random(100)).padStart(2, '0')}`;
      return [
        { code: a, debit: amount },
        { code: b, credit: amount },
      ];
    });
    const before = await ledgerCounts();
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, client) => {
        for (let i = client; i < jobs.length; i += 20) {
          const result = await post(jobs[i]);
          if (result.errors || result.data?.postJournalEntry.userErrors.length)
            failures.push(result);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(Number((await ledgerCounts()).entries) - Number(before.entries)).toBe(1000);
    const trial = await server.request(TrialBalanceDocument, {}, accountant);
    expect(trial.data?.trialBalance.balanced).toBe(true);
    expect(trial.data?.trialBalance.totalDebit).toEqual(trial.data?.trialBalance.totalCredit);
    await assertLedgerInvariants();
  }, 240_000);

  it('posts once for one idempotency key sent 10 times at once, and refuses the key with other input', async () => {
    const key = `je-${uniqueSuffix()}`;
    const before = await ledgerCounts();
    const lines = [
      { code: '6100', debit: '42.00' },
      { code: '1000', credit: '42.00' },
    ];
    const results = await Promise.all(
      Array.from({ length: 10 }, () => post(lines, { idempotencyKey: key })),
    );
    const ids = new Set(results.map((r) => r.data?.postJournalEntry.journalEntry?.id));
    expect(ids.size).toBe(1);
    expect(Number((await ledgerCounts()).entries) - Number(before.entries)).toBe(1);
    const other = await post(
      [
        { code: '6100', debit: '43.00' },
        { code: '1000', credit: '43.00' },
      ],
      { idempotencyKey: key },
    );
    expect(other.data?.postJournalEntry.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('reversals and closed periods', () => {
  it('a reversal restores every balance exactly, and a second reversal is refused', async () => {
    const balances = async () =>
      (await server.request(AccountsDocument, { first: 100 }, accountant)).data?.accounts.nodes.map(
        (n) => [n.code, n.balance.amount],
      );
    const before = await balances();
    const posted = await post([
      { code: '6100', debit: '123.45' },
      { code: '2000', credit: '100.00' },
      { code: '1000', credit: '23.45' },
    ]);
    const entryId = posted.data?.postJournalEntry.journalEntry?.id as string;
    expect(await balances()).not.toEqual(before);
    const reversed = await server.request(
      ReverseJournalEntryDocument,
      { input: { entryId, memo: 'Wrong vendor' } },
      accountant,
    );
    expect(reversed.data?.reverseJournalEntry.journalEntry).toMatchObject({
      source: 'REVERSAL',
      memo: 'Wrong vendor',
      reversalOf: { id: entryId },
    });
    expect(
      reversed.data?.reverseJournalEntry.journalEntry?.lines.map((l) => [
        l.account.code,
        l.debit.amount,
        l.credit.amount,
      ]),
    ).toEqual([
      ['6100', '0.00', '123.45'],
      ['2000', '100.00', '0.00'],
      ['1000', '23.45', '0.00'],
    ]);
    expect(await balances()).toEqual(before);
    const again = await Promise.all(
      [1, 2].map(() =>
        server.request(ReverseJournalEntryDocument, { input: { entryId } }, accountant),
      ),
    );
    expect(again.map((r) => r.data?.reverseJournalEntry.userErrors[0]?.code)).toEqual([
      'ALREADY_REVERSED',
      'ALREADY_REVERSED',
    ]);
    await assertLedgerInvariants();
  });

  it('refuses a posting whose date the books close while it is being checked', async () => {
    const before = await sql<{ entries: string }>('SELECT count(*) AS entries FROM journal_entry');
    // A close that has not committed yet: the posting's checks read past it, its locked part
    // waits for it, then sees it.
    const closer = new Client({ connectionString: server.database.url });
    await closer.connect();
    try {
      await closer.query('BEGIN');
      await closer.query("UPDATE ledger_settings SET closed_through = '2025-03-31' WHERE id = 1");
      const posting = post(
        [
          { code: '1000', debit: '1.00' },
          { code: '3000', credit: '1.00' },
        ],
        { date: '2025-03-15' },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await closer.query('COMMIT');
      expect((await posting).data?.postJournalEntry).toEqual({
        journalEntry: null,
        userErrors: [
          {
            code: 'PERIOD_CLOSED',
            field: ['input', 'date'],
            message: 'The books are closed through 2025-03-31',
          },
        ],
      });
    } finally {
      await closer.end();
    }
    expect(await sql('SELECT count(*) AS entries FROM journal_entry')).toEqual(before);
  });

  it('refuses postings and reversals dated in a closed period', async () => {
    const old = await post(
      [
        { code: '1000', debit: '1.00' },
        { code: '3000', credit: '1.00' },
      ],
      { date: '2025-06-30' },
    );
    const oldId = old.data?.postJournalEntry.journalEntry?.id as string;
    const closed = await server.request(
      ClosePeriodDocument,
      { input: { closedThrough: '2025-12-31' } },
      accountant,
    );
    expect(closed.data?.closePeriod.closedThrough).toBe('2025-12-31');
    const refused = await post(
      [
        { code: '1000', debit: '1.00' },
        { code: '3000', credit: '1.00' },
      ],
      { date: '2025-12-31' },
    );
    expect(refused.data?.postJournalEntry.userErrors[0]).toMatchObject({
      code: 'PERIOD_CLOSED',
      field: ['input', 'date'],
    });
    const reversalInClosed = await server.request(
      ReverseJournalEntryDocument,
      { input: { entryId: oldId, date: '2025-07-01' } },
      accountant,
    );
    expect(reversalInClosed.data?.reverseJournalEntry.userErrors[0].code).toBe('PERIOD_CLOSED');
    const reversalOpen = await server.request(
      ReverseJournalEntryDocument,
      { input: { entryId: oldId } },
      accountant,
    );
    expect(reversalOpen.data?.reverseJournalEntry.journalEntry?.date).toBe(TODAY);
    const reopen = await server.request(
      ClosePeriodDocument,
      { input: { closedThrough: '2025-01-01' } },
      accountant,
    );
    expect(reopen.data?.closePeriod.userErrors[0].code).toBe('INVALID_INPUT');
  });
});

describe('receivables', () => {
  it('shipping invoices the order; payments settle it oldest first; overpayment is refused', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, {
      price: '100.00',
      cost: '40.00',
      stock: 10,
    });
    const shipOne = async (quantity: number) => {
      const placed = await server.request(
        PlaceOrderDocument,
        { input: { customerId, lines: [{ productId, quantity }] } },
        admin,
      );
      const orderId = placed.data?.placeOrder.order?.id as string;
      await server.request(StartPickingDocument, { input: { orderId } }, warehouse);
      await server.request(PackOrderDocument, { input: { orderId } }, warehouse);
      const shipped = await server.request(
        ShipOrderDocument,
        { input: { orderId, carrier: 'UPS', trackingNumber: '1Z999' } },
        warehouse,
      );
      expect(shipped.data?.shipOrder.userErrors).toEqual([]);
      return orderId;
    };
    const firstOrder = await shipOne(3);
    const invoice = (await server.request(OrderInvoiceDocument, { id: firstOrder }, accountant))
      .data?.order?.invoice;
    expect(invoice).toMatchObject({
      status: 'OPEN',
      total: { amount: '300.00' },
      amountDue: { amount: '300.00' },
      order: { id: firstOrder },
    });
    expect(invoice?.number).toMatch(/^INV-\d{6}$/);
    expect(Date.parse(invoice?.dueDate as string) - Date.parse(invoice?.issueDate as string)).toBe(
      30 * 86_400_000,
    );
    let ledger = (await server.request(CustomerLedgerDocument, { id: customerId }, accountant)).data
      ?.customer;
    expect(ledger?.balance).toEqual({ amount: '300.00', currency: 'USD' });

    const cogs = await server.request(
      IncomeStatementDocument,
      { from: TODAY, to: TODAY },
      accountant,
    );
    expect(
      cogs.data?.incomeStatement.revenue.find((r) => r.account.code === '4000')?.balance.amount,
    ).toBeDefined();

    await shipOne(1);
    ledger = (await server.request(CustomerLedgerDocument, { id: customerId }, accountant)).data
      ?.customer;
    expect(ledger?.balance.amount).toBe('400.00');

    const over = await server.request(
      RecordPaymentDocument,
      { input: { customerId, amount: '400.01' } },
      accountant,
    );
    expect(over.data?.recordPayment.userErrors[0]).toMatchObject({
      code: 'OVERPAYMENT',
      field: ['input', 'amount'],
    });

    const part = await server.request(
      RecordPaymentDocument,
      { input: { customerId, amount: '350.00', reference: 'TX-1' } },
      accountant,
    );
    expect(part.data?.recordPayment.invoices?.map((i) => [i.status, i.amountDue.amount])).toEqual([
      ['PAID', '0.00'],
      ['PARTIALLY_PAID', '50.00'],
    ]);
    expect(
      (await server.request(CustomerLedgerDocument, { id: customerId }, accountant)).data?.customer
        ?.balance.amount,
    ).toBe('50.00');
    const aging = await server.request(ArAgingDocument, {}, accountant);
    expect(aging.data?.arAging.rows.find((r) => r.customer.id === customerId)?.current.amount).toBe(
      '50.00',
    );

    const rest = await server.request(
      RecordPaymentDocument,
      { input: { customerId, amount: '50.00', idempotencyKey: `pay-${uniqueSuffix()}` } },
      accountant,
    );
    expect(rest.data?.recordPayment.invoices?.map((i) => i.status)).toEqual(['PAID']);
    ledger = (await server.request(CustomerLedgerDocument, { id: customerId }, accountant)).data
      ?.customer;
    expect(ledger?.balance.amount).toBe('0.00');
    expect(ledger?.invoices.nodes.map((i) => i.status)).toEqual(['PAID', 'PAID']);
    const agingAfter = await server.request(ArAgingDocument, {}, accountant);
    expect(agingAfter.data?.arAging.rows.find((r) => r.customer.id === customerId)).toBeUndefined();
    const nothingOwed = await server.request(
      RecordPaymentDocument,
      { input: { customerId, amount: '0.01' } },
      accountant,
    );
    expect(nothingOwed.data?.recordPayment.userErrors[0].code).toBe('OVERPAYMENT');
    await assertLedgerInvariants();
  });

  it('ages receivables by days past due as of a date', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { price: '10.00', stock: 5 });
    const placed = await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId, quantity: 2 }] } },
      admin,
    );
    const orderId = placed.data?.placeOrder.order?.id as string;
    await server.request(StartPickingDocument, { input: { orderId } }, warehouse);
    await server.request(PackOrderDocument, { input: { orderId } }, warehouse);
    await server.request(
      ShipOrderDocument,
      { input: { orderId, carrier: 'UPS', trackingNumber: '1Z' } },
      warehouse,
    );
    const inDays = (days: number) =>
      new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const rowAt = async (asOf: string) =>
      (await server.request(ArAgingDocument, { asOf }, accountant)).data?.arAging.rows.find(
        (r) => r.customer.id === customerId,
      );
    expect((await rowAt(inDays(10)))?.current.amount).toBe('20.00');
    expect((await rowAt(inDays(45)))?.days1To30.amount).toBe('20.00');
    expect((await rowAt(inDays(75)))?.days31To60.amount).toBe('20.00');
    expect((await rowAt(inDays(200)))?.over90.amount).toBe('20.00');
    expect(await rowAt(inDays(-1))).toBeUndefined();
  });
});

describe('payables and statements', () => {
  it('records and pays bills, ages payables, and keeps the balance sheet balanced', async () => {
    const vendor = await server.request(
      CreateVendorDocument,
      { input: { name: `Office Depot ${uniqueSuffix()}`, paymentTermsDays: 15 } },
      accountant,
    );
    const vendorId = vendor.data?.createVendor.vendor?.id as string;
    const dup = await server.request(
      CreateVendorDocument,
      { input: { name: vendor.data?.createVendor.vendor?.name as string } },
      accountant,
    );
    expect(dup.data?.createVendor.userErrors[0].code).toBe('NAME_TAKEN');
    const bill = await server.request(
      RecordBillDocument,
      { input: { vendorId, expenseAccountId: account['6100'], amount: '250.00', memo: 'Paper' } },
      accountant,
    );
    const billId = bill.data?.recordBill.bill?.id as string;
    expect(bill.data?.recordBill.bill).toMatchObject({
      status: 'OPEN',
      amountDue: { amount: '250.00' },
      expenseAccount: { code: '6100' },
    });
    const ap = await server.request(ApAgingDocument, {}, accountant);
    expect(ap.data?.apAging.rows.find((r) => r.vendor.id === vendorId)?.current.amount).toBe(
      '250.00',
    );
    const over = await server.request(
      PayBillDocument,
      { input: { billId, amount: '250.01' } },
      accountant,
    );
    expect(over.data?.payBill.userErrors[0].code).toBe('OVERPAYMENT');
    const paid = await server.request(
      PayBillDocument,
      { input: { billId, amount: '250.00' } },
      accountant,
    );
    expect(paid.data?.payBill.bill).toMatchObject({
      status: 'PAID',
      amountDue: { amount: '0.00' },
    });
    const apAfter = await server.request(ApAgingDocument, {}, accountant);
    expect(apAfter.data?.apAging.rows.find((r) => r.vendor.id === vendorId)).toBeUndefined();

    const sheet = (await server.request(BalanceSheetDocument, {}, accountant)).data?.balanceSheet;
    expect(sheet?.totalAssets.amount).toBe(sheet?.totalLiabilitiesAndEquity.amount);
    const trial = (await server.request(TrialBalanceDocument, { asOf: TODAY }, accountant)).data
      ?.trialBalance;
    expect(trial?.totalDebit).toEqual(trial?.totalCredit);
    await assertLedgerInvariants();
  });

  it('lists entries by account with a running balance in date order', async () => {
    const created = await server.request(
      CreateAccountDocument,
      { input: { code: `7${String(Date.now()).slice(-4)}`, name: 'Petty cash', type: 'ASSET' } },
      accountant,
    );
    const id = created.data?.createAccount.account?.id as string;
    const code = created.data?.createAccount.account?.code as string;
    account[code] = id;
    const taken = await server.request(
      CreateAccountDocument,
      { input: { code, name: 'Again', type: 'ASSET' } },
      accountant,
    );
    expect(taken.data?.createAccount.userErrors[0].code).toBe('CODE_TAKEN');
    await post(
      [
        { code, debit: '10.00' },
        { code: '3000', credit: '10.00' },
      ],
      { date: '2026-03-02' },
    );
    await post(
      [
        { code, debit: '5.00' },
        { code: '3000', credit: '5.00' },
      ],
      { date: '2026-03-01' },
    );
    await post(
      [
        { code: '6100', debit: '3.00' },
        { code, credit: '3.00' },
      ],
      { date: '2026-03-03' },
    );
    const listed = await server.request(
      JournalEntriesDocument,
      { first: 10, filter: { accountId: id } },
      accountant,
    );
    if (!listed.data) throw new Error(JSON.stringify(listed));
    const runs = listed.data?.journalEntries.nodes.map((n) => [
      n.date,
      n.lines.find((l) => l.account.code === code)?.runningBalance.amount,
    ]);
    expect(runs).toEqual([
      ['2026-03-03', '12.00'],
      ['2026-03-02', '15.00'],
      ['2026-03-01', '5.00'],
    ]);
    expect(listed.data?.journalEntries.totalCount).toBe(3);
    const asOf = await server.request(
      AccountsDocument,
      { first: 1, filter: { search: 'Petty' }, asOf: '2026-03-02' },
      accountant,
    );
    expect(asOf.data?.accounts.nodes[0].balance.amount).toBe('15.00');
  });
});

describe('ledger roles', () => {
  it('keeps the ledger to accountants; support and reporting read balances and invoices', async () => {
    const [agent, reports, hr] = await Promise.all(
      ['agent@example.com', 'reports@example.com', 'hr@example.com'].map((e) => server.login(e)),
    );
    for (const token of [agent, reports, hr, warehouse]) {
      expect(errorCode(await server.request(TrialBalanceDocument, {}, token))).toBe('FORBIDDEN');
      expect(
        errorCode(
          await server.request(
            PostJournalEntryDocument,
            entry([
              { code: '1000', debit: '1' },
              { code: '3000', credit: '1' },
            ]),
            token,
          ),
        ),
      ).toBe('FORBIDDEN');
    }
    const customerId = await createCustomer(server, agent);
    for (const token of [agent, reports]) {
      const result = await server.request(CustomerLedgerDocument, { id: customerId }, token);
      expect(result.errors).toBeUndefined();
      expect(result.data?.customer?.balance.amount).toBe('0.00');
    }
    const forbidden = await server.request(CustomerLedgerDocument, { id: customerId }, warehouse);
    expect(errorCode(forbidden)).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.request(
          RecordPaymentDocument,
          { input: { customerId, amount: '1.00' } },
          agent,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      (await server.request(TrialBalanceDocument, {}, admin)).data?.trialBalance.balanced,
    ).toBe(true);
  });
});
