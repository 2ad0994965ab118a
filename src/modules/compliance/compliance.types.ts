import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/relay';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';
import { LegalHoldTargetType } from './legal-hold.entity';

export const COMPLIANCE_ONLY = 'Requires one of: COMPLIANCE, ADMIN.';

registerEnumType(LegalHoldTargetType, {
  name: 'LegalHoldTargetType',
  description: 'What a legal hold is placed on.',
  valuesConfig: {
    CUSTOMER: { description: 'A customer, with their tickets, orders and invoices.' },
    EMPLOYEE: { description: 'An employee, with what is held about them.' },
    TICKET: { description: 'One ticket, with its messages and attachments.' },
  },
});

@ObjectType('LegalHold', {
  implements: Node,
  description: `A legal hold: while active, retention and erasure leave its target alone. ${COMPLIANCE_ONLY}`,
})
export class LegalHoldObject extends Node {
  @Field(() => LegalHoldTargetType, { description: 'What kind of record is held.' })
  targetType!: LegalHoldTargetType;

  @Field(() => ID, { description: 'The held record (a Customer, Employee or Ticket ID).' })
  targetId!: string;

  @Field(() => String, { description: 'Why it is held: the matter, the case number.' })
  reason!: string;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who placed it.' })
  placedBy!: unknown;

  @Field(() => Date, { description: 'When it was placed.' })
  placedAt!: Date;

  @Field(() => Boolean, { description: 'Whether it still holds (not released).' })
  active!: boolean;

  @Field(() => Date, { nullable: true, description: 'When it was released.' })
  releasedAt!: Date | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who released it.' })
  releasedBy!: unknown;

  @Field(() => String, { nullable: true, description: 'Why it was released.' })
  releaseReason!: string | null;
}

@InputType({ description: 'A legal hold to place.' })
export class PlaceLegalHoldInput {
  @Field(() => ID, { description: 'The record to hold: a Customer, Employee or Ticket ID.' })
  targetId!: string;

  @Field(() => String, {
    description: 'Why: the matter, the case number (at most 2000 characters).',
  })
  @MaxLength(2000)
  reason!: string;
}

@InputType({ description: 'A legal hold to release.' })
export class ReleaseLegalHoldInput {
  @Field(() => ID, { description: 'The hold.' })
  legalHoldId!: string;

  @Field(() => String, { nullable: true, description: 'Why it ends (at most 2000 characters).' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string | null;
}

@ObjectType({ description: 'The result of placing or releasing a legal hold.' })
export class LegalHoldPayload {
  @Field(() => LegalHoldObject, { nullable: true, description: 'The hold as it is now.' })
  legalHold?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`).',
  })
  userErrors!: UserError[];
}
