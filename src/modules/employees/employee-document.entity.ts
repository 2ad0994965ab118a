import {
  BigIntType,
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Employee } from './employee.entity';
import { Payslip } from './payroll.entity';

/**
 * One employee's pay for a tax year (the calendar year of each payroll run's `periodEnd`), summed
 * from their payslips of posted runs only. A version is never changed: when the posted payslips
 * of that year no longer sum to the latest version (a run posted later, a correction), the next
 * read issues version + 1, and the earlier one stays among the employee's documents.
 */
@Entity({ tableName: 'year_end_statement' })
@Unique({
  name: 'year_end_statement_version_unique',
  properties: ['employee', 'taxYear', 'version'],
})
@Check({
  name: 'year_end_statement_sum_check',
  expression: 'gross_minor = withholding_minor + net_minor and payslip_count >= 1',
})
export class YearEndStatement {
  [OptionalProps]?: 'issuedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Employee, { deleteRule: 'restrict' })
  employee!: Employee;

  @Property({ type: 'integer' })
  taxYear!: number;

  /** 1 for the first issue; each correction is the next number. */
  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: new BigIntType('bigint') })
  grossMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  withholdingMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  netMinor!: bigint;

  @Property({ type: 'integer' })
  payslipCount!: number;

  /** Issued after the tax year ended: no run of that year was still to come, as far as known. */
  @Property({ type: 'boolean' })
  final!: boolean;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  issuedAt: Date = new Date();
}

export enum EmployeeDocumentKind {
  PAYSLIP = 'PAYSLIP',
  YEAR_END_STATEMENT = 'YEAR_END_STATEMENT',
}

/**
 * What an employee finds among their documents: one row per document issued to them (a payslip
 * when its run is posted, each year-end statement version when it is issued), written in the
 * transaction that issues it. It names exactly one source object.
 */
@Entity({ tableName: 'employee_document' })
@Index({ name: 'employee_document_list_idx', properties: ['employee', 'issuedOn', 'id'] })
@Check({
  name: 'employee_document_source_check',
  expression: 'num_nonnulls(payslip_id, year_end_statement_id) = 1',
})
export class EmployeeDocument {
  [OptionalProps]?: 'payslip' | 'yearEndStatement' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Employee, { deleteRule: 'restrict', index: false })
  employee!: Employee;

  @Enum({ items: () => EmployeeDocumentKind, type: 'text' })
  kind!: EmployeeDocumentKind;

  @Property({ type: 'text' })
  title!: string;

  /** The day it speaks for: a payslip's period end, a statement's issue day. */
  @Property({ type: 'date' })
  issuedOn!: string;

  /** One-to-one: each payslip and each statement version is listed once. */
  @OneToOne(() => Payslip, { nullable: true, deleteRule: 'cascade', owner: true })
  payslip: Payslip | null = null;

  @OneToOne(() => YearEndStatement, { nullable: true, deleteRule: 'restrict', owner: true })
  yearEndStatement: YearEndStatement | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
