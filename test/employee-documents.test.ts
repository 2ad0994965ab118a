import {
  EmployeeDocumentNodeDocument,
  EmployeeDocumentsDocument,
  HireEmployeeDocument,
  IssueYearEndStatementsDocument,
  MyDocumentsDocument,
  MyPayslipsDocument,
  PostPayrollRunDocument,
  RunPayrollDocument,
  YearEndStatementDocument,
} from './generated/graphql';
import { errorCode, uniqueSuffix } from './support/fixtures';
import { pdfText } from './support/pdf-text';
import { startTestServer, type TestServer } from './support/test-server';

/** Year-end statements, year to date, and the employee's own payslips and documents. */

let server: TestServer;
let hr: string;
let agent: string;
const PASSWORD = 'a-long-enough-password';

beforeAll(async () => {
  server = await startTestServer();
  hr = await server.login('hr@example.com');
  agent = await server.login('agent@example.com');
});

afterAll(async () => {
  await server?.close();
});

const cents = (amount: string) => BigInt(amount.replace('.', ''));

async function hire(hireDate: string, salary: string) {
  const email = `paid-${uniqueSuffix()}@example.com`;
  const result = await server.request(
    HireEmployeeDocument,
    {
      input: {
        name: 'Pat Paid',
        email,
        title: 'Analyst',
        hireDate,
        salary,
        roles: ['SUPPORT_AGENT'],
        password: PASSWORD,
      },
    },
    hr,
  );
  const employee = result.data?.hireEmployee.employee;
  if (!employee) throw new Error(JSON.stringify(result));
  return { id: employee.id, token: await server.login(email, PASSWORD) };
}

/** Runs payroll for a period and answers the run's id and the employee's payslip amounts. */
async function runPayroll(periodStart: string, periodEnd: string, employeeId: string) {
  const drafted = await server.request(
    RunPayrollDocument,
    { input: { periodStart, periodEnd } },
    hr,
  );
  const run = drafted.data?.runPayroll.payrollRun;
  if (!run) throw new Error(JSON.stringify(drafted));
  const slip = run.payslips.find((p) => p.employee.id === employeeId);
  if (!slip) throw new Error(`no payslip in ${periodStart}`);
  return { runId: run.id, slip };
}

async function post(runId: string) {
  const posted = await server.request(
    PostPayrollRunDocument,
    { input: { payrollRunId: runId } },
    hr,
  );
  expect(posted.data?.postPayrollRun.userErrors).toEqual([]);
}

async function download(path: string, token?: string) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

