import type { FilterQuery } from '@mikro-orm/core';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { readById, type Row } from '../../read';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { DepartmentObject, EmployeeObject } from '../employees/employee.types';
import {
  Application,
  Candidate,
  Interview,
  JobOpening,
  Offer,
  type ApplicationStageChange,
  type Scorecard,
} from './recruiting.entity';
import {
  applicationIdsOfInterviewer,
  applicationPage,
  applicationsOfCandidate,
  applicationsOfOpening,
  candidateById,
  departmentOf,
  historyOfApplication,
  interviewById,
  interviewersOfInterview,
  interviewerView,
  interviewsOfApplication,
  jobOpeningPage,
  managesRecruiting,
  mayReadApplication,
  offersOfApplication,
  openingById,
  readableApplication,
  scorecardsOfInterview,
  scorecardVisible,
} from './recruiting.reads';
import {
  AddApplicationInput,
  AddApplicationPayload,
  ApplicationConnection,
  ApplicationFilter,
  ApplicationObject,
  ApplicationStageChangeObject,
  ApproveOfferInput,
  ApproveOfferPayload,
  CandidateObject,
  CloseJobOpeningInput,
  CloseJobOpeningPayload,
  HireApplicantInput,
  HireApplicantPayload,
  InterviewObject,
  JobOpeningConnection,
  JobOpeningFilter,
  JobOpeningObject,
  MakeOfferInput,
  MakeOfferPayload,
  MoveApplicationInput,
  MoveApplicationPayload,
  OfferObject,
  OpenJobOpeningInput,
  OpenJobOpeningPayload,
  RespondToOfferInput,
  RespondToOfferPayload,
  ScheduleInterviewInput,
  ScheduleInterviewPayload,
  ScorecardObject,
  SubmitScorecardInput,
  SubmitScorecardPayload,
} from './recruiting.types';

const RECRUITING = Permissions.people.recruiting;

/** The application a mutation's input names. */
const applicationIdOf = (input: { applicationId: string }) =>
  parseGlobalId(input.applicationId, 'Application', 'input.applicationId');

registerNodeType({
  typeName: 'JobOpening',
  entity: JobOpening,
  roles: RECRUITING,
  load: (context, id) => openingById(context, id),
});
registerNodeType({
  typeName: 'Candidate',
  entity: Candidate,
  roles: RECRUITING,
  load: (context, id) => candidateById(context, id),
});
registerNodeType({
  typeName: 'Offer',
  entity: Offer,
  roles: RECRUITING,
  load: (context, id) => readById(context, Offer, id),
});
// Interviewers reach the applications (and interviews) they are on: the load checks.
registerNodeType({
  typeName: 'Application',
  entity: Application,
  roles: [],
  load: (context, id) => readableApplication(context, id),
});
registerNodeType({
  typeName: 'Interview',
  entity: Interview,
  roles: [],
  load: async (context, id) => {
    const interview = await interviewById(context, id);
    return interview && (await mayReadApplication(context, interview.application.id))
      ? interview
      : null;
  },
});

