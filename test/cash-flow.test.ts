import {
  CashFlowAccountsDocument,
  CashFlowProofDocument,
  CashFlowStatementDocument,
  CashFlowStatementWithPreviousDocument,
  CreateClassifiedAccountDocument,
  CreateVendorDocument,
  IncomeStatementDocument,
  PayBillDocument,
  PostJournalEntryDocument,
  RecordBillDocument,
  RecordPaymentDocument,
  SetAccountCashFlowSectionDocument,
  type CashFlowFieldsFragment,
  type CashFlowSection,
} from './generated/graphql';
import { inTransaction } from '../src/db/transaction';
import { toGlobalId } from '../src/graphql/global-id';
import { CashFlowSection as Section } from '../src/modules/ledger/ledger.entity';
import { LedgerService } from '../src/modules/ledger/ledger.service';
import { BusinessRuleError } from '../src/modules/common/errors';
import { formatMinorUnits } from '../src/modules/common/money';
import { errorCode, uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let accountant: string;
let admin: string;
let reports: string;
let agent: string;
/** Account IDs by code. */
const account: Record<string, string> = {};

async function sql<T = Record<string, unknown>>(
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  return server.backdesk.database.orm.em.fork().getConnection().execute<T[]>(query, params);
}

async function loadAccounts(): Promise<
  { id: string; code: string; type: string; cashFlowSection?: CashFlowSection | null }[]
> {
  const result = await server.request(CashFlowAccountsDocument, { first: 100 }, accountant);
  const nodes = result.data?.accounts.nodes ?? [];
  for (const node of nodes) account[node.code] = node.id;
  return nodes;
}

async function createAccount(
  code: string,
  type: 'ASSET' | 'LIABILITY' | 'EQUITY' | 'REVENUE' | 'EXPENSE',
  cashFlowSection: CashFlowSection | null,
) {
  const result = await server.request(
    CreateClassifiedAccountDocument,
    { input: { code, name: `Test ${code}`, type, cashFlowSection } },
    accountant,
  );
  const created = result.data?.createAccount.account;
  if (created) account[code] = created.id;
  return result;
}

async function post(date: string, lines: { code: string; debit?: string; credit?: string }[]) {
  const result = await server.request(
    PostJournalEntryDocument,
    {
      input: {
        date,
        memo: 'cash flow test',
        lines: lines.map((line) => ({
          accountId: account[line.code],
          debit: line.debit,
          credit: line.credit,
        })),
      },
    },
    accountant,
  );
  expect(result.data?.postJournalEntry.userErrors).toEqual([]);
}

async function statement(from: string, to: string, token = accountant) {
  return server.request(CashFlowStatementDocument, { from, to }, token);
}

/** A statement's figures as plain strings, for comparing to the cent. */
function figures(s: CashFlowFieldsFragment | null | undefined) {
  if (!s) throw new Error('no statement');
  return {
    from: s.from,
    to: s.to,
    netIncome: s.netIncome.amount,
    operating: s.operating.amount,
    investing: s.investing.amount,
    financing: s.financing.amount,
    netChange: s.netChange.amount,
    openingCash: s.openingCash.amount,
    closingCash: s.closingCash.amount,
    proofDifference: s.proofDifference.amount,
    rows: s.rows.map((row) => [
      row.section,
      row.label,
      row.account?.code ?? null,
      row.amount.amount,
    ]),
  };
}

const TODAY = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  server = await startTestServer();
  [accountant, admin, reports, agent] = await Promise.all([
    server.login('accountant@example.com'),
    server.login('admin@example.com'),
    server.login('reports@example.com'),
    server.login('agent@example.com'),
  ]);
  await loadAccounts();
});

afterAll(async () => {
  await server?.close();
});

