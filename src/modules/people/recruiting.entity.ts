import {
  BigIntType,
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Department, Employee } from '../employees/employee.entity';

export enum JobOpeningStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

export enum ApplicationStage {
  APPLIED = 'APPLIED',
  SCREENING = 'SCREENING',
  INTERVIEW = 'INTERVIEW',
  OFFER = 'OFFER',
  HIRED = 'HIRED',
  REJECTED = 'REJECTED',
}

export enum Recommendation {
  STRONG_NO = 'STRONG_NO',
  NO = 'NO',
  YES = 'YES',
  STRONG_YES = 'STRONG_YES',
}

export enum OfferStatus {
  /** Outside the opening's band: waits for an ADMIN's approval. */
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  /** Approved (in-band offers on creation) and waiting for the candidate's answer. */
  EXTENDED = 'EXTENDED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  /** Taken back: the application was rejected while the offer was live. */
  WITHDRAWN = 'WITHDRAWN',
}

/** The statuses of a live offer: at most one per application (`offer_one_live`). */
export const LIVE_OFFER_STATUSES: readonly OfferStatus[] = [
  OfferStatus.PENDING_APPROVAL,
  OfferStatus.EXTENDED,
  OfferStatus.ACCEPTED,
];

/**
 * A position to fill: `hiredCount` only grows, under the opening's row lock, and never passes
 * `headcount` (`job_opening_hired_check` backs the service's check). The salary band is annual,
 * in the books' currency.
 */
@Entity({ tableName: 'job_opening' })
@Index({ name: 'job_opening_list_idx', properties: ['status', 'id'] })
@Check({
  name: 'job_opening_hired_check',
  expression: 'headcount >= 1 and hired_count >= 0 and hired_count <= headcount',
})
@Check({
  name: 'job_opening_band_check',
  expression: 'salary_min_minor >= 0 and salary_min_minor <= salary_max_minor',
})
export class JobOpening {
  [OptionalProps]?: 'hiredCount' | 'status' | 'closedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  title!: string;

  @ManyToOne(() => Department, { deleteRule: 'restrict', index: 'job_opening_department_idx' })
  department!: Department;

  @Property({ type: 'integer' })
  headcount!: number;

  @Property({ type: 'integer' })
  hiredCount: number = 0;

  @Property({ type: new BigIntType('bigint') })
  salaryMinMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  salaryMaxMinor!: bigint;

  @Enum({ items: () => JobOpeningStatus, type: 'text' })
  status: JobOpeningStatus = JobOpeningStatus.OPEN;

  @Property({ type: 'timestamptz' })
  openedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  openedById!: number | null;
}

/**
 * A person who applied, found again by `emailKey` (the address trimmed and lower-cased, `+tags`
 * kept: see candidate-email.ts). Anonymising clears every personal field and the key, for good.
 */
@Entity({ tableName: 'candidate' })
@Index({
  name: 'candidate_email_key_unique',
  expression:
    'create unique index "candidate_email_key_unique" on "candidate" ("email_key") where "email_key" is not null',
})
export class Candidate {
  [OptionalProps]?: 'phone' | 'anonymizedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  email!: string | null;

  @Property({ type: 'text', nullable: true })
  emailKey!: string | null;

  @Property({ type: 'text', nullable: true })
  phone: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  anonymizedAt: Date | null = null;
}

/**
 * One candidate applying to one opening (`application_unique`). `version` goes up on every change
 * to the application or its offers and interviews; writers lock the row and compare it.
 */
@Entity({ tableName: 'application' })
@Unique({ name: 'application_unique', properties: ['jobOpening', 'candidate'] })
@Index({ name: 'application_stage_idx', properties: ['stage', 'id'] })
@Check({ name: 'application_version_check', expression: 'version >= 1' })
export class Application {
  [OptionalProps]?:
    'version' | 'resumeText' | 'rejectedAt' | 'rejectionReason' | 'hiredEmployee' | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => JobOpening, { deleteRule: 'restrict' })
  jobOpening!: JobOpening;

  @ManyToOne(() => Candidate, { deleteRule: 'restrict', index: 'application_candidate_idx' })
  candidate!: Candidate;

  @Enum({ items: () => ApplicationStage, type: 'text' })
  stage!: ApplicationStage;

  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'text', nullable: true })
  resumeText: string | null = null;

  /** The candidate agreed to be kept after a rejection (no anonymisation). */
  @Property({ type: 'boolean' })
  consentToRetain!: boolean;

  @Property({ type: 'timestamptz', nullable: true })
  rejectedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  rejectionReason: string | null = null;

  /** The employee the hire made. */
  @ManyToOne(() => Employee, { nullable: true, deleteRule: 'restrict' })
  @Unique({ name: 'application_hired_employee_unique' })
  hiredEmployee: Employee | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  updatedAt: Date | null = null;
}

