import { ArrayMaxSize, IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar, DecimalScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { DepartmentObject, EmployeeObject } from '../employees/employee.types';
import {
  ApplicationStage,
  JobOpeningStatus,
  OfferStatus,
  Recommendation,
} from './recruiting.entity';

/** The rule of what only recruiting managers see. */
export const RECRUITERS = 'Requires one of: HR, ADMIN.';
/** The rule of what interviewers see too. */
export const RECRUITERS_AND_INTERVIEWERS =
  'Requires one of: HR, ADMIN, or being an interviewer on the application.';

registerEnumType(JobOpeningStatus, {
  name: 'JobOpeningStatus',
  description: 'Whether a job opening takes applications.',
  valuesConfig: {
    OPEN: { description: 'Takes applications.' },
    CLOSED: { description: 'Takes no more applications; applications in progress may still hire.' },
  },
});

registerEnumType(ApplicationStage, {
  name: 'ApplicationStage',
  description:
    'Where an application stands. Legal moves: APPLIED → SCREENING | INTERVIEW | REJECTED; SCREENING → INTERVIEW | REJECTED; INTERVIEW → OFFER | REJECTED; OFFER → HIRED (only through `hireApplicant`) | REJECTED. HIRED and REJECTED are final.',
  valuesConfig: {
    APPLIED: { description: 'Received, not yet looked at.' },
    SCREENING: { description: 'Being screened.' },
    INTERVIEW: { description: 'Interviewing (scheduling an interview moves it here).' },
    OFFER: { description: 'An offer is being made (making an offer moves it here).' },
    HIRED: { description: 'Hired: an employee was made from it. Final.' },
    REJECTED: { description: 'Rejected, with a reason (or the offer was declined). Final.' },
  },
});

registerEnumType(Recommendation, {
  name: 'Recommendation',
  description: "An interviewer's verdict.",
  valuesConfig: {
    STRONG_NO: { description: 'Definitely do not hire.' },
    NO: { description: 'Do not hire.' },
    YES: { description: 'Hire.' },
    STRONG_YES: { description: 'Definitely hire.' },
  },
});

registerEnumType(OfferStatus, {
  name: 'OfferStatus',
  description: 'Where an offer stands. At most one offer per application is live.',
  valuesConfig: {
    PENDING_APPROVAL: {
      description: "Outside the opening's salary band: waits for an ADMIN's approval. Live.",
    },
    EXTENDED: {
      description: 'Approved (in-band offers when made) and sent, waiting for the candidate. Live.',
    },
    ACCEPTED: { description: 'Accepted by the candidate: the applicant may be hired. Live.' },
    DECLINED: { description: 'Declined by the candidate (the application was rejected).' },
    WITHDRAWN: { description: 'Withdrawn because the application was rejected.' },
  },
});

@ObjectType('JobOpening', {
  implements: Node,
  description: `A position to fill: a department, a headcount and an annual salary band. ${RECRUITERS}`,
})
export class JobOpeningObject extends Node {
  @Field(() => String, { description: 'The job title.' })
  title!: string;

  @Field(() => DepartmentObject, { description: 'The department it hires into.' })
  department!: unknown;

  @Field(() => Int, { description: 'How many people it hires.' })
  headcount!: number;

  @Field(() => Int, { description: 'How many it has hired; never more than `headcount`.' })
  hiredCount!: number;

  @Field(() => Money, { description: 'The lowest annual salary of the band.' })
  salaryMin!: Money;

  @Field(() => Money, { description: 'The highest annual salary of the band.' })
  salaryMax!: Money;

  @Field(() => JobOpeningStatus, { description: 'Whether it takes applications.' })
  status!: JobOpeningStatus;

  @Field(() => Date, { description: 'When it was opened.' })
  openedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was closed.' })
  closedAt!: Date | null;

  @Field(() => ApplicationConnection, { description: 'Its applications, newest first.' })
  applications!: unknown;
}

@ObjectType('Candidate', {
  implements: Node,
  description: `A person who applied, found again by their normalised email (trimmed, lower case; \`+tags\` kept). Their personal data is anonymised after the retention period once every application was rejected, unless they consented to be kept. ${RECRUITERS_AND_INTERVIEWERS}`,
})
export class CandidateObject extends Node {
  @Field(() => String, { description: 'Their name ("Anonymised candidate" once anonymised).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Their email; null once anonymised.' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Their phone; null once anonymised.' })
  phone!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When their personal data was anonymised (null: it was not).',
  })
  anonymizedAt!: Date | null;

  @Field(() => [ApplicationObject], {
    description: `Every application of theirs, oldest first: more than one shows a returning candidate (possible duplicates). ${RECRUITERS}`,
  })
  applications!: unknown[];
}

@ObjectType('ApplicationStageChange', {
  description: 'One move of an application: the append-only stage history.',
})
export class ApplicationStageChangeObject {
  @Field(() => ApplicationStage, {
    nullable: true,
    description: 'The stage it left (null when the application arrived).',
  })
  from!: ApplicationStage | null;

  @Field(() => ApplicationStage, { description: 'The stage it reached.' })
  to!: ApplicationStage;

  @Field(() => String, { nullable: true, description: 'Why (required for REJECTED).' })
  reason!: string | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who moved it.' })
  actor!: unknown;

  @Field(() => Date, { description: 'When.' })
  at!: Date;
}

@ObjectType('Scorecard', { description: "One interviewer's verdict on one interview." })
export class ScorecardObject {
  @Field(() => ID, { description: 'The global ID of the scorecard.' })
  id!: string;

  @Field(() => EmployeeObject, { description: 'Who wrote it.' })
  interviewer!: unknown;

  @Field(() => Int, { description: 'The rating, 1 (poor) to 5 (excellent).' })
  rating!: number;

  @Field(() => Recommendation, { description: 'Hire or not.' })
  recommendation!: Recommendation;

  @Field(() => String, { nullable: true, description: 'Notes (null once anonymised).' })
  notes!: string | null;

  @Field(() => Date, { description: 'When it was submitted.' })
  submittedAt!: Date;
}

@ObjectType('Interview', {
  implements: Node,
  description: `An interview of an application. ${RECRUITERS_AND_INTERVIEWERS}`,
})
export class InterviewObject extends Node {
  @Field(() => Date, { description: 'When it takes place.' })
  scheduledAt!: Date;

  @Field(() => [EmployeeObject], { description: 'Who interviews.' })
  interviewers!: unknown[];

  @Field(() => [ScorecardObject], {
    description:
      "Its scorecards. HR and ADMIN see all; an interviewer sees their own, and the others' only once they submitted their own (on an interview they are not on: once they submitted theirs on every interview of the application they are on).",
  })
  scorecards!: unknown[];
}

@ObjectType('Offer', {
  implements: Node,
  description: `An offer of employment. ${RECRUITERS}`,
})
export class OfferObject extends Node {
  @Field(() => Money, {
    description:
      'The annual salary offered. Pay data: requires one of HR, ADMIN; anyone else gets FORBIDDEN.',
  })
  salary!: Money;

  @Field(() => CalendarDateScalar, { description: 'The first working day (the hire date).' })
  startDate!: string;

  @Field(() => OfferStatus, { description: 'Where it stands.' })
  status!: OfferStatus;

  @Field(() => Boolean, {
    description: "Whether the salary is inside the opening's band (outside: ADMIN approves).",
  })
  withinBand!: boolean;

  @Field(() => Date, { description: 'When it was made.' })
  createdAt!: Date;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who approved it.' })
  approvedBy!: unknown;

  @Field(() => Date, { nullable: true, description: 'When it was approved.' })
  approvedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the candidate answered.' })
  respondedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The candidate's reason, if given." })
  responseReason!: string | null;

  @Field(() => ApplicationObject, { description: 'The application it answers.' })
  application!: unknown;
}

@ObjectType('Application', {
  implements: Node,
  description: `One candidate applying to one job opening. ${RECRUITERS_AND_INTERVIEWERS}`,
})
export class ApplicationObject extends Node {
  @Field(() => Int, {
    description: 'Goes up on every change; `moveApplication` takes it as `expectedVersion`.',
  })
  version!: number;

  @Field(() => ApplicationStage, { description: 'Where it stands.' })
  stage!: ApplicationStage;

  @Field(() => CandidateObject, { description: 'Who applied.' })
  candidate!: unknown;

  @Field(() => JobOpeningObject, { description: 'The opening applied to.' })
  jobOpening!: unknown;

  @Field(() => [ApplicationStageChangeObject], {
    description: 'Every stage move, oldest first (append-only).',
  })
  history!: ApplicationStageChangeObject[];

  @Field(() => [InterviewObject], { description: 'Its interviews, by time.' })
  interviews!: unknown[];

  @Field(() => [OfferObject], { description: `Its offers, oldest first. ${RECRUITERS}` })
  offers!: unknown[];

  @Field(() => String, { nullable: true, description: 'The resume (null once anonymised).' })
  resumeText!: string | null;

  @Field(() => Boolean, {
    description: 'Whether the candidate agreed to be kept after a rejection (no anonymisation).',
  })
  consentToRetain!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it was rejected.' })
  rejectionReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was rejected.' })
  rejectedAt!: Date | null;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: `The employee the hire made. ${RECRUITERS}`,
  })
  employee!: unknown;

  @Field(() => Date, { description: 'When it arrived.' })
  createdAt!: Date;
}

