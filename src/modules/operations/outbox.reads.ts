import type { FilterQuery } from '@mikro-orm/core';
import { OutboundEmail } from '../../mail/mail.entity';
import { readPage, type PageArgs, type ReadContext } from '../../read';
import type { OutboundEmailFilter } from './outbox.types';

/** The outbox: newest first, by state and kind. */
export function outboundEmailPage(
  context: ReadContext,
  filter: OutboundEmailFilter | null | undefined,
  args: PageArgs,
) {
  const where: FilterQuery<OutboundEmail> = {};
  if (filter?.status?.length) where.status = { $in: filter.status };
  if (filter?.kind) where.kind = filter.kind;
  return readPage(context, OutboundEmail, where, args, { orderBy: { id: 'desc' } });
}
