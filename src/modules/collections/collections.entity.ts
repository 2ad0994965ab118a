import {
  BigIntType,
  Check,
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Customer } from '../customers/customer.entity';
import { Invoice } from '../ledger/receivables.entity';

/**
 * A dunning policy: how overdue invoices are chased, level by level. Exactly one policy is the
 * default (the partial unique index `dunning_policy_one_default`); a customer may be assigned
 * another (`CustomerDunningPolicy`).
 */
@Entity({ tableName: 'dunning_policy' })
@Index({
  name: 'dunning_policy_one_default',
  expression:
    'create unique index "dunning_policy_one_default" on "dunning_policy" ("is_default") where "is_default"',
})
export class DunningPolicy {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'dunning_policy_name_unique' })
  name!: string;

  @Property({ type: 'boolean' })
  isDefault!: boolean;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/**
 * One level of a policy. Within a policy, levels are numbered upwards and their `daysOverdue`
 * strictly increase with the number (checked by the service; numbers unique here).
 */
@Entity({ tableName: 'dunning_level' })
@Unique({ name: 'dunning_level_unique', properties: ['policy', 'level'] })
@Check({
  name: 'dunning_level_values_check',
  expression: 'level >= 1 and days_overdue >= 1 and fee_minor >= 0 and interest_basis_points >= 0',
})
export class DunningLevel {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => DunningPolicy, { deleteRule: 'cascade' })
  policy!: DunningPolicy;

  @Property({ type: 'integer' })
  level!: number;

  @Property({ type: 'integer' })
  daysOverdue!: number;

  @Property({ type: new BigIntType('bigint') })
  feeMinor!: bigint;

  /** The yearly interest rate in hundredths of a percent (8.00% is 800). */
  @Property({ type: 'integer' })
  interestBasisPoints!: number;

  @Property({ type: 'text' })
  letterText!: string;
}

/** A customer dunned by a policy other than the default. */
@Entity({ tableName: 'customer_dunning_policy' })
export class CustomerDunningPolicy {
  @ManyToOne(() => Customer, { primary: true, deleteRule: 'cascade' })
  customer!: Customer;

  @ManyToOne(() => DunningPolicy, {
    deleteRule: 'restrict',
    index: 'customer_dunning_policy_policy_idx',
  })
  policy!: DunningPolicy;
}

/**
 * What collections keeps per invoice: its dunning level (it only ever goes up), whether it is
 * disputed, and the day through which interest has been charged on it. A row exists once an
 * invoice was disputed or dunned.
 */
@Entity({ tableName: 'invoice_dunning' })
@Check({ name: 'invoice_dunning_level_check', expression: 'level >= 0' })
export class InvoiceDunning {
  [OptionalProps]?: 'level' | 'disputed' | 'disputeReason' | 'interestThrough';

  @ManyToOne(() => Invoice, { primary: true, deleteRule: 'cascade' })
  invoice!: Invoice;

  @Property({ type: 'integer' })
  level: number = 0;

  @Property({ type: 'boolean' })
  disputed: boolean = false;

  @Property({ type: 'text', nullable: true })
  disputeReason: string | null = null;

  /** Interest has been charged for every day before this one (null: none charged yet). */
  @Property({ type: 'date', nullable: true })
  interestThrough: string | null = null;
}

/**
 * A dunning notice: one per customer, level and day (`dunning_notice_unique`), so a second run
 * on the same day, or the job and a manual run racing, write nothing more. Its fee and interest
 * are billed on the charge invoice (`chargeInvoice`, null when both are zero).
 */
@Entity({ tableName: 'dunning_notice' })
@Unique({ name: 'dunning_notice_unique', properties: ['customer', 'level', 'asOf'] })
@Index({ name: 'dunning_notice_customer_idx', properties: ['customer', 'id'] })
@Check({
  name: 'dunning_notice_amounts_check',
  expression: 'fee_minor >= 0 and interest_minor >= 0',
})
export class DunningNotice {
  [OptionalProps]?:
    'createdAt' | 'sentAt' | 'chargeInvoice' | 'waivedAt' | 'waivedById' | 'waiveReason';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Customer, { deleteRule: 'restrict' })
  customer!: Customer;

  @ManyToOne(() => DunningPolicy, { deleteRule: 'restrict', index: 'dunning_notice_policy_idx' })
  policy!: DunningPolicy;

  @Property({ type: 'integer' })
  level!: number;

  @Property({ type: 'date' })
  asOf!: string;

  @Property({ type: new BigIntType('bigint') })
  feeMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  interestMinor!: bigint;

  /** The level's letter text as it was when the notice was written. */
  @Property({ type: 'text' })
  letterText!: string;

  /** The invoice that bills the fee and interest: it carries no order. */
  @ManyToOne(() => Invoice, { nullable: true, deleteRule: 'restrict' })
  @Unique({ name: 'dunning_notice_charge_invoice_unique' })
  chargeInvoice: Invoice | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** When its email was queued (null while unsent, such as for a customer without an address). */
  @Property({ type: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  waivedAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  waivedById: number | null = null;

  @Property({ type: 'text', nullable: true })
  waiveReason: string | null = null;
}

/** One segment of an interest computation: `outstandingMinor` open for `days` days from `from`. */
export interface InterestSegment {
  from: string;
  to: string;
  days: number;
  outstandingMinor: string;
}

/** One invoice on a notice, with what it was charged and how. */
@Entity({ tableName: 'dunning_notice_line' })
@Unique({ name: 'dunning_notice_line_unique', properties: ['notice', 'invoice'] })
export class DunningNoticeLine {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => DunningNotice, { deleteRule: 'cascade' })
  notice!: DunningNotice;

  @ManyToOne(() => Invoice, { deleteRule: 'restrict', index: 'dunning_notice_line_invoice_idx' })
  invoice!: Invoice;

  @Property({ type: 'integer' })
  daysOverdue!: number;

  /** What was open on the invoice on the notice's day. */
  @Property({ type: new BigIntType('bigint') })
  openMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  feeMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  interestMinor!: bigint;

  @Property({ type: 'integer' })
  interestBasisPoints!: number;

  /** The segments interest was computed over (empty when none was charged). */
  @Property({ type: 'jsonb' })
  segments!: InterestSegment[];
}
