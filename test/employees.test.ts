import WebSocket from 'ws';
import { grossPay, roundHalfUp, withholding } from '../src/modules/employees/payroll-calculation';
import {
  ChangeEmployeeRolesDocument,
  ChangeSalaryDocument,
  CreateDepartmentDocument,
  DepartmentsDocument,
  EmployeeHistoryDocument,
  EmployeePayDocument,
  EmployeesDocument,
  EmployeeSalaryDocument,
  HireEmployeeDocument,
  MeDocument,
  PostPayrollRunDocument,
  RunPayrollDocument,
  SalaryAccessLogDocument,
  TerminateEmployeeDocument,
  UpdateEmployeeDocument,
} from './generated/graphql';
import { errorCode, uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let hr: string;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  hr = await server.login('hr@example.com');
  admin = await server.login('admin@example.com');
});

afterAll(async () => {
  await server?.close();
});

async function idOf(email: string): Promise<string> {
  const result = await server.request(EmployeesDocument, { filter: { search: email } }, admin);
  const id = result.data?.employees.nodes[0]?.id;
  if (!id) throw new Error(`no employee ${email}`);
  return id;
}

async function hire(
  overrides: Partial<{ name: string; hireDate: string; salary: string; managerId: string }> = {},
) {
  const email = `new-${uniqueSuffix()}@example.com`;
  const result = await server.request(
    HireEmployeeDocument,
    {
      input: {
        name: overrides.name ?? 'New Hire',
        email,
        title: 'Analyst',
        hireDate: overrides.hireDate ?? '2026-01-05',
        salary: overrides.salary ?? '60000.00',
        managerId: overrides.managerId,
        roles: ['SUPPORT_AGENT'],
        password: 'a-long-enough-password',
      },
    },
    hr,
  );
  const employee = result.data?.hireEmployee.employee;
  if (!employee) throw new Error(JSON.stringify(result));
  return { ...employee, password: 'a-long-enough-password' };
}

describe('payroll arithmetic', () => {
  it('pays annual / 12 for a full month and prorates by day, exact to the cent', () => {
    const salaries = [{ effectiveFrom: '2020-01-01', annualMinor: 6_000_000n }];
    const employed = { hireDate: '2020-01-01', terminationDate: null };
    expect(grossPay('2027-02-01', '2027-02-28', employed, salaries)).toEqual({
      grossMinor: 500_000n,
      daysWorked: 28,
    });
    expect(grossPay('2027-03-01', '2027-03-31', employed, salaries).grossMinor).toBe(500_000n);
    // 10 of 28 days of 5,000.00 = 1,785.714… → 1,785.71
    expect(
      grossPay(
        '2027-02-01',
        '2027-02-28',
        { hireDate: '2020-01-01', terminationDate: '2027-02-10' },
        salaries,
      ).grossMinor,
    ).toBe(178_571n);
    expect(
      grossPay(
        '2027-02-01',
        '2027-02-28',
        { hireDate: '2027-03-01', terminationDate: null },
        salaries,
      ),
    ).toEqual({ grossMinor: 0n, daysWorked: 0 });
    expect(withholding(178_571n, 2000)).toBe(35_714n);
    expect(roundHalfUp(5n, 2n)).toBe(3n);
  });
});

describe('private pay', () => {
  it('shows salary to HR, ADMIN and the employee only; others get FORBIDDEN and no value', async () => {
    const subject = await idOf('agent@example.com');
    for (const email of [
      'lead@example.com',
      'accountant@example.com',
      'reports@example.com',
      'warehouse@example.com',
    ]) {
      const token = await server.login(email);
      const result = await server.request(EmployeeSalaryDocument, { id: subject }, token);
      expect([email, errorCode(result)]).toEqual([email, 'FORBIDDEN']);
      expect(result.data?.employee).toEqual({ id: subject, name: 'Sam Agent', salary: null });
      expect(JSON.stringify(result)).not.toContain('52000');
    }
    for (const token of [hr, admin, await server.login('agent@example.com')]) {
      const result = await server.request(EmployeeSalaryDocument, { id: subject }, token);
      expect(result.errors).toBeUndefined();
      expect(result.data?.employee?.salary).toEqual({ amount: '52000.00', currency: 'USD' });
    }
    const log = await server.request(SalaryAccessLogDocument, { employeeId: subject }, hr);
    expect(log.data?.salaryAccessLog.map((row) => row.reader.email).sort()).toEqual([
      'admin@example.com',
      'hr@example.com',
    ]);
    const agent = await server.login('agent@example.com');
    expect(errorCode(await server.request(SalaryAccessLogDocument, {}, agent))).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.request(EmployeePayDocument, { id: await idOf('lead@example.com') }, agent),
      ),
    ).toBe('FORBIDDEN');
  });
});

