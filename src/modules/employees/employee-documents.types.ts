import { IsInt, Max, Min } from 'class-validator';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { EmployeeDocumentKind } from './employee-document.entity';
import { EmployeeObject, PAY_FIELD_RULE, PayslipObject } from './employee.types';

registerEnumType(EmployeeDocumentKind, {
  name: 'EmployeeDocumentKind',
  description: 'What a document issued to an employee is.',
  valuesConfig: {
    PAYSLIP: { description: 'A payslip of a posted payroll run.' },
    YEAR_END_STATEMENT: { description: 'A version of a year-end pay statement.' },
  },
});

@ObjectType('YearEndStatement', {
  implements: Node,
  description: `An employee's pay for a tax year, summed from the payslips of posted payroll runs and equal to them. A version never changes; a correction is the next version. ${PAY_FIELD_RULE}`,
})
export class YearEndStatementObject extends Node {
  @Field(() => EmployeeObject, { description: 'Whose pay it states.' })
  employee!: unknown;

  @Field(() => Int, { description: "The tax year: payslips whose run's period ends in it." })
  year!: number;

  @Field(() => Int, { description: '1 for the first issue; each correction is the next number.' })
  version!: number;

  @Field(() => Money, { description: 'Pay before withholding.' })
  gross!: Money;

  @Field(() => Money, { description: 'Tax withheld.' })
  withholding!: Money;

  @Field(() => Money, { description: 'Paid out: gross minus withholding.' })
  net!: Money;

  @Field(() => Int, { description: 'How many payslips it sums.' })
  payslipCount!: number;

  @Field(() => Boolean, {
    description:
      'Issued after the tax year ended; a provisional statement (false) leaves out runs still to come that year.',
  })
  final!: boolean;

  @Field(() => Date, { description: 'When this version was issued.' })
  issuedAt!: Date;

  @Field(() => String, {
    description: `Where its PDF downloads: a path on this server, signed for 15 minutes (it also answers a bearer token of HR, ADMIN or the employee). ${PAY_FIELD_RULE}`,
  })
  pdfUrl!: string;
}

@ObjectType('EmployeeDocument', {
  implements: Node,
  description: `A document issued to an employee: a payslip of a posted run, or a year-end statement version. ${PAY_FIELD_RULE}`,
})
export class EmployeeDocumentObject extends Node {
  @Field(() => EmployeeDocumentKind, { description: 'What it is.' })
  kind!: EmployeeDocumentKind;

  @Field(() => String, { description: 'Its title, as listed.' })
  title!: string;

  @Field(() => CalendarDateScalar, {
    description: "The day it speaks for: a payslip's period end, a statement's issue day.",
  })
  issuedOn!: string;

  @Field(() => String, {
    description: 'Where its PDF downloads: a path on this server, signed for 15 minutes.',
  })
  pdfUrl!: string;

  @Field(() => PayslipObject, { nullable: true, description: 'The payslip, when it is one.' })
  payslip!: unknown;

  @Field(() => YearEndStatementObject, {
    nullable: true,
    description: 'The year-end statement, when it is one.',
  })
  yearEndStatement!: unknown;
}

export const EmployeeDocumentConnection = Connection(
  EmployeeDocumentObject,
  'EmployeeDocument',
  'employee document',
);

@InputType('EmployeeDocumentFilter', { description: 'Which documents to list.' })
export class EmployeeDocumentFilter {
  @Field(() => EmployeeDocumentKind, {
    nullable: true,
    description: 'Only documents of this kind.',
  })
  kind?: EmployeeDocumentKind | null;
}

@InputType('IssueYearEndStatementsInput', { description: 'The tax year to issue statements for.' })
export class IssueYearEndStatementsInput {
  @Field(() => Int, { description: 'The tax year.' })
  @IsInt()
  @Min(1)
  @Max(9999)
  year!: number;
}

@ObjectType('IssueYearEndStatementsPayload', { description: 'The statements, as they now stand.' })
export class IssueYearEndStatementsPayload {
  @Field(() => [YearEndStatementObject], {
    description:
      'The statement of every employee paid in that year: a new version where their posted payslips changed since the last one, else the last one.',
  })
  statements!: unknown[];

  @Field(() => [UserError], { description: 'Why nothing was issued (`INVALID_INPUT`).' })
  userErrors!: UserError[];
}
