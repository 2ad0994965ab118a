import { IsBoolean, IsEnum, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection, Node } from '../../graphql/relay';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';
import { COMPLIANCE_ONLY } from './compliance.types';
import { DataSubjectRequestKind, DataSubjectRequestStatus } from './data-subject-request.entity';

registerEnumType(DataSubjectRequestKind, {
  name: 'DataSubjectRequestKind',
  description: 'What a person asks for about their personal data.',
  valuesConfig: {
    ACCESS: { description: 'A copy of everything held about them (GDPR art. 15): a bundle.' },
    ERASURE: {
      description:
        'Erasure of everything held about them, save what a hold or a legal duty keeps (GDPR art. 17).',
    },
  },
});

registerEnumType(DataSubjectRequestStatus, {
  name: 'DataSubjectRequestStatus',
  description: 'Where a data subject request stands.',
  valuesConfig: {
    OPEN: { description: 'Received and not answered yet.' },
    IN_PROGRESS: { description: 'Being answered.' },
    DONE: { description: 'Answered: the bundle is made, or the data is erased.' },
    REFUSED: { description: 'Refused as manifestly unfounded or excessive (GDPR art. 12(5)).' },
  },
});

@ObjectType('KeptRecord', { description: 'Something an erasure left in place, and why.' })
export class KeptRecordObject {
  @Field(() => String, { description: 'What was kept (`invoice INV-0042`).' })
  what!: string;

  @Field(() => String, { description: 'Why: a legal hold, the books, a legal duty.' })
  why!: string;
}

@ObjectType('ErasedCount', { description: 'How many records of one kind an erasure removed.' })
export class ErasedCountObject {
  @Field(() => String, { description: 'The kind of record (`ticket messages`).' })
  what!: string;

  @Field(() => Int, { description: 'How many were deleted or anonymised.' })
  count!: number;
}

@ObjectType('PersonalDataMatch', {
  description: 'How many records one source of personal data holds about the subject.',
})
export class PersonalDataMatchObject {
  @Field(() => String, { description: 'The source (`customers`, `tickets`, `history`).' })
  source!: string;

  @Field(() => Int, { description: 'How many of its records are about the subject.' })
  count!: number;
}

@ObjectType('DataSubjectRequest', {
  implements: Node,
  description: `A person's request about their personal data, found by email. ${COMPLIANCE_ONLY}`,
})
export class DataSubjectRequestObject extends Node {
  @Field(() => DataSubjectRequestKind, { description: 'What is asked for.' })
  kind!: DataSubjectRequestKind;

  @Field(() => DataSubjectRequestStatus, { description: 'Where it stands.' })
  status!: DataSubjectRequestStatus;

  @Field(() => String, {
    description: 'The address, masked (`j***@e***.com`): the full one is never shown.',
  })
  email!: string;

  @Field(() => Date, { description: 'When it was received.' })
  openedAt!: Date;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who recorded it.' })
  openedBy!: unknown;

  @Field(() => Date, {
    description: 'When the answer is due: 30 days after it was received unless configured.',
  })
  dueAt!: Date;

  @Field(() => Boolean, { description: 'Whether it is still unanswered past its due date.' })
  overdue!: boolean;

  @Field(() => Date, { nullable: true, description: 'When it was answered.' })
  fulfilledAt!: Date | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who answered it.' })
  fulfilledBy!: unknown;

  @Field(() => String, {
    nullable: true,
    description:
      "Where an ACCESS request's bundle (a ZIP of data.json and summary.pdf) downloads: a path on this server, signed for 15 minutes (it also answers a COMPLIANCE or ADMIN bearer token). Null until it is answered.",
  })
  bundleUrl!: string | null;

  @Field(() => [KeptRecordObject], { description: 'What an erasure kept, and why.' })
  kept!: KeptRecordObject[];

  @Field(() => [ErasedCountObject], {
    nullable: true,
    description: 'What an erasure deleted or anonymised; null for other requests.',
  })
  erased!: ErasedCountObject[] | null;

  @Field(() => [PersonalDataMatchObject], {
    nullable: true,
    description:
      'What each source of personal data holds about the person, read now: what a bundle will hold or an erasure will remove. Null once the request is closed (its address is no longer kept).',
  })
  matches!: PersonalDataMatchObject[] | null;

  @Field(() => Int, {
    description:
      'How many earlier requests the same person made (recognised by a hash of the address): repeated requests may be excessive.',
  })
  earlierRequests!: number;

  @Field(() => Date, { nullable: true, description: 'When it was refused.' })
  refusedAt!: Date | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who refused it.' })
  refusedBy!: unknown;

  @Field(() => String, { nullable: true, description: 'Why it was refused.' })
  refusalReason!: string | null;
}

export const DataSubjectRequestConnection = Connection(
  DataSubjectRequestObject,
  'DataSubjectRequest',
  'data subject request',
);

@InputType({ description: 'Which data subject requests to list.' })
export class DataSubjectRequestFilter {
  @Field(() => DataSubjectRequestStatus, {
    nullable: true,
    description: 'Only those in this status.',
  })
  @IsOptional()
  @IsEnum(DataSubjectRequestStatus)
  status?: DataSubjectRequestStatus | null;

  @Field(() => DataSubjectRequestKind, { nullable: true, description: 'Only those of this kind.' })
  @IsOptional()
  @IsEnum(DataSubjectRequestKind)
  kind?: DataSubjectRequestKind | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True: only those unanswered past their due date; false: all the others.',
  })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean | null;
}

@InputType({ description: 'A data subject request to record.' })
export class OpenDataSubjectRequestInput {
  @Field(() => DataSubjectRequestKind, { description: 'What the person asks for.' })
  @IsEnum(DataSubjectRequestKind)
  kind!: DataSubjectRequestKind;

  @Field(() => String, {
    description: "The person's email address: every module's records are found by it.",
  })
  @MaxLength(320)
  email!: string;
}

@InputType({ description: 'A data subject request to answer.' })
export class FulfilDataSubjectRequestInput {
  @Field(() => ID, { description: 'The request.' })
  requestId!: string;
}

@InputType({ description: 'A data subject request to refuse.' })
export class RefuseDataSubjectRequestInput {
  @Field(() => ID, { description: 'The request.' })
  requestId!: string;

  @Field(() => String, {
    description:
      'Why it is manifestly unfounded or excessive (GDPR art. 12(5)); at most 2000 characters.',
  })
  @MaxLength(2000)
  reason!: string;
}

@ObjectType({ description: 'The result of opening, answering or refusing a data subject request.' })
export class DataSubjectRequestPayload {
  @Field(() => DataSubjectRequestObject, {
    nullable: true,
    description: 'The request as it is now.',
  })
  request?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`, `LEGAL_HOLD`).',
  })
  userErrors!: UserError[];
}
