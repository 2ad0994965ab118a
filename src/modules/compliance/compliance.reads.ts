import type { FilterQuery } from '@mikro-orm/core';
import { readPage, type PageArgs, type ReadContext } from '../../read';
import { DataSubjectRequest } from './data-subject-request.entity';
import { LegalHold } from './legal-hold.entity';

/** Legal holds, newest first: at most a few hundred in any company, so a plain list. */
export function legalHoldList(context: ReadContext, where: FilterQuery<LegalHold>) {
  return context.em.find(LegalHold, where, { orderBy: { id: 'desc' } });
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
