import { ArrayMaxSize, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar, DecimalScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { CustomerObject } from '../customers/customer.types';
import { EmployeeObject } from '../employees/employee.types';
import { InvoiceObject } from '../ledger/ledger.types';

const READERS = 'Requires one of: ACCOUNTANT, REPORTING, ADMIN.';

@ObjectType('DunningLevel', { description: `One level of a dunning policy. ${READERS}` })
export class DunningLevelObject {
  @Field(() => Int, { description: 'The level number; higher levels come later.' })
  level!: number;

  @Field(() => Int, {
    description: 'An invoice reaches this level once it is this many days past its due date.',
  })
  daysOverdue!: number;

  @Field(() => Money, { description: 'The fee charged once per invoice reaching this level.' })
  fee!: Money;

  @Field(() => DecimalScalar, {
    description:
      'The yearly interest rate in percent, such as "8.00", charged on the overdue principal per segment between payments.',
  })
  annualInterestRate!: string;

  @Field(() => String, { description: 'The text of the letter sent at this level.' })
  letterText!: string;
}

@ObjectType('DunningPolicy', {
  description: `How overdue invoices are chased, level by level. ${READERS}`,
})
export class DunningPolicyObject {
  @Field(() => ID, { description: 'The global ID of the policy.' })
  id!: string;

  @Field(() => String, { description: 'A unique name.' })
  name!: string;

  @Field(() => Boolean, {
    description: 'Whether customers without a policy of their own are dunned by it (exactly one).',
  })
  isDefault!: boolean;

  @Field(() => [DunningLevelObject], { description: 'Its levels, lowest first.' })
  levels!: DunningLevelObject[];
}

@ObjectType('InterestSegment', {
  description: 'One period of an interest computation: an amount open for a number of days.',
})
export class InterestSegmentObject {
  @Field(() => CalendarDateScalar, { description: 'The first day charged.' })
  from!: string;

  @Field(() => CalendarDateScalar, { description: 'The day after the last day charged.' })
  to!: string;

  @Field(() => Int, { description: 'Days charged (`to` − `from`).' })
  days!: number;

  @Field(() => Money, { description: 'What was open on the invoice during the period.' })
  outstanding!: Money;
}

@ObjectType('DunningNoticeLine', {
  description: 'One invoice on a dunning notice, with what it was charged and how.',
})
export class DunningNoticeLineObject {
  @Field(() => InvoiceObject, { description: 'The overdue invoice.' })
  invoice!: unknown;

  @Field(() => Int, {
    description: 'Days past its due date on the notice day (or on the day it was paid in full).',
  })
  daysOverdue!: number;

  @Field(() => Money, { description: 'What was open on the invoice on the notice day.' })
  amountOpen!: Money;

  @Field(() => Money, { description: "The level's fee charged on this invoice (zero if none)." })
  fee!: Money;

  @Field(() => Money, {
    description:
      'Interest charged on this invoice: Σ outstanding × rate × days / 365 over its segments, rounded half-up to the cent.',
  })
  interest!: Money;

  @Field(() => DecimalScalar, { description: 'The yearly rate applied, in percent.' })
  annualInterestRate!: string;

  @Field(() => [InterestSegmentObject], {
    description: 'The periods interest was computed over (empty when none was charged).',
  })
  interestSegments!: InterestSegmentObject[];
}

@ObjectType('DunningNotice', {
  implements: Node,
  description: `A dunning notice: one per customer, level and day, mailed to the customer as a PDF letter. ${READERS}`,
})
export class DunningNoticeObject extends Node {
  @Field(() => CustomerObject, { description: 'Who is reminded.' })
  customer!: unknown;

  @Field(() => Int, { description: 'The dunning level of the notice.' })
  level!: number;

  @Field(() => CalendarDateScalar, { description: 'The day of the run that wrote it.' })
  asOf!: string;

  @Field(() => Money, { description: 'The fees charged by the notice.' })
  fee!: Money;

  @Field(() => Money, { description: 'The interest charged by the notice.' })
  interest!: Money;

  @Field(() => [InvoiceObject], { description: 'The overdue invoices it lists.' })
  invoices!: unknown[];

  @Field(() => [DunningNoticeLineObject], {
    description:
      'The invoices it lists, with the fee and interest of each and how it was computed.',
  })
  lines!: DunningNoticeLineObject[];

  @Field(() => InvoiceObject, {
    nullable: true,
    description:
      'The charge invoice that bills the fee and interest (no order); null when both are zero.',
  })
  chargeInvoice!: unknown;

  @Field(() => String, {
    description:
      'Where its PDF letter downloads: a path on this server, signed for 15 minutes (it also answers a bearer token that may read dunning notices).',
  })
  pdfUrl!: string;

  @Field(() => Date, {
    nullable: true,
    description:
      'When it was queued for email to the customer; null while unsent (such as a customer without an email address).',
  })
  sentAt!: Date | null;

  @Field(() => Date, { description: 'When it was written.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When its charges were waived, if they were.' })
  waivedAt!: Date | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who waived its charges.' })
  waivedBy!: unknown;

  @Field(() => String, { nullable: true, description: 'Why its charges were waived.' })
  waiveReason!: string | null;
}

export const DunningNoticeConnection = Connection(
  DunningNoticeObject,
  'DunningNotice',
  'dunning notice',
);

@InputType({ description: 'Which dunning notices to list.' })
export class DunningNoticeFilter {
  @Field(() => ID, { nullable: true, description: "Only this customer's notices." })
  @IsOptional()
  @IsString()
  customerId?: string | null;
}

@InputType({ description: 'One level of a dunning policy.' })
export class DunningLevelInput {
  @Field(() => Int, { description: 'The level number (1 to 10), increasing down the list.' })
  level!: number;

  @Field(() => Int, {
    description: 'Days past due to reach it; strictly more than the level before it.',
  })
  daysOverdue!: number;

  @Field(() => DecimalScalar, { description: 'The fee per invoice reaching it, such as "5.00".' })
  fee!: string;

  @Field(() => DecimalScalar, {
    description: 'The yearly interest rate in percent, such as "8.00" (0 to 100).',
  })
  annualInterestRate!: string;

  @Field(() => String, { description: 'The text of the letter.' })
  @IsString()
  @MaxLength(5000)
  letterText!: string;
}

@InputType({ description: 'A new dunning policy, or new settings of one.' })
export class SetDunningPolicyInput {
  @Field(() => ID, { nullable: true, description: 'The policy to change; omitted for a new one.' })
  @IsOptional()
  @IsString()
  id?: string | null;

  @Field(() => String, { description: 'A unique name.' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => Boolean, {
    description:
      'Make it the default (the previous default stops being one). The default cannot be unset; make another policy the default instead.',
  })
  isDefault!: boolean;

  @Field(() => [DunningLevelInput], {
    description: 'Its levels (1 to 10), in increasing days overdue; they replace the old ones.',
  })
  @ValidateNested({ each: true })
  @ArrayMaxSize(10)
  levels!: DunningLevelInput[];
}

@ObjectType({ description: 'The result of `setDunningPolicy`.' })
export class SetDunningPolicyPayload {
  @Field(() => DunningPolicyObject, { nullable: true, description: 'The policy.' })
  policy?: DunningPolicyObject;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NAME_TAKEN`, `NOT_FOUND`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: "A customer's dunning policy." })
export class SetCustomerDunningPolicyInput {
  @Field(() => ID, { description: 'The customer.' })
  @IsString()
  customerId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The policy that duns them; null for the default policy.',
  })
  @IsOptional()
  @IsString()
  policyId?: string | null;
}

@ObjectType({ description: 'The result of `setCustomerDunningPolicy`.' })
export class SetCustomerDunningPolicyPayload {
  @Field(() => CustomerObject, { nullable: true, description: 'The customer.' })
  customer?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`NOT_FOUND`).' })
  userErrors!: UserError[];
}

@InputType({ description: 'Marks an invoice disputed, or no longer disputed.' })
export class SetInvoiceDisputedInput {
  @Field(() => ID, { description: 'The invoice.' })
  @IsString()
  invoiceId!: string;

  @Field(() => Boolean, { description: 'True while the customer disputes it: dunning skips it.' })
  disputed!: boolean;

  @Field(() => String, { nullable: true, description: 'Why; required when disputing.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string | null;
}

@ObjectType({ description: 'The result of `setInvoiceDisputed`.' })
export class SetInvoiceDisputedPayload {
  @Field(() => InvoiceObject, { nullable: true, description: 'The invoice.' })
  invoice?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`).' })
  userErrors!: UserError[];
}

@InputType({ description: 'A dunning run for a day.' })
export class RunDunningInput {
  @Field(() => CalendarDateScalar, {
    description: 'The day of the run: days overdue and interest are counted to it.',
  })
  asOf!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Makes retries safe: the same key with the same day answers the first run.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of `runDunning`.' })
export class RunDunningPayload {
  @Field(() => [DunningNoticeObject], {
    nullable: true,
    description: 'The notices this run wrote (none when an earlier run that day wrote them).',
  })
  notices?: unknown[];

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `PERIOD_CLOSED`, `IDEMPOTENCY_KEY_REUSED`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: "Waives a dunning notice's fee and interest." })
export class WaiveDunningChargesInput {
  @Field(() => ID, { description: 'The notice.' })
  @IsString()
  noticeId!: string;

  @Field(() => String, { description: 'Why (kept with who and when).' })
  @IsString()
  @MaxLength(1000)
  reason!: string;
}

@ObjectType({ description: 'The result of `waiveDunningCharges`.' })
export class WaiveDunningChargesPayload {
  @Field(() => DunningNoticeObject, { nullable: true, description: 'The notice, waived.' })
  notice?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`NOT_FOUND`, `INVALID_INPUT`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}
