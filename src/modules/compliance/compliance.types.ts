import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/relay';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';
import { LegalHoldTargetType } from './legal-hold.entity';
import { RetentionAction, RetentionRecordClass } from './retention-policy.entity';

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

registerEnumType(RetentionRecordClass, {
  name: 'RetentionRecordClass',
  description: 'A class of records a retention policy applies to.',
  valuesConfig: {
    CLOSED_TICKETS: { description: 'Closed tickets, by when they last changed.' },
    INACTIVE_CUSTOMERS: {
      description:
        'Customers with no orders, tickets, invoices, payments or changes in the period; those the books rely on are anonymised, never deleted.',
    },
    REJECTED_APPLICANTS: {
      description:
        'Candidates whose every application was rejected in the past, who did not consent to be kept (anonymised).',
    },
    EVENT_LOG: { description: 'Archived events of the event log.' },
    AUDIT_TRAIL: {
      description: 'The oldest audit records (deleted as a prefix; the chain stays verifiable).',
    },
    ATTACHMENTS: { description: 'Ticket attachments (the bytes and their rows).' },
  },
});

registerEnumType(RetentionAction, {
  name: 'RetentionAction',
  description: 'What retention does to a record past its period.',
  valuesConfig: {
    DELETE: { description: 'Delete it.' },
    ANONYMIZE: { description: 'Keep it, with its personal data replaced or removed.' },
  },
});

@ObjectType('RetentionPolicy', {
  description: `How long one class of records is kept, and what then happens to it. ${COMPLIANCE_ONLY}`,
})
export class RetentionPolicyObject {
  @Field(() => RetentionRecordClass, { description: 'The class of records.' })
  recordClass!: RetentionRecordClass;

  @Field(() => Int, { description: 'Days a record is kept before the action applies.' })
  keepDays!: number;

  @Field(() => RetentionAction, { description: 'What happens to a record past its period.' })
  action!: RetentionAction;

  @Field(() => [RetentionAction], { description: 'The actions this class allows.' })
  allowedActions!: RetentionAction[];

  @Field(() => Int, { description: 'The shortest period this class allows, in days.' })
  minKeepDays!: number;

  @Field(() => Boolean, { description: 'Whether the daily run applies it.' })
  enabled!: boolean;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the current period and action were last previewed (null: not since they changed).',
  })
  previewedAt!: Date | null;
}

@ObjectType({ description: 'A retention dry run: what a run of the policy would purge now.' })
export class RetentionPreviewObject {
  @Field(() => RetentionRecordClass, { description: 'The class previewed.' })
  recordClass!: RetentionRecordClass;

  @Field(() => Date, { description: 'Records from before this are past their period.' })
  cutoff!: Date;

  @Field(() => Int, { description: 'How many records a run would delete or anonymise now.' })
  count!: number;

  @Field(() => [String], {
    description:
      'The first few of them, labelled without personal data (`Ticket T-00012 closed 2026-01-02`).',
  })
  sample!: string[];

  @Field(() => Int, { description: 'Records past their period left out: under a legal hold.' })
  held!: number;

  @Field(() => String, {
    nullable: true,
    description: 'What the action cannot do to some records, and why (the books, consent).',
  })
  note!: string | null;
}

@InputType({ description: 'A retention policy to set.' })
export class SetRetentionPolicyInput {
  @Field(() => RetentionRecordClass, { description: 'The class of records.' })
  recordClass!: RetentionRecordClass;

  @Field(() => Int, { description: 'Days to keep a record (each class has its range).' })
  keepDays!: number;

  @Field(() => RetentionAction, { description: 'What happens past the period.' })
  action!: RetentionAction;

  @Field(() => Boolean, {
    description: 'Apply it daily: allowed only after a preview of exactly this period and action.',
  })
  enabled!: boolean;
}

@ObjectType({ description: 'The result of setting a retention policy.' })
export class RetentionPolicyPayload {
  @Field(() => RetentionPolicyObject, { nullable: true, description: 'The policy as it is now.' })
  retentionPolicy?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `PREVIEW_REQUIRED`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A retention policy to apply now.' })
export class RunRetentionInput {
  @Field(() => RetentionRecordClass, { description: 'The class of records.' })
  recordClass!: RetentionRecordClass;
}

@ObjectType({ description: 'What a retention run did.' })
export class RetentionRunObject {
  @Field(() => RetentionRecordClass, { description: 'The class of records.' })
  recordClass!: RetentionRecordClass;

  @Field(() => Int, { description: 'Records deleted.' })
  deleted!: number;

  @Field(() => Int, { description: 'Records anonymised.' })
  anonymised!: number;

  @Field(() => Int, { description: 'Records skipped: under a legal hold.' })
  held!: number;

  @Field(() => Int, { description: 'Transactions it took.' })
  batches!: number;
}

@ObjectType({ description: 'The result of running a retention policy now.' })
export class RunRetentionPayload {
  @Field(() => RetentionRunObject, { nullable: true, description: 'What the run did.' })
  run?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused.' })
  userErrors!: UserError[];
}