@Resolver(() => JobOpeningObject)
export class JobOpeningResolver extends NodeResolver(JobOpeningObject, 'JobOpening') {
  @Authorized(...RECRUITING)
  @Query(() => JobOpeningConnection, {
    description: 'Job openings, newest first. Requires one of: HR, ADMIN.',
  })
  jobOpenings(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => JobOpeningFilter, {
      nullable: true,
      description: 'Which openings to list.',
    })
    filter: JobOpeningFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const where: FilterQuery<JobOpening> = {};
    if (filter?.status) where.status = filter.status;
    if (filter?.departmentId)
      where.department = parseGlobalId(filter.departmentId, 'Department', 'filter.departmentId');
    return jobOpeningPage(context, where, args);
  }

  @Authorized(...RECRUITING)
  @Mutation(() => OpenJobOpeningPayload, {
    description:
      "Opens a job opening with a department, a headcount and an annual salary band in the books' currency (`INVALID_INPUT`, `NOT_FOUND`). Requires one of: HR, ADMIN.",
  })
  openJobOpening(
    @Arg('input', () => OpenJobOpeningInput, { description: 'The opening.' })
    input: OpenJobOpeningInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const departmentId = parseGlobalId(input.departmentId, 'Department', 'input.departmentId');
    return toPayload(async () => ({
      jobOpening: await context.services.recruiting.openJobOpening(context, viewer, {
        ...input,
        departmentId,
      }),
    }));
  }

  @Authorized(...RECRUITING)
  @Mutation(() => CloseJobOpeningPayload, {
    description:
      'Closes a job opening: it takes no more applications; those in progress may still be hired (`NOT_FOUND`, `INVALID_TRANSITION`). Requires one of: HR, ADMIN.',
  })
  closeJobOpening(
    @Arg('input', () => CloseJobOpeningInput, { description: 'The opening.' })
    input: CloseJobOpeningInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const jobOpeningId = parseGlobalId(input.jobOpeningId, 'JobOpening', 'input.jobOpeningId');
    return toPayload(async () => ({
      jobOpening: await context.services.recruiting.closeJobOpening(context, viewer, {
        jobOpeningId,
      }),
    }));
  }

  @FieldResolver(() => DepartmentObject, { description: 'The department it hires into.' })
  department(@Root() opening: Row<JobOpening>, @Ctx() context: RequestContext) {
    return departmentOf(context, opening.department);
  }

  @Authorized(...RECRUITING)
  @FieldResolver(() => Money, {
    description: 'The lowest annual salary of the band. Requires one of: HR, ADMIN.',
  })
  salaryMin(@Root() opening: Row<JobOpening>): Money {
    return Money.fromMinor(opening.salaryMinMinor);
  }

  @Authorized(...RECRUITING)
  @FieldResolver(() => Money, {
    description: 'The highest annual salary of the band. Requires one of: HR, ADMIN.',
  })
  salaryMax(@Root() opening: Row<JobOpening>): Money {
    return Money.fromMinor(opening.salaryMaxMinor);
  }

  @Authorized(...RECRUITING)
  @FieldResolver(() => ApplicationConnection, {
    description: 'Its applications, newest first. Requires one of: HR, ADMIN.',
  })
  applications(
    @Root() opening: Row<JobOpening>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: RequestContext,
  ) {
    return applicationsOfOpening(context, opening.id, args);
  }
}

@Resolver(() => CandidateObject)
export class CandidateResolver extends NodeResolver(CandidateObject, 'Candidate') {
  @Authorized(...RECRUITING)
  @FieldResolver(() => [ApplicationObject], {
    description:
      'Every application of theirs, oldest first: more than one shows a returning candidate (possible duplicates). Requires one of: HR, ADMIN.',
  })
  applications(@Root() candidate: Row<Candidate>, @Ctx() context: RequestContext) {
    return applicationsOfCandidate.load(context, candidate.id);
  }
}

