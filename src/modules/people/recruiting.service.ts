import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimIdempotencyKey, completeIdempotencyKey, requestHash } from '../../db/idempotency';
import { runSql } from '../../db/sql';
import { inTransaction, isUniqueViolation } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import type { Clock } from '../common/clock';
import { BusinessRuleError, refuse, UserErrorCode } from '../common/errors';
import {
  emailAddress,
  integerInRange,
  nonNegativeAmount,
  optionalText,
  positiveAmount,
  requiredText,
} from '../common/input-rules';
import { formatMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { Employee } from '../employees/employee.entity';
import { maySignIn, type EmployeeService } from '../employees/employee.service';
import { candidateEmailKey, type CandidateMail } from './candidate-email';
import {
  Application,
  ApplicationStage,
  ApplicationStageChange,
  Candidate,
  Interview,
  InterviewInterviewer,
  JobOpening,
  JobOpeningStatus,
  LIVE_OFFER_STATUSES,
  Offer,
  OfferStatus,
  Recommendation,
  Scorecard,
} from './recruiting.entity';
import { isFinalStage, stageMove } from './recruiting-stages';

/** What anonymisation writes in place of a candidate's name. */
export const ANONYMISED_NAME = 'Anonymised candidate';
/** At most this many interviewers on one interview. */
const MAX_INTERVIEWERS = 10;

const field = (name: string) => ['input', name];

/** The calendar day of an instant (UTC). */
const dayOf = (at: Date) => at.toISOString().slice(0, 10);

export interface JobOpeningDraft {
  title: string;
  departmentId: number;
  headcount: number;
  salaryMin: string;
  salaryMax: string;
}

export interface ApplicationDraft {
  jobOpeningId: number;
  name: string;
  email: string;
  phone?: string | null;
  resumeText?: string | null;
  consentToRetain: boolean;
}

/**
 * Recruiting: openings, candidates and their applications, interviews, offers and the hire. The
 * rules a maintainer must keep:
 * - every stage move is one of `STAGE_MOVES` (recruiting-stages.ts) and appends a history row;
 *   the history is append-only (a trigger refuses edits);
 * - every write to an application takes its row lock first and raises its `version`; a move names
 *   the version it read (`expectedVersion`) and is refused as stale otherwise;
 * - locks go application first, then its offer or opening: never the other way round;
 * - a rejected application gets no interview, offer or email (and queued ones are withheld: see
 *   candidate-email.ts); rejecting withdraws its live offer;
 * - an application has at most one live offer (`offer_one_live`); out-of-band offers wait for an
 *   ADMIN, in-band ones are approved when made;
 * - the hire makes the employee through `EmployeeService.create` in the same transaction, and
 *   raises the opening's `hiredCount` under its row lock, never past `headcount`.
 */
export class RecruitingService {
  private mail: CandidateMail | undefined;

  constructor(
    private readonly employees: EmployeeService,
    private readonly clock: Clock,
  ) {}

  /** Candidate email goes out through this (none in the demo seed, which has no outbox). */
  mailCandidatesWith(mail: CandidateMail): void {
    this.mail = mail;
  }

  async openJobOpening(
    { em }: RequestScope,
    viewer: Viewer,
    draft: JobOpeningDraft,
  ): Promise<JobOpening> {
    const title = requiredText(draft.title, field('title'), 200);
    const headcount = integerInRange(draft.headcount, field('headcount'), 1, 10_000);
    const salaryMinMinor = nonNegativeAmount(draft.salaryMin, field('salaryMin'));
    const salaryMaxMinor = nonNegativeAmount(draft.salaryMax, field('salaryMax'));
    if (salaryMinMinor > salaryMaxMinor)
      refuse(
        UserErrorCode.INVALID_INPUT,
        'The band maximum is at least its minimum',
        field('salaryMax'),
      );
    return inTransaction(em, async (tx) => {
      await this.employees.requireDepartment(tx, draft.departmentId, field('departmentId'));
      const opening = tx.create(JobOpening, {
        title,
        department: draft.departmentId,
        headcount,
        salaryMinMinor,
        salaryMaxMinor,
        openedAt: this.clock.now(),
        openedById: viewer.employeeId,
      });
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'JobOpening',
        streamId: opening.id,
        type: 'OPENED',
        payload: { title, departmentId: draft.departmentId, headcount },
        actorId: viewer.employeeId,
      });
      return opening;
    });
  }

  async closeJobOpening(
    { em }: RequestScope,
    viewer: Viewer,
    input: { jobOpeningId: number },
  ): Promise<JobOpening> {
    return inTransaction(em, async (tx) => {
      const opening = await this.lockOpening(tx, input.jobOpeningId, field('jobOpeningId'));
      if (opening.status === JobOpeningStatus.CLOSED)
        refuse(UserErrorCode.INVALID_TRANSITION, 'The opening is closed already', [
          'input',
          'jobOpeningId',
        ]);
      opening.status = JobOpeningStatus.CLOSED;
      opening.closedAt = this.clock.now();
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'JobOpening',
        streamId: opening.id,
        type: 'CLOSED',
        payload: { hiredCount: opening.hiredCount },
        actorId: viewer.employeeId,
      });
      return opening;
    });
  }

  /**
   * A candidate applies: found again by their email key (or made), then one application per
   * candidate and opening. The opening is read in share mode, so it cannot close meanwhile.
   */
  async addApplication(
    { em }: RequestScope,
    viewer: Viewer,
    draft: ApplicationDraft,
  ): Promise<Application> {
    const name = requiredText(draft.name, field('name'), 200);
    const email = emailAddress(draft.email, field('email'));
    const phone = optionalText(draft.phone, field('phone'), 50);
    const resumeText = optionalText(draft.resumeText, field('resumeText'), 100_000);
    const emailKey = candidateEmailKey(email);
    const already = () =>
      new BusinessRuleError(
        UserErrorCode.ALREADY_APPLIED,
        'This candidate already applied to this opening',
        field('email'),
      );
    try {
      return await inTransaction(em, async (tx) => {
        const opening = await tx.findOne(
          JobOpening,
          { id: draft.jobOpeningId },
          { lockMode: LockMode.PESSIMISTIC_READ },
        );
        if (!opening) refuse(UserErrorCode.NOT_FOUND, 'No such job opening', field('jobOpeningId'));
        if (opening.status !== JobOpeningStatus.OPEN)
          refuse(
            UserErrorCode.OPENING_CLOSED,
            'The opening is closed: it takes no applications',
            field('jobOpeningId'),
          );
        const now = this.clock.now();
        // Concurrent first applications of one address: one inserts, the other finds it.
        await runSql(
          tx,
          `INSERT INTO candidate (name, email, email_key, phone, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (email_key) WHERE email_key IS NOT NULL DO NOTHING`,
          [name, email, emailKey, phone, now],
        );
        const candidate = await tx.findOneOrFail(Candidate, { emailKey });
        // The newest application says how to reach them.
        candidate.name = name;
        candidate.email = email;
        if (phone !== null) candidate.phone = phone;
        if (await tx.count(Application, { jobOpening: opening.id, candidate: candidate.id }))
          throw already();
        const application = tx.create(Application, {
          jobOpening: opening,
          candidate,
          stage: ApplicationStage.APPLIED,
          resumeText,
          consentToRetain: draft.consentToRetain,
          createdAt: now,
        });
        await tx.flush();
        this.appendHistory(tx, application, null, ApplicationStage.APPLIED, null, viewer);
        await tx.flush();
        await this.recordApplicationEvent(
          tx,
          application,
          'APPLIED',
          { jobOpeningId: opening.id, candidateId: candidate.id },
          viewer,
        );
        return application;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'application_unique')) throw already();
      throw error;
    }
  }

  /** A move through `moveApplication`: checked against the version read and the move table. */
  async moveApplication(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      applicationId: number;
      stage: ApplicationStage;
      expectedVersion: number;
      reason?: string | null;
    },
  ): Promise<Application> {
    const reason =
      input.stage === ApplicationStage.REJECTED
        ? requiredText(input.reason ?? '', field('reason'), 2000)
        : optionalText(input.reason, field('reason'), 2000);
    return inTransaction(em, async (tx) => {
      const application = await this.lockApplication(tx, input.applicationId);
      if (application.version !== input.expectedVersion)
        refuse(
          UserErrorCode.STALE_APPLICATION,
          `The application is at version ${application.version}, not ${input.expectedVersion}: reload it`,
          field('expectedVersion'),
        );
      const move = stageMove(application.stage, input.stage);
      if (!move)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          `An application cannot move from ${application.stage} to ${input.stage}`,
          field('stage'),
        );
      if (move.by !== 'moveApplication')
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          `${input.stage} is reached only through ${move.by}`,
          field('stage'),
        );
      await this.move(tx, application, input.stage, reason, viewer);
      return application;
    });
  }

  async scheduleInterview(
    { em }: RequestScope,
    viewer: Viewer,
    input: { applicationId: number; interviewerIds: number[]; scheduledAt: Date },
  ): Promise<Interview> {
    const interviewerIds = [...new Set(input.interviewerIds)];
    if (interviewerIds.length === 0 || interviewerIds.length > MAX_INTERVIEWERS)
      refuse(
        UserErrorCode.INVALID_INPUT,
        `An interview has 1 to ${MAX_INTERVIEWERS} interviewers`,
        field('interviewerIds'),
      );
    if (Number.isNaN(input.scheduledAt.getTime()))
      refuse(UserErrorCode.INVALID_INPUT, 'Not a time', ['input', 'scheduledAt']);
    return inTransaction(em, async (tx) => {
      const application = await this.lockApplication(tx, input.applicationId);
      this.refuseFinal(application, 'an interview');
      if (application.stage === ApplicationStage.OFFER)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          'The application is at the offer stage: no more interviews',
          field('applicationId'),
        );
      for (const [index, id] of interviewerIds.entries()) {
        const employee = await this.employees.requireExisting(tx, id, [
          'input',
          'interviewerIds',
          String(index),
        ]);
        if (!maySignIn(employee.status))
          refuse(UserErrorCode.INVALID_INPUT, `${employee.name} no longer works here`, [
            'input',
            'interviewerIds',
            String(index),
          ]);
      }
      if (application.stage !== ApplicationStage.INTERVIEW)
        await this.move(tx, application, ApplicationStage.INTERVIEW, 'Interview scheduled', viewer);
      else this.touch(application);
      const interview = tx.create(Interview, {
        application,
        scheduledAt: input.scheduledAt,
        scheduledById: viewer.employeeId,
        createdAt: this.clock.now(),
      });
      await tx.flush();
      for (const employeeId of interviewerIds)
        tx.create(InterviewInterviewer, { interview, employee: employeeId });
      await tx.flush();
      await this.recordApplicationEvent(
        tx,
        application,
        'INTERVIEW_SCHEDULED',
        {
          interviewId: interview.id,
          interviewerIds,
          scheduledAt: input.scheduledAt.toISOString(),
        },
        viewer,
      );
      const candidate = await this.candidateOf(tx, application);
      const opening = await tx.findOneOrFail(JobOpening, { id: application.jobOpening.id });
      // An interview recorded after it took place invites nobody.
      if (candidate.email && input.scheduledAt > this.clock.now())
        await this.mail?.queue(tx, {
          applicationId: application.id,
          to: candidate.email,
          subject: `Interview invitation: ${opening.title}`,
          text: [
            `Dear ${candidate.name},`,
            '',
            `Thank you for applying for the position of ${opening.title}.`,
            `We would like to invite you to an interview on ${input.scheduledAt.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
            '',
            'Kind regards,',
            'The recruiting team',
          ].join('\n'),
        });
      return interview;
    });
  }

  /** An interviewer's scorecard: only by someone on the interview, once each. */
  async submitScorecard(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      interviewId: number;
      rating: number;
      recommendation: Recommendation;
      notes?: string | null;
    },
  ): Promise<Scorecard> {
    const rating = integerInRange(input.rating, field('rating'), 1, 5);
    const notes = optionalText(input.notes, field('notes'), 10_000);
    const already = () =>
      new BusinessRuleError(
        UserErrorCode.INVALID_TRANSITION,
        'You have already submitted your scorecard for this interview',
        field('interviewId'),
      );
    try {
      return await inTransaction(em, async (tx) => {
        const found = await tx.findOne(Interview, { id: input.interviewId });
        if (!found) refuse(UserErrorCode.NOT_FOUND, 'No such interview', field('interviewId'));
        const application = await this.lockApplication(tx, found.application.id);
        const onIt = await tx.count(InterviewInterviewer, {
          interview: found.id,
          employee: viewer.employeeId,
        });
        if (!onIt)
          refuse(
            UserErrorCode.INVALID_INPUT,
            'Only the interviewers of an interview submit its scorecards',
            field('interviewId'),
          );
        const candidate = await this.candidateOf(tx, application);
        if (candidate.anonymizedAt)
          refuse(
            UserErrorCode.INVALID_TRANSITION,
            "The candidate's data was anonymised",
            field('interviewId'),
          );
        if (await tx.count(Scorecard, { interview: found.id, interviewer: viewer.employeeId }))
          throw already();
        const scorecard = tx.create(Scorecard, {
          interview: found,
          interviewer: viewer.employeeId,
          rating,
          recommendation: input.recommendation,
          notes,
          submittedAt: this.clock.now(),
        });
        this.touch(application);
        await tx.flush();
        await this.recordApplicationEvent(
          tx,
          application,
          'SCORECARD_SUBMITTED',
          { interviewId: found.id, rating, recommendation: input.recommendation },
          viewer,
        );
        return scorecard;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'scorecard_unique')) throw already();
      throw error;
    }
  }

  /**
   * An offer: in the opening's band it is extended at once (and mailed); outside it, it waits for
   * `approveOffer` by an ADMIN. An application at INTERVIEW moves to OFFER.
   */
  async makeOffer(
    { em }: RequestScope,
    viewer: Viewer,
    input: { applicationId: number; salary: string; startDate: string },
  ): Promise<Offer> {
    const salaryMinor = positiveAmount(input.salary, field('salary'));
    if (!isCalendarDate(input.startDate))
      refuse(UserErrorCode.INVALID_INPUT, 'Not a calendar date', field('startDate'));
    if (input.startDate < dayOf(this.clock.now()))
      refuse(UserErrorCode.INVALID_INPUT, 'A start date is not in the past', field('startDate'));
    const live = () =>
      new BusinessRuleError(
        UserErrorCode.INVALID_TRANSITION,
        'The application already has a live offer',
        field('applicationId'),
      );
    try {
      return await inTransaction(em, async (tx) => {
        const application = await this.lockApplication(tx, input.applicationId);
        this.refuseFinal(application, 'an offer');
        if (
          application.stage !== ApplicationStage.INTERVIEW &&
          application.stage !== ApplicationStage.OFFER
        )
          refuse(
            UserErrorCode.INVALID_TRANSITION,
            'An offer follows an interview: the application is not at INTERVIEW or OFFER',
            field('applicationId'),
          );
        if (
          await tx.count(Offer, {
            application: application.id,
            status: { $in: [...LIVE_OFFER_STATUSES] },
          })
        )
          throw live();
        const opening = await tx.findOneOrFail(JobOpening, { id: application.jobOpening.id });
        const withinBand =
          salaryMinor >= opening.salaryMinMinor && salaryMinor <= opening.salaryMaxMinor;
        const now = this.clock.now();
        if (application.stage === ApplicationStage.INTERVIEW)
          await this.move(tx, application, ApplicationStage.OFFER, 'Offer made', viewer);
        else this.touch(application);
        const offer = tx.create(Offer, {
          application,
          salaryMinor,
          startDate: input.startDate,
          status: withinBand ? OfferStatus.EXTENDED : OfferStatus.PENDING_APPROVAL,
          withinBand,
          createdById: viewer.employeeId,
          createdAt: now,
          approvedById: withinBand ? viewer.employeeId : null,
          approvedAt: withinBand ? now : null,
        });
        await tx.flush();
        // The amount is pay data: the event log says an offer was made, not for how much.
        await this.recordApplicationEvent(
          tx,
          application,
          'OFFER_MADE',
          { offerId: offer.id, withinBand, startDate: input.startDate },
          viewer,
        );
        if (withinBand) await this.mailOffer(tx, application, opening, offer);
        return offer;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'offer_one_live')) throw live();
      throw error;
    }
  }

  /** An ADMIN approves an offer outside its band: it is extended (and mailed). */
  async approveOffer(
    { em }: RequestScope,
    viewer: Viewer,
    input: { offerId: number },
  ): Promise<Offer> {
    return inTransaction(em, async (tx) => {
      const { application, offer } = await this.lockOffer(tx, input.offerId);
      this.refuseFinal(application, 'an offer');
      if (offer.status !== OfferStatus.PENDING_APPROVAL)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          `The offer is ${offer.status}: only an offer waiting for approval is approved`,
          field('offerId'),
        );
      offer.status = OfferStatus.EXTENDED;
      offer.approvedById = viewer.employeeId;
      offer.approvedAt = this.clock.now();
      this.touch(application);
      await tx.flush();
      await this.recordApplicationEvent(
        tx,
        application,
        'OFFER_APPROVED',
        { offerId: offer.id },
        viewer,
      );
      const opening = await tx.findOneOrFail(JobOpening, { id: application.jobOpening.id });
      await this.mailOffer(tx, application, opening, offer);
      return offer;
    });
  }

  /**
   * Records the candidate's answer to an extended offer. Declining ends the application: it moves
   * to REJECTED with the reason.
   */
  async respondToOffer(
    { em }: RequestScope,
    viewer: Viewer,
    input: { offerId: number; accept: boolean; reason?: string | null },
  ): Promise<Offer> {
    const reason = optionalText(input.reason, field('reason'), 2000);
    return inTransaction(em, async (tx) => {
      const { application, offer } = await this.lockOffer(tx, input.offerId);
      this.refuseFinal(application, 'an answer to an offer');
      if (offer.status !== OfferStatus.EXTENDED)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          `The offer is ${offer.status}: only an extended offer is answered`,
          field('offerId'),
        );
      offer.status = input.accept ? OfferStatus.ACCEPTED : OfferStatus.DECLINED;
      offer.respondedAt = this.clock.now();
      offer.responseReason = reason;
      await tx.flush();
      await this.recordApplicationEvent(
        tx,
        application,
        input.accept ? 'OFFER_ACCEPTED' : 'OFFER_DECLINED',
        { offerId: offer.id, reason },
        viewer,
      );
      if (input.accept) this.touch(application);
      else
        await this.move(
          tx,
          application,
          ApplicationStage.REJECTED,
          reason ? `Offer declined: ${reason}` : 'Offer declined',
          viewer,
        );
      await tx.flush();
      return offer;
    });
  }

  /**
   * The hire: the employee (no roles, no password), the application HIRED, the opening's count
   * raised. A repeat of an idempotency key with the same application answers the same employee.
   */
  async hireApplicant(
    { em }: RequestScope,
    viewer: Viewer,
    input: { applicationId: number; idempotencyKey?: string | null },
  ): Promise<{ employeeId: number }> {
    const key = input.idempotencyKey ?? null;
    return inTransaction(em, async (tx) => {
      if (key !== null) {
        const claim = await claimIdempotencyKey(
          tx,
          'hireApplicant',
          key,
          requestHash({ applicationId: input.applicationId }),
        );
        if (!claim.fresh) return { employeeId: Number(claim.resultId) };
      }
      const application = await this.lockApplication(tx, input.applicationId);
      if (application.stage === ApplicationStage.HIRED)
        refuse(UserErrorCode.INVALID_TRANSITION, 'The applicant was hired already', [
          'input',
          'applicationId',
        ]);
      this.refuseFinal(application, 'a hire');
      const offer = await tx.findOne(Offer, {
        application: application.id,
        status: OfferStatus.ACCEPTED,
      });
      if (application.stage !== ApplicationStage.OFFER || !offer)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          'Hiring needs an accepted offer',
          field('applicationId'),
        );
      const opening = await this.lockOpening(tx, application.jobOpening.id, field('applicationId'));
      if (opening.hiredCount >= opening.headcount)
        refuse(
          UserErrorCode.HEADCOUNT_FILLED,
          `The opening has hired ${opening.hiredCount} of ${opening.headcount}: it is full`,
          field('applicationId'),
        );
      const candidate = await this.candidateOf(tx, application);
      if (!candidate.email)
        refuse(UserErrorCode.INVALID_TRANSITION, "The candidate's data was anonymised", [
          'input',
          'applicationId',
        ]);
      const employee: Employee = await this.employees.create(
        tx,
        {
          name: candidate.name,
          email: candidate.email,
          departmentId: opening.department.id,
          hireDate: offer.startDate,
          salary: formatMinorUnits(offer.salaryMinor),
          roles: [],
          password: null,
        },
        viewer.employeeId,
      );
      opening.hiredCount += 1;
      application.hiredEmployee = employee;
      await this.move(tx, application, ApplicationStage.HIRED, null, viewer);
      await tx.flush();
      await this.recordApplicationEvent(
        tx,
        application,
        'HIRED',
        { employeeId: employee.id, jobOpeningId: opening.id, hireDate: offer.startDate },
        viewer,
      );
      if (key !== null) await completeIdempotencyKey(tx, 'hireApplicant', key, String(employee.id));
      return { employeeId: employee.id };
    });
  }

  /**
   * The candidates retention anonymises at this cutoff (the REJECTED_APPLICANTS class): every
   * application rejected before it, none consenting to be kept, not anonymised yet; oldest id
   * first after `afterId`, at most `limit` (null: all). `lock` for the run (skipping rows another run holds);
   * without it, the preview. Labels hold no personal data.
   */
  async expiredCandidates(
    tx: EntityManager,
    cutoff: Date,
    limit: number | null,
    lock: boolean,
    afterId = 0,
  ): Promise<{ id: number; label: string }[]> {
    const rows = await runSql<{ id: string; rejected_at: Date }>(
      tx,
      `SELECT c.id,
              (SELECT max(a.rejected_at) FROM application a WHERE a.candidate_id = c.id) AS rejected_at
         FROM candidate c
        WHERE c.anonymized_at IS NULL
          AND EXISTS (SELECT 1 FROM application a WHERE a.candidate_id = c.id)
          AND NOT EXISTS (
                SELECT 1 FROM application a
                 WHERE a.candidate_id = c.id
                   AND (a.stage <> 'REJECTED' OR a.consent_to_retain OR a.rejected_at > ?))
          AND c.id > ?
        ORDER BY c.id
        ${limit === null ? '' : `LIMIT ${Math.trunc(limit)}`}
        ${lock ? 'FOR UPDATE OF c SKIP LOCKED' : ''}`,
      [cutoff, afterId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      label: `Candidate #${row.id} rejected ${new Date(row.rejected_at).toISOString().slice(0, 10)}`,
    }));
  }

  /** The candidates (not yet anonymised) with this email, locked: for erasure. */
  async candidatesByEmail(
    tx: EntityManager,
    email: string,
  ): Promise<{ id: number; name: string }[]> {
    const rows = await runSql<{ id: string; name: string }>(
      tx,
      `SELECT id, name FROM candidate WHERE anonymized_at IS NULL AND (email_key = ? OR lower(email) = lower(?))
        ORDER BY id FOR UPDATE`,
      [candidateEmailKey(email), email.trim()],
    );
    return rows.map((row) => ({ id: Number(row.id), name: row.name }));
  }

  /**
   * Anonymises candidates in the caller's transaction (retention and erasure): name, email,
   * phone, resumes, scorecard notes, offer answers, and the emails sent to them. Their applications, stages and dates stay (the openings' figures). Answers how many.
   */
  async anonymiseCandidates(
    tx: EntityManager,
    ids: readonly number[],
    why: Record<string, unknown>,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const now = this.clock.now();
    await runSql(
      tx,
      `UPDATE candidate SET name = ?, email = NULL, email_key = NULL, phone = NULL, anonymized_at = ?
        WHERE id = ANY(?)`,
      [ANONYMISED_NAME, now, ids],
    );
    await runSql(tx, 'UPDATE application SET resume_text = NULL WHERE candidate_id = ANY(?)', [
      ids,
    ]);
    await runSql(
      tx,
      `UPDATE scorecard s SET notes = NULL FROM interview i, application a
        WHERE s.interview_id = i.id AND i.application_id = a.id AND a.candidate_id = ANY(?)`,
      [ids],
    );
    await runSql(
      tx,
      `UPDATE offer o SET response_reason = NULL FROM application a
        WHERE o.application_id = a.id AND a.candidate_id = ANY(?)`,
      [ids],
    );
    await this.mail?.redactFor(tx, ids);
    for (const id of ids)
      await recordEvent(tx, {
        streamType: 'Candidate',
        streamId: id,
        type: 'ANONYMISED',
        payload: why,
        actorId: null,
      });
    return ids.length;
  }

  private async lockApplication(tx: EntityManager, id: number): Promise<Application> {
    const application = await tx.findOne(
      Application,
      { id },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    if (!application)
      refuse(UserErrorCode.NOT_FOUND, 'No such application', field('applicationId'));
    return application;
  }

  private async lockOpening(tx: EntityManager, id: number, path: string[]): Promise<JobOpening> {
    const opening = await tx.findOne(
      JobOpening,
      { id },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    if (!opening) refuse(UserErrorCode.NOT_FOUND, 'No such job opening', path);
    return opening;
  }

  /** An offer and its application, locked application first. */
  private async lockOffer(
    tx: EntityManager,
    offerId: number,
  ): Promise<{ application: Application; offer: Offer }> {
    const found = await tx.findOne(Offer, { id: offerId });
    if (!found) refuse(UserErrorCode.NOT_FOUND, 'No such offer', field('offerId'));
    const application = await this.lockApplication(tx, found.application.id);
    const offer = await tx.findOneOrFail(
      Offer,
      { id: offerId },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    return { application, offer };
  }

  private candidateOf(tx: EntityManager, application: Application): Promise<Candidate> {
    return tx.findOneOrFail(Candidate, { id: application.candidate.id });
  }

  /** Refuses anything more on a rejected or hired application. */
  private refuseFinal(application: Application, what: string): void {
    if (!isFinalStage(application.stage)) return;
    refuse(
      UserErrorCode.INVALID_TRANSITION,
      application.stage === ApplicationStage.REJECTED
        ? `The applicant was rejected: no ${what}`
        : `The applicant was hired: no ${what}`,
      field('applicationId'),
    );
  }

  /** A change to the application: its version goes up. */
  private touch(application: Application): void {
    application.version += 1;
    application.updatedAt = this.clock.now();
  }

  /** Moves a locked application (the move checked by the caller) and records it. */
  private async move(
    tx: EntityManager,
    application: Application,
    to: ApplicationStage,
    reason: string | null,
    viewer: Viewer,
  ): Promise<void> {
    if (!stageMove(application.stage, to))
      refuse(
        UserErrorCode.INVALID_TRANSITION,
        `An application cannot move from ${application.stage} to ${to}`,
        field('applicationId'),
      );
    const from = application.stage;
    application.stage = to;
    this.touch(application);
    if (to === ApplicationStage.REJECTED) {
      application.rejectedAt = this.clock.now();
      application.rejectionReason = reason;
      await runSql(
        tx,
        `UPDATE offer SET status = 'WITHDRAWN' WHERE application_id = ? AND status = ANY(?)`,
        [application.id, [...LIVE_OFFER_STATUSES]],
      );
    }
    this.appendHistory(tx, application, from, to, reason, viewer);
    await tx.flush();
    await this.recordApplicationEvent(
      tx,
      application,
      'STAGE_CHANGED',
      { from, to, reason, version: application.version },
      viewer,
    );
  }

  /** An event on the application's stream, in the caller's transaction. */
  private recordApplicationEvent(
    tx: EntityManager,
    application: Application,
    type: string,
    payload: Record<string, unknown>,
    viewer: Viewer,
  ): Promise<void> {
    return recordEvent(tx, {
      streamType: 'Application',
      streamId: application.id,
      type,
      payload,
      actorId: viewer.employeeId,
    });
  }

  private appendHistory(
    tx: EntityManager,
    application: Application,
    from: ApplicationStage | null,
    to: ApplicationStage,
    reason: string | null,
    viewer: Viewer,
  ): void {
    tx.create(ApplicationStageChange, {
      application,
      fromStage: from,
      toStage: to,
      reason,
      actorId: viewer.employeeId,
      at: this.clock.now(),
    });
  }

  private async mailOffer(
    tx: EntityManager,
    application: Application,
    opening: JobOpening,
    offer: Offer,
  ): Promise<void> {
    const candidate = await this.candidateOf(tx, application);
    if (!candidate.email) return;
    await this.mail?.queue(tx, {
      applicationId: application.id,
      to: candidate.email,
      subject: `Your offer: ${opening.title}`,
      text: [
        `Dear ${candidate.name},`,
        '',
        `We are delighted to offer you the position of ${opening.title}, starting on ${offer.startDate},`,
        `at an annual salary of ${formatMinorUnits(offer.salaryMinor)}.`,
        '',
        'Kind regards,',
        'The recruiting team',
      ].join('\n'),
    });
  }
}
