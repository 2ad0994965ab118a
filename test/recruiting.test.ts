import { RETENTION_CRON, RETENTION_JOB } from '../src/modules/compliance/retention.job';
import {
  AddApplicationDocument,
  ApplicationByIdDocument,
  ApplicationInterviewsDocument,
  ApplicationOffersDocument,
  ApplicationsDocument,
  ApproveOfferDocument,
  CandidateApplicationsDocument,
  ChecklistsDocument,
  CloseJobOpeningDocument,
  DepartmentsDocument,
  EmployeesDocument,
  EmployeeSalaryDocument,
  HireApplicantDocument,
  JobOpeningsDocument,
  LoginDocument,
  MakeOfferDocument,
  MoveApplicationDocument,
  NodeByIdDocument,
  OpenJobOpeningDocument,
  RespondToOfferDocument,
  ScheduleInterviewDocument,
  SetEmployeePasswordDocument,
  SubmitScorecardDocument,
  type ApplicationStage,
} from './generated/graphql';
import { errorCode, uniqueSuffix } from './support/fixtures';
import { ManualClock } from './support/manual-clock';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, type TestServer } from './support/test-server';
import { until } from './support/until';

const DAY = 86_400_000;
/** The clock starts 60 days before the real day, so offers starting soon are in effect today. */
const START = new Date(Date.now() - 60 * DAY);
const dayAfter = (days: number) =>
  new Date(START.getTime() + days * DAY).toISOString().slice(0, 10);
const numericId = (id: string) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);

