import {
  TRAINING_REMINDERS_CRON,
  TRAINING_REMINDERS_JOB,
} from '../src/modules/people/training.reminders';
import { addMonths } from '../src/modules/common/calendar-dates';
import {
  CertificationsExpiringDocument,
  CoursesDocument,
  CreateCourseDocument,
  CreateDepartmentDocument,
  EmployeesDocument,
  EmployeeTrainingDocument,
  HireEmployeeDocument,
  MyTrainingDocument,
  RecordTrainingCompletionDocument,
  TerminateEmployeeDocument,
  TrainingMatrixDocument,
} from './generated/graphql';
import { errorCode, uniqueSuffix } from './support/fixtures';
import { ManualClock } from './support/manual-clock';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, type TestServer } from './support/test-server';
import { until } from './support/until';

const PASSWORD = 'a-long-enough-password';

let sink: SmtpSink;
let server: TestServer;
let hr: string;
let agent: string;
const clock = new ManualClock('2031-01-15T09:00:00Z');

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: sink.url, JOB_POLL_MS: '500' }, { clock });
  [hr, agent] = await Promise.all([
    server.login('hr@example.com'),
    server.login('agent@example.com'),
  ]);
});

afterAll(async () => {
  await server?.close();
  await sink?.close();
});

const sql = <T extends object>(text: string, params: unknown[] = []) =>
  server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

async function department(name: string, parentId?: string): Promise<string> {
  const result = await server.request(
    CreateDepartmentDocument,
    { input: { name: `${name} ${uniqueSuffix()}`, parentId } },
    hr,
  );
  const id = result.data?.createDepartment.department?.id;
  if (!id) throw new Error(JSON.stringify(result));
  return id;
}

async function hire(options: { departmentId?: string; roles?: ('REPORTING' | 'SUPPORT_AGENT')[] }) {
  const email = `trainee-${uniqueSuffix()}@example.com`;
  const result = await server.request(
    HireEmployeeDocument,
    {
      input: {
        name: `Trainee ${email}`,
        email,
        hireDate: '2028-01-03',
        departmentId: options.departmentId,
        roles: options.roles ?? [],
        password: PASSWORD,
      },
    },
    hr,
  );
  const id = result.data?.hireEmployee.employee?.id;
  if (!id) throw new Error(JSON.stringify(result));
  return { id, email };
}

async function course(input: {
  validityMonths?: number | null;
  requiredForRoles?: 'ACCOUNTANT'[];
  requiredForDepartmentIds?: string[];
}) {
  const result = await server.request(
    CreateCourseDocument,
    { input: { name: `Course ${uniqueSuffix()}`, ...input } },
    hr,
  );
  const created = result.data?.createCourse.course;
  if (!created) throw new Error(JSON.stringify(result));
  return created;
}

async function record(employeeId: string, courseId: string, completedOn: string, token = hr) {
  return server.request(
    RecordTrainingCompletionDocument,
    { input: { employeeId, courseId, completedOn } },
    token,
  );
}

async function recorded(employeeId: string, courseId: string, completedOn: string) {
  const result = await record(employeeId, courseId, completedOn);
  const completion = result.data?.recordTrainingCompletion.trainingCompletion;
  if (!completion) throw new Error(JSON.stringify(result));
  return completion;
}

async function matrix(filter: Record<string, unknown>, dueWithinDays?: number) {
  const result = await server.request(TrainingMatrixDocument, { filter, dueWithinDays }, hr);
  if (!result.data) throw new Error(JSON.stringify(result));
  return result.data.trainingMatrix.map((row) => ({
    email: row.employee.email,
    status: row.status,
    expiresOn: row.expiresOn,
    completedOn: row.latestCompletion?.completedOn ?? null,
  }));
}

