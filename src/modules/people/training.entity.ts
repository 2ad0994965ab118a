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
import { Role } from '../common/role';
import { Department, Employee } from '../employees/employee.entity';

/**
 * A training course. `validityMonths` null: a completion never expires. It is required for the
 * holders of `requiredForRoles` and for the employees of its departments (`CourseDepartment`,
 * sub-departments included).
 */
@Entity({ tableName: 'course' })
@Check({
  name: 'course_validity_check',
  expression: 'validity_months is null or (validity_months >= 1 and validity_months <= 600)',
})
export class Course {
  [OptionalProps]?: 'createdAt' | 'requiredForRoles';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'course_name_unique' })
  name!: string;

  @Property({ type: 'integer', nullable: true })
  validityMonths: number | null = null;

  @Enum({ items: () => Role, array: true, type: 'text[]' })
  requiredForRoles: Role[] = [];

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A department (and its sub-departments) for which a course is required. */
@Entity({ tableName: 'course_department' })
export class CourseDepartment {
  @ManyToOne(() => Course, { primary: true, deleteRule: 'cascade' })
  course!: Course;

  @ManyToOne(() => Department, {
    primary: true,
    deleteRule: 'restrict',
    index: 'course_department_department_idx',
  })
  department!: Department;
}

/**
 * A course completed by an employee. Completions are never changed: a renewal is a new row, and
 * the latest (by `completedOn`, then id) per employee and course is the one in force.
 * `expiresOn` is `completedOn` plus the course's validity when recorded (end-of-month safe); the
 * certification is valid through that day.
 */
@Entity({ tableName: 'training_completion' })
@Index({
  name: 'training_completion_latest_idx',
  properties: ['employee', 'course', 'completedOn', 'id'],
})
@Index({ name: 'training_completion_course_idx', properties: ['course'] })
@Check({
  name: 'training_completion_expiry_check',
  expression: 'expires_on is null or expires_on > completed_on',
})
export class TrainingCompletion {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Employee, { deleteRule: 'restrict' })
  employee!: Employee;

  @ManyToOne(() => Course, { deleteRule: 'restrict' })
  course!: Course;

  @Property({ type: 'date' })
  completedOn!: string;

  @Property({ type: 'date', nullable: true })
  expiresOn!: string | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  recordedById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/**
 * A reminder mailed about a completion's expiry, `daysBefore` (30, 7 or 0) days ahead: one per
 * completion and stage (`training_reminder_unique`), so a re-run or a retry never mails twice.
 */
@Entity({ tableName: 'training_reminder' })
@Unique({ name: 'training_reminder_unique', properties: ['completion', 'daysBefore'] })
@Check({ name: 'training_reminder_days_check', expression: 'days_before >= 0' })
export class TrainingReminder {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => TrainingCompletion, { deleteRule: 'cascade' })
  completion!: TrainingCompletion;

  @Property({ type: 'integer' })
  daysBefore!: number;

  /** The day (of the clock) the reminder was sent. */
  @Property({ type: 'date' })
  sentOn!: string;

  /** The outbound email that carries it. */
  @Property({ type: new BigIntType('number') })
  emailId!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
