import type { FilterQuery } from '@mikro-orm/core';
import { readPage, type PageArgs, type ReadContext, readById, readRelated } from '../../read';
import { Customer } from './customer.entity';

/** How customers read: newest first. */
export function customerPage(context: ReadContext, where: FilterQuery<Customer>, args: PageArgs) {
  return readPage(context, Customer, where, args, { orderBy: { id: 'desc' } });
}

/** A customer by id (batched per request); other modules read customers through this. */
export function readCustomer(context: ReadContext, id: number): Promise<Customer | null> {
  return readById(context, Customer, id);
}

/** The customer a many-to-one points to: the row its parent's statement read, or loaded by id. */
export function readCustomerOf(
  context: ReadContext,
  reference: { id: number } | null | undefined,
): Customer | Promise<Customer | null> | null {
  return readRelated(context, Customer, reference);
}