describe('courses and completions', () => {
  it('computes expiry from the validity, end-of-month safe, and keeps every renewal', () => {
    expect(addMonths('2030-01-31', 1)).toBe('2030-02-28');
    expect(addMonths('2031-01-31', 1)).toBe('2031-02-28');
    expect(addMonths('2032-01-31', 1)).toBe('2032-02-29');
    expect(addMonths('2030-08-31', 10)).toBe('2031-06-30');
    expect(addMonths('2030-12-15', 12)).toBe('2031-12-15');
    expect(addMonths('2031-03-31', -1)).toBe('2031-02-28');
  });

  it('lets HR create courses and record completions; others may not', async () => {
    const parent = await department('Plant');
    const created = await server.request(
      CreateCourseDocument,
      {
        input: {
          name: `Forklift ${uniqueSuffix()}`,
          validityMonths: 1,
          requiredForRoles: ['ACCOUNTANT'],
          requiredForDepartmentIds: [parent],
        },
      },
      hr,
    );
    expect(created.data?.createCourse).toMatchObject({
      course: {
        validityMonths: 1,
        requiredForRoles: ['ACCOUNTANT'],
        requiredForDepartments: [{ id: parent }],
      },
      userErrors: [],
    });
    const forklift = created.data!.createCourse.course!;
    const taken = await server.request(
      CreateCourseDocument,
      { input: { name: forklift.name } },
      hr,
    );
    expect(taken.data?.createCourse.userErrors[0]).toMatchObject({ code: 'NAME_TAKEN' });
    const badValidity = await server.request(
      CreateCourseDocument,
      { input: { name: `Bad ${uniqueSuffix()}`, validityMonths: 0 } },
      hr,
    );
    expect(badValidity.data?.createCourse.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'validityMonths'],
    });
    const byAgent = await server.request(
      CreateCourseDocument,
      { input: { name: `Agent ${uniqueSuffix()}` } },
      agent,
    );
    expect(errorCode(byAgent)).toBe('FORBIDDEN');
    const listed = await server.request(CoursesDocument, {}, agent);
    expect(listed.data?.courses.map((c) => c.name)).toContain(forklift.name);

    const trainee = await hire({ departmentId: parent });
    const first = await recorded(trainee.id, forklift.id, '2030-01-31');
    expect(first).toMatchObject({
      completedOn: '2030-01-31',
      expiresOn: '2030-02-28',
      employee: { id: trainee.id },
      recordedBy: { email: 'hr@example.com' },
    });
    const future = await record(trainee.id, forklift.id, '2031-01-16');
    expect(future.data?.recordTrainingCompletion.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'completedOn'],
    });
    const self = await server.login(trainee.email, PASSWORD);
    expect(errorCode(await record(trainee.id, forklift.id, '2031-01-10', self))).toBe('FORBIDDEN');
    const renewal = await recorded(trainee.id, forklift.id, '2031-01-10');
    expect(renewal.expiresOn).toBe('2031-02-10');

    // History: both completions, newest first; the employee sees their own, others may not.
    const own = await server.request(EmployeeTrainingDocument, { id: trainee.id }, self);
    expect(own.data?.employee?.trainingCompletions.map((c) => c.id)).toEqual([
      renewal.id,
      first.id,
    ]);
    expect(own.data?.employee?.training).toEqual([
      { status: 'DUE', expiresOn: '2031-02-10', course: { name: forklift.name } },
    ]);
    const other = await server.request(EmployeeTrainingDocument, { id: trainee.id }, agent);
    expect(errorCode(other)).toBe('FORBIDDEN');
    expect(JSON.stringify(other.data)).not.toContain('2031-02-10');
  });
});