describe('employees', () => {
  it('hires with a unique email and an employee number, and records who did it', async () => {
    const employee = await hire();
    expect(employee.number).toMatch(/^E-\d{6}$/);
    const again = await server.request(
      HireEmployeeDocument,
      {
        input: {
          name: 'Dup',
          email: employee.email.toUpperCase(),
          hireDate: '2026-01-01',
          roles: [],
          password: 'long-enough-pw',
        },
      },
      hr,
    );
    expect(again.data?.hireEmployee.userErrors[0].code).toBe('EMAIL_TAKEN');
    const history = await server.request(EmployeeHistoryDocument, { id: employee.id }, hr);
    expect(history.data?.employee?.history.map((h) => [h.type, h.actor?.email])).toEqual([
      ['HIRED', 'hr@example.com'],
    ]);
    const agent = await server.login('agent@example.com');
    expect(
      errorCode(await server.request(EmployeeHistoryDocument, { id: employee.id }, agent)),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.request(
          HireEmployeeDocument,
          {
            input: {
              name: 'x',
              email: 'x@example.com',
              hireDate: '2026-01-01',
              roles: [],
              password: 'long-enough-pw',
            },
          },
          agent,
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it('refuses a manager chain that loops', async () => {
    const top = await hire({ name: 'Top' });
    const middle = await hire({ name: 'Middle', managerId: top.id });
    const bottom = await hire({ name: 'Bottom', managerId: middle.id });
    const loop = await server.request(
      UpdateEmployeeDocument,
      { input: { employeeId: top.id, managerId: bottom.id } },
      hr,
    );
    expect(loop.data?.updateEmployee.userErrors[0]).toMatchObject({
      code: 'MANAGER_CYCLE',
      field: ['input', 'managerId'],
    });
    const self = await server.request(
      UpdateEmployeeDocument,
      { input: { employeeId: top.id, managerId: top.id } },
      hr,
    );
    expect(self.data?.updateEmployee.userErrors[0].code).toBe('MANAGER_CYCLE');
    const reports = await server.request(EmployeeHistoryDocument, { id: middle.id }, hr);
    expect(reports.data?.employee?.reports.map((r) => r.id)).toEqual([bottom.id]);
  });

  it('builds a department tree with heads and members', async () => {
    const departments = await server.request(DepartmentsDocument, {}, admin);
    const support = departments.data?.departments.find((d) => d.name === 'Customer Support');
    expect(support).toMatchObject({
      parent: { name: 'Operations' },
      head: { email: 'lead@example.com' },
    });
    expect(support?.employees.map((e) => e.email).sort()).toEqual([
      'agent@example.com',
      'lead@example.com',
    ]);
    const created = await server.request(
      CreateDepartmentDocument,
      { input: { name: `Tier 2 ${uniqueSuffix()}`, parentId: support?.id } },
      hr,
    );
    expect(created.data?.createDepartment.department?.id).toBeTruthy();
  });

  it('changes roles (ADMIN only), effective on the next request', async () => {
    const employee = await hire();
    const token = await server.login(employee.email, employee.password);
    expect((await server.request(MeDocument, {}, token)).data?.me.roles).toEqual(['SUPPORT_AGENT']);
    expect(
      errorCode(
        await server.request(
          ChangeEmployeeRolesDocument,
          { input: { employeeId: employee.id, roles: ['ACCOUNTANT'] } },
          hr,
        ),
      ),
    ).toBe('FORBIDDEN');
    await server.request(
      ChangeEmployeeRolesDocument,
      { input: { employeeId: employee.id, roles: ['ACCOUNTANT'] } },
      admin,
    );
    expect((await server.request(MeDocument, {}, token)).data?.me.roles).toEqual(['ACCOUNTANT']);
  });

  it('terminates: the token is refused on the next request and the open socket is closed', async () => {
    const employee = await hire();
    const token = await server.login(employee.email, employee.password);
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    const acked = new Promise<void>((resolve) =>
      socket.on(
        'message',
        (data) => JSON.parse(String(data)).type === 'connection_ack' && resolve(),
      ),
    );
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('open', () =>
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
      ),
    );
    await acked;

    const terminated = await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: employee.id, date: '2026-11-30', reason: 'Moved on' } },
      hr,
    );
    expect(terminated.data?.terminateEmployee.employee).toMatchObject({
      status: 'TERMINATED',
      terminationDate: '2026-11-30',
    });
    expect(await closed).toBe(4403);
    expect(errorCode(await server.request(MeDocument, {}, token))).toBe('UNAUTHENTICATED');
    const again = await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: employee.id, date: '2026-11-30', reason: 'x' } },
      hr,
    );
    expect(again.data?.terminateEmployee.userErrors[0].code).toBe('INVALID_TRANSITION');
    const history = await server.request(EmployeeHistoryDocument, { id: employee.id }, hr);
    expect(history.data?.employee?.history.map((h) => h.type)).toEqual(['HIRED', 'TERMINATED']);
  });
});

