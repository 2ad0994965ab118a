/**
 * Bank statements: importing a camt.053 file of BENCH_BANK_LINES (100,000) entries through
 * `POST /bank-statements`, importing it again (every entry a duplicate), reading its lines with
 * their ranked suggestions a page at a time, and matching it by `autoReconcileBankStatement`.
 *
 *   npm run bench:bank-statements
 *   BENCH_BANK_LINES=10000 npm run bench:bank-statements
 *
 * A fresh database (`backdesk_bench_bank`, on DATABASE_URL or the embedded bench PostgreSQL) with
 * the demo seed, and BENCH_BANK_INVOICES (40,000) open invoices of 500 customers. The invoice rows
 * are written by SQL, against one posted entry (Dr 1100 / Cr 4000) for their total: the books
 * balance, but the receivables are not per customer (no test reads them here).
 *
 * The file's entries: 40% quote an invoice's payment reference (RF…), 30% name an invoice number
 * in their text, 20% are bank fees (a rule books them), 10% nothing we know. Suggestions are read
 * for BENCH_BANK_PAGES (100) pages of 100 lines; latency per page, one client. Auto-matching
 * takes what scores 90 or more. Writes bench/results/bank-statements.json.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { formatMinorUnits } from '../src/modules/common/money';
import { creditorReference } from '../src/modules/ledger/payment-reference';
import {
  adminDatabase,
  graphqlRequest,
  login,
  machine,
  percentile,
  recreateDatabase,
  runScript,
  startBackdeskProcess,
  writeResult,
} from './lib';

const LINES = Number(process.env.BENCH_BANK_LINES ?? 100_000);
const INVOICES = Number(process.env.BENCH_BANK_INVOICES ?? 40_000);
const PAGES = Number(process.env.BENCH_BANK_PAGES ?? 100);
const CUSTOMERS = 500;
const IBAN = 'DE44500105175407324931';
const DAY = '2026-11-30';

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function invoiceNumber(n: number): string {
  return `INV-${String(900_000 + n).padStart(6, '0')}`;
}

/** The camt.053.001.02 file: entry n pays invoice n (by reference or by number), or is a fee. */
function statementFile(): { xml: string; closingMinor: bigint } {
  const parts: string[] = [];
  let closing = 0n;
  for (let n = 0; n < LINES; n += 1) {
    const kind = n % 10;
    const invoice = n % INVOICES;
    const fee = kind >= 7 && kind <= 8;
    const credit = !fee;
    const minor = fee ? 250n : BigInt(10_000 + (invoice % 5000));
    closing += credit ? minor : -minor;
    const amount = formatMinorUnits(minor);
    const remittance =
      kind < 4
        ? `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${creditorReference(invoiceNumber(invoice))}</Ref></CdtrRefInf></Strd></RmtInf>`
        : kind < 7
          ? `<RmtInf><Ustrd>Payment for ${invoiceNumber(invoice)}, thank you</Ustrd></RmtInf>`
          : fee
            ? '<RmtInf><Ustrd>Account service fee</Ustrd></RmtInf>'
            : '<RmtInf><Ustrd>Transfer</Ustrd></RmtInf>';
    parts.push(
      `<Ntry><Amt Ccy="USD">${amount}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${DAY}</Dt></BookgDt><ValDt><Dt>${DAY}</Dt></ValDt><AcctSvcrRef>BENCH-${n}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><${credit ? 'Dbtr' : 'Cdtr'}><Nm>Customer ${invoice % CUSTOMERS}</Nm></${credit ? 'Dbtr' : 'Cdtr'}></RltdPties>${remittance}</TxDtls></NtryDtls></Ntry>`,
    );
  }
  const balance = (code: string, minor: bigint) =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="USD">${formatMinorUnits(minor)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${DAY}</Dt></Dt></Bal>`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>${DAY}T20:00:00</CreDtTm></GrpHdr><Stmt><Id>BENCH-1</Id><CreDtTm>${DAY}T20:00:00</CreDtTm><Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>USD</Ccy></Acct>${balance('OPBD', 0n)}${balance('CLBD', closing)}
${parts.join('\n')}
</Stmt></BkToCstmrStmt></Document>
`;
  return { xml, closingMinor: closing };
}

async function main(): Promise<void> {
  const admin = await adminDatabase();
  const databaseUrl = await recreateDatabase(admin.url, 'backdesk_bench_bank');
  const server = await startBackdeskProcess(databaseUrl, {
    DEMO_SEED: 'true',
    RUN_WORKERS: 'false',
  });
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const url = server.graphqlUrl;
    const token = await login(url, 'accountant@example.com');
    const ask = async <T>(query: string, variables: Record<string, unknown> = {}) => {
      const result = await graphqlRequest<T>(url, query, variables, token);
      if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
      return result.data;
    };

    // Customers, invoices, a bank account on a new asset account, a fee rule.
    const adminToken = await login(url, 'admin@example.com');
    for (let n = 0; n < CUSTOMERS; n += 1)
      await graphqlRequest(
        url,
        'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { userErrors { code } } }',
        { input: { name: `Customer ${n}`, email: `bench-bank-${n}@example.org` } },
        adminToken,
      );
    const accounts = await ask<{ accounts: { nodes: { id: string; code: string }[] } }>(
      '{ accounts(first: 100) { nodes { id code } } }',
    );
    const accountId = (code: string) => accounts.accounts.nodes.find((a) => a.code === code)?.id;
    const { rows: customerRows } = await sql.query<{ id: string }>(
      "SELECT id FROM customer WHERE email LIKE 'bench-bank-%' ORDER BY id",
    );
    const amountOf = (n: number) => 10_000 + (n % 5000);
    const total = formatMinorUnits(
      Array.from({ length: INVOICES }, (_, n) => BigInt(amountOf(n))).reduce((a, b) => a + b, 0n),
    );
    await ask<{ postJournalEntry: { journalEntry: { id: string } } }>(
      `mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { journalEntry { id } userErrors { message } } }`,
      {
        input: {
          date: DAY,
          memo: 'Bench receivables',
          lines: [
            { accountId: accountId('1100'), debit: total },
            { accountId: accountId('4000'), credit: total },
          ],
        },
      },
    );
    const { rows: entry } = await sql.query<{ id: string }>(
      "SELECT id FROM journal_entry WHERE memo = 'Bench receivables'",
    );
    await sql.query(
      `INSERT INTO invoice (number, customer_id, status, total_minor, amount_paid_minor, issue_date, due_date, journal_entry_id, sent_at)
       SELECT 'INV-' || lpad((900000 + n)::text, 6, '0'), ($1::bigint[])[1 + n % $2], 'OPEN', 10000 + n % 5000, 0,
              $3::date - 30, $3::date, $4, now()
         FROM generate_series(0, $5 - 1) AS n`,
      [customerRows.map((r) => r.id), CUSTOMERS, DAY, entry[0].id, INVOICES],
    );
    const bankLedger = await ask<{ createAccount: { account: { id: string } } }>(
      `mutation { createAccount(input: { code: "1090", name: "Bench bank", type: ASSET }) { account { id } } }`,
    );
    const bank = await ask<{ createBankAccount: { bankAccount: { id: string } } }>(
      `mutation($input: CreateBankAccountInput!) { createBankAccount(input: $input) { bankAccount { id } userErrors { message } } }`,
      {
        input: {
          name: 'Bench bank',
          ledgerAccountId: bankLedger.createAccount.account.id,
          currency: 'USD',
          iban: IBAN,
        },
      },
    );
    const bankAccountId = bank.createBankAccount.bankAccount.id;
    await ask(
      `mutation($input: CreateBankRuleInput!) { createBankRule(input: $input) { userErrors { message } } }`,
      {
        input: {
          name: 'Bench fees',
          direction: 'DEBIT',
          textContains: 'service fee',
          accountId: accountId('6100'),
        },
      },
    );

    // Import, then the same file again.
    const built = process.hrtime.bigint();
    const { xml } = statementFile();
    const buildSeconds = seconds(built);
    const post = async () => {
      const start = process.hrtime.bigint();
      let peakRss = server.rss();
      const watch = setInterval(() => {
        peakRss = Math.max(peakRss, server.rss());
      }, 100);
      const response = await fetch(
        `${url.replace('/graphql', '')}/bank-statements?bankAccountId=${encodeURIComponent(bankAccountId)}&format=CAMT053`,
        { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: xml },
      );
      clearInterval(watch);
      const body = (await response.json()) as {
        statements?: { id: string; lineCount: number }[];
        skippedDuplicates?: number;
        userErrors?: unknown[];
      };
      if (response.status !== 201) throw new Error(JSON.stringify(body));
      return { seconds: seconds(start), body, peakRssMb: Math.round(peakRss / 1024 / 1024) };
    };
    const first = await post();
    const again = await post();
    const statementId = first.body.statements?.[0]?.id as string;
    console.log(
      `import: ${LINES} lines (${(xml.length / 1024 / 1024).toFixed(1)} MB) in ${first.seconds.toFixed(1)} s; again ${again.seconds.toFixed(1)} s, ${again.body.skippedDuplicates} skipped`,
    );

    // Suggestions, a page at a time.
    const pageTimes: number[] = [];
    let after: string | null = null;
    let suggested = 0;
    for (let page = 0; page < PAGES; page += 1) {
      const start = process.hrtime.bigint();
      const data: {
        bankStatementLines: {
          pageInfo: { endCursor: string | null; hasNextPage: boolean };
          nodes: { suggestions: { score: number }[] }[];
        };
      } = await ask(
        `query($after: String, $filter: BankStatementLineFilter) { bankStatementLines(first: 100, after: $after, filter: $filter) {
           pageInfo { endCursor hasNextPage }
           nodes { id amount { amount } counterparty remittance suggestions { score reason amount { amount } invoice { number } rule { name } } } } }`,
        { after, filter: { statementId } },
      );
      pageTimes.push(seconds(start) * 1000);
      suggested += data.bankStatementLines.nodes.filter((n) => n.suggestions.length > 0).length;
      after = data.bankStatementLines.pageInfo.endCursor;
      if (!data.bankStatementLines.pageInfo.hasNextPage) break;
    }
    pageTimes.sort((a, b) => a - b);
    console.log(
      `suggestions: ${pageTimes.length} pages of 100, p50 ${percentile(pageTimes, 50).toFixed(0)} ms, p99 ${percentile(pageTimes, 99).toFixed(0)} ms; ${suggested} lines with a suggestion`,
    );

    // Automatic matching, 2,000 open lines a call, until none is left.
    const autoStart = process.hrtime.bigint();
    let matched = 0;
    let skipped = 0;
    let calls = 0;
    let afterLine: string | null = null;
    let difference = '';
    for (;;) {
      const data: {
        autoReconcileBankStatement: {
          matched: number;
          skipped: number;
          hasMore: boolean;
          lastLine: { id: string } | null;
          statement: { difference: { amount: string } };
        };
      } = await ask(
        `mutation($input: AutoReconcileBankStatementInput!) { autoReconcileBankStatement(input: $input) {
           matched skipped hasMore lastLine { id } statement { difference { amount } } userErrors { message } } }`,
        { input: { statementId, minimumScore: 50, first: 2000, after: afterLine } },
      );
      const step = data.autoReconcileBankStatement;
      matched += step.matched;
      skipped += step.skipped;
      calls += 1;
      difference = step.statement.difference.amount;
      afterLine = step.lastLine?.id ?? null;
      if (!step.hasMore) break;
    }
    const autoSeconds = seconds(autoStart);
    console.log(
      `auto-reconcile: ${matched} matched, ${skipped} left in ${autoSeconds.toFixed(1)} s over ${calls} calls (${Math.round(matched / autoSeconds)} lines/s)`,
    );
    const [balanced] = (
      await sql.query<{ debits: string; credits: string }>(
        'SELECT sum(debit_minor) AS debits, sum(credit_minor) AS credits FROM journal_line',
      )
    ).rows;
    if (balanced.debits !== balanced.credits) throw new Error('the books do not balance');
    const file = writeResult('bank-statements', {
      at: new Date().toISOString(),
      machine: await machine(databaseUrl),
      lines: LINES,
      invoices: INVOICES,
      fileMb: Number((xml.length / 1024 / 1024).toFixed(1)),
      buildFileSeconds: Number(buildSeconds.toFixed(2)),
      import: {
        seconds: Number(first.seconds.toFixed(2)),
        linesPerSecond: Math.round(LINES / first.seconds),
        serverPeakRssMb: first.peakRssMb,
      },
      reimport: {
        seconds: Number(again.seconds.toFixed(2)),
        skippedDuplicates: again.body.skippedDuplicates,
      },
      suggestions: {
        pages: pageTimes.length,
        p50Ms: Number(percentile(pageTimes, 50).toFixed(1)),
        p99Ms: Number(percentile(pageTimes, 99).toFixed(1)),
        linesWithSuggestion: suggested,
      },
      autoReconcile: {
        minimumScore: 50,
        matched,
        skipped,
        seconds: Number(autoSeconds.toFixed(1)),
        calls,
        linesPerSecond: Math.round(matched / autoSeconds),
        difference,
      },
      booksBalance: true,
    });
    console.log(`wrote ${file}`);
  } finally {
    await sql.end();
    await server.stop();
    await admin.stop();
  }
}

runScript(main);