@Resolver(() => ApplicationObject)
export class ApplicationResolver extends NodeResolver(ApplicationObject, 'Application') {
  @Authorized()
  @Query(() => ApplicationConnection, {
    description:
      'Applications, newest first: all of them for HR and ADMIN, and for anyone else the ones they interview for. Requires: a signed-in employee (interviewers see only their applications).',
  })
  async applications(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => ApplicationFilter, {
      nullable: true,
      description: 'Which applications to list.',
    })
    filter: ApplicationFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const where: FilterQuery<Application> = {};
    if (filter?.jobOpeningId)
      where.jobOpening = parseGlobalId(filter.jobOpeningId, 'JobOpening', 'filter.jobOpeningId');
    if (filter?.stage) where.stage = filter.stage;
    if (!managesRecruiting(viewer))
      where.id = { $in: await applicationIdsOfInterviewer(context, viewer.employeeId) };
    return applicationPage(context, where, args);
  }

  @Authorized()
  @Query(() => ApplicationObject, {
    nullable: true,
    description:
      'One application by ID; null when there is none or you may not see it. Requires: a signed-in employee (interviewers see only their applications).',
  })
  application(
    @Arg('id', () => ID, { description: 'The application ID.' }) id: string,
    @Ctx() context: RequestContext,
  ) {
    return readableApplication(context, parseGlobalId(id, 'Application'));
  }

  @Authorized(...RECRUITING)
  @Mutation(() => AddApplicationPayload, {
    description:
      'Records an application; a candidate who applied before (same normalised email) is found again (`INVALID_INPUT`, `NOT_FOUND`, `OPENING_CLOSED`, `ALREADY_APPLIED`). Requires one of: HR, ADMIN.',
  })
  addApplication(
    @Arg('input', () => AddApplicationInput, { description: 'The application.' })
    input: AddApplicationInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const jobOpeningId = parseGlobalId(input.jobOpeningId, 'JobOpening', 'input.jobOpeningId');
    return toPayload(async () => ({
      application: await context.services.recruiting.addApplication(context, viewer, {
        ...input,
        jobOpeningId,
      }),
    }));
  }

  @Authorized(...RECRUITING)
  @Mutation(() => MoveApplicationPayload, {
    description:
      'Moves an application to another stage, if the move is legal (see `ApplicationStage`) and the application is still at `expectedVersion`; REJECTED needs a reason and withdraws a live offer; HIRED only through `hireApplicant` (`INVALID_INPUT`, `NOT_FOUND`, `STALE_APPLICATION`, `INVALID_TRANSITION`). Requires one of: HR, ADMIN.',
  })
  moveApplication(
    @Arg('input', () => MoveApplicationInput, { description: 'The move.' })
    input: MoveApplicationInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const applicationId = applicationIdOf(input);
    return toPayload(async () => ({
      application: await context.services.recruiting.moveApplication(context, viewer, {
        ...input,
        applicationId,
      }),
    }));
  }

  @Authorized(...RECRUITING)
  @Mutation(() => ScheduleInterviewPayload, {
    description:
      'Schedules an interview (the application moves to INTERVIEW) and, for a time to come, emails the candidate an invitation; never for a rejected or hired applicant (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`). Requires one of: HR, ADMIN.',
  })
  scheduleInterview(
    @Arg('input', () => ScheduleInterviewInput, { description: 'The interview.' })
    input: ScheduleInterviewInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const applicationId = applicationIdOf(input);
    const interviewerIds = input.interviewerIds.map((id, index) =>
      parseGlobalId(id, 'Employee', `input.interviewerIds.${index}`),
    );
    return toPayload(async () => {
      const interview = await context.services.recruiting.scheduleInterview(context, viewer, {
        applicationId,
        interviewerIds,
        scheduledAt: input.scheduledAt,
      });
      return { interview, application: interview.application };
    });
  }

  @Authorized(...RECRUITING)
  @Mutation(() => MakeOfferPayload, {
    description:
      "Makes an offer (the application moves to OFFER). Inside the opening's band it is extended and emailed at once; outside it waits for `approveOffer` by an ADMIN. At most one live offer per application; never for a rejected applicant (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`). Requires one of: HR, ADMIN.",
  })
  makeOffer(
    @Arg('input', () => MakeOfferInput, { description: 'The offer.' }) input: MakeOfferInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const applicationId = applicationIdOf(input);
    return toPayload(async () => ({
      offer: await context.services.recruiting.makeOffer(context, viewer, {
        ...input,
        applicationId,
      }),
    }));
  }

  @Authorized(...RECRUITING)
  @Mutation(() => HireApplicantPayload, {
    description:
      "Hires an applicant whose offer was accepted: makes the employee (no roles, no password until one is set; the opening's department; hire date and salary from the offer), moves the application to HIRED and counts the hire against the opening's headcount. The same `idempotencyKey` with the same application answers the same employee (`NOT_FOUND`, `INVALID_TRANSITION`, `HEADCOUNT_FILLED`, `EMAIL_TAKEN`, `IDEMPOTENCY_KEY_REUSED`). Requires one of: HR, ADMIN.",
  })
  hireApplicant(
    @Arg('input', () => HireApplicantInput, { description: 'The hire.' })
    input: HireApplicantInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const applicationId = applicationIdOf(input);
    return toPayload(async () => {
      const { employeeId } = await context.services.recruiting.hireApplicant(context, viewer, {
        applicationId,
        idempotencyKey: input.idempotencyKey,
      });
      return { employee: await employeeRows.byId(context, employeeId) };
    });
  }

  @FieldResolver(() => CandidateObject, { description: 'Who applied.' })
  candidate(@Root() application: Row<Application>, @Ctx() context: RequestContext) {
    return candidateById(context, application.candidate.id);
  }

  @FieldResolver(() => JobOpeningObject, { description: 'The opening applied to.' })
  jobOpening(@Root() application: Row<Application>, @Ctx() context: RequestContext) {
    return openingById(context, application.jobOpening.id);
  }

  @FieldResolver(() => [ApplicationStageChangeObject], {
    description: 'Every stage move, oldest first (append-only).',
  })
  async history(
    @Root() application: Row<Application>,
    @Ctx() context: RequestContext,
  ): Promise<ApplicationStageChangeObject[]> {
    return (await historyOfApplication.load(context, application.id)).map(
      (change: ApplicationStageChange) => ({
        from: change.fromStage,
        to: change.toStage,
        reason: change.reason,
        actor: employeeRows.byId(context, change.actorId),
        at: change.at,
      }),
    );
  }

  @FieldResolver(() => [InterviewObject], { description: 'Its interviews, by time.' })
  interviews(@Root() application: Row<Application>, @Ctx() context: RequestContext) {
    return interviewsOfApplication.load(context, application.id);
  }

  @Authorized(...RECRUITING)
  @FieldResolver(() => [OfferObject], {
    description: 'Its offers, oldest first. Requires one of: HR, ADMIN.',
  })
  offers(@Root() application: Row<Application>, @Ctx() context: RequestContext) {
    return offersOfApplication.load(context, application.id);
  }

  @Authorized(...RECRUITING)
  @FieldResolver(() => EmployeeObject, {
    nullable: true,
    description: 'The employee the hire made. Requires one of: HR, ADMIN.',
  })
  employee(@Root() application: Row<Application>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, application.hiredEmployee);
  }
}