describe('recruiting: openings, applications, interviews, offers, hires and retention', () => {
  const clock = new ManualClock(START);
  let sink: SmtpSink;
  let server: TestServer;
  let hr: string;
  let admin: string;
  let agent: string;
  let lead: string;
  let agentId: string;
  let leadId: string;
  let departmentId: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    // Workers start in the first test, after it has queued mail and rejected an applicant.
    server = await startTestServer(
      { SMTP_URL: sink.url, JOB_POLL_MS: '500', RUN_WORKERS: 'false' },
      { clock },
    );
    [hr, admin, agent, lead] = await Promise.all([
      server.login('hr@example.com'),
      server.login('admin@example.com'),
      server.login('agent@example.com'),
      server.login('lead@example.com'),
    ]);
    const idOf = async (email: string) => {
      const result = await server.request(EmployeesDocument, { filter: { search: email } }, admin);
      const id = result.data?.employees.nodes[0]?.id;
      if (!id) throw new Error(`no employee ${email}`);
      return id;
    };
    [agentId, leadId] = await Promise.all([idOf('agent@example.com'), idOf('lead@example.com')]);
    const departments = await server.request(DepartmentsDocument, {}, hr);
    const support = departments.data?.departments.find((d) => d.name === 'Customer Support');
    if (!support) throw new Error('no Customer Support department');
    departmentId = support.id;
  });

  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  const sql = <T extends object>(text: string, params: unknown[] = []) =>
    server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

  async function openOpening(headcount = 1, salaryMin = '60000.00', salaryMax = '70000.00') {
    const result = await server.request(
      OpenJobOpeningDocument,
      {
        input: {
          title: `Support Engineer ${uniqueSuffix()}`,
          departmentId,
          headcount,
          salaryMin,
          salaryMax,
        },
      },
      hr,
    );
    expect(result.data?.openJobOpening.userErrors).toEqual([]);
    const opening = result.data?.openJobOpening.jobOpening;
    if (!opening) throw new Error(JSON.stringify(result));
    return opening;
  }

  async function apply(jobOpeningId: string, email: string, consentToRetain = false) {
    const result = await server.request(
      AddApplicationDocument,
      {
        input: {
          jobOpeningId,
          name: `Candidate ${uniqueSuffix()}`,
          email,
          phone: '+1 555 0199',
          resumeText: 'Ten years of support work.',
          consentToRetain,
        },
      },
      hr,
    );
    return result.data?.addApplication;
  }

  async function applied(jobOpeningId: string, consentToRetain = false) {
    const payload = await apply(
      jobOpeningId,
      `cand-${uniqueSuffix()}@example.org`,
      consentToRetain,
    );
    expect(payload?.userErrors).toEqual([]);
    if (!payload?.application) throw new Error('no application');
    return payload.application;
  }

  async function schedule(applicationId: string, interviewerIds = [agentId, leadId]) {
    const result = await server.request(
      ScheduleInterviewDocument,
      {
        input: {
          applicationId,
          interviewerIds,
          scheduledAt: new Date(clock.now().getTime() + 2 * DAY).toISOString(),
        },
      },
      hr,
    );
    return result.data?.scheduleInterview;
  }

  async function move(
    applicationId: string,
    stage: ApplicationStage,
    version: number,
    reason?: string,
  ) {
    const result = await server.request(
      MoveApplicationDocument,
      { input: { applicationId, stage, expectedVersion: version, reason } },
      hr,
    );
    return result.data?.moveApplication;
  }

  async function version(applicationId: string): Promise<number> {
    const result = await server.request(ApplicationByIdDocument, { id: applicationId }, hr);
    const found = result.data?.application;
    if (!found) throw new Error('no application');
    return found.version;
  }

  async function offer(applicationId: string, salary: string, startDate = dayAfter(14)) {
    const result = await server.request(
      MakeOfferDocument,
      { input: { applicationId, salary, startDate } },
      hr,
    );
    return result.data?.makeOffer;
  }

  async function accept(offerId: string) {
    const result = await server.request(
      RespondToOfferDocument,
      { input: { offerId, accept: true } },
      hr,
    );
    expect(result.data?.respondToOffer.userErrors).toEqual([]);
    return result.data?.respondToOffer.offer;
  }

  /** An application through an interview to an accepted in-band offer. */
  async function readyToHire(jobOpeningId: string) {
    const application = await applied(jobOpeningId);
    expect((await schedule(application.id))?.userErrors).toEqual([]);
    const made = await offer(application.id, '65000.00');
    expect(made?.offer?.status).toBe('EXTENDED');
    await accept(made?.offer?.id ?? '');
    return application;
  }

  async function hire(applicationId: string, idempotencyKey?: string) {
    const result = await server.request(
      HireApplicantDocument,
      { input: { applicationId, idempotencyKey } },
      hr,
    );
    return result.data?.hireApplicant;
  }

  const candidateEmails = (to: string) =>
    sql<{ status: string; error: string | null; subject: string }>(
      `SELECT status, error, subject FROM outbound_email
        WHERE kind = 'CANDIDATE_EMAIL' AND to_address = ? ORDER BY id`,
      [to],
    );

  it('withholds a candidate email queued before the rejection, and sends the others', async () => {
    const opening = await openOpening(2);
    const rejectedEmail = `rejected-${uniqueSuffix()}@example.org`;
    const keptEmail = `kept-${uniqueSuffix()}@example.org`;
    const rejected = (await apply(opening.id, rejectedEmail))?.application;
    const kept = (await apply(opening.id, keptEmail))?.application;
    if (!rejected || !kept) throw new Error('applications failed');
    const invited = await schedule(rejected.id);
    expect((await schedule(kept.id))?.userErrors).toEqual([]);
    expect(invited?.application?.stage).toBe('INTERVIEW');
    // Both invitations are queued; no worker has run yet.
    expect(await candidateEmails(rejectedEmail)).toEqual([
      { status: 'QUEUED', error: null, subject: expect.stringMatching(/^Interview invitation/) },
    ]);

    const refusedWithoutReason = await move(
      rejected.id,
      'REJECTED',
      invited?.application?.version ?? 0,
    );
    expect(refusedWithoutReason?.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'reason'] }),
    ]);
    const rejection = await move(
      rejected.id,
      'REJECTED',
      invited?.application?.version ?? 0,
      'Not enough experience with our stack',
    );
    expect(rejection?.userErrors).toEqual([]);
    expect(rejection?.application?.stage).toBe('REJECTED');

    // Nothing more reaches them: no interview, no offer, no email.
    const again = await schedule(rejected.id);
    expect(again?.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION', field: ['input', 'applicationId'] }),
    ]);
    const refusedOffer = await offer(rejected.id, '65000.00');
    expect(refusedOffer?.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION', field: ['input', 'applicationId'] }),
    ]);

    await server.backdesk.jobs.work();
    await sink.waitFor((received) => received.some((mail) => mail.rcptTo.includes(keptEmail)));
    const [withheld] = await until(
      () => candidateEmails(rejectedEmail),
      (rows) => rows.length === 1 && rows[0].status !== 'QUEUED',
      'the rejected candidate’s invitation to be dealt with',
    );
    expect(withheld).toMatchObject({
      status: 'FAILED',
      error: 'Withheld: the application was rejected',
    });
    // The sink has it; SENT is recorded in the send's transaction, just after.
    await until(
      () => candidateEmails(keptEmail),
      (rows) => rows.length === 1 && rows[0].status === 'SENT',
      'the other candidate’s invitation to be recorded SENT',
    );
    expect(sink.received.filter((mail) => mail.rcptTo.includes(rejectedEmail))).toEqual([]);
  });

  it('hires end to end: interview with two scorecards, out-of-band offer approved by ADMIN, accepted, hired once', async () => {
    const opening = await openOpening(1, '60000.00', '70000.00');
    const application = (await apply(opening.id, '  Casey.Hire+Jobs@Example.ORG '))?.application;
    const other = await applied(opening.id);
    if (!application) throw new Error('no application');
    expect(application).toMatchObject({
      stage: 'APPLIED',
      version: 1,
      candidate: { email: 'casey.hire+jobs@example.org' },
      history: [{ from: null, to: 'APPLIED', actor: { email: 'hr@example.com' } }],
    });
    const scheduled = await schedule(application.id);
    expect(scheduled?.userErrors).toEqual([]);
    const interviewId = scheduled?.interview?.id ?? '';
    expect(scheduled?.interview?.interviewers.map((e) => e.email).sort()).toEqual([
      'agent@example.com',
      'lead@example.com',
    ]);

    // Interviewers see the applications they are on, and nothing else of recruiting.
    const agentsList = await server.request(
      ApplicationsDocument,
      { filter: { jobOpeningId: opening.id } },
      agent,
    );
    expect(agentsList.data?.applications.nodes.map((a) => a.id)).toEqual([application.id]);
    const hrList = await server.request(
      ApplicationsDocument,
      { filter: { jobOpeningId: opening.id } },
      hr,
    );
    expect(hrList.data?.applications.totalCount).toBe(2);
    expect((await server.request(ApplicationByIdDocument, { id: other.id }, agent)).data).toEqual({
      application: null,
    });
    expect((await server.request(NodeByIdDocument, { id: other.id }, agent)).data).toEqual({
      node: null,
    });
    expect(errorCode(await server.request(JobOpeningsDocument, {}, agent))).toBe('FORBIDDEN');
    const reporting = await server.login('reports@example.com');
    expect(
      (await server.request(ApplicationByIdDocument, { id: application.id }, reporting)).data,
    ).toEqual({ application: null });

    const scorecards = async (token: string) => {
      const result = await server.request(
        ApplicationInterviewsDocument,
        { id: application.id },
        token,
      );
      expect(result.errors).toBeUndefined();
      return (result.data?.application?.interviews[0]?.scorecards ?? [])
        .map((card) => card.interviewer.email)
        .sort();
    };
    const submit = (token: string, rating: number, notes: string) =>
      server.request(
        SubmitScorecardDocument,
        { input: { interviewId, rating, recommendation: 'YES', notes } },
        token,
      );
    expect((await submit(hr, 3, 'not on it')).data?.submitScorecard.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    ]);
    expect((await submit(lead, 6, 'out of range')).data?.submitScorecard.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'rating'] }),
    ]);
    expect((await submit(lead, 5, 'Excellent debugging')).data?.submitScorecard.userErrors).toEqual(
      [],
    );
    // The agent has not submitted: the lead's scorecard stays hidden from them.
    expect(await scorecards(agent)).toEqual([]);
    expect(await scorecards(lead)).toEqual(['lead@example.com']);
    expect(await scorecards(hr)).toEqual(['lead@example.com']);
    expect((await submit(agent, 4, 'Good communicator')).data?.submitScorecard.userErrors).toEqual(
      [],
    );
    expect(await scorecards(agent)).toEqual(['agent@example.com', 'lead@example.com']);
    expect(await scorecards(lead)).toEqual(['agent@example.com', 'lead@example.com']);
    expect((await submit(agent, 4, 'twice')).data?.submitScorecard.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    ]);

    // Out of band: waits for an ADMIN.
    const made = await offer(application.id, '75000.00');
    expect(made?.userErrors).toEqual([]);
    expect(made?.offer).toMatchObject({
      status: 'PENDING_APPROVAL',
      withinBand: false,
      salary: { amount: '75000.00' },
      approvedBy: null,
    });
    const offerId = made?.offer?.id ?? '';
    expect((await offer(application.id, '65000.00'))?.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    ]);
    const early = await server.request(
      RespondToOfferDocument,
      { input: { offerId, accept: true } },
      hr,
    );
    expect(early.data?.respondToOffer.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    ]);
    expect(errorCode(await server.request(ApproveOfferDocument, { input: { offerId } }, hr))).toBe(
      'FORBIDDEN',
    );
    const approved = await server.request(ApproveOfferDocument, { input: { offerId } }, admin);
    expect(approved.data?.approveOffer).toMatchObject({
      offer: { status: 'EXTENDED', approvedBy: { email: 'admin@example.com' } },
      userErrors: [],
    });
    // The salary of an offer is pay data: interviewers see the application, not the offer.
    expect(
      errorCode(await server.request(ApplicationOffersDocument, { id: application.id }, agent)),
    ).toBe('FORBIDDEN');
    expect((await server.request(NodeByIdDocument, { id: offerId }, agent)).data).toEqual({
      node: null,
    });
    expect((await accept(offerId))?.status).toBe('ACCEPTED');

    const hired = await hire(application.id, `hire-${application.id}`);
    expect(hired?.userErrors).toEqual([]);
    expect(hired?.employee).toMatchObject({
      email: 'casey.hire+jobs@example.org',
      roles: [],
      hireDate: dayAfter(14),
      department: { id: departmentId },
    });
    const employeeId = hired?.employee?.id ?? '';
    const salary = await server.request(EmployeeSalaryDocument, { id: employeeId }, hr);
    expect(salary.data?.employee?.salary).toEqual({ amount: '75000.00', currency: 'USD' });
    // No roles and no password: they cannot sign in until one is set.
    const signIn = await server.request(LoginDocument, {
      input: { email: 'casey.hire+jobs@example.org', password: 'demo-password' },
    });
    expect(signIn.data?.login).toMatchObject({
      token: null,
      userErrors: [expect.objectContaining({ code: 'INVALID_CREDENTIALS' })],
    });

    // The hire made the onboarding checklist; once HR sets a password, the new employee signs
    // in and sees it, and may change the password only with the current one.
    const [onboarding] =
      (await server.request(ChecklistsDocument, { filter: { employeeId, kind: 'ONBOARDING' } }, hr))
        .data?.checklists ?? [];
    expect(onboarding).toMatchObject({ anchorDate: dayAfter(14), complete: false });
    expect(onboarding?.items.length).toBeGreaterThan(0);
    const password = 'a-long-enough-password';
    const set = await server.request(
      SetEmployeePasswordDocument,
      { input: { employeeId, password } },
      hr,
    );
    expect(set.data?.setEmployeePassword.userErrors).toEqual([]);
    const newcomer = await server.login('casey.hire+jobs@example.org', password);
    const own = await server.request(ChecklistsDocument, { filter: { employeeId } }, newcomer);
    expect(own.data?.checklists.map((c) => c.id)).toEqual([onboarding?.id]);
    const wrongCurrent = await server.request(
      SetEmployeePasswordDocument,
      { input: { employeeId, password: 'another-long-password', currentPassword: 'nope' } },
      newcomer,
    );
    expect(wrongCurrent.errors).toBeUndefined();
    expect(wrongCurrent.data?.setEmployeePassword.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_CREDENTIALS', field: ['input', 'currentPassword'] }),
    ]);
    const someoneElse = await server.request(
      SetEmployeePasswordDocument,
      { input: { employeeId: agentId, password } },
      newcomer,
    );
    expect(someoneElse.data?.setEmployeePassword.userErrors[0]?.code).toBe('NOT_FOUND');

    const repeat = await hire(application.id, `hire-${application.id}`);
    expect(repeat).toEqual({ employee: hired?.employee, userErrors: [] });
    expect((await hire(application.id))?.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION', field: ['input', 'applicationId'] }),
    ]);
    expect((await hire(application.id, `other-${application.id}`))?.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    ]);
    const after = await server.request(ApplicationOffersDocument, { id: application.id }, hr);
    expect(after.data?.application).toMatchObject({
      stage: 'HIRED',
      employee: { id: employeeId },
    });
    const history = await server.request(ApplicationByIdDocument, { id: application.id }, hr);
    expect(history.data?.application?.history.map((h) => h.to)).toEqual([
      'APPLIED',
      'INTERVIEW',
      'OFFER',
      'HIRED',
    ]);
    // The offer letter went out once approved.
    await sink.waitFor((received) =>
      received.some(
        (mail) =>
          mail.rcptTo.includes('casey.hire+jobs@example.org') &&
          /^Your offer/.test(mail.parsed.subject ?? ''),
      ),
    );

    // The key belongs to that hire: with another application it is refused.
    expect((await hire(other.id, `hire-${application.id}`))?.userErrors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
    ]);

    // Past the headcount: the second applicant's hire is refused.
    await schedule(other.id);
    const second = await offer(other.id, '65000.00');
    await accept(second?.offer?.id ?? '');
    expect((await hire(other.id))?.userErrors).toEqual([
      expect.objectContaining({ code: 'HEADCOUNT_FILLED' }),
    ]);
    const [row] = await sql<{ hired_count: number }>(
      'SELECT hired_count FROM job_opening WHERE id = ?',
      [numericId(opening.id)],
    );
    expect(row.hired_count).toBe(1);
  });

  it('lets one of concurrent moves win; the others get STALE_APPLICATION', async () => {
    const opening = await openOpening();
    const application = await applied(opening.id);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => move(application.id, 'SCREENING', application.version)),
    );
    const codes = results.map((result) => result?.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['OK', ...Array<string>(7).fill('STALE_APPLICATION')]);
    const [history] = await sql<{ moves: string }>(
      `SELECT count(*) AS moves FROM application_stage_change WHERE application_id = ? AND to_stage = 'SCREENING'`,
      [numericId(application.id)],
    );
    expect(Number(history.moves)).toBe(1);
    expect(await version(application.id)).toBe(application.version + 1);
  });

  it('never hires beyond the headcount when two hires race', async () => {
    const opening = await openOpening(1);
    const first = await readyToHire(opening.id);
    const second = await readyToHire(opening.id);
    const results = await Promise.all([hire(first.id), hire(second.id)]);
    const codes = results.map((result) => result?.userErrors[0]?.code ?? 'HIRED').sort();
    expect(codes).toEqual(['HEADCOUNT_FILLED', 'HIRED']);
    const [row] = await sql<{ hired_count: number; hired: string }>(
      `SELECT o.hired_count,
              (SELECT count(*) FROM application a WHERE a.job_opening_id = o.id AND a.stage = 'HIRED') AS hired
         FROM job_opening o WHERE o.id = ?`,
      [numericId(opening.id)],
    );
    expect({ hiredCount: row.hired_count, hired: Number(row.hired) }).toEqual({
      hiredCount: 1,
      hired: 1,
    });
  });

  it('keeps moves to the table, rejection with a reason withdraws the live offer, history is append-only', async () => {
    const opening = await openOpening();
    const application = await applied(opening.id);
    expect((await move(application.id, 'OFFER', 1))?.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION', field: ['input', 'stage'] }),
    ]);
    expect((await move(application.id, 'HIRED', 1))?.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    ]);
    expect((await move(application.id, 'SCREENING', 7))?.userErrors).toEqual([
      expect.objectContaining({ code: 'STALE_APPLICATION', field: ['input', 'expectedVersion'] }),
    ]);
    await schedule(application.id);
    const made = await offer(application.id, '61000.00');
    expect(made?.offer?.status).toBe('EXTENDED');
    const rejected = await move(
      application.id,
      'REJECTED',
      await version(application.id),
      'Chose another candidate',
    );
    expect(rejected?.application?.history.at(-1)).toMatchObject({
      from: 'OFFER',
      to: 'REJECTED',
      reason: 'Chose another candidate',
      actor: { email: 'hr@example.com' },
    });
    const offers = await server.request(ApplicationOffersDocument, { id: application.id }, hr);
    expect(offers.data?.application?.offers.map((o) => o.status)).toEqual(['WITHDRAWN']);
    expect((await offer(application.id, '61000.00'))?.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    ]);
    expect(
      (
        await server.request(
          RespondToOfferDocument,
          { input: { offerId: made?.offer?.id ?? '', accept: true } },
          hr,
        )
      ).data?.respondToOffer.userErrors,
    ).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION' })]);
    await expect(
      sql("UPDATE application_stage_change SET reason = 'edited' WHERE application_id = ?", [
        numericId(application.id),
      ]),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql('DELETE FROM application_stage_change WHERE application_id = ?', [
        numericId(application.id),
      ]),
    ).rejects.toThrow(/append-only/);
  });

  it('finds a returning candidate by normalised email, refuses a second application to one opening and any to a closed one', async () => {
    const first = await openOpening();
    const second = await openOpening();
    const email = `Dana.${uniqueSuffix()}@Example.com`;
    const one = (await apply(first.id, email))?.application;
    expect((await apply(first.id, ` ${email.toLowerCase()} `))?.userErrors).toEqual([
      expect.objectContaining({ code: 'ALREADY_APPLIED', field: ['input', 'email'] }),
    ]);
    const two = (await apply(second.id, email.toUpperCase()))?.application;
    expect(two?.candidate.id).toBe(one?.candidate.id);
    const candidate = await server.request(
      CandidateApplicationsDocument,
      { id: two?.id ?? '' },
      hr,
    );
    expect(candidate.data?.application?.candidate.applications.map((a) => a.id)).toEqual([
      one?.id,
      two?.id,
    ]);
    const closed = await server.request(
      CloseJobOpeningDocument,
      { input: { jobOpeningId: first.id } },
      hr,
    );
    expect(closed.data?.closeJobOpening.jobOpening?.status).toBe('CLOSED');
    expect((await apply(first.id, `late-${uniqueSuffix()}@example.org`))?.userErrors).toEqual([
      expect.objectContaining({ code: 'OPENING_CLOSED' }),
    ]);
    const openings = await server.request(
      JobOpeningsDocument,
      { filter: { status: 'CLOSED', departmentId } },
      hr,
    );
    expect(openings.data?.jobOpenings.nodes.map((o) => o.id)).toContain(first.id);
    expect(openings.data?.jobOpenings.nodes.map((o) => o.id)).not.toContain(second.id);
    const refused = await server.request(
      OpenJobOpeningDocument,
      {
        input: { title: 'Bad band', departmentId, headcount: 0, salaryMin: '2', salaryMax: '1' },
      },
      hr,
    );
    expect(refused.data?.openJobOpening.userErrors.map((e) => e.field)).toEqual([
      ['input', 'headcount'],
    ]);
  });

  it('anonymises rejected candidates after the retention period (the REJECTED_APPLICANTS policy), unless they consented', async () => {
    const [cron] = await sql<{ cron: string }>('SELECT cron FROM pgboss.schedule WHERE name = ?', [
      RETENTION_JOB,
    ]);
    expect(cron?.cron).toBe(RETENTION_CRON);
    const opening = await openOpening();
    const forgotten = await applied(opening.id, false);
    const consenting = await applied(opening.id, true);
    // The forgotten candidate was invited (an email in the outbox) before the rejection.
    expect((await schedule(forgotten.id))?.userErrors).toEqual([]);
    for (const application of [forgotten, consenting])
      expect(
        (await move(application.id, 'REJECTED', await version(application.id), 'Position filled'))
          ?.userErrors,
      ).toEqual([]);
    const mailsTo = (address: string) =>
      sql<{ count: number }>(
        'SELECT count(*)::int AS count FROM outbound_email WHERE to_address = ? OR text_body LIKE ?',
        [address, `%${forgotten.candidate.name}%`],
      ).then(([row]) => row.count);
    expect(await mailsTo(forgotten.candidate.email as string)).toBeGreaterThan(0);
    const rejectedAt = clock.now().getTime();
    const runRetention = async () => {
      const id = await server.backdesk.jobs.enqueue(undefined, RETENTION_JOB, {});
      await until(
        () =>
          sql<{ state: string }>('SELECT state::text AS state FROM pgboss.job WHERE id = ?', [id]),
        (rows) => rows[0]?.state === 'completed',
        'the retention job to complete',
      );
    };
    const candidateOf = async (id: string) => {
      const result = await server.request(ApplicationByIdDocument, { id }, hr);
      return result.data?.application;
    };
    try {
      clock.set(new Date(rejectedAt + 179 * DAY));
      await runRetention();
      expect((await candidateOf(forgotten.id))?.candidate.anonymizedAt).toBeNull();

      clock.set(new Date(rejectedAt + 181 * DAY));
      await runRetention();
      expect(await candidateOf(forgotten.id)).toMatchObject({
        candidate: { name: 'Anonymised candidate', email: null, phone: null },
        resumeText: null,
        stage: 'REJECTED',
      });
      expect((await candidateOf(forgotten.id))?.candidate.anonymizedAt).not.toBeNull();
      // The invitation stays listed, without their address or text.
      expect(await mailsTo(forgotten.candidate.email as string)).toBe(0);
      const redacted = await sql<{ subject: string; text_body: string }>(
        "SELECT subject, text_body FROM outbound_email WHERE to_address = 'redacted@invalid'",
      );
      expect(redacted.length).toBeGreaterThan(0);
      expect(redacted.every((row) => row.subject === '(redacted)' && row.text_body === '')).toBe(
        true,
      );
      expect(await candidateOf(consenting.id)).toMatchObject({
        candidate: { name: consenting.candidate.name, email: consenting.candidate.email },
        resumeText: 'Ten years of support work.',
      });
    } finally {
      clock.set(START);
    }
  });
});
