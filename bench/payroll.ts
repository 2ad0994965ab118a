/**
 * Paying people at scale: a payroll of BENCH_PAYROLL_EMPLOYEES (2,000) employees run and posted,
 * a NACHA PPD file and a pain.001.001.09 file made from it, year-end statements issued for all,
 * and an employee's own documents read, through the real server over HTTP.
 *
 *   npm run bench:payroll
 *   BENCH_PAYROLL_EMPLOYEES=500 npm run bench:payroll
 *
 * A fresh database (`backdesk_bench_payroll`, on DATABASE_URL or the embedded bench PostgreSQL)
 * with the demo seed. The employees are written by SQL (one INSERT: hashing a password per hire
 * would be most of the time); their bank accounts go through `setEmployeeBankAccount`, four
 * requests at a time: a US checking account from the hire date (paid by the NACHA file), then
 * an IBAN from the 15th (paid by the pain.001, executed later, once the NACHA file is voided:
 * a payslip is paid by one live file at a time). Every step is timed once; the
 * employee's documents BENCH_PAYROLL_READS (200) times after 10 unmeasured reads.
 *
 * Fails loudly (exit 1) on any error, when a file's total or count differs from the posted run,
 * or when the year-end statements do not sum to the run. Writes bench/results/payroll.json.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { composeIBAN } from 'ibantools';
import {
  adminDatabase,
  login,
  machine,
  percentile,
  recreateDatabase,
  requestOrFail,
  runScript,
  startBackdeskProcess,
  writeResult,
} from './lib';

const EMPLOYEES = Number(process.env.BENCH_PAYROLL_EMPLOYEES ?? 2000);
const READS = Number(process.env.BENCH_PAYROLL_READS ?? 200);
const AT_ONCE = 4;
/** Before the demo's own payroll (last year's November and December). */
const YEAR = 2024;
const PERIOD = { periodStart: `${YEAR}-11-01`, periodEnd: `${YEAR}-11-30` };
/** Routing numbers with a valid ABA check digit. */
const ROUTING_NUMBERS = ['011000015', '021000021', '026009593', '121000358'];

async function timed<T>(action: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await action();
  return { ms: Math.round(performance.now() - started), value };
}

