import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from './employee.types';
import { PaymentFileFormat, PaymentFileStatus, PaymentItemStatus } from './payment-file.entity';

/** Who reads a payment file's summary: HR, and accountants who settle it. */
export const PAYMENT_FILE_READERS = 'Requires one of: HR, ACCOUNTANT, ADMIN.';
/** Who reads what a payment file pays to whom: the readers of pay. */
export const PAYMENT_FILE_CONTENT_READERS =
  'Requires one of: HR, ADMIN; anyone else gets FORBIDDEN (it holds bank details and pay).';

registerEnumType(PaymentFileFormat, {
  name: 'PaymentFileFormat',
  description: 'The bank file format.',
  valuesConfig: {
    SEPA_PAIN_001: {
      description:
        'ISO 20022 pain.001.001.09 credit transfer: EPC SEPA rules when the books are in EUR, generic otherwise.',
    },
    NACHA_PPD: { description: 'A NACHA file with one PPD batch of credits (books in USD).' },
  },
});

registerEnumType(PaymentFileStatus, {
  name: 'PaymentFileStatus',
  description: 'Where a payment file stands.',
  valuesConfig: {
    CREATED: { description: 'Written; to be sent to the bank. At most one per run and format.' },
    VOID: { description: 'Not to be used; its bytes are kept as they were.' },
    SETTLED: { description: 'The bank paid it: its total left net pay clearing for the bank.' },
  },
});

registerEnumType(PaymentItemStatus, {
  name: 'PaymentItemStatus',
  description: 'Where one credit of a payment file stands.',
  valuesConfig: {
    INCLUDED: { description: 'Paid (or being paid) by its file.' },
    RETURNED: {
      description:
        'The bank returned it: the employee is unpaid for the run until a new file pays them.',
    },
    VOID: { description: 'Its file was voided.' },
  },
});

@ObjectType('PaymentFileItem', {
  description: `One credit of a payment file: a payslip's net pay. ${PAYMENT_FILE_CONTENT_READERS}`,
})
export class PaymentFileItemObject {
  @Field(() => ID, { description: 'The global ID of the credit.' })
  id!: string;

  @Field(() => EmployeeObject, { description: 'Who is paid.' })
  employee!: unknown;

  @Field(() => Money, { description: 'Their net pay for the run.' })
  amount!: Money;

  @Field(() => String, { description: 'The account paid, masked.' })
  maskedAccount!: string;

  @Field(() => String, { description: 'The pain.001 EndToEndId (at most 35 characters).' })
  endToEndId!: string;

  @Field(() => String, { nullable: true, description: 'The NACHA trace number.' })
  traceNumber!: string | null;

  @Field(() => PaymentItemStatus, { description: 'Included, returned or void.' })
  status!: PaymentItemStatus;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'When the bank returned it.' })
  returnedOn!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the bank returned it.' })
  returnReason!: string | null;
}

@ObjectType('PaymentFile', {
  implements: Node,
  description: `A bank file paying a posted payroll run's net pay, stored once and never regenerated. ${PAYMENT_FILE_READERS}`,
})
export class PaymentFileObject extends Node {
  @Field(() => PaymentFileFormat, { description: 'pain.001 or NACHA.' })
  format!: PaymentFileFormat;

  @Field(() => PaymentFileStatus, { description: 'Created, void or settled.' })
  status!: PaymentFileStatus;

  @Field(() => Money, { description: 'The sum of its credits.' })
  totalAmount!: Money;

  @Field(() => Int, { description: 'How many payslips it pays (one credit each).' })
  count!: number;

  @Field(() => String, { description: 'Lowercase hex SHA-256 of its bytes.' })
  sha256!: string;

  @Field(() => String, { description: 'The pain.001 message ID, or the NACHA file name.' })
  messageId!: string;

  @Field(() => CalendarDateScalar, { description: 'The day the bank is asked to pay.' })
  executionDate!: string;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'The day the bank paid it.' })
  settledOn!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was voided.' })
  voidReason!: string | null;

  @Field(() => Date, { description: 'When it was written.' })
  createdAt!: Date;
}