@Resolver(() => InterviewObject)
export class InterviewResolver extends NodeResolver(InterviewObject, 'Interview') {
  @Authorized()
  @Mutation(() => SubmitScorecardPayload, {
    description:
      "Submits the viewer's scorecard for an interview they are on, once (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`). Requires: being an interviewer on the interview (any role).",
  })
  submitScorecard(
    @Arg('input', () => SubmitScorecardInput, { description: 'The scorecard.' })
    input: SubmitScorecardInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const interviewId = parseGlobalId(input.interviewId, 'Interview', 'input.interviewId');
    return toPayload(async () => {
      const scorecard = await context.services.recruiting.submitScorecard(context, viewer, {
        ...input,
        interviewId,
      });
      return { scorecard, interview: scorecard.interview };
    });
  }

  @FieldResolver(() => [EmployeeObject], { description: 'Who interviews.' })
  async interviewers(@Root() interview: Row<Interview>, @Ctx() context: RequestContext) {
    const rows = await interviewersOfInterview.load(context, interview.id);
    return Promise.all(rows.map((row) => employeeRows.byId(context, row.employee.id)));
  }

  @FieldResolver(() => [ScorecardObject], {
    description:
      "Its scorecards. HR and ADMIN see all; an interviewer sees their own, and the others' only once they submitted their own.",
  })
  async scorecards(
    @Root() interview: Row<Interview>,
    @Ctx() context: RequestContext,
  ): Promise<Scorecard[]> {
    const viewer = signedIn(context);
    const all = await scorecardsOfInterview.load(context, interview.id);
    if (managesRecruiting(viewer)) return all;
    const view = await interviewerView(context, interview.application.id);
    if (scorecardVisible(view, interview.id)) return all;
    return all.filter((scorecard) => scorecard.interviewer.id === viewer.employeeId);
  }
}

@Resolver(() => ScorecardObject)
export class ScorecardResolver {
  @FieldResolver(() => ID, { description: 'The global ID of the scorecard.' })
  id(@Root() scorecard: Row<Scorecard>): string {
    return toGlobalId('Scorecard', scorecard.id);
  }

  @FieldResolver(() => EmployeeObject, { description: 'Who wrote it.' })
  interviewer(@Root() scorecard: Row<Scorecard>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, scorecard.interviewer);
  }
}

@Resolver(() => OfferObject)
export class OfferResolver extends NodeResolver(OfferObject, 'Offer') {
  @Authorized(...Permissions.admin)
  @Mutation(() => ApproveOfferPayload, {
    description:
      "Approves an offer outside its opening's band: it is extended and emailed to the candidate (`NOT_FOUND`, `INVALID_TRANSITION`). Requires: ADMIN.",
  })
  approveOffer(
    @Arg('input', () => ApproveOfferInput, { description: 'The offer.' })
    input: ApproveOfferInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const offerId = parseGlobalId(input.offerId, 'Offer', 'input.offerId');
    return toPayload(async () => ({
      offer: await context.services.recruiting.approveOffer(context, viewer, { offerId }),
    }));
  }

  @Authorized(...RECRUITING)
  @Mutation(() => RespondToOfferPayload, {
    description:
      "Records the candidate's answer to an extended offer; a decline rejects the application with the reason (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`). Requires one of: HR, ADMIN.",
  })
  respondToOffer(
    @Arg('input', () => RespondToOfferInput, { description: 'The answer.' })
    input: RespondToOfferInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const offerId = parseGlobalId(input.offerId, 'Offer', 'input.offerId');
    return toPayload(async () => ({
      offer: await context.services.recruiting.respondToOffer(context, viewer, {
        ...input,
        offerId,
      }),
    }));
  }

  @Authorized(...RECRUITING)
  @FieldResolver(() => Money, {
    description:
      'The annual salary offered. Pay data: requires one of HR, ADMIN; anyone else gets FORBIDDEN.',
  })
  salary(@Root() offer: Row<Offer>): Money {
    return Money.fromMinor(offer.salaryMinor);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who approved it.' })
  approvedBy(@Root() offer: Row<Offer>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, offer.approvedById);
  }

  @FieldResolver(() => ApplicationObject, { description: 'The application it answers.' })
  application(@Root() offer: Row<Offer>, @Ctx() context: RequestContext) {
    return readById(context, Application, offer.application.id);
  }
}