export const JobOpeningConnection = Connection(JobOpeningObject, 'JobOpening', 'job opening');
export const ApplicationConnection = Connection(ApplicationObject, 'Application', 'application');

@InputType({ description: 'Which job openings to list.' })
export class JobOpeningFilter {
  @Field(() => JobOpeningStatus, { nullable: true, description: 'Only openings in this status.' })
  @IsOptional()
  status?: JobOpeningStatus | null;

  @Field(() => ID, { nullable: true, description: 'Only openings of this department.' })
  @IsOptional()
  @IsString()
  departmentId?: string | null;
}

@InputType({ description: 'Which applications to list.' })
export class ApplicationFilter {
  @Field(() => ID, { nullable: true, description: 'Only applications to this opening.' })
  @IsOptional()
  @IsString()
  jobOpeningId?: string | null;

  @Field(() => ApplicationStage, {
    nullable: true,
    description: 'Only applications at this stage.',
  })
  @IsOptional()
  stage?: ApplicationStage | null;
}

@InputType({ description: 'A new job opening.' })
export class OpenJobOpeningInput {
  @Field(() => String, { description: 'The job title.' })
  @IsString()
  @MaxLength(200)
  title!: string;

  @Field(() => ID, { description: 'The department it hires into.' })
  @IsString()
  departmentId!: string;

