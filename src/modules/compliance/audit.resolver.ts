import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Info,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { AuditRecord } from '../../events/audit.entity';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { readById, Reads, type RowOf } from '../../read';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import { auditChainVerification, auditTrailPage } from './compliance.reads';
import {
  AuditChainVerificationObject,
  AuditRecordConnection,
  AuditRecordObject,
  AuditTrailFilter,
} from './audit.types';
import { COMPLIANCE_ONLY } from './compliance.types';

const AUDITORS = Permissions.compliance.auditTrail;

registerNodeType({
  typeName: 'AuditRecord',
  entity: AuditRecord,
  roles: AUDITORS,
  load: (context, id) => readById(context, AuditRecord, id),
});

@Resolver(() => AuditRecordObject)
export class AuditRecordResolver extends NodeResolver(AuditRecordObject, 'AuditRecord') {
  @Authorized(...AUDITORS)
  @Query(() => AuditRecordConnection, {
    description: `The audit trail, newest first: every mutation (refused ones too) and every read of protected data, by whom, when, from where, and how it ended. ${COMPLIANCE_ONLY}`,
  })
  auditTrail(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => AuditTrailFilter, {
      nullable: true,
      description: 'Which records; all when omitted.',
    })
    filter: AuditTrailFilter | null,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where: Record<string, unknown> = {};
    if (filter?.actorId)
      where.actorId = parseGlobalId(filter.actorId, 'Employee', 'filter.actorId');
    if (filter?.action) where.action = filter.action;
    if (filter?.kind) where.kind = filter.kind;
    if (filter?.result?.length) where.result = { $in: filter.result };
    if (filter?.target) where.target = filter.target;
    if (filter?.from || filter?.to)
      where.at = {
        ...(filter.from ? { $gte: filter.from } : {}),
        ...(filter.to ? { $lt: filter.to } : {}),
      };
    return auditTrailPage(context, where, args, info);
  }

  @Authorized(...AUDITORS)
  @Query(() => AuditChainVerificationObject, {
    description: `Walks the whole audit chain and says whether it holds; if not, the first record where it breaks and why (a record edited, removed or inserted by hand). ${COMPLIANCE_ONLY}`,
  })
  async verifyAuditChain(@Ctx() context: RequestContext): Promise<AuditChainVerificationObject> {
    const verification = await auditChainVerification(context);
    return {
      ok: verification.ok,
      checked: verification.checked,
      brokenAt:
        verification.brokenAtId === null
          ? null
          : toGlobalId('AuditRecord', verification.brokenAtId),
      brokenAtSequence: verification.brokenAtSeq,
      reason: verification.reason,
    };
  }

  @FieldResolver(() => Number, { description: 'Its place in the chain: commit order.' })
  @Reads(AuditRecord, 'seq')
  sequence(@Root() record: RowOf<AuditRecord, 'seq'>): number {
    return Number(record.seq);
  }

  @FieldResolver(() => EmployeeObject, {
    nullable: true,
    description: 'Who acted (null: the system, or no valid token).',
  })
  @Reads(AuditRecord, 'actorId')
  actor(@Root() record: RowOf<AuditRecord, 'actorId'>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, record.actorId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The API token used, when it was one.',
  })
  @Reads(AuditRecord, 'apiTokenId')
  apiTokenId(@Root() record: RowOf<AuditRecord, 'apiTokenId'>): string | null {
    return record.apiTokenId === null ? null : toGlobalId('ApiToken', record.apiTokenId);
  }
}