export const PaymentFileConnection = Connection(PaymentFileObject, 'PaymentFile', 'payment file');

@InputType({ description: 'Which payment files to list.' })
export class PaymentFileFilter {
  @Field(() => ID, { nullable: true, description: 'Only the files of this payroll run.' })
  @IsOptional()
  @IsString()
  payrollRunId?: string | null;

  @Field(() => PaymentFileStatus, { nullable: true, description: 'Only files in this status.' })
  @IsOptional()
  status?: PaymentFileStatus | null;
}

@InputType({ description: "A file paying a posted run's unpaid payslips." })
export class CreatePaymentFileInput {
  @Field(() => ID, { description: 'The posted payroll run.' })
  @IsString()
  payrollRunId!: string;

  @Field(() => PaymentFileFormat, { description: 'The file format.' })
  format!: PaymentFileFormat;

  @Field(() => CalendarDateScalar, {
    description: 'The day the bank is asked to pay; the employee accounts in force then are paid.',
  })
  executionDate!: string;

  @Field(() => ID, {
    description:
      "The company's paying bank account: in the books' currency, with an IBAN (and BIC outside EUR) for pain.001, a routing number and ACH company ID for NACHA.",
  })
  @IsString()
  bankAccountId!: string;
}

@InputType({ description: 'A payment file not to be used.' })
export class VoidPaymentFileInput {
  @Field(() => ID, { description: 'The payment file.' })
  @IsString()
  paymentFileId!: string;

  @Field(() => String, { description: 'Why, for the record.' })
  @IsString()
  @MaxLength(1000)
  reason!: string;
}

@InputType({ description: 'The day the bank paid a payment file.' })
export class SettlePaymentFileInput {
  @Field(() => ID, { description: 'The payment file.' })
  @IsString()
  paymentFileId!: string;

  @Field(() => CalendarDateScalar, { description: 'The day the bank paid it (the posting date).' })
  settledOn!: string;
}

@InputType({ description: "A settled file's credit that the bank sent back." })
export class ReturnPaymentInput {
  @Field(() => ID, { description: 'The settled payment file.' })
  @IsString()
  paymentFileId!: string;

  @Field(() => ID, { description: 'The employee whose credit came back.' })
  @IsString()
  employeeId!: string;

  @Field(() => String, { description: "The bank's reason (such as a closed account)." })
  @IsString()
  @MaxLength(1000)
  reason!: string;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'The day it came back (the posting date); today when omitted.',
  })
  @IsOptional()
  returnedOn?: string | null;
}

function paymentFilePayload(name: string, refusals: string) {
  @ObjectType(name, {
    description: `The result of \`${name[0].toLowerCase()}${name.slice(1, -'Payload'.length)}\`.`,
  })
  class PaymentFilePayload {
    @Field(() => PaymentFileObject, {
      nullable: true,
      description: 'The payment file as it is now; null when refused.',
    })
    paymentFile?: unknown;

    @Field(() => [UserError], { description: `Why it was refused (${refusals}).` })
    userErrors!: UserError[];
  }
  return PaymentFilePayload;
}

export const CreatePaymentFilePayload = paymentFilePayload(
  'CreatePaymentFilePayload',
  '`EMPLOYEE_BANK_ACCOUNT_MISSING`, `PAYMENT_FILE_EXISTS`, `CURRENCY_MISMATCH`, `INVALID_TRANSITION`, `NOT_FOUND`, `INVALID_INPUT`',
);
export const VoidPaymentFilePayload = paymentFilePayload(
  'VoidPaymentFilePayload',
  '`INVALID_TRANSITION`, `NOT_FOUND`, `INVALID_INPUT`',
);
export const SettlePaymentFilePayload = paymentFilePayload(
  'SettlePaymentFilePayload',
  '`INVALID_TRANSITION`, `PERIOD_CLOSED`, `NOT_FOUND`, `INVALID_INPUT`',
);
export const ReturnPaymentPayload = paymentFilePayload(
  'ReturnPaymentPayload',
  '`INVALID_TRANSITION`, `PERIOD_CLOSED`, `NOT_FOUND`, `INVALID_INPUT`',
);
