import type { FilterQuery } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import { AuditRecord } from '../../events/audit.entity';
import { verifyAuditChain } from '../../events/audit-trail';
import { readPage, type PageArgs, type ReadContext } from '../../read';
import { DataSubjectRequest } from './data-subject-request.entity';
import { LegalHold } from './legal-hold.entity';

/** Legal holds, newest first: at most a few hundred in any company, so a plain list. */
export function legalHoldList(context: ReadContext, where: FilterQuery<LegalHold>) {
  return context.em.find(LegalHold, where, { orderBy: { id: 'desc' } });
}

/** The audit trail, newest first. Records are visible once sealed (at commit). */
export function auditTrailPage(
  context: ReadContext,
  where: Record<string, unknown>,
  args: PageArgs,
  info: GraphQLResolveInfo,
) {
  return readPage(
    context,
    AuditRecord,
    { ...where, seq: { $ne: null } } as FilterQuery<AuditRecord>,
    args,
    {
      orderBy: { seq: 'desc', id: 'desc' },
      info,
    },
  );
}

/** The audit chain, verified from its anchor to its head (events/audit-trail.ts). */
export function auditChainVerification(context: ReadContext) {
  return verifyAuditChain(context.em);
}

/** Data subject requests, the soonest due first. */
export function dataSubjectRequestPage(
  context: ReadContext,
  where: FilterQuery<DataSubjectRequest>,
  args: PageArgs,
) {
  return readPage(context, DataSubjectRequest, where, args, {
    orderBy: { dueAt: 'asc', id: 'asc' },
  });
}
