import {
  BigIntType,
  Entity,
  Enum,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Employee } from './employee.entity';

export enum PayrollRunStatus {
  DRAFT = 'DRAFT',
  POSTED = 'POSTED',
}

/** A payroll for a period: a draft with payslips, then posted to the ledger once. */
@Entity({ tableName: 'payroll_run' })
export class PayrollRun {
  [OptionalProps]?: 'status' | 'journalEntryId' | 'postedAt' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'date' })
  periodStart!: string;

  @Property({ type: 'date' })
  periodEnd!: string;

  @Enum({ items: () => PayrollRunStatus, type: 'text' })
  status: PayrollRunStatus = PayrollRunStatus.DRAFT;

  /** Withholding rate in basis points (2000 = 20%). */
  @Property({ type: 'integer' })
  withholdingRateBp!: number;

  @Property({ type: new BigIntType('bigint') })
  totalGrossMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  totalWithholdingMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  totalNetMinor!: bigint;

  @Property({ type: new BigIntType('number'), nullable: true })
  journalEntryId: number | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  postedAt: Date | null = null;
}

/** One employee's pay for a payroll run. */
@Entity({ tableName: 'payslip' })
@Unique({ name: 'payslip_run_employee_unique', properties: ['run', 'employee'] })
export class Payslip {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => PayrollRun, { deleteRule: 'cascade' })
  run!: PayrollRun;

  @ManyToOne(() => Employee, { deleteRule: 'restrict', index: 'payslip_employee_idx' })
  employee!: Employee;

  /** Days of the period the employee was employed. */
  @Property({ type: 'integer' })
  daysWorked!: number;

  @Property({ type: new BigIntType('bigint') })
  grossMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  withholdingMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  netMinor!: bigint;
}