describe('payroll', () => {
  it('prorates joiners, leavers and a mid-month raise to the cent, posts one balanced entry once', async () => {
    const joiner = await hire({ hireDate: '2027-02-15', salary: '84000.00' });
    const leaver = await hire({ hireDate: '2026-06-01', salary: '60000.00' });
    const raised = await hire({ hireDate: '2026-06-01', salary: '36000.00' });
    await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: leaver.id, date: '2027-02-10', reason: 'Contract ended' } },
      hr,
    );
    const raise = await server.request(
      ChangeSalaryDocument,
      { input: { employeeId: raised.id, annualSalary: '48000.00', effectiveFrom: '2027-02-08' } },
      hr,
    );
    expect(raise.data?.changeSalary.userErrors).toEqual([]);

    const drafted = await server.request(
      RunPayrollDocument,
      { input: { periodStart: '2027-02-01', periodEnd: '2027-02-28' } },
      hr,
    );
    const run = drafted.data?.runPayroll.payrollRun;
    expect(run).toMatchObject({ status: 'DRAFT', withholdingRate: '0.2000' });
    const slip = (id: string) => run?.payslips.find((p) => p.employee.id === id);
    expect(slip(joiner.id)).toMatchObject({
      daysWorked: 14,
      gross: { amount: '3500.00' },
      withholding: { amount: '700.00' },
      net: { amount: '2800.00' },
    });
    expect(slip(leaver.id)).toMatchObject({
      daysWorked: 10,
      gross: { amount: '1785.71' },
      withholding: { amount: '357.14' },
      net: { amount: '1428.57' },
    });
    expect(slip(raised.id)).toMatchObject({
      daysWorked: 28,
      gross: { amount: '3750.00' },
      withholding: { amount: '750.00' },
      net: { amount: '3000.00' },
    });
    // A demo employee on 52,000.00 a year: a full month is 4,333.33.
    expect(slip(await idOf('agent@example.com'))?.gross.amount).toBe('4333.33');

    const cents = (amount: string) => BigInt(amount.replace('.', ''));
    const sum = (pick: (p: NonNullable<typeof run>['payslips'][number]) => string) =>
      run?.payslips.reduce((total, p) => total + cents(pick(p)), 0n);
    expect(sum((p) => p.gross.amount)).toBe(cents(run?.totalGross.amount as string));
    expect(sum((p) => p.net.amount)).toBe(cents(run?.totalNet.amount as string));
    expect(cents(run?.totalGross.amount as string)).toBe(
      cents(run?.totalWithholding.amount as string) + cents(run?.totalNet.amount as string),
    );

    const posted = await server.request(
      PostPayrollRunDocument,
      { input: { payrollRunId: run?.id as string } },
      hr,
    );
    expect(posted.data?.postPayrollRun.payrollRun?.status).toBe('POSTED');
    const [entry] = await server.backdesk.database.orm.em
      .fork()
      .getConnection()
      .execute<{ debits: string; credits: string; d6000: string; c2100: string; c2110: string }[]>(
        `SELECT sum(l.debit_minor) AS debits, sum(l.credit_minor) AS credits,
                sum(l.debit_minor) FILTER (WHERE a.code = '6000') AS d6000,
                sum(l.credit_minor) FILTER (WHERE a.code = '2100') AS c2100,
                sum(l.credit_minor) FILTER (WHERE a.code = '2110') AS c2110
           FROM journal_entry e JOIN journal_line l ON l.entry_id = e.id JOIN account a ON a.id = l.account_id
          WHERE e.source = 'PAYROLL' AND e.date = '2027-02-28'`,
      );
    expect(entry.debits).toBe(entry.credits);
    expect(BigInt(entry.d6000)).toBe(cents(run?.totalGross.amount as string));
    expect(BigInt(entry.c2100)).toBe(cents(run?.totalWithholding.amount as string));
    expect(BigInt(entry.c2110)).toBe(cents(run?.totalNet.amount as string));

    const twice = await server.request(
      PostPayrollRunDocument,
      { input: { payrollRunId: run?.id as string } },
      hr,
    );
    expect(twice.data?.postPayrollRun.userErrors[0].code).toBe('ALREADY_POSTED');
    const overlapping = await server.request(
      RunPayrollDocument,
      { input: { periodStart: '2027-02-15', periodEnd: '2027-03-14' } },
      hr,
    );
    expect(overlapping.data?.runPayroll.userErrors[0].code).toBe('PAYROLL_PERIOD_OVERLAP');

    const own = await server.login(joiner.email, joiner.password);
    const pay = await server.request(EmployeePayDocument, { id: joiner.id }, own);
    expect(pay.data?.employee?.payslips.map((p) => [p.periodStart, p.gross.amount])).toEqual([
      ['2027-02-01', '3500.00'],
    ]);
    expect(
      errorCode(
        await server.request(
          RunPayrollDocument,
          { input: { periodStart: '2027-04-01', periodEnd: '2027-04-30' } },
          own,
        ),
      ),
    ).toBe('FORBIDDEN');
  });
});
