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
import { Employee } from './employee.entity';
import { EmployeeBankAccount } from './employee-bank-account.entity';
import { PayrollRun, Payslip } from './payroll.entity';

export enum PaymentFileFormat {
  SEPA_PAIN_001 = 'SEPA_PAIN_001',
  NACHA_PPD = 'NACHA_PPD',
}

/** CREATED → SETTLED (the bank paid it) or CREATED → VOID (never sent, or refused). */
export enum PaymentFileStatus {
  CREATED = 'CREATED',
  VOID = 'VOID',
  SETTLED = 'SETTLED',
}

/** INCLUDED (paying, or paid) → RETURNED (the bank sent it back) ; INCLUDED → VOID with its file. */
export enum PaymentItemStatus {
  INCLUDED = 'INCLUDED',
  RETURNED = 'RETURNED',
  VOID = 'VOID',
}

/**
 * A bank file paying a posted payroll run's net pay. Its bytes are a stored document
 * (`payment-file:<id>`) written once with the row and never regenerated; `sha256` is theirs.
 * At most one unsettled, unvoided file per run and format (`payment_file_live_unique`).
 */
@Entity({ tableName: 'payment_file' })
@Index({ name: 'payment_file_run_idx', properties: ['run', 'id'] })
@Index({
  name: 'payment_file_live_unique',
  expression:
    'create unique index "payment_file_live_unique" on "payment_file" ("run_id", "format") where "status" = \'CREATED\'',
})
@Unique({
  name: 'payment_file_modifier_unique',
  properties: ['bankAccountId', 'createdOn', 'fileIdModifier'],
})
@Check({
  name: 'payment_file_amount_check',
  expression: 'total_minor > 0 and item_count > 0',
})
export class PaymentFile {
  [OptionalProps]?:
    'status' | 'fileIdModifier' | 'settledOn' | 'settlementEntryId' | 'voidedAt' | 'voidReason';

  /** Allocated before the file is written: its message id carries it. */
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => PayrollRun, { deleteRule: 'restrict' })
  run!: PayrollRun;

  @Enum({ items: () => PaymentFileFormat, type: 'text' })
  format!: PaymentFileFormat;

  @Enum({ items: () => PaymentFileStatus, type: 'text' })
  status: PaymentFileStatus = PaymentFileStatus.CREATED;

  /** The company's paying bank account (banking's `bank_account`). */
  @Property({ type: new BigIntType('number') })
  bankAccountId!: number;

  /** The ledger account mirroring the paying bank account, when the file was made. */
  @Property({ type: new BigIntType('number') })
  bankLedgerAccountId!: number;

  @Property({ type: 'text' })
  currency!: string;

  @Property({ type: 'date' })
  executionDate!: string;

  @Property({ type: new BigIntType('bigint') })
  totalMinor!: bigint;

  @Property({ type: 'integer' })
  itemCount!: number;

  /** pain.001 `GrpHdr/MsgId`, or the NACHA file's name: unique per file. */
  @Property({ type: 'text' })
  @Unique({ name: 'payment_file_message_id_unique' })
  messageId!: string;

  /** NACHA's file ID modifier (A–Z, 0–9), distinct per paying account and day. */
  @Property({ type: 'text', nullable: true })
  fileIdModifier: string | null = null;

  /** The UTC day the file was written. */
  @Property({ type: 'date' })
  createdOn!: string;

  @Property({ type: new BigIntType('number') })
  documentId!: number;

  /** Lowercase hex SHA-256 of the stored bytes. */
  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: 'date', nullable: true })
  settledOn: string | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  settlementEntryId: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  voidedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  voidReason: string | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * One credit of a payment file: one payslip's net pay to the account in force on the execution
 * day. A payslip is in at most one INCLUDED item (`payment_file_item_paying_unique`): a returned
 * or voided credit frees it for a later file.
 */
@Entity({ tableName: 'payment_file_item' })
@Unique({ name: 'payment_file_item_unique', properties: ['file', 'payslip'] })
@Index({
  name: 'payment_file_item_paying_unique',
  expression:
    'create unique index "payment_file_item_paying_unique" on "payment_file_item" ("payslip_id") where "status" = \'INCLUDED\'',
})
@Check({ name: 'payment_file_item_amount_check', expression: 'amount_minor > 0' })
export class PaymentFileItem {
  [OptionalProps]?: 'status' | 'returnedOn' | 'returnReason' | 'returnEntryId' | 'traceNumber';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => PaymentFile, { deleteRule: 'restrict' })
  file!: PaymentFile;

  @ManyToOne(() => Payslip, { deleteRule: 'restrict', index: 'payment_file_item_payslip_idx' })
  payslip!: Payslip;

  @ManyToOne(() => Employee, { deleteRule: 'restrict', index: 'payment_file_item_employee_idx' })
  employee!: Employee;

  @ManyToOne(() => EmployeeBankAccount, { deleteRule: 'restrict' })
  bankAccount!: EmployeeBankAccount;

  @Property({ type: new BigIntType('bigint') })
  amountMinor!: bigint;

  /** pain.001 `EndToEndId` (at most 35 characters). */
  @Property({ type: 'text' })
  endToEndId!: string;

  /** NACHA trace number (15 digits). */
  @Property({ type: 'text', nullable: true })
  traceNumber: string | null = null;

  @Enum({ items: () => PaymentItemStatus, type: 'text' })
  status: PaymentItemStatus = PaymentItemStatus.INCLUDED;

  @Property({ type: 'date', nullable: true })
  returnedOn: string | null = null;

  @Property({ type: 'text', nullable: true })
  returnReason: string | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  returnEntryId: number | null = null;
}