describe('year-end statements and employee documents', () => {
  let employee: { id: string; token: string };
  let november: Awaited<ReturnType<typeof runPayroll>>;
  let december: Awaited<ReturnType<typeof runPayroll>>;

  beforeAll(async () => {
    employee = await hire('2023-11-17', '61000.00');
    november = await runPayroll('2023-11-01', '2023-11-30', employee.id);
    await post(november.runId);
  });

  const statement = async (token: string, year = 2023) =>
    server.request(YearEndStatementDocument, { employeeId: employee.id, year }, token);

  it('states the posted payslips of the tax year, and issues a new version when they change', async () => {
    const first = (await statement(hr)).data?.yearEndStatement;
    expect(first).toMatchObject({
      year: 2023,
      version: 1,
      final: true,
      payslipCount: 1,
      gross: november.slip.gross,
      withholding: november.slip.withholding,
      net: november.slip.net,
    });
    // Read again with nothing changed: the same version.
    expect((await statement(employee.token)).data?.yearEndStatement?.id).toBe(first?.id);

    // A draft run of the same year counts for nothing until it is posted.
    december = await runPayroll('2023-12-01', '2023-12-31', employee.id);
    expect((await statement(hr)).data?.yearEndStatement?.id).toBe(first?.id);
    await post(december.runId);

    const second = (await statement(hr)).data?.yearEndStatement;
    expect(second?.version).toBe(2);
    expect(second?.payslipCount).toBe(2);
    for (const part of ['gross', 'withholding', 'net'] as const)
      expect(cents(second?.[part].amount as string)).toBe(
        cents(november.slip[part].amount) + cents(december.slip[part].amount),
      );
    expect(cents(second?.gross.amount as string)).toBe(
      cents(second?.withholding.amount as string) + cents(second?.net.amount as string),
    );

    // A year with no posted payslip has no statement; a year out of range is bad input.
    expect((await statement(hr, 2022)).data?.yearEndStatement).toBeNull();
    expect(errorCode(await statement(hr, 20231))).toBe('BAD_USER_INPUT');

    // HR issues the year for everyone paid in it: this employee's statement stands as version 2.
    const issued = await server.request(
      IssueYearEndStatementsDocument,
      { input: { year: 2023 } },
      hr,
    );
    const mine = issued.data?.issueYearEndStatements.statements.find(
      (s) => s.employee.id === employee.id,
    );
    expect(mine?.id).toBe(second?.id);
    // Only employees paid in that year get one.
    expect(issued.data?.issueYearEndStatements.statements.map((s) => s.employee.id)).toEqual([
      employee.id,
    ]);

    // The PDF states the same figures, to the employee and to HR.
    const pdf = await download((second?.pdfUrl as string).split('?')[0], employee.token);
    expect(pdf.status).toBe(200);
    const text = await pdfText(pdf.body);
    expect(text).toContain('Year-end pay statement 2023');
    expect(text).toContain(`Gross pay ${second?.gross.amount} USD`);
    expect(text).toContain(`Net pay ${second?.net.amount} USD`);
    expect(text).toContain('corrects version 1');
  });

  it('lists the employee their own posted payslips with year to date, and their documents', async () => {
    // A January payslip starts tax year 2024; a draft run is not listed.
    const january = await runPayroll('2024-01-01', '2024-01-31', employee.id);
    await post(january.runId);
    await runPayroll('2024-02-01', '2024-02-29', employee.id);

    const page = (await server.request(MyPayslipsDocument, { first: 2 }, employee.token)).data
      ?.myPayslips;
    expect(page?.totalCount).toBe(3);
    expect(page?.pageInfo.hasNextPage).toBe(true);
    const rest = (
      await server.request(
        MyPayslipsDocument,
        { first: 2, after: page?.pageInfo.endCursor },
        employee.token,
      )
    ).data?.myPayslips;
    const slips = [...(page?.nodes ?? []), ...(rest?.nodes ?? [])];
    expect(slips.map((s) => s.periodEnd)).toEqual(['2024-01-31', '2023-12-31', '2023-11-30']);
    expect(slips.every((s) => s.posted)).toBe(true);
    expect(slips.map((s) => s.taxYear)).toEqual([2024, 2023, 2023]);
    const [jan, dec, nov] = slips;
    // Year to date: January starts afresh; December adds November.
    expect(jan.yearToDate).toMatchObject({ gross: jan.gross, payslipCount: 1 });
    expect(nov.yearToDate).toMatchObject({ gross: nov.gross, payslipCount: 1 });
    expect(cents(dec.yearToDate.gross.amount)).toBe(
      cents(dec.gross.amount) + cents(nov.gross.amount),
    );
    expect(dec.yearToDate.payslipCount).toBe(2);

    const pdf = await download(dec.pdfUrl.split('?')[0], employee.token);
    const text = await pdfText(pdf.body);
    expect(text).toContain('Year to date (2023)');
    expect(text).toContain(`Gross pay ${dec.yearToDate.gross.amount} USD`);

    const documents = (await server.request(MyDocumentsDocument, { first: 50 }, employee.token))
      .data?.myDocuments;
    expect(documents?.nodes.map((d) => d.kind).sort()).toEqual([
      'PAYSLIP',
      'PAYSLIP',
      'PAYSLIP',
      'YEAR_END_STATEMENT',
      'YEAR_END_STATEMENT',
    ]);
    const versions = documents?.nodes
      .filter((d) => d.kind === 'YEAR_END_STATEMENT')
      .map((d) => d.yearEndStatement?.version)
      .sort();
    expect(versions).toEqual([1, 2]);
    const statements = (
      await server.request(
        MyDocumentsDocument,
        { first: 50, filter: { kind: 'YEAR_END_STATEMENT' } },
        employee.token,
      )
    ).data?.myDocuments;
    expect(statements?.totalCount).toBe(2);
    const listed = documents?.nodes.find((d) => d.kind === 'PAYSLIP');
    expect((await download((listed?.pdfUrl as string).split('?')[0], employee.token)).status).toBe(
      200,
    );

    // HR sees the same list on the employee.
    const asHr = await server.request(EmployeeDocumentsDocument, { id: employee.id }, hr);
    expect(asHr.data?.employee?.documents.totalCount).toBe(5);
  });

  it('keeps pay documents from everyone but HR, ADMIN and the employee', async () => {
    expect(errorCode(await statement(agent))).toBe('FORBIDDEN');
    const asAgent = await server.request(EmployeeDocumentsDocument, { id: employee.id }, agent);
    expect(errorCode(asAgent)).toBe('FORBIDDEN');

    const documents = (await server.request(MyDocumentsDocument, { first: 50 }, employee.token))
      .data?.myDocuments.nodes;
    const statementDocument = documents?.find((d) => d.kind === 'YEAR_END_STATEMENT');
    const payslipDocument = documents?.find((d) => d.kind === 'PAYSLIP');
    for (const id of [
      statementDocument?.id,
      statementDocument?.yearEndStatement?.id,
      payslipDocument?.payslip?.id,
    ]) {
      const seen = await server.request(EmployeeDocumentNodeDocument, { id: id as string }, agent);
      expect(seen.data?.node).toBeNull();
      const own = await server.request(
        EmployeeDocumentNodeDocument,
        { id: id as string },
        employee.token,
      );
      expect(own.data?.node?.id).toBe(id);
    }

    // The PDF answers another employee's token with 403, and no token with 401.
    const path = (statementDocument?.pdfUrl as string).split('?')[0];
    expect((await download(path, agent)).status).toBe(403);
    expect((await download(path)).status).toBe(401);
    expect((await download(statementDocument?.pdfUrl as string)).status).toBe(200);

    // The agent's own lists hold none of it.
    const theirs = (await server.request(MyDocumentsDocument, { first: 50 }, agent)).data
      ?.myDocuments.nodes;
    expect(theirs?.some((d) => d.id === statementDocument?.id)).toBe(false);
  });
});
