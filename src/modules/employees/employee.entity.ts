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

export enum EmployeeStatus {
  ACTIVE = 'ACTIVE',
  ON_LEAVE = 'ON_LEAVE',
  TERMINATED = 'TERMINATED',
}

/** A department; departments form a tree through `parent`. */
@Entity({ tableName: 'department' })
export class Department {
  [OptionalProps]?: 'parent' | 'headId' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'department_name_unique' })
  name!: string;

  @ManyToOne(() => Department, {
    nullable: true,
    deleteRule: 'restrict',
    index: 'department_parent_idx',
  })
  parent: Department | null = null;

  /** The employee who heads it. */
  @Property({ type: new BigIntType('number'), nullable: true })
  headId: number | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A person who works here and may sign in to Backdesk. */
@Entity({ tableName: 'employee' })
export class Employee {
  [OptionalProps]?:
    | 'title'
    | 'roles'
    | 'status'
    | 'department'
    | 'manager'
    | 'terminationDate'
    | 'terminationReason'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** Employee number such as E-000042, from the `employee_number_seq` sequence. */
  @Property({ type: 'text' })
  @Unique({ name: 'employee_number_unique' })
  number!: string;

  /** Stored lower-cased, so uniqueness is case-insensitive. */
  @Property({ type: 'text' })
  @Unique({ name: 'employee_email_unique' })
  email!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  title: string | null = null;

  /** scrypt hash (see password.ts); never leaves the server. */
  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Enum({ items: () => Role, array: true, type: 'text[]' })
  roles: Role[] = [];

  @Enum({ items: () => EmployeeStatus, type: 'text' })
  status: EmployeeStatus = EmployeeStatus.ACTIVE;

  @ManyToOne(() => Department, {
    nullable: true,
    deleteRule: 'restrict',
    index: 'employee_department_idx',
  })
  department: Department | null = null;

  /** Their manager; the chain of managers never loops (checked when it changes). */
  @ManyToOne(() => Employee, {
    nullable: true,
    deleteRule: 'restrict',
    index: 'employee_manager_idx',
  })
  manager: Employee | null = null;

  @Property({ type: 'date' })
  hireDate!: string;

  /** Their last working day. */
  @Property({ type: 'date', nullable: true })
  terminationDate: string | null = null;

  @Property({ type: 'text', nullable: true })
  terminationReason: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** Effective-dated annual salary: a change applies from `effectiveFrom` until the next one. */
@Entity({ tableName: 'salary_change' })
@Unique({ name: 'salary_change_effective_unique', properties: ['employee', 'effectiveFrom'] })
@Check({ name: 'salary_change_amount_check', expression: 'annual_salary_minor >= 0' })
export class SalaryChange {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Employee, { deleteRule: 'restrict' })
  employee!: Employee;

  @Property({ type: new BigIntType('bigint') })
  annualSalaryMinor!: bigint;

  @Property({ type: 'date' })
  effectiveFrom!: string;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** Who read whose salary, and when: every read of another person's pay is on record. */
@Entity({ tableName: 'salary_access' })
@Index({ name: 'salary_access_subject_idx', properties: ['subjectId', 'id'] })
export class SalaryAccess {
  [OptionalProps]?: 'readAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: new BigIntType('number') })
  readerId!: number;

  @Property({ type: new BigIntType('number') })
  subjectId!: number;

  /** What was read: 'salary', 'salaryHistory', 'payslips', 'payslipPdf' or 'bankAccount'. */
  @Property({ type: 'text' })
  field!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  readAt: Date = new Date();
}