/**
 * The stage history: one row per move, append-only (the trigger in
 * sql/recruiting_history_refuse_change.sql refuses UPDATE, DELETE and TRUNCATE). `fromStage` is
 * null on the row that records the application arriving.
 */
@Entity({ tableName: 'application_stage_change' })
@Index({ name: 'application_stage_change_idx', properties: ['application', 'id'] })
export class ApplicationStageChange {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Application, { deleteRule: 'restrict', index: false })
  application!: Application;

  @Enum({ items: () => ApplicationStage, type: 'text', nullable: true })
  fromStage!: ApplicationStage | null;

  @Enum({ items: () => ApplicationStage, type: 'text' })
  toStage!: ApplicationStage;

  @Property({ type: 'text', nullable: true })
  reason!: string | null;

  /** Who moved it (null: the system, such as a declined offer recorded by a job). */
  @Property({ type: new BigIntType('number'), nullable: true })
  actorId!: number | null;

  @Property({ type: 'timestamptz' })
  at!: Date;
}

/** An interview of an application, with its interviewers (`InterviewInterviewer`). */
@Entity({ tableName: 'interview' })
export class Interview {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Application, { deleteRule: 'restrict', index: 'interview_application_idx' })
  application!: Application;

  @Property({ type: 'timestamptz' })
  scheduledAt!: Date;

  @Property({ type: new BigIntType('number'), nullable: true })
  scheduledById!: number | null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

/** An employee on an interview: what lets them see its application. */
@Entity({ tableName: 'interview_interviewer' })
@Index({ name: 'interview_interviewer_employee_idx', properties: ['employee', 'interview'] })
export class InterviewInterviewer {
  @ManyToOne(() => Interview, { primary: true, deleteRule: 'cascade' })
  interview!: Interview;

  @ManyToOne(() => Employee, { primary: true, deleteRule: 'restrict' })
  employee!: Employee;
}

/** One interviewer's verdict on one interview (`scorecard_unique`). */
@Entity({ tableName: 'scorecard' })
@Unique({ name: 'scorecard_unique', properties: ['interview', 'interviewer'] })
@Check({ name: 'scorecard_rating_check', expression: 'rating >= 1 and rating <= 5' })
export class Scorecard {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Interview, { deleteRule: 'restrict', index: false })
  interview!: Interview;

  @ManyToOne(() => Employee, { deleteRule: 'restrict', index: 'scorecard_interviewer_idx' })
  interviewer!: Employee;

  @Property({ type: 'integer' })
  rating!: number;

  @Enum({ items: () => Recommendation, type: 'text' })
  recommendation!: Recommendation;

  @Property({ type: 'text', nullable: true })
  notes!: string | null;

  @Property({ type: 'timestamptz' })
  submittedAt!: Date;
}

/**
 * An offer: annual salary and start date. An application has at most one live offer, by the
 * partial unique index `offer_one_live`, whatever the service checks first.
 */
@Entity({ tableName: 'offer' })
@Index({
  name: 'offer_one_live',
  expression: `create unique index "offer_one_live" on "offer" ("application_id") where "status" in ('PENDING_APPROVAL', 'EXTENDED', 'ACCEPTED')`,
})
@Index({ name: 'offer_application_idx', properties: ['application', 'id'] })
@Check({ name: 'offer_salary_check', expression: 'salary_minor >= 0' })
export class Offer {
  [OptionalProps]?: 'approvedById' | 'approvedAt' | 'respondedAt' | 'responseReason';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Application, { deleteRule: 'restrict', index: false })
  application!: Application;

  @Property({ type: new BigIntType('bigint') })
  salaryMinor!: bigint;

  @Property({ type: 'date' })
  startDate!: string;

  @Enum({ items: () => OfferStatus, type: 'text' })
  status!: OfferStatus;

  /** Whether the salary was inside the opening's band when the offer was made. */
  @Property({ type: 'boolean' })
  withinBand!: boolean;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: new BigIntType('number'), nullable: true })
  approvedById: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  approvedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  respondedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  responseReason: string | null = null;
}

/**
 * An email to a candidate, by its outbox row: the send job asks recruiting before sending it
 * (candidate-email.ts), and a rejected application's mail is withheld.
 */
@Entity({ tableName: 'candidate_email' })
export class CandidateEmail {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  emailId!: number;

  @ManyToOne(() => Application, {
    deleteRule: 'restrict',
    index: 'candidate_email_application_idx',
  })
  application!: Application;
}
