import type { FilterQuery } from '@mikro-orm/core';
import type { ReadContext } from '../../read';
import { LegalHold } from './legal-hold.entity';

/** Legal holds, newest first: at most a few hundred in any company, so a plain list. */
export function legalHoldList(context: ReadContext, where: FilterQuery<LegalHold>) {
  return context.em.find(LegalHold, where, { orderBy: { id: 'desc' } });
}