describe('the training matrix', () => {
  it('shows MISSING, EXPIRED, DUE and COMPLIANT, by role and by department with sub-departments, across renewals', async () => {
    const site = await department('Site');
    const workshop = await department('Workshop', site);
    const elsewhere = await department('Elsewhere');
    const safety = await course({ validityMonths: 12, requiredForDepartmentIds: [site] });
    const inWorkshop = await hire({ departmentId: workshop });
    const onSite = await hire({ departmentId: site });
    const newcomer = await hire({ departmentId: site });
    const outsider = await hire({ departmentId: elsewhere });

    await recorded(inWorkshop.id, safety.id, '2030-01-31'); // expires 2031-01-31: in 16 days
    await recorded(onSite.id, safety.id, '2029-06-01'); // expired 2030-06-01
    await recorded(outsider.id, safety.id, '2030-11-02'); // not required for them

    const byName = (rows: Awaited<ReturnType<typeof matrix>>) =>
      Object.fromEntries(rows.map((row) => [row.email, row]));
    const before = byName(await matrix({ courseId: safety.id }));
    expect(Object.keys(before).sort()).toEqual(
      [inWorkshop.email, onSite.email, newcomer.email].sort(),
    );
    expect(before[inWorkshop.email]).toEqual({
      email: inWorkshop.email,
      status: 'DUE',
      expiresOn: '2031-01-31',
      completedOn: '2030-01-31',
    });
    expect(before[onSite.email]).toMatchObject({ status: 'EXPIRED', expiresOn: '2030-06-01' });
    expect(before[newcomer.email]).toEqual({
      email: newcomer.email,
      status: 'MISSING',
      expiresOn: null,
      completedOn: null,
    });
    // The due window is an argument: 10 days makes the completion expiring in 16 days COMPLIANT.
    expect(byName(await matrix({ courseId: safety.id }, 10))[inWorkshop.email].status).toBe(
      'COMPLIANT',
    );
    // A department filter includes its sub-departments.
    expect((await matrix({ departmentId: workshop })).map((row) => row.email)).toEqual([
      inWorkshop.email,
    ]);
    expect(
      (await matrix({ departmentId: site, status: 'MISSING' })).map((row) => row.email),
    ).toEqual([newcomer.email]);

    // Renewals: the latest completion is the one in force.
    await recorded(inWorkshop.id, safety.id, '2031-01-14');
    await recorded(onSite.id, safety.id, '2031-01-02');
    const after = byName(await matrix({ courseId: safety.id }));
    expect(after[inWorkshop.email]).toMatchObject({
      status: 'COMPLIANT',
      expiresOn: '2032-01-14',
      completedOn: '2031-01-14',
    });
    expect(after[onSite.email]).toMatchObject({ status: 'COMPLIANT', expiresOn: '2032-01-02' });
    expect(after[newcomer.email].status).toBe('MISSING');
    // An older completion recorded later does not replace a newer one.
    await recorded(onSite.id, safety.id, '2030-12-01');
    expect(byName(await matrix({ courseId: safety.id }))[onSite.email].expiresOn).toBe(
      '2032-01-02',
    );

    // By role, and never for someone terminated; a course without validity never expires.
    const ethics = await course({ validityMonths: null, requiredForRoles: ['ACCOUNTANT'] });
    const ethicsRows = await matrix({ courseId: ethics.id });
    expect(ethicsRows.map((row) => [row.email, row.status])).toEqual([
      ['accountant@example.com', 'MISSING'],
    ]);
    const accountantId = (
      await server.request(EmployeesDocument, { filter: { search: 'accountant@example.com' } }, hr)
    ).data!.employees.nodes[0].id;
    await recorded(accountantId, ethics.id, '2019-05-01');
    expect(await matrix({ courseId: ethics.id })).toEqual([
      {
        email: 'accountant@example.com',
        status: 'COMPLIANT',
        expiresOn: null,
        completedOn: '2019-05-01',
      },
    ]);
    await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: newcomer.id, date: '2031-01-15', reason: 'Left' } },
      hr,
    );
    expect((await matrix({ courseId: safety.id })).map((row) => row.email)).not.toContain(
      newcomer.email,
    );

    expect(errorCode(await server.request(TrainingMatrixDocument, {}, agent))).toBe('FORBIDDEN');
    const badWindow = await server.request(TrainingMatrixDocument, { dueWithinDays: -1 }, hr);
    expect(errorCode(badWindow)).toBe('BAD_USER_INPUT');
  });

  it("shows the agent the seeded courses required for them: by role, and by their department's parent", async () => {
    // The seed completed data protection a year less 20 days before the real today; this
    // clock is years later, so it has expired. Fire safety is required for Operations.
    const mine = await server.request(MyTrainingDocument, {}, agent);
    expect(mine.data?.me.training).toEqual([
      {
        status: 'EXPIRED',
        expiresOn: expect.any(String),
        course: { name: 'Data protection basics' },
      },
      { status: 'MISSING', expiresOn: null, course: { name: 'Fire safety' } },
    ]);
  });
});

describe('expiring certifications', () => {
  it('lists the certifications in force expiring within the window, the expired included', async () => {
    const team = await department('Expiry team');
    const audit = await course({ validityMonths: 6, requiredForDepartmentIds: [team] });
    const soon = await hire({ departmentId: team });
    const expired = await hire({ departmentId: team });
    const later = await hire({ departmentId: team });
    const renewed = await hire({ departmentId: team });
    const gone = await hire({ departmentId: team });
    const soonCompletion = await recorded(soon.id, audit.id, '2030-07-20'); // 2031-01-20
    const expiredCompletion = await recorded(expired.id, audit.id, '2030-05-10'); // 2030-11-10
    await recorded(later.id, audit.id, '2030-10-01'); // 2031-04-01
    await recorded(renewed.id, audit.id, '2030-07-18'); // 2031-01-18, renewed below
    const renewal = await recorded(renewed.id, audit.id, '2031-01-12'); // 2031-07-12
    await recorded(gone.id, audit.id, '2030-07-19');
    await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: gone.id, date: '2031-01-14', reason: 'Left' } },
      hr,
    );

    const expiring = async (withinDays: number) => {
      const result = await server.request(CertificationsExpiringDocument, { withinDays }, hr);
      if (!result.data) throw new Error(JSON.stringify(result));
      return result.data.certificationsExpiring.filter((c) => c.course.id === audit.id);
    };
    const within30 = await expiring(30);
    expect(within30.map((c) => [c.id, c.expiresOn, c.daysUntilExpiry])).toEqual([
      [expiredCompletion.id, '2030-11-10', -66],
      [soonCompletion.id, '2031-01-20', 5],
    ]);
    expect((await expiring(0)).map((c) => c.id)).toEqual([expiredCompletion.id]);
    expect((await expiring(90)).map((c) => c.employee.email)).toEqual([
      expired.email,
      soon.email,
      later.email,
    ]);
    expect((await expiring(200)).map((c) => c.id)).toContain(renewal.id);
    expect(
      errorCode(await server.request(CertificationsExpiringDocument, { withinDays: 30 }, agent)),
    ).toBe('FORBIDDEN');
  });
});

