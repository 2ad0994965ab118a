import {
  AccountsDocument,
  AutoReconcileBankStatementDocument,
  BankAccountsDocument,
  BankStatementLinesDocument,
  BankStatementsDocument,
  CreateAccountDocument,
  CreateBankAccountDocument,
  CreateBankRuleDocument,
  CreateCsvMappingDocument,
  CreateVendorDocument,
  ImportBankStatementDocument,
  OrderInvoiceDocument,
  PackOrderDocument,
  PlaceOrderDocument,
  PostJournalEntryDocument,
  ReconcileBankLineDocument,
  RecordBillDocument,
  ShipOrderDocument,
  StartPickingDocument,
  TrialBalanceDocument,
  UnreconcileBankLineDocument,
  type BankMatchInput,
  type CreateBankAccountInput,
  type BankStatementLinesQuery,
  type BankStatementLineFilter,
} from './generated/graphql';
import { createCustomer, createProduct, errorCode, uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let admin: string;
let accountant: string;
let warehouse: string;
let reports: string;
let agent: string;
const account: Record<string, string> = {};
const TODAY = new Date().toISOString().slice(0, 10);

async function sql<T = Record<string, unknown>>(
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  return server.backdesk.database.orm.em.fork().getConnection().execute<T[]>(query, params);
}

beforeAll(async () => {
  server = await startTestServer({ RUN_WORKERS: 'false' });
  admin = await server.login('admin@example.com');
  accountant = await server.login('accountant@example.com');
  warehouse = await server.login('warehouse@example.com');
  reports = await server.login('reports@example.com');
  agent = await server.login('agent@example.com');
  await refreshAccounts();
});

afterAll(async () => {
  await server?.close();
});

async function refreshAccounts() {
  const accounts = await server.request(AccountsDocument, { first: 100 }, accountant);
  for (const node of accounts.data?.accounts.nodes ?? []) account[node.code] = node.id;
}

/** A new asset account and a bank account on it. */
async function bankAccount(input: { currency?: string; iban?: string; accountNumber?: string }) {
  const code = `1${String(Math.floor(Math.random() * 90000) + 10000)}`;
  const created = await server.request(
    CreateAccountDocument,
    { input: { code, name: `Bank ${code}`, type: 'ASSET' } },
    accountant,
  );
  const ledgerAccountId = created.data?.createAccount.account?.id as string;
  const made = await server.request(
    CreateBankAccountDocument,
    {
      input: {
        name: `Operating ${uniqueSuffix()}`,
        ledgerAccountId,
        currency: input.currency ?? 'USD',
        iban: input.iban,
        accountNumber: input.accountNumber,
      },
    },
    accountant,
  );
  expect(made.errors).toBeUndefined();
  expect(made.data?.createBankAccount.userErrors).toEqual([]);
  return { id: made.data?.createBankAccount.bankAccount?.id as string, ledgerAccountId, code };
}

/** Ships an order for `amount` (one unit at that price) and answers its invoice. */
async function invoiceFor(customerId: string, amount: string) {
  const productId = await createProduct(server, warehouse, {
    price: amount,
    cost: '1.00',
    stock: 5,
  });
  const placed = await server.request(
    PlaceOrderDocument,
    { input: { customerId, lines: [{ productId, quantity: 1 }] } },
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
  const invoice = (await server.request(OrderInvoiceDocument, { id: orderId }, accountant)).data
    ?.order?.invoice;
  if (!invoice) throw new Error('no invoice');
  const reference = await server.raw(
    'query($id: ID!) { node(id: $id) { ... on Invoice { paymentReference } } }',
    { id: invoice.id },
    accountant,
  );
  return {
    ...invoice,
    paymentReference: (reference.data?.node as { paymentReference: string }).paymentReference,
  };
}

interface CamtEntry {
  amount: string;
  credit: boolean;
  ref: string;
  name?: string;
  iban?: string;
  ustrd?: string;
  scor?: string;
  date?: string;
}

/** A camt.053.001.02 statement, written by the schema's element order. */
function camt053(statement: {
  id: string;
  iban: string;
  currency: string;
  opening: string;
  closing: string;
  entries: CamtEntry[];
}): string {
  const balance = (code: string, amount: string) => {
    const negative = amount.startsWith('-');
    return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="${statement.currency}">${negative ? amount.slice(1) : amount}</Amt><CdtDbtInd>${negative ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${TODAY}</Dt></Dt></Bal>`;
  };
  const entries = statement.entries.map((entry) => {
    const party = entry.credit ? 'Dbtr' : 'Cdtr';
    const remittance = entry.scor
      ? `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${entry.scor}</Ref></CdtrRefInf></Strd></RmtInf>`
      : entry.ustrd
        ? `<RmtInf><Ustrd>${entry.ustrd}</Ustrd></RmtInf>`
        : '';
    return `<Ntry><Amt Ccy="${statement.currency}">${entry.amount}</Amt><CdtDbtInd>${entry.credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${entry.date ?? TODAY}</Dt></BookgDt><ValDt><Dt>${entry.date ?? TODAY}</Dt></ValDt><AcctSvcrRef>${entry.ref}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${entry.credit ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>${entry.name ? `<RltdPties><${party}><Nm>${entry.name}</Nm></${party}>${entry.iban ? `<${party}Acct><Id><IBAN>${entry.iban}</IBAN></Id></${party}Acct>` : ''}</RltdPties>` : ''}${remittance}</TxDtls></NtryDtls></Ntry>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>${statement.id}-MSG</MsgId><CreDtTm>${TODAY}T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${statement.id}</Id>
      <CreDtTm>${TODAY}T18:00:00</CreDtTm>
      <Acct><Id><IBAN>${statement.iban}</IBAN></Id><Ccy>${statement.currency}</Ccy></Acct>
      ${balance('OPBD', statement.opening)}
      ${balance('CLBD', statement.closing)}
      ${entries.join('\n      ')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

async function linesOf(filter: BankStatementLineFilter, token = accountant) {
  const result = await server.request(BankStatementLinesDocument, { first: 100, filter }, token);
  expect(result.errors).toBeUndefined();
  return result.data?.bankStatementLines.nodes ?? [];
}

interface DirectView {
  receipts: { amount: string };
  payments: { amount: string };
  netChange: { amount: string };
  rows: {
    category: string;
    source: string | null;
    amount: { amount: string };
    account: { code: string } | null;
  }[];
}

type Line = BankStatementLinesQuery['bankStatementLines']['nodes'][number];

async function reconcile(lineId: string, matches: BankMatchInput[]) {
  const result = await server.request(
    ReconcileBankLineDocument,
    { input: { lineId, matches } },
    accountant,
  );
  expect(result.errors).toBeUndefined();
  return result.data?.reconcileBankLine;
}

async function trialBalanced(): Promise<boolean> {
  const trial = await server.request(TrialBalanceDocument, {}, accountant);
  return trial.data?.trialBalance.balanced ?? false;
}

describe('bank accounts', () => {
  it('validates the IBAN, the currency and the ledger account, and classifies nothing twice', async () => {
    const refusal = async (input: Partial<CreateBankAccountInput>) =>
      (
        await server.request(
          CreateBankAccountDocument,
          {
            input: { name: 'Refused', ledgerAccountId: account['1000'], currency: 'USD', ...input },
          },
          accountant,
        )
      ).data?.createBankAccount.userErrors[0];
    expect(await refusal({ iban: 'DE89370400440532013001' })).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'iban'],
    });
    expect(
      await refusal({ ledgerAccountId: account['4000'], accountNumber: '12345678' }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'ledgerAccountId'] });
    expect((await refusal({ currency: 'us$', accountNumber: '12345678' }))?.field).toEqual([
      'input',
      'currency',
    ]);
    // 1000 Cash is the demo's operating account already.
    expect(await refusal({ accountNumber: '12345678' })).toMatchObject({
      code: 'NAME_TAKEN',
      field: ['input', 'ledgerAccountId'],
    });
    const made = await bankAccount({ iban: 'DE02 1203 0000 0000 2020 51' });
    const listed = await server.request(BankAccountsDocument, {}, reports);
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.bankAccounts.find((a) => a.id === made.id)).toMatchObject({
      iban: 'DE02120300000000202051',
      statementBalance: null,
      openLineCount: 0,
    });
    const agentRead = await server.request(BankAccountsDocument, {}, agent);
    expect(errorCode(agentRead)).toBe('FORBIDDEN');
  });
});

describe('a month reconciled end to end', () => {
  const iban = 'GB33BUKB20201555555555';
  let bank: { id: string; ledgerAccountId: string; code: string };
  let lines: Line[];
  let statementId: string;
  let invoices: Awaited<ReturnType<typeof invoiceFor>>[];
  let bill: { id: string; number: string };
  let content: string;

  beforeAll(async () => {
    bank = await bankAccount({ iban });
    await refreshAccounts();
    // The money already in the bank when the books start using it.
    const opening = await server.request(
      PostJournalEntryDocument,
      {
        input: {
          date: TODAY,
          memo: 'Opening bank balance',
          lines: [
            { accountId: bank.ledgerAccountId, debit: '1000.00' },
            { accountId: account['3000'], credit: '1000.00' },
          ],
        },
      },
      accountant,
    );
    expect(opening.data?.postJournalEntry.userErrors).toEqual([]);
    const alpha = await createCustomer(server, admin, 'Alpha Trading');
    const beta = await createCustomer(server, admin, 'Beta Supplies');
    const gamma = await createCustomer(server, admin, 'Gamma Works');
    invoices = [
      await invoiceFor(alpha, '250.00'),
      await invoiceFor(beta, '400.00'),
      await invoiceFor(gamma, '120.00'),
      await invoiceFor(gamma, '80.00'),
    ];
    const vendor = await server.request(
      CreateVendorDocument,
      { input: { name: `Paper Co ${uniqueSuffix()}` } },
      accountant,
    );
    const recorded = await server.request(
      RecordBillDocument,
      {
        input: {
          vendorId: vendor.data?.createVendor.vendor?.id as string,
          expenseAccountId: account['6100'],
          amount: '300.00',
          billDate: TODAY,
        },
      },
      accountant,
    );
    bill = recorded.data?.recordBill.bill as { id: string; number: string };
    const rule = await server.request(
      CreateBankRuleDocument,
      {
        input: {
          name: `Bank fees ${uniqueSuffix()}`,
          direction: 'DEBIT',
          textContains: 'service fee',
          maxAmount: '50.00',
          accountId: account['6100'],
          memo: 'Bank charges',
        },
      },
      accountant,
    );
    expect(rule.data?.createBankRule.userErrors).toEqual([]);
    const [a, b, c, d] = invoices;
    content = camt053({
      id: `STMT-${uniqueSuffix()}`,
      iban,
      currency: 'USD',
      opening: '1000.00',
      // 1000 + 250 + 150 + 200 + 250 − 300 − 12.50
      closing: '1537.50',
      entries: [
        {
          amount: '250.00',
          credit: true,
          ref: 'E1',
          name: 'ALPHA TRADING',
          iban: 'DE02120300000000202051',
          scor: a.paymentReference,
        },
        {
          amount: '150.00',
          credit: true,
          ref: 'E2',
          name: 'Beta Supplies Ltd',
          ustrd: `Part payment ${b.number}`,
        },
        {
          amount: '200.00',
          credit: true,
          ref: 'E3',
          name: 'Gamma Works',
          ustrd: `${c.number} and ${d.number}`,
        },
        {
          amount: '250.00',
          credit: true,
          ref: 'E4',
          name: 'Beta Supplies Ltd',
          ustrd: `Rest of ${b.number}`,
        },
        {
          amount: '300.00',
          credit: false,
          ref: 'E5',
          name: 'Paper Co',
          ustrd: `Bill ${bill.number}`,
        },
        { amount: '12.50', credit: false, ref: 'E6', ustrd: 'Monthly service fee' },
      ],
    });
    const imported = await server.request(
      ImportBankStatementDocument,
      { input: { bankAccountId: bank.id, format: 'CAMT053', content } },
      accountant,
    );
    expect(imported.data?.importBankStatement.userErrors).toEqual([]);
    expect(imported.data?.importBankStatement.statement).toMatchObject({
      openingBalance: { amount: '1000.00', currency: 'USD' },
      closingBalance: { amount: '1537.50' },
      lineCount: 6,
      reconciled: false,
      difference: { amount: '537.50' },
    });
    statementId = imported.data?.importBankStatement.statement?.id as string;
    lines = await linesOf({ statementId });
  });

  it('reads each line signed, with its counterparty and remittance', () => {
    expect(lines.map((line) => line.amount.amount)).toEqual([
      '250.00',
      '150.00',
      '200.00',
      '250.00',
      '-300.00',
      '-12.50',
    ]);
    expect(lines.map((line) => line.direction)).toEqual([
      'CREDIT',
      'CREDIT',
      'CREDIT',
      'CREDIT',
      'DEBIT',
      'DEBIT',
    ]);
    expect(lines[0]).toMatchObject({
      counterparty: 'ALPHA TRADING',
      counterpartyAccount: 'DE02120300000000202051',
      status: 'UNMATCHED',
    });
    expect(lines[1].remittance).toBe(`Part payment ${invoices[1].number}`);
  });

  it('ranks suggestions: our reference, a number in the text, the rule', () => {
    const [first, second, third, , fifth, sixth] = lines;
    expect(first.suggestions[0]).toMatchObject({
      score: 100,
      invoice: { number: invoices[0].number },
      amount: { amount: '250.00' },
    });
    expect(second.suggestions[0]).toMatchObject({
      score: 90,
      invoice: { number: invoices[1].number },
      amount: { amount: '150.00' },
    });
    expect(
      third.suggestions
        .slice(0, 2)
        .map((s) => s.invoice?.number)
        .sort(),
    ).toEqual([invoices[2].number, invoices[3].number].sort());
    expect(fifth.suggestions[0]).toMatchObject({ score: 90, bill: { number: bill.number } });
    expect(sixth.suggestions[0]).toMatchObject({
      score: 50,
      rule: { name: expect.stringMatching(/^Bank fees/) },
    });
  });

  it('refuses matches beyond the line, and an invoice paid by money out, writing nothing', async () => {
    const before = await sql<{ count: string }>('SELECT count(*) FROM journal_entry');
    const over = await reconcile(lines[1].id, [{ invoiceId: invoices[1].id, amount: '150.01' }]);
    expect(over?.userErrors[0]?.code).toBe('MATCH_EXCEEDS_LINE');
    const wrongWay = await reconcile(lines[4].id, [{ invoiceId: invoices[1].id, amount: '10.00' }]);
    expect(wrongWay?.userErrors[0]?.code).toBe('INVALID_INPUT');
    const two = await reconcile(lines[0].id, [
      { invoiceId: invoices[0].id, billId: bill.id, amount: '1.00' },
    ]);
    expect(two?.userErrors[0]?.code).toBe('INVALID_INPUT');
    expect(await sql('SELECT count(*) FROM journal_entry')).toEqual(before);
  });

  it('matches receipts to invoices with partials (N:M), pays the bill, books the fee by the rule, and closes at zero', async () => {
    const [a, b, c, d] = invoices;
    const first = await reconcile(lines[0].id, [{ invoiceId: a.id, amount: '250.00' }]);
    expect(first?.userErrors).toEqual([]);
    expect(first?.line?.status).toBe('MATCHED');
    const partial = await reconcile(lines[1].id, [{ invoiceId: b.id, amount: '150.00' }]);
    expect(partial?.line?.status).toBe('MATCHED');
    // One line, two invoices, in two steps: the line is PARTIAL in between.
    const half = await reconcile(lines[2].id, [{ invoiceId: c.id, amount: '120.00' }]);
    expect(half?.line).toMatchObject({ status: 'PARTIAL', openAmount: { amount: '80.00' } });
    expect(
      (await reconcile(lines[2].id, [{ invoiceId: d.id, amount: '80.00' }]))?.line?.status,
    ).toBe('MATCHED');
    // The rest of invoice b: its second line.
    expect(
      (await reconcile(lines[3].id, [{ invoiceId: b.id, amount: '250.00' }]))?.line?.status,
    ).toBe('MATCHED');
    expect(
      (await reconcile(lines[4].id, [{ billId: bill.id, amount: '300.00' }]))?.line?.status,
    ).toBe('MATCHED');
    const ruleId = lines[5].suggestions[0].rule?.id as string;
    const fee = await reconcile(lines[5].id, [{ ruleId, amount: '12.50' }]);
    expect(fee?.line?.statement).toMatchObject({
      reconciled: true,
      difference: { amount: '0.00' },
      clearedBalance: { amount: '1537.50' },
    });

    const paid = await sql<{ number: string; status: string; amount_paid_minor: string }>(
      "SELECT number, status, amount_paid_minor FROM invoice WHERE number = ANY(string_to_array(?, ',')) ORDER BY number",
      [invoices.map((i) => i.number).join(',')],
    );
    expect(paid.map((row) => row.status)).toEqual(['PAID', 'PAID', 'PAID', 'PAID']);
    const [billRow] = await sql<{ status: string }>('SELECT status FROM bill WHERE number = ?', [
      bill.number,
    ]);
    expect(billRow.status).toBe('PAID');
    // The bank's ledger account agrees with the bank, and the books still balance.
    const accounts = await server.request(BankAccountsDocument, {}, accountant);
    expect(accounts.data?.bankAccounts.find((x) => x.id === bank.id)).toMatchObject({
      ledgerBalance: { amount: '1537.50' },
      statementBalance: { amount: '1537.50', currency: 'USD' },
      openLineCount: 0,
    });
    expect(await trialBalanced()).toBe(true);
    // The fee was booked to 6100 through the rule's entry.
    const [booked] = await sql<{ debit_minor: string }>(
      `SELECT l.debit_minor FROM bank_match m JOIN journal_line l ON l.entry_id = m.journal_entry_id
        WHERE m.line_id = ? AND l.account_id = (SELECT id FROM account WHERE code = '6100')`,
      [await lineKey(lines[5].id)],
    );
    expect(booked.debit_minor).toBe('1250');

    // The direct view of the cash flow reads what the lines were matched to.
    const flow = await server.raw(
      `query($day: Date!) { cashFlowStatement(from: $day, to: $day) { direct {
         receipts { amount } payments { amount } netChange { amount }
         rows { category source amount { amount } account { code } } } } }`,
      { day: TODAY },
      reports,
    );
    expect(flow.errors).toBeUndefined();
    const direct = (flow.data?.cashFlowStatement as { direct: DirectView }).direct;
    const rowOf = (category: string) => direct.rows.find((row) => row.category === category);
    expect(rowOf('CUSTOMER_RECEIPTS')?.amount.amount).toBe('850.00');
    expect(rowOf('VENDOR_PAYMENTS')?.amount.amount).toBe('-300.00');
    const cents = (amount: string) => BigInt(amount.replace('.', ''));
    expect(cents(direct.netChange.amount)).toBe(
      cents(direct.receipts.amount) + cents(direct.payments.amount),
    );
  });

  it('imports the same file again and adds nothing', async () => {
    const again = await server.request(
      ImportBankStatementDocument,
      { input: { bankAccountId: bank.id, format: 'CAMT053', content } },
      accountant,
    );
    expect(again.data?.importBankStatement).toMatchObject({
      statement: null,
      statements: [],
      skippedDuplicates: 6,
      userErrors: [],
    });
    expect(again.data?.importBankStatement.warnings?.join(' ')).toMatch(/imported before/);
    expect(await linesOf({ bankAccountId: bank.id })).toHaveLength(6);
  });

  it('undoes a match with who, when and why, reversing the receipt', async () => {
    const undone = await server.request(
      UnreconcileBankLineDocument,
      { input: { lineId: lines[0].id, reason: 'Wrong customer' } },
      accountant,
    );
    expect(undone.data?.unreconcileBankLine.userErrors).toEqual([]);
    expect(undone.data?.unreconcileBankLine.line).toMatchObject({
      status: 'UNMATCHED',
      statement: { reconciled: false, difference: { amount: '250.00' } },
    });
    const [line] = (await linesOf({ statementId })).filter((l) => l.id === lines[0].id);
    expect(line.matches[0]).toMatchObject({
      kind: 'INVOICE',
      undoneBy: { email: 'accountant@example.com' },
      undoReason: 'Wrong customer',
      undoEntry: { source: 'REVERSAL' },
    });
    expect(line.matches[0].undoneAt).toEqual(expect.any(String));
    const [invoice] = await sql<{ status: string }>('SELECT status FROM invoice WHERE number = ?', [
      invoices[0].number,
    ]);
    expect(invoice.status).toBe('OPEN');
    expect(await trialBalanced()).toBe(true);
    const twice = await server.request(
      UnreconcileBankLineDocument,
      { input: { lineId: lines[0].id } },
      accountant,
    );
    expect(twice.data?.unreconcileBankLine.userErrors[0]?.code).toBe('NOT_RECONCILED');
    // And matched again: the statement is reconciled once more.
    const again = await reconcile(lines[0].id, [{ invoiceId: invoices[0].id, amount: '250.00' }]);
    expect(again?.line?.statement?.reconciled).toBe(true);
  });

  it('refuses a statement that does not continue the last one, naming the difference', async () => {
    const gap = camt053({
      id: `STMT-${uniqueSuffix()}`,
      iban,
      currency: 'USD',
      opening: '1500.00',
      closing: '1510.00',
      entries: [{ amount: '10.00', credit: true, ref: 'G1' }],
    });
    const refused = await server.request(
      ImportBankStatementDocument,
      { input: { bankAccountId: bank.id, format: 'CAMT053', content: gap } },
      accountant,
    );
    expect(refused.data?.importBankStatement.userErrors[0]).toMatchObject({
      code: 'STATEMENT_GAP',
    });
    expect(refused.data?.importBankStatement.userErrors[0]?.message).toMatch(
      /1500\.00.*1537\.50.*-37\.50/,
    );
    const otherAccount = camt053({
      id: 'X',
      iban: 'DE89370400440532013000',
      currency: 'USD',
      opening: '1537.50',
      closing: '1537.50',
      entries: [],
    });
    const mismatch = await server.request(
      ImportBankStatementDocument,
      { input: { bankAccountId: bank.id, format: 'CAMT053', content: otherAccount } },
      accountant,
    );
    expect(mismatch.data?.importBankStatement.userErrors[0]?.code).toBe('ACCOUNT_MISMATCH');
  });

  it('refuses a malformed file naming the line, and writes nothing', async () => {
    const before = await sql<{ files: string; lines: string }>(
      'SELECT (SELECT count(*) FROM bank_statement_file) AS files, (SELECT count(*) FROM bank_statement_line) AS lines',
    );
    const broken = content.replace('</Amt>', '</Amount>');
    const refused = await server.request(
      ImportBankStatementDocument,
      { input: { bankAccountId: bank.id, format: 'CAMT053', content: broken } },
      accountant,
    );
    expect(refused.data?.importBankStatement.userErrors[0]?.code).toBe('MALFORMED_STATEMENT');
    expect(refused.data?.importBankStatement.userErrors[0]?.message).toMatch(/line \d+/);
    expect(
      await sql(
        'SELECT (SELECT count(*) FROM bank_statement_file) AS files, (SELECT count(*) FROM bank_statement_line) AS lines',
      ),
    ).toEqual(before);
  });
});

/** A line's row id, found by its bank reference (the newest line with it). */
async function lineKey(globalId: string): Promise<number> {
  const result = await server.raw(
    'query($id: ID!) { node(id: $id) { ... on BankStatementLine { bankReference } } }',
    { id: globalId },
    accountant,
  );
  const reference = (result.data?.node as { bankReference: string }).bankReference;
  const [row] = await sql<{ id: string }>(
    'SELECT id FROM bank_statement_line WHERE bank_reference = ? ORDER BY id DESC LIMIT 1',
    [reference],
  );
  return Number(row.id);
}

describe('entries already in the books, and each ledger line cleared once', () => {
  it('clears a booked entry from its suggestion; a second line cannot clear it again, even at once', async () => {
    const iban = 'NL91ABNA0417164300';
    const bank = await bankAccount({ iban });
    const booked = await server.request(
      PostJournalEntryDocument,
      {
        input: {
          date: TODAY,
          memo: 'Cash sale banked',
          lines: [
            { accountId: bank.ledgerAccountId, debit: '75.00' },
            { accountId: account['4000'], credit: '75.00' },
          ],
        },
      },
      accountant,
    );
    const entryId = booked.data?.postJournalEntry.journalEntry?.id as string;
    const imported = await server.request(
      ImportBankStatementDocument,
      {
        input: {
          bankAccountId: bank.id,
          format: 'CAMT053',
          content: camt053({
            id: `S-${uniqueSuffix()}`,
            iban,
            currency: 'USD',
            opening: '0.00',
            closing: '150.00',
            entries: [
              { amount: '75.00', credit: true, ref: 'C1', ustrd: 'Deposit' },
              { amount: '75.00', credit: true, ref: 'C2', ustrd: 'Deposit' },
            ],
          }),
        },
      },
      accountant,
    );
    const statementId = imported.data?.importBankStatement.statement?.id as string;
    const [one, two] = await linesOf({ statementId });
    expect(one.suggestions[0]).toMatchObject({ score: 70, journalEntry: { id: entryId } });
    const results = await Promise.all([
      reconcile(one.id, [{ journalEntryId: entryId, amount: '75.00' }]),
      reconcile(two.id, [{ journalEntryId: entryId, amount: '75.00' }]),
    ]);
    const codes = results.map((r) => r?.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['ALREADY_CLEARED', 'OK']);
    const [clearing] = await sql<{ cleared_minor: string; line_minor: string }>(
      `SELECT c.cleared_minor, c.line_minor FROM journal_line_clearing c JOIN journal_line l ON l.id = c.journal_line_id
        JOIN journal_entry e ON e.id = l.entry_id WHERE e.memo = 'Cash sale banked'`,
    );
    expect(clearing).toEqual({ cleared_minor: '7500', line_minor: '7500' });
  });

  it('two matches racing for one line: the parts never exceed it', async () => {
    const iban = 'FR1420041010050500013M02606';
    const bank = await bankAccount({ iban });
    const customer = await createCustomer(server, admin, 'Race Corp');
    const first = await invoiceFor(customer, '60.00');
    const second = await invoiceFor(customer, '60.00');
    const imported = await server.request(
      ImportBankStatementDocument,
      {
        input: {
          bankAccountId: bank.id,
          format: 'CAMT053',
          content: camt053({
            id: `S-${uniqueSuffix()}`,
            iban,
            currency: 'USD',
            opening: '0.00',
            closing: '100.00',
            entries: [{ amount: '100.00', credit: true, ref: 'R1' }],
          }),
        },
      },
      accountant,
    );
    const [line] = await linesOf({
      statementId: imported.data?.importBankStatement.statement?.id as string,
    });
    const results = await Promise.all([
      reconcile(line.id, [{ invoiceId: first.id, amount: '60.00' }]),
      reconcile(line.id, [{ invoiceId: second.id, amount: '60.00' }]),
    ]);
    expect(results.map((r) => r?.userErrors[0]?.code ?? 'OK').sort()).toEqual([
      'MATCH_EXCEEDS_LINE',
      'OK',
    ]);
    const [row] = await sql<{ matched_minor: string; status: string }>(
      'SELECT matched_minor, status FROM bank_statement_line WHERE bank_account_id = (SELECT id FROM bank_account WHERE iban = ?)',
      [iban],
    );
    expect(row).toEqual({ matched_minor: '6000', status: 'PARTIAL' });
    expect(await trialBalanced()).toBe(true);
  });
});

describe('automatic matching, other formats and currencies', () => {
  it('auto-reconciles the lines whose best suggestion is sure and unique', async () => {
    const iban = 'BE68539007547034';
    const bank = await bankAccount({ iban });
    const customer = await createCustomer(server, admin, 'Auto Corp');
    const invoice = await invoiceFor(customer, '45.00');
    const imported = await server.request(
      ImportBankStatementDocument,
      {
        input: {
          bankAccountId: bank.id,
          format: 'CAMT053',
          content: camt053({
            id: `S-${uniqueSuffix()}`,
            iban,
            currency: 'USD',
            opening: '0.00',
            closing: '78.00',
            entries: [
              { amount: '45.00', credit: true, ref: 'A1', scor: invoice.paymentReference },
              { amount: '33.00', credit: true, ref: 'A2', ustrd: 'Unknown transfer' },
            ],
          }),
        },
      },
      accountant,
    );
    const statementId = imported.data?.importBankStatement.statement?.id as string;
    const auto = await server.request(
      AutoReconcileBankStatementDocument,
      { input: { statementId } },
      accountant,
    );
    expect(auto.data?.autoReconcileBankStatement).toMatchObject({
      matched: 1,
      skipped: 1,
      userErrors: [],
    });
    const statuses = (await linesOf({ statementId })).map((line) => line.status);
    expect(statuses).toEqual(['MATCHED', 'UNMATCHED']);
    const unmatched = await linesOf({ bankAccountId: bank.id, status: ['UNMATCHED', 'PARTIAL'] });
    expect(unmatched.map((l) => l.remittance)).toEqual(['Unknown transfer']);
  });

  it('imports OFX, skips what an overlapping download repeats, and continues the balance', async () => {
    const bank = await bankAccount({ accountNumber: '098-121' });
    const ofx = (
      transactions: { id: string; amount: string; date: string; name: string }[],
      ledger: string,
    ) =>
      `OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261201120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000358<ACCTID>098-121<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20261101<DTEND>20261130
${transactions
  .map(
    (t) =>
      `<STMTTRN><TRNTYPE>${t.amount.startsWith('-') ? 'DEBIT' : 'CREDIT'}<DTPOSTED>${t.date}<TRNAMT>${t.amount}<FITID>${t.id}<NAME>${t.name}</STMTTRN>`,
  )
  .join('\n')}
</BANKTRANLIST>
<LEDGERBAL><BALAMT>${ledger}<DTASOF>20261130</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
`;
    const first = await server.request(
      ImportBankStatementDocument,
      {
        input: {
          bankAccountId: bank.id,
          format: 'OFX',
          content: ofx(
            [
              { id: 'F1', amount: '200.00', date: '20261103', name: 'Deposit' },
              { id: 'F2', amount: '-25.00', date: '20261105', name: 'Coffee Shop' },
            ],
            '675.00',
          ),
        },
      },
      accountant,
    );
    expect(first.data?.importBankStatement.userErrors).toEqual([]);
    expect(first.data?.importBankStatement.statement).toMatchObject({
      openingBalance: { amount: '500.00' },
      closingBalance: { amount: '675.00' },
      lineCount: 2,
    });
    const overlapping = await server.request(
      ImportBankStatementDocument,
      {
        input: {
          bankAccountId: bank.id,
          format: 'OFX',
          content: ofx(
            [
              { id: 'F1', amount: '200.00', date: '20261103', name: 'Deposit' },
              { id: 'F2', amount: '-25.00', date: '20261105', name: 'Coffee Shop' },
              { id: 'F3', amount: '-75.00', date: '20261120', name: 'Rent' },
            ],
            '600.00',
          ),
        },
      },
      accountant,
    );
    expect(overlapping.data?.importBankStatement).toMatchObject({
      skippedDuplicates: 2,
      statement: {
        openingBalance: { amount: '675.00' },
        closingBalance: { amount: '600.00' },
        lineCount: 1,
      },
      userErrors: [],
    });
    const statements = await server.request(
      BankStatementsDocument,
      { filter: { bankAccountId: bank.id } },
      reports,
    );
    expect(statements.data?.bankStatements.totalCount).toBe(2);
  });

  it('imports CSV with a saved mapping, and refuses a bad date naming the line', async () => {
    const bank = await bankAccount({ accountNumber: '55501234' });
    const mapping = await server.request(
      CreateCsvMappingDocument,
      {
        input: {
          name: `Credit Union ${uniqueSuffix()}`,
          delimiter: ';',
          dateColumn: 'Date',
          dateFormat: 'DOTTED_DAY_FIRST',
          amountColumn: 'Amount',
          decimalSeparator: ',',
          counterpartyColumn: 'Payee',
          remittanceColumn: 'Purpose',
          idColumn: 'Id',
          currency: 'USD',
        },
      },
      accountant,
    );
    expect(mapping.data?.createCsvMapping.userErrors).toEqual([]);
    const csvMappingId = mapping.data?.createCsvMapping.csvMapping?.id as string;
    const csv =
      'Id;Date;Payee;Purpose;Amount\nT1;03.11.2026;Landlord;November rent;-950,00\nT2;04.11.2026;Client A;Invoice;1200,50\n';
    const imported = await server.request(
      ImportBankStatementDocument,
      { input: { bankAccountId: bank.id, format: 'CSV', content: csv, csvMappingId } },
      accountant,
    );
    expect(imported.data?.importBankStatement.userErrors).toEqual([]);
    expect(imported.data?.importBankStatement.statement).toMatchObject({
      openingBalance: { amount: '0.00' },
      closingBalance: { amount: '250.50' },
      lineCount: 2,
    });
    const lines = await linesOf({ bankAccountId: bank.id });
    expect(lines.map((l) => [l.date, l.amount.amount, l.counterparty])).toEqual([
      ['2026-11-03', '-950.00', 'Landlord'],
      ['2026-11-04', '1200.50', 'Client A'],
    ]);
    const bad = await server.request(
      ImportBankStatementDocument,
      {
        input: {
          bankAccountId: bank.id,
          format: 'CSV',
          content: 'Id;Date;Payee;Purpose;Amount\nT3;31.02.2026;X;Y;1,00\n',
          csvMappingId,
        },
      },
      accountant,
    );
    expect(bad.data?.importBankStatement.userErrors[0]?.code).toBe('MALFORMED_STATEMENT');
    expect(bad.data?.importBankStatement.userErrors[0]?.message).toMatch(/line 2/);
    const noMapping = await server.request(
      ImportBankStatementDocument,
      { input: { bankAccountId: bank.id, format: 'CSV', content: csv } },
      accountant,
    );
    expect(noMapping.data?.importBankStatement.userErrors[0]?.field).toEqual([
      'input',
      'csvMappingId',
    ]);
  });

  it('imports lines of a foreign-currency account, but reconciling them needs the books currency', async () => {
    const iban = 'CH9300762011623852957';
    const bank = await bankAccount({ iban, currency: 'CHF' });
    const imported = await server.request(
      ImportBankStatementDocument,
      {
        input: {
          bankAccountId: bank.id,
          format: 'CAMT053',
          content: camt053({
            id: `S-${uniqueSuffix()}`,
            iban,
            currency: 'CHF',
            opening: '10.00',
            closing: '15.00',
            entries: [{ amount: '5.00', credit: true, ref: 'CHF1' }],
          }),
        },
      },
      accountant,
    );
    expect(imported.data?.importBankStatement.statement?.closingBalance).toEqual({
      amount: '15.00',
      currency: 'CHF',
    });
    const [line] = await linesOf({ bankAccountId: bank.id });
    expect(line.amount).toEqual({ amount: '5.00', currency: 'CHF' });
    const refused = await reconcile(line.id, [{ accountId: account['4000'], amount: '5.00' }]);
    expect(refused?.userErrors[0]?.code).toBe('CURRENCY_MISMATCH');
    const wrongCurrency = await server.request(
      ImportBankStatementDocument,
      {
        input: {
          bankAccountId: bank.id,
          format: 'CAMT053',
          content: camt053({
            id: `S-${uniqueSuffix()}`,
            iban,
            currency: 'EUR',
            opening: '15.00',
            closing: '15.00',
            entries: [],
          }),
        },
      },
      accountant,
    );
    expect(wrongCurrency.data?.importBankStatement.userErrors[0]?.code).toBe('CURRENCY_MISMATCH');
  });

  it('takes large files over HTTP, for accountants only', async () => {
    const iban = 'IT60X0542811101000000123456';
    const bank = await bankAccount({ iban });
    const entries = Array.from({ length: 3000 }, (_, i) => ({
      amount: '1.00',
      credit: true,
      ref: `BULK-${i}`,
      ustrd: `Transfer ${i} ${'x'.repeat(100)}`,
    }));
    const file = camt053({
      id: `BULK-${uniqueSuffix()}`,
      iban,
      currency: 'USD',
      opening: '0.00',
      closing: '3000.00',
      entries,
    });
    expect(Buffer.byteLength(file)).toBeGreaterThan(1024 * 1024);
    const post = (token: string) =>
      fetch(
        `${server.baseUrl}/bank-statements?bankAccountId=${encodeURIComponent(bank.id)}&format=CAMT053`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
          body: file,
        },
      );
    expect((await post(reports)).status).toBe(403);
    const response = await post(accountant);
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      statements: { lineCount: number; closingBalance: { amount: string } }[];
    };
    expect(body.statements[0]).toMatchObject({
      lineCount: 3000,
      closingBalance: { amount: '3000.00' },
    });
    const again = await post(accountant);
    expect(((await again.json()) as { skippedDuplicates: number }).skippedDuplicates).toBe(3000);
    const anonymous = await fetch(`${server.baseUrl}/bank-statements?format=CAMT053`, {
      method: 'POST',
      body: 'x',
    });
    expect(anonymous.status).toBe(401);
  });

  it('lets REPORTING read and not write, and keeps SUPPORT out', async () => {
    const read = await server.request(BankStatementLinesDocument, { first: 5 }, reports);
    expect(read.errors).toBeUndefined();
    const write = await server.request(
      ImportBankStatementDocument,
      { input: { bankAccountId: 'x', format: 'CAMT053', content: '<x/>' } },
      reports,
    );
    expect(errorCode(write)).toBe('FORBIDDEN');
    expect(errorCode(await server.request(BankStatementLinesDocument, { first: 5 }, agent))).toBe(
      'FORBIDDEN',
    );
  });
});
