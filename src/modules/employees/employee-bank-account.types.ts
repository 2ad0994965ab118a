import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { CalendarDateScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { AchAccountType, EmployeeBankAccountKind } from './employee-bank-account.entity';
import { PAY_FIELD_RULE } from './employee.types';

registerEnumType(EmployeeBankAccountKind, {
  name: 'EmployeeBankAccountKind',
  description: 'How an employee is paid.',
  valuesConfig: {
    IBAN: { description: 'An IBAN (and perhaps a BIC): paid by SEPA / pain.001 files.' },
    US_ACH: { description: 'A US routing and account number: paid by NACHA PPD files.' },
  },
});

registerEnumType(AchAccountType, {
  name: 'AchAccountType',
  description: 'The kind of a US bank account, which decides the NACHA transaction code.',
  valuesConfig: {
    CHECKING: { description: 'A checking account (transaction code 22).' },
    SAVINGS: { description: 'A savings account (transaction code 32).' },
  },
});

@ObjectType('EmployeeBankAccount', {
  description: `Where an employee's pay goes, masked: full numbers never leave the server except inside a payment file. ${PAY_FIELD_RULE}`,
})
export class EmployeeBankAccountObject {
  @Field(() => String, { description: 'The account holder, as the bank knows them.' })
  holderName!: string;

  @Field(() => EmployeeBankAccountKind, { description: 'IBAN or US routing and account number.' })
  kind!: EmployeeBankAccountKind;

  @Field(() => String, {
    description: 'The number masked: `DE89 **** **** **** 3000` or `****6789`.',
  })
  maskedNumber!: string;

  @Field(() => CalendarDateScalar, { description: 'The first day pay goes to it.' })
  effectiveFrom!: string;
}

@InputType({
  description:
    "An employee's new bank account from a date: an IBAN (and optionally a BIC), or a US routing number and account number (and account type).",
})
export class SetEmployeeBankAccountInput {
  @Field(() => ID, { description: 'The employee.' })
  @IsString()
  employeeId!: string;

  @Field(() => String, { description: 'The account holder, as the bank knows them.' })
  @IsString()
  @MaxLength(140)
  holderName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'An IBAN (spaces allowed); checksum-validated.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  iban?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The IBAN's bank identifier code (optional).",
  })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  bic?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A US ABA routing number: nine digits with its check digit.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  routingNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'A US account number: 4 to 17 digits.' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  accountNumber?: string | null;

  @Field(() => AchAccountType, {
    nullable: true,
    description: 'For a US account: CHECKING (the default) or SAVINGS.',
  })
  @IsOptional()
  accountType?: AchAccountType | null;

  @Field(() => CalendarDateScalar, {
    description: 'The first day pay goes to it; earlier accounts stay on record.',
  })
  effectiveFrom!: string;
}

@ObjectType({ description: 'The result of `setEmployeeBankAccount`.' })
export class SetEmployeeBankAccountPayload {
  @Field(() => EmployeeBankAccountObject, {
    nullable: true,
    description: 'The new account, masked; null when refused.',
  })
  bankAccount?: EmployeeBankAccountObject;

  @Field(() => [UserError], { description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`).' })
  userErrors!: UserError[];
}