  @Field(() => Int, { description: 'How many people it hires (at least 1).' })
  headcount!: number;

  @Field(() => DecimalScalar, {
    description: "The band's lowest annual salary, in the books' currency.",
  })
  salaryMin!: string;

  @Field(() => DecimalScalar, {
    description: "The band's highest annual salary (at least `salaryMin`).",
  })
  salaryMax!: string;
}

@ObjectType({ description: 'The result of `openJobOpening`.' })
export class OpenJobOpeningPayload {
  @Field(() => JobOpeningObject, { nullable: true, description: 'The new opening.' })
  jobOpening?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`).' })
  userErrors!: UserError[];
}

@InputType({ description: 'Closes a job opening.' })
export class CloseJobOpeningInput {
  @Field(() => ID, { description: 'The opening.' })
  @IsString()
  jobOpeningId!: string;
}

@ObjectType({ description: 'The result of `closeJobOpening`.' })
export class CloseJobOpeningPayload {
  @Field(() => JobOpeningObject, { nullable: true, description: 'The opening, closed.' })
  jobOpening?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`NOT_FOUND`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'An application, as the candidate sent it.' })
export class AddApplicationInput {
  @Field(() => ID, { description: 'The opening applied to.' })
  @IsString()
  jobOpeningId!: string;

  @Field(() => String, { description: "The candidate's name." })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => String, {
    description: 'Their email: a candidate who applied before is found again by it.',
  })
  @IsString()
  @MaxLength(320)
  email!: string;

  @Field(() => String, { nullable: true, description: 'Their phone.' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Their resume, as text.' })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  resumeText?: string | null;

  @Field(() => Boolean, {
    description:
      'Whether they agree to be kept after a rejection; otherwise their personal data is anonymised by the REJECTED_APPLICANTS retention policy (180 days by default).',
  })
  consentToRetain!: boolean;
}

@ObjectType({ description: 'The result of `addApplication`.' })
export class AddApplicationPayload {
  @Field(() => ApplicationObject, { nullable: true, description: 'The new application.' })
  application?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `OPENING_CLOSED`, `ALREADY_APPLIED`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'Moves an application to another stage.' })
export class MoveApplicationInput {
  @Field(() => ID, { description: 'The application.' })
  @IsString()
  applicationId!: string;

  @Field(() => ApplicationStage, { description: 'The stage to move to.' })
  stage!: ApplicationStage;

  @Field(() => Int, {
    description: 'The `version` you read: a changed application is refused (`STALE_APPLICATION`).',
  })
  expectedVersion!: number;

  @Field(() => String, { nullable: true, description: 'Why; required for REJECTED.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string | null;
}

@ObjectType({ description: 'The result of `moveApplication`.' })
export class MoveApplicationPayload {
  @Field(() => ApplicationObject, { nullable: true, description: 'The application, moved.' })
  application?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `STALE_APPLICATION`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'An interview to schedule.' })
export class ScheduleInterviewInput {
  @Field(() => ID, { description: 'The application.' })
  @IsString()
  applicationId!: string;

  @Field(() => [ID], { description: 'The interviewers (1 to 10 employees, whatever their roles).' })
  @ArrayMaxSize(10)
  @IsString({ each: true })
  interviewerIds!: string[];

  @Field(() => Date, {
    description:
      'When it takes place; a time in the past records an interview held (no invitation is mailed).',
  })
  scheduledAt!: Date;
}

@ObjectType({ description: 'The result of `scheduleInterview`.' })
export class ScheduleInterviewPayload {
  @Field(() => InterviewObject, { nullable: true, description: 'The interview.' })
  interview?: unknown;

  @Field(() => ApplicationObject, { nullable: true, description: 'Its application.' })
  application?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: "An interviewer's scorecard." })
export class SubmitScorecardInput {
  @Field(() => ID, { description: 'The interview.' })
  @IsString()
  interviewId!: string;

  @Field(() => Int, { description: 'The rating, 1 to 5.' })
  rating!: number;

  @Field(() => Recommendation, { description: 'Hire or not.' })
  recommendation!: Recommendation;

  @Field(() => String, { nullable: true, description: 'Notes.' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  notes?: string | null;
}

@ObjectType({ description: 'The result of `submitScorecard`.' })
export class SubmitScorecardPayload {
  @Field(() => ScorecardObject, { nullable: true, description: 'The scorecard.' })
  scorecard?: unknown;

  @Field(() => InterviewObject, { nullable: true, description: 'Its interview.' })
  interview?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'An offer to make.' })
export class MakeOfferInput {
  @Field(() => ID, { description: 'The application (at INTERVIEW or OFFER).' })
  @IsString()
  applicationId!: string;

  @Field(() => DecimalScalar, { description: "The annual salary, in the books' currency." })
  salary!: string;

  @Field(() => CalendarDateScalar, { description: 'The first working day (not in the past).' })
  startDate!: string;
}

@ObjectType({ description: 'The result of `makeOffer`.' })
export class MakeOfferPayload {
  @Field(() => OfferObject, { nullable: true, description: 'The offer.' })
  offer?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'Approves an offer outside its band.' })
export class ApproveOfferInput {
  @Field(() => ID, { description: 'The offer (PENDING_APPROVAL).' })
  @IsString()
  offerId!: string;
}

@ObjectType({ description: 'The result of `approveOffer`.' })
export class ApproveOfferPayload {
  @Field(() => OfferObject, { nullable: true, description: 'The offer, extended.' })
  offer?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`NOT_FOUND`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: "The candidate's answer to an offer." })
export class RespondToOfferInput {
  @Field(() => ID, { description: 'The offer (EXTENDED).' })
  @IsString()
  offerId!: string;

  @Field(() => Boolean, { description: 'Accepted (true) or declined (false).' })
  accept!: boolean;

  @Field(() => String, { nullable: true, description: 'Their reason, if they gave one.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string | null;
}

@ObjectType({ description: 'The result of `respondToOffer`.' })
export class RespondToOfferPayload {
  @Field(() => OfferObject, { nullable: true, description: 'The offer, answered.' })
  offer?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'Hires an applicant with an accepted offer.' })
export class HireApplicantInput {
  @Field(() => ID, { description: 'The application (at OFFER, its offer accepted).' })
  @IsString()
  applicationId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Makes retries safe: the same key with the same application answers the same employee.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of `hireApplicant`.' })
export class HireApplicantPayload {
  @Field(() => EmployeeObject, { nullable: true, description: 'The new employee.' })
  employee?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`NOT_FOUND`, `INVALID_TRANSITION`, `HEADCOUNT_FILLED`, `EMAIL_TAKEN`, `IDEMPOTENCY_KEY_REUSED`).',
  })
  userErrors!: UserError[];
}
