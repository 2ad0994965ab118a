import type { FilterQuery } from '@mikro-orm/core';
import { readPage, type PageArgs, type ReadContext, rowReader } from '../../read';
import { Customer } from './customer.entity';

/** How customers read: newest first. */
export function customerPage(context: ReadContext, where: FilterQuery<Customer>, args: PageArgs) {
  return readPage(context, Customer, where, args, { orderBy: { id: 'desc' } });
}

/** How other modules read customers: by id, or as what a many-to-one points to. */
export const customerRows = rowReader(Customer);
