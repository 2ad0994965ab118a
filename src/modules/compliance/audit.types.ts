import { GraphQLJSONObject } from 'graphql-scalars';
import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AuditKind, AuditResult } from '../../events/audit.entity';
import { Connection, Node } from '../../graphql/relay';
import { EmployeeObject } from '../employees/employee.types';
import { COMPLIANCE_ONLY } from './compliance.types';

registerEnumType(AuditKind, {
  name: 'AuditKind',
  description: 'What kind of act an audit record records.',
  valuesConfig: {
    MUTATION: { description: 'A mutation, whatever its outcome.' },
    READ: { description: 'A read of protected data: pay, bank details, exports, bundles.' },
    SYSTEM: { description: 'Something the system did on its own: a retention run, an erasure.' },
  },
});

registerEnumType(AuditResult, {
  name: 'AuditResult',
  description: 'How an audited act ended.',
  valuesConfig: {
    OK: { description: 'Done.' },
    REFUSED: { description: 'Refused on a business rule (user errors): nothing was written.' },
    FORBIDDEN: { description: "The viewer's roles do not allow it." },
    UNAUTHENTICATED: { description: 'No valid token.' },
    ERROR: { description: 'Malformed input or an unexpected failure: nothing was written.' },
  },
});

@ObjectType('AuditRecord', {
  implements: Node,
  description: `One record of the audit trail: append-only, and hash-chained to the record before it. ${COMPLIANCE_ONLY}`,
})
export class AuditRecordObject extends Node {
  @Field(() => Int, { description: 'Its place in the chain: commit order.' })
  sequence!: number;

  @Field(() => Date, { description: 'When the act committed.' })
  at!: Date;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'Who acted (null: the system, or no valid token).',
  })
  actor!: unknown;

  @Field(() => ID, { nullable: true, description: 'The API token used, when it was one.' })
  apiTokenId!: string | null;

  @Field(() => AuditKind, { description: 'A mutation, a protected read, or the system.' })
  kind!: AuditKind;

  @Field(() => String, {
    description: 'The mutation, what was read (`Employee.salary`), or the system job.',
  })
  action!: string;

  @Field(() => String, { nullable: true, description: 'What it acted on: a global ID.' })
  target!: string | null;

  @Field(() => AuditResult, { description: 'How it ended.' })
  result!: AuditResult;

  @Field(() => GraphQLJSONObject, {
    description:
      'The input (every String redacted: no personal data), the user errors or error codes, counts.',
  })
  detail!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: "The client's address." })
  ip!: string | null;

  @Field(() => String, { nullable: true, description: "The request's id (its `x-request-id`)." })
  requestId!: string | null;

  @Field(() => String, {
    description: 'The hash of the record before it (null for the first).',
    nullable: true,
  })
  prevHash!: string | null;

  @Field(() => String, { description: 'SHA-256 (hex) of the previous hash and this record.' })
  hash!: string;
}

export const AuditRecordConnection = Connection(AuditRecordObject, 'AuditRecord', 'audit record');

@InputType({ description: 'Which audit records.' })
export class AuditTrailFilter {
  @Field(() => ID, { nullable: true, description: 'Acts by this employee.' })
  @IsOptional()
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Acts of this action (a mutation name).' })
  @IsOptional()
  @MaxLength(200)
  action?: string | null;

  @Field(() => Date, { nullable: true, description: 'Committed at or after this time.' })
  @IsOptional()
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Committed before this time.' })
  @IsOptional()
  to?: Date | null;

  @Field(() => AuditKind, { nullable: true, description: 'Only this kind.' })
  @IsOptional()
  kind?: AuditKind | null;

  @Field(() => [AuditResult], { nullable: true, description: 'Only these outcomes.' })
  @IsOptional()
  result?: AuditResult[] | null;

  @Field(() => String, { nullable: true, description: 'Acts on this target (a global ID).' })
  @IsOptional()
  @MaxLength(200)
  target?: string | null;
}

@ObjectType('AuditChainVerification', {
  description: `Whether the audit chain holds, and where it breaks. ${COMPLIANCE_ONLY}`,
})
export class AuditChainVerificationObject {
  @Field(() => Boolean, { description: 'Whether every record follows the one before it.' })
  ok!: boolean;

  @Field(() => Int, { description: 'How many records were checked.' })
  checked!: number;

  @Field(() => ID, {
    nullable: true,
    description: 'The first record where the chain breaks (an AuditRecord ID).',
  })
  brokenAt!: string | null;

  @Field(() => Int, { nullable: true, description: "That record's sequence." })
  brokenAtSequence!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the chain breaks there.' })
  reason!: string | null;
}