describe('account classification', () => {
  it('the migration classifies the standard chart, and the demo accounts are classified', async () => {
    const nodes = await loadAccounts();
    const sections = Object.fromEntries(nodes.map((n) => [n.code, n.cashFlowSection ?? null]));
    expect(sections).toMatchObject({
      '1000': 'CASH',
      '1100': 'OPERATING',
      '1200': 'OPERATING',
      '1500': 'INVESTING',
      '2000': 'OPERATING',
      '2100': 'OPERATING',
      '2500': 'FINANCING',
      '3000': 'FINANCING',
      '4000': null,
      '5000': null,
      '6000': null,
      '6100': null,
    });
  });

  it('refuses a section on a revenue or expense account, and writes nothing', async () => {
    const refused = await server.request(
      SetAccountCashFlowSectionDocument,
      { input: { accountId: account['4000'], section: 'OPERATING' } },
      accountant,
    );
    expect(refused.data?.setAccountCashFlowSection.account).toBeNull();
    expect(refused.data?.setAccountCashFlowSection.userErrors).toEqual([
      {
        code: 'INVALID_INPUT',
        field: ['input', 'accountId'],
        message: expect.stringContaining('4000') as unknown,
      },
    ]);
    const code = `7${uniqueSuffix().replace(/\D/g, '').padEnd(3, '1').slice(0, 3)}`;
    const created = await createAccount(code, 'EXPENSE', 'OPERATING');
    expect(created.data?.createAccount.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_INPUT', ['input', 'cashFlowSection']],
    ]);
    expect(
      await sql(
        "SELECT code FROM account WHERE code = ? OR (type IN ('REVENUE', 'EXPENSE') AND cash_flow_section IS NOT NULL)",
        [code],
      ),
    ).toEqual([]);
    // The database refuses it too, whatever the code path.
    await expect(
      sql("UPDATE account SET cash_flow_section = 'OPERATING' WHERE code = '4000'"),
    ).rejects.toThrow(/account_cash_flow_section_type_check/);
  });

  it('sets a section with an event, and only ACCOUNTANT and ADMIN may', async () => {
    await createAccount('1710', 'ASSET', null);
    const forbidden = await server.request(
      SetAccountCashFlowSectionDocument,
      { input: { accountId: account['1710'], section: 'INVESTING' } },
      reports,
    );
    expect(errorCode(forbidden)).toBe('FORBIDDEN');
    const set = await server.request(
      SetAccountCashFlowSectionDocument,
      { input: { accountId: account['1710'], section: 'INVESTING' } },
      admin,
    );
    expect(set.data?.setAccountCashFlowSection).toEqual({
      account: { id: account['1710'], code: '1710', cashFlowSection: 'INVESTING' },
      userErrors: [],
    });
    const events = await sql<{ payload: Record<string, unknown>; email: string }>(
      `SELECT e.payload, m.email FROM event e JOIN employee m ON m.id = e.actor_id
        WHERE e.stream_type = 'Account' AND e.type = 'CASH_FLOW_SECTION_SET' AND e.payload->>'code' = '1710'`,
    );
    expect(events).toEqual([
      {
        payload: { code: '1710', section: 'INVESTING', previous: null },
        email: 'admin@example.com',
      },
    ]);
  });

  it('classifyForCashFlow classifies inside the caller transaction, and refuses an expense account', async () => {
    await createAccount('1720', 'ASSET', null);
    const ledger = new LedgerService();
    const em = server.backdesk.database.orm.em.fork();
    const [{ id: actorId }] = await sql<{ id: string }>(
      "SELECT id FROM employee WHERE email = 'accountant@example.com'",
    );
    const [{ id: accountId }] = await sql<{ id: string }>(
      "SELECT id FROM account WHERE code = '1720'",
    );
    // Rolled back with its transaction: nothing stays.
    await expect(
      inTransaction(em, async (tx) => {
        await ledger.classifyForCashFlow(tx, Number(accountId), Section.CASH, Number(actorId));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await sql("SELECT cash_flow_section FROM account WHERE code = '1720'")).toEqual([
      { cash_flow_section: null },
    ]);
    await inTransaction(em, (tx) =>
      ledger.classifyForCashFlow(tx, Number(accountId), Section.CASH, Number(actorId)),
    );
    expect(await sql("SELECT cash_flow_section FROM account WHERE code = '1720'")).toEqual([
      { cash_flow_section: 'CASH' },
    ]);
    const [{ id: expenseId }] = await sql<{ id: string }>(
      "SELECT id FROM account WHERE code = '6100'",
    );
    await expect(
      inTransaction(em, (tx) =>
        ledger.classifyForCashFlow(tx, Number(expenseId), Section.CASH, Number(actorId)),
      ),
    ).rejects.toBeInstanceOf(BusinessRuleError);
  });
});

describe('the cash flow statement', () => {
  it('holds its proof on the demo data', async () => {
    const from = `${TODAY.slice(0, 4)}-01-01`;
    const result = await server.request(CashFlowStatementDocument, { from, to: TODAY }, accountant);
    const s = figures(result.data?.cashFlowStatement);
    expect(s.proofDifference).toBe('0.00');
    // The demo's loan and equipment purchase (seed.ts), and net income as the income statement has it.
    expect(s.rows).toContainEqual(['INVESTING', '1500 Equipment', '1500', '-8400.00']);
    expect(s.rows).toContainEqual(['FINANCING', '2500 Loans payable', '2500', '25000.00']);
    const income = await server.request(IncomeStatementDocument, { from, to: TODAY }, accountant);
    expect(s.rows[0]).toEqual([
      'OPERATING',
      'Net income',
      null,
      income.data?.incomeStatement.netIncome.amount,
    ]);
    expect(s.netIncome).toBe(income.data?.incomeStatement.netIncome.amount);
    // Every line ever posted: the cash accounts' change is their balance.
    const all = figures((await statement('2000-01-01', TODAY)).data?.cashFlowStatement);
    expect(all.proofDifference).toBe('0.00');
    const [cash] = await sql<{ total: string }>(
      "SELECT coalesce(sum(balance_minor), 0)::text AS total FROM account WHERE cash_flow_section = 'CASH'",
    );
    expect(all.closingCash).toBe(formatMinorUnits(BigInt(cash.total)));
  });

  it('states every section to the cent, with the previous period, from entries, payments and bills', async () => {
    await createAccount('1010', 'ASSET', 'CASH');
    await createAccount('1510', 'ASSET', 'INVESTING');
    await createAccount('2510', 'LIABILITY', 'FINANCING');

    // The previous period (2024-10-03 to 2024-12-31, 90 days like 2025-Q1): the owner invests.
    await post('2024-11-15', [
      { code: '1000', debit: '10000.00' },
      { code: '3000', credit: '10000.00' },
    ]);

    // 2025-Q1.
    await post('2025-01-05', [
      { code: '1000', debit: '20000.00' },
      { code: '2510', credit: '20000.00' },
    ]);
    await post('2025-01-10', [
      { code: '1510', debit: '7500.00' },
      { code: '1000', credit: '7500.00' },
    ]);
    await post('2025-01-20', [
      { code: '1100', debit: '3000.00' },
      { code: '4000', credit: '3000.00' },
    ]);
    const [northwind] = await sql<{ id: string }>(
      "SELECT id FROM customer WHERE email = 'orders@northwind.example'",
    );
    const payment = await server.request(
      RecordPaymentDocument,
      {
        input: {
          customerId: toGlobalId('Customer', Number(northwind.id)),
          amount: '400.00',
          date: '2025-02-01',
        },
      },
      accountant,
    );
    expect(payment.data?.recordPayment.userErrors).toEqual([]);
    const vendor = await server.request(
      CreateVendorDocument,
      { input: { name: `Cash flow vendor ${uniqueSuffix()}` } },
      accountant,
    );
    const bill = await server.request(
      RecordBillDocument,
      {
        input: {
          vendorId: vendor.data?.createVendor.vendor?.id ?? '',
          expenseAccountId: account['6100'],
          amount: '900.00',
          billDate: '2025-02-10',
          dueDate: '2025-03-10',
        },
      },
      accountant,
    );
    expect(bill.data?.recordBill.userErrors).toEqual([]);
    const paid = await server.request(
      PayBillDocument,
      {
        input: {
          billId: bill.data?.recordBill.bill?.id ?? '',
          amount: '600.00',
          date: '2025-03-01',
        },
      },
      accountant,
    );
    expect(paid.data?.payBill.userErrors).toEqual([]);
    await post('2025-03-05', [
      { code: '1200', debit: '1250.50' },
      { code: '1000', credit: '1250.50' },
    ]);
    await post('2025-03-10', [
      { code: '1010', debit: '200.00' },
      { code: '1000', credit: '200.00' },
    ]);
    await post('2025-03-31', [
      { code: '6100', debit: '123.45' },
      { code: '1000', credit: '123.45' },
    ]);

    const result = await server.request(
      CashFlowStatementWithPreviousDocument,
      { from: '2025-01-01', to: '2025-03-31' },
      reports,
    );
    expect(result.errors).toBeUndefined();
    const current = result.data?.cashFlowStatement;
    expect(figures(current)).toEqual({
      from: '2025-01-01',
      to: '2025-03-31',
      netIncome: '1976.55', // 3,000.00 sales − 900.00 bill − 123.45 expense
      operating: '-1573.95',
      investing: '-7500.00',
      financing: '20000.00',
      netChange: '10926.05',
      openingCash: '10000.00',
      closingCash: '20926.05',
      proofDifference: '0.00',
      rows: [
        ['OPERATING', 'Net income', null, '1976.55'],
        ['OPERATING', '1100 Accounts Receivable', '1100', '-2600.00'], // +3,000.00 sold, −400.00 paid
        ['OPERATING', '1200 Inventory', '1200', '-1250.50'],
        ['OPERATING', '2000 Accounts Payable', '2000', '300.00'], // +900.00 billed, −600.00 paid
        ['INVESTING', '1510 Test 1510', '1510', '-7500.00'],
        ['FINANCING', '2510 Test 2510', '2510', '20000.00'],
      ],
    });
    expect(current?.netIncome.currency).toBe(current?.rows[0].amount.currency);
    const cash = Object.fromEntries(
      (current?.cashAccounts ?? [])
        .filter((c) => ['1000', '1010'].includes(c.account.code))
        .map((c) => [c.account.code, [c.opening.amount, c.closing.amount]]),
    );
    expect(cash).toEqual({ '1000': ['10000.00', '20726.05'], '1010': ['0.00', '200.00'] });

    expect(figures(current?.previous)).toEqual({
      from: '2024-10-03',
      to: '2024-12-31',
      netIncome: '0.00',
      operating: '0.00',
      investing: '0.00',
      financing: '10000.00',
      netChange: '10000.00',
      openingCash: '0.00',
      closingCash: '10000.00',
      proofDifference: '0.00',
      rows: [
        ['OPERATING', 'Net income', null, '0.00'],
        ['FINANCING', "3000 Owner's Equity", '3000', '10000.00'],
      ],
    });
  });

  it('is an error naming each unclassified balance-sheet account that moved, and ignores those that did not', async () => {
    await createAccount('1610', 'ASSET', null);
    await createAccount('2610', 'LIABILITY', null);
    // Without movement they are ignored.
    const before = await statement('2024-06-01', '2024-06-30');
    expect(before.errors).toBeUndefined();
    expect(before.data?.cashFlowStatement.proofDifference.amount).toBe('0.00');

    await post('2024-06-15', [
      { code: '1610', debit: '500.00' },
      { code: '1000', credit: '500.00' },
    ]);
    await post('2024-06-20', [
      { code: '6100', debit: '50.00' },
      { code: '2610', credit: '50.00' },
    ]);
    const refused = await statement('2024-06-01', '2024-06-30');
    expect(refused.data).toBeNull();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'UNCLASSIFIED_ACCOUNT',
      accounts: ['1610', '2610'],
    });
    expect(refused.errors?.[0].message).toMatch(/1610.*2610/);
    // Other periods are unaffected: the accounts did not move in them.
    const elsewhere = await statement('2025-01-01', '2025-03-31');
    expect(elsewhere.errors).toBeUndefined();
    // A previous period that cannot be stated leaves the current one readable.
    const withPrevious = await server.request(
      CashFlowStatementWithPreviousDocument,
      { from: '2024-07-01', to: '2024-07-30' },
      accountant,
    );
    expect(withPrevious.data?.cashFlowStatement.from).toBe('2024-07-01');
    expect(withPrevious.data?.cashFlowStatement.previous).toBeNull();
    expect(withPrevious.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['cashFlowStatement', 'previous'], 'UNCLASSIFIED_ACCOUNT'],
    ]);

    // The accounts to classify, listed.
    const toClassify = await server.request(
      CashFlowAccountsDocument,
      { first: 100, filter: { unclassified: true } },
      accountant,
    );
    expect(toClassify.data?.accounts.nodes.map((n) => n.code)).toEqual(['1610', '2610']);
    const investing = await server.request(
      CashFlowAccountsDocument,
      { first: 100, filter: { cashFlowSection: 'INVESTING' } },
      accountant,
    );
    expect(investing.data?.accounts.nodes.map((n) => n.code)).toEqual(['1500', '1510', '1710']);
    const classifiedOrNot = await server.request(
      CashFlowAccountsDocument,
      { first: 100, filter: { unclassified: false, type: 'ASSET' } },
      accountant,
    );
    expect(classifiedOrNot.data?.accounts.nodes.map((n) => n.code)).not.toContain('1610');
    expect(classifiedOrNot.data?.accounts.nodes.map((n) => n.code)).toContain('1000');

    for (const code of ['1610', '2610']) {
      const set = await server.request(
        SetAccountCashFlowSectionDocument,
        { input: { accountId: account[code], section: 'OPERATING' } },
        accountant,
      );
      expect(set.data?.setAccountCashFlowSection.userErrors).toEqual([]);
    }
    const classified = await statement('2024-06-01', '2024-06-30');
    expect(figures(classified.data?.cashFlowStatement)).toMatchObject({
      netIncome: '-50.00',
      operating: '-500.00',
      netChange: '-500.00',
      openingCash: '0.00',
      closingCash: '-500.00',
      proofDifference: '0.00',
      rows: [
        ['OPERATING', 'Net income', null, '-50.00'],
        ['OPERATING', '1610 Test 1610', '1610', '-500.00'],
        ['OPERATING', '2610 Test 2610', '2610', '50.00'],
      ],
    });
  });

  it('refuses a period the wrong way round or a date that is not one, with BAD_USER_INPUT', async () => {
    const backwards = await statement('2025-03-31', '2025-01-01');
    expect(errorCode(backwards)).toBe('BAD_USER_INPUT');
    expect(backwards.data).toBeNull();
    const notADate = await statement('2025-02-30', '2025-03-31');
    expect(errorCode(notADate)).toBe('BAD_USER_INPUT');
    const oneDay = await statement('2025-01-05', '2025-01-05');
    expect(oneDay.data?.cashFlowStatement.financing.amount).toBe('20000.00');
  });

  it('REPORTING and ACCOUNTANT read it; SUPPORT_AGENT may not', async () => {
    const forbidden = await server.request(
      CashFlowProofDocument,
      { from: '2025-01-01', to: '2025-03-31' },
      agent,
    );
    expect(errorCode(forbidden)).toBe('FORBIDDEN');
    expect(forbidden.data).toBeNull();
    for (const token of [reports, accountant, admin]) {
      const read = await server.request(
        CashFlowProofDocument,
        { from: '2025-01-01', to: '2025-03-31' },
        token,
      );
      expect(read.data?.cashFlowStatement.proofDifference.amount).toBe('0.00');
      expect(read.data?.cashFlowStatement.netChange.amount).toBe('10926.05');
    }
  });
});