describe('expiry reminders', () => {
  /** Runs the daily job through the queue and waits until that run completed. */
  async function runReminders(): Promise<void> {
    const id = await server.backdesk.jobs.enqueue(undefined, TRAINING_REMINDERS_JOB, {});
    await until(
      () =>
        sql<{ state: string }>('SELECT state::text AS state FROM pgboss.job WHERE id = ?', [id]),
      (rows) => rows[0]?.state === 'completed',
      'the reminder run to complete',
    );
  }

  const remindersTo = (email: string) =>
    sql<{ subject: string }>(
      `SELECT subject FROM outbound_email WHERE kind = 'TRAINING_EXPIRY_REMINDER' AND to_address = ? ORDER BY id`,
      [email],
    );

  it('mails at 30, 7 and 0 days before expiry, each once, and stops after a renewal', async () => {
    const [schedule] = await sql<{ cron: string }>(
      'SELECT cron FROM pgboss.schedule WHERE name = ?',
      [TRAINING_REMINDERS_JOB],
    );
    expect(schedule?.cron).toBe(TRAINING_REMINDERS_CRON);
    const team = await department('Reminded team');
    const firstAid = await course({ validityMonths: 12, requiredForDepartmentIds: [team] });
    const kept = await hire({ departmentId: team });
    const renewing = await hire({ departmentId: team });
    clock.set('2031-01-20T07:00:00Z');
    await recorded(kept.id, firstAid.id, '2030-03-01'); // expires 2031-03-01
    await recorded(renewing.id, firstAid.id, '2030-03-01');

    const day = async (date: string, expected: { kept: number; renewing: number }) => {
      clock.set(`${date}T07:00:00Z`);
      await runReminders();
      await runReminders();
      expect([date, (await remindersTo(kept.email)).length]).toEqual([date, expected.kept]);
      expect([date, (await remindersTo(renewing.email)).length]).toEqual([date, expected.renewing]);
    };
    await day('2031-01-20', { kept: 0, renewing: 0 }); // 40 days ahead: none yet
    await day('2031-01-30', { kept: 1, renewing: 1 }); // 30 days ahead
    await day('2031-02-10', { kept: 1, renewing: 1 }); // 19 days: the 30-day stage, already sent
    await recorded(renewing.id, firstAid.id, '2031-02-10');
    await day('2031-02-22', { kept: 2, renewing: 1 }); // 7 days ahead
    await day('2031-03-01', { kept: 3, renewing: 1 }); // expires today
    await day('2031-03-02', { kept: 3, renewing: 1 }); // expired: nothing more

    expect((await remindersTo(kept.email)).map((row) => row.subject)).toEqual([
      `Your ${firstAid.name} certification expires in 30 days`,
      `Your ${firstAid.name} certification expires in 7 days`,
      `Your ${firstAid.name} certification expires today`,
    ]);
    const received = await sink.waitFor(
      (all) => all.filter((mail) => mail.rcptTo.includes(kept.email)).length === 3,
    );
    const mailed = received.filter((mail) => mail.rcptTo.includes(kept.email));
    expect(mailed.map((mail) => mail.parsed.subject)).toEqual(
      (await remindersTo(kept.email)).map((row) => row.subject),
    );
    expect(mailed[2].parsed.text).toContain('(2031-03-01)');
    const stages = await sql<{ days_before: number; sent_on: string }>(
      `SELECT r.days_before, to_char(r.sent_on, 'YYYY-MM-DD') AS sent_on FROM training_reminder r
         JOIN training_completion c ON c.id = r.completion_id
         JOIN employee e ON e.id = c.employee_id WHERE e.email = ? ORDER BY r.id`,
      [kept.email],
    );
    expect(stages).toEqual([
      { days_before: 30, sent_on: '2031-01-30' },
      { days_before: 7, sent_on: '2031-02-22' },
      { days_before: 0, sent_on: '2031-03-01' },
    ]);
    // Once per completion and stage, whatever runs: the database refuses a second.
    await expect(
      sql(
        `INSERT INTO training_reminder (completion_id, days_before, sent_on, email_id)
         SELECT completion_id, days_before, sent_on, email_id FROM training_reminder
          WHERE completion_id = (SELECT c.id FROM training_completion c JOIN employee e ON e.id = c.employee_id WHERE e.email = ? LIMIT 1)
          LIMIT 1`,
        [kept.email],
      ),
    ).rejects.toThrow(/training_reminder_unique/);
  }, 120_000);
});