async function main(): Promise<void> {
  const admin = await adminDatabase();
  const databaseUrl = await recreateDatabase(admin.url, 'backdesk_bench_payroll');
  const server = await startBackdeskProcess(databaseUrl, {
    DEMO_SEED: 'true',
    RUN_WORKERS: 'false',
  });
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const url = server.graphqlUrl;
    const hr = await login(url, 'hr@example.com');
    const accountant = await login(url, 'accountant@example.com');
    const ask = <T>(token: string, query: string, variables: Record<string, unknown> = {}) =>
      requestOrFail<T>(url, token, query, variables);

    // The employees, hired before the period, with the demo password (login works for them).
    await sql.query(
      `INSERT INTO employee (number, email, name, password_hash, roles, hire_date)
       SELECT 'B-' || lpad(n::text, 6, '0'), 'bench-pay-' || n || '@example.com', 'Bench Payee ' || n,
              (SELECT password_hash FROM employee WHERE email = 'hr@example.com'), '{}', $1::date
         FROM generate_series(1, $2) AS n`,
      [`${YEAR}-01-01`, EMPLOYEES],
    );
    await sql.query(
      `INSERT INTO salary_change (employee_id, annual_salary_minor, effective_from)
       SELECT id, 3000000 + (id % 97) * 12345, hire_date FROM employee WHERE email LIKE 'bench-pay-%'`,
    );
    const { rows: employees } = await sql.query<{ id: string }>(
      "SELECT id FROM employee WHERE email LIKE 'bench-pay-%' ORDER BY id",
    );
    const globalId = (type: string, id: string | number) =>
      Buffer.from(`${type}:${id}`).toString('base64url');

    const bankAccounts = await timed(async () => {
      const set = async (n: number) => {
        const employeeId = globalId('Employee', employees[n].id);
        const holderName = `Bench Payee ${n + 1}`;
        await ask(
          hr,
          'mutation($input: SetEmployeeBankAccountInput!) { setEmployeeBankAccount(input: $input) { userErrors { code message } } }',
          {
            input: {
              employeeId,
              holderName,
              routingNumber: ROUTING_NUMBERS[n % ROUTING_NUMBERS.length],
              accountNumber: String(10_000_000 + n),
              accountType: 'CHECKING',
              effectiveFrom: `${YEAR}-01-01`,
            },
          },
        );
        await ask(
          hr,
          'mutation($input: SetEmployeeBankAccountInput!) { setEmployeeBankAccount(input: $input) { userErrors { code message } } }',
          {
            input: {
              employeeId,
              holderName,
              iban: composeIBAN({
                countryCode: 'DE',
                bban: `37040044${String(n).padStart(10, '0')}`,
              }),
              effectiveFrom: `${YEAR}-12-15`,
            },
          },
        );
      };
      for (let n = 0; n < employees.length; n += AT_ONCE)
        await Promise.all(
          Array.from({ length: Math.min(AT_ONCE, employees.length - n) }, (_, k) => set(n + k)),
        );
    });

    // The paying account: an asset account with a bank account holding both schemes' details.
    const { createAccount } = await ask<{ createAccount: { account: { id: string } } }>(
      accountant,
      'mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } userErrors { message } } }',
      { input: { code: '1010', name: 'Payroll bank', type: 'ASSET' } },
    );
    const { createBankAccount } = await ask<{ createBankAccount: { bankAccount: { id: string } } }>(
      accountant,
      'mutation($input: CreateBankAccountInput!) { createBankAccount(input: $input) { bankAccount { id } userErrors { message } } }',
      {
        input: {
          name: 'Payroll bank',
          ledgerAccountId: createAccount.account.id,
          currency: 'USD',
          iban: composeIBAN({ countryCode: 'DE', bban: '500105175407324931' }),
          bic: 'COBADEFFXXX',
          accountNumber: '123456789',
          routingNumber: '021000021',
          achCompanyId: '1234567890',
        },
      },
    );
    const bankAccountId = createBankAccount.bankAccount.id;

    const run = await timed(() =>
      ask<{ runPayroll: { payrollRun: { id: string; totalNet: { amount: string } } } }>(
        hr,
        'mutation($input: RunPayrollInput!) { runPayroll(input: $input) { payrollRun { id totalNet { amount } } userErrors { message } } }',
        { input: PERIOD },
      ),
    );
    const { id: payrollRunId, totalNet } = run.value.runPayroll.payrollRun;
    const post = await timed(() =>
      ask(
        hr,
        'mutation($input: PostPayrollRunInput!) { postPayrollRun(input: $input) { payrollRun { id } userErrors { message } } }',
        { input: { payrollRunId } },
      ),
    );
    const { rows: paid } = await sql.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM payslip WHERE run_id = $1 AND net_minor > 0',
      [Buffer.from(payrollRunId, 'base64url').toString().split(':')[1]],
    );

    const paymentFile = async (format: string, executionDate: string) => {
      const made = await timed(() =>
        ask<{
          createPaymentFile: {
            paymentFile: {
              id: string;
              totalAmount: { amount: string };
              count: number;
              content: string;
            };
          };
        }>(
          hr,
          'mutation($input: CreatePaymentFileInput!) { createPaymentFile(input: $input) { paymentFile { id totalAmount { amount } count content } userErrors { code message } } }',
          { input: { payrollRunId, format, executionDate, bankAccountId } },
        ),
      );
      const file = made.value.createPaymentFile.paymentFile;
      if (file.totalAmount.amount !== totalNet.amount || file.count !== paid[0].count)
        throw new Error(
          `${format}: ${file.count} credits of ${file.totalAmount.amount}, the run pays ${paid[0].count} of ${totalNet.amount}`,
        );
      return { id: file.id, ms: made.ms, bytes: Buffer.byteLength(file.content) };
    };
    const nacha = await paymentFile('NACHA_PPD', `${YEAR}-12-01`);
    // A payslip is paid by one live file at a time: the NACHA file is voided, the pain.001 pays.
    const voided = await timed(() =>
      ask(
        hr,
        'mutation($input: VoidPaymentFileInput!) { voidPaymentFile(input: $input) { paymentFile { id } userErrors { message } } }',
        { input: { paymentFileId: nacha.id, reason: 'Benchmark: paid by transfer instead' } },
      ),
    );
    const pain001 = await paymentFile('SEPA_PAIN_001', `${YEAR}-12-16`);

    const statements = await timed(() =>
      ask<{
        issueYearEndStatements: { statements: { net: { amount: string } }[] };
      }>(
        hr,
        'mutation($input: IssueYearEndStatementsInput!) { issueYearEndStatements(input: $input) { statements { net { amount } } userErrors { message } } }',
        { input: { year: YEAR } },
      ),
    );
    const { rows: yearNet } = await sql.query<{ net: string }>(
      `SELECT sum(s.net_minor)::text AS net FROM payslip s JOIN payroll_run r ON r.id = s.run_id
        WHERE r.status = 'POSTED' AND date_part('year', r.period_end) = $1`,
      [YEAR],
    );
    const statedNet = statements.value.issueYearEndStatements.statements.reduce(
      (sum, s) => sum + BigInt(s.net.amount.replace('.', '')),
      0n,
    );
    if (statedNet !== BigInt(yearNet[0].net))
      throw new Error(`year-end statements state ${statedNet}, the payslips ${yearNet[0].net}`);

    // Its password hash is the demo staff's: it signs in with the demo password.
    const employee = await login(url, 'bench-pay-1@example.com');
    const DOCUMENTS =
      '{ myDocuments(first: 20) { totalCount nodes { id kind title issuedOn pdfUrl } } myPayslips(first: 12) { nodes { periodEnd net { amount } yearToDate { net { amount } } } } }';
    for (let n = 0; n < 10; n += 1) await ask(employee, DOCUMENTS);
    const reads: number[] = [];
    for (let n = 0; n < READS; n += 1) reads.push((await timed(() => ask(employee, DOCUMENTS))).ms);
    reads.sort((a, b) => a - b);

    const figures = {
      employees: EMPLOYEES,
      payslipsPaid: paid[0].count,
      setBankAccountsMs: bankAccounts.ms,
      bankAccountChangesPerSecond: Math.round((2 * EMPLOYEES * 1000) / bankAccounts.ms),
      runPayrollMs: run.ms,
      postPayrollRunMs: post.ms,
      nachaMs: nacha.ms,
      nachaBytes: nacha.bytes,
      voidPaymentFileMs: voided.ms,
      pain001Ms: pain001.ms,
      pain001Bytes: pain001.bytes,
      issueYearEndStatementsMs: statements.ms,
      myDocumentsP50Ms: percentile(reads, 50),
      myDocumentsP99Ms: percentile(reads, 99),
    };
    console.table(figures);
    const file = writeResult('payroll', { machine: await machine(databaseUrl), figures });
    console.log(`wrote ${file}`);
  } finally {
    await sql.end();
    await server.stop();
  }
}

runScript(main);
