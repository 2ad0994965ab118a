import type { FilterQuery } from '@mikro-orm/core';
import { readPage, type PageArgs, type ReadContext } from '../../read';
import { Customer } from './customer.entity';

/** How customers read: newest first. */
export function customerPage(context: ReadContext, where: FilterQuery<Customer>, args: PageArgs) {
  return readPage(context, Customer, where, args, { orderBy: { id: 'desc' } });
}
