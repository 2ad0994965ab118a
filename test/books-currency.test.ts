import { loadConfig } from '../src/config';
import {
  AccountsDocument,
  BankStatementLinesDocument,
  CreateAccountDocument,
  CreateBankAccountDocument,
  ImportBankStatementDocument,
  ReconcileBankLineDocument,
  TrialBalanceDocument,
} from './generated/graphql';
import { uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

// BOOKS_CURRENCY is one setting for the whole process: this file runs its own server with EUR.
let server: TestServer;
let accountant: string;

beforeAll(async () => {
  server = await startTestServer({ BOOKS_CURRENCY: 'eur', RUN_WORKERS: 'false' });
  accountant = await server.login('accountant@example.com');
});

afterAll(async () => {
  await server?.close();
});

const TODAY = new Date().toISOString().slice(0, 10);

function ofx(currency: string, account: string, amount: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="200" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<STMTRS><CURDEF>${currency}</CURDEF><BANKACCTFROM><BANKID>1</BANKID><ACCTID>${account}</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
<BANKTRANLIST><DTSTART>${TODAY.replace(/-/g, '')}</DTSTART><DTEND>${TODAY.replace(/-/g, '')}</DTEND>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>${TODAY.replace(/-/g, '')}</DTPOSTED><TRNAMT>-${amount}</TRNAMT><FITID>${account}-1</FITID><NAME>Bank</NAME><MEMO>Account fee</MEMO></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>-${amount}</BALAMT><DTASOF>${TODAY.replace(/-/g, '')}</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
`;
}

async function bankLine(currency: string): Promise<string> {
  const code = `1${String(Math.floor(Math.random() * 90000) + 10000)}`;
  const ledger = await server.request(
    CreateAccountDocument,
    { input: { code, name: `Bank ${code}`, type: 'ASSET' } },
    accountant,
  );
  const accountNumber = `ACC${uniqueSuffix()}`;
  const bank = await server.request(
    CreateBankAccountDocument,
    {
      input: {
        name: `Bank ${code}`,
        ledgerAccountId: ledger.data?.createAccount.account?.id as string,
        currency,
        accountNumber,
      },
    },
    accountant,
  );
  const bankAccountId = bank.data?.createBankAccount.bankAccount?.id as string;
  const imported = await server.request(
    ImportBankStatementDocument,
    { input: { bankAccountId, format: 'OFX', content: ofx(currency, accountNumber, '3.00') } },
    accountant,
  );
  expect(imported.data?.importBankStatement.userErrors).toEqual([]);
  const lines = await server.request(
    BankStatementLinesDocument,
    { filter: { bankAccountId } },
    accountant,
  );
  return lines.data?.bankStatementLines.nodes[0]?.id as string;
}

it('keeps the books in BOOKS_CURRENCY, and reconciles only bank accounts in it', async () => {
  const trial = await server.request(TrialBalanceDocument, {}, accountant);
  expect(trial.data?.trialBalance.totalDebit).toMatchObject({ currency: 'EUR' });
  const accounts = await server.request(AccountsDocument, { first: 100 }, accountant);
  const fees = accounts.data?.accounts.nodes.find((a) => a.code === '6100')?.id as string;
  const euro = await bankLine('EUR');
  const booked = await server.request(
    ReconcileBankLineDocument,
    { input: { lineId: euro, matches: [{ accountId: fees, amount: '3.00' }] } },
    accountant,
  );
  expect(booked.data?.reconcileBankLine.userErrors).toEqual([]);
  expect(booked.data?.reconcileBankLine.line?.status).toBe('MATCHED');
  const dollar = await bankLine('USD');
  const refused = await server.request(
    ReconcileBankLineDocument,
    { input: { lineId: dollar, matches: [{ accountId: fees, amount: '3.00' }] } },
    accountant,
  );
  expect(refused.data?.reconcileBankLine.userErrors[0]?.code).toBe('CURRENCY_MISMATCH');
});

it('refuses a BOOKS_CURRENCY that is not a currency code', () => {
  expect(() => loadConfig({ BOOKS_CURRENCY: 'EURO' })).toThrow(/BOOKS_CURRENCY/);
  expect(loadConfig({ BOOKS_CURRENCY: 'chf' }).booksCurrency).toBe('CHF');
});
