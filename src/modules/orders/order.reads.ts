import type { FilterQuery } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import {
  defineGroupLoader,
  joinMany,
  readPage,
  readPagesPerParent,
  readRows,
  type PageArgs,
  type ReadContext,
  type RowOf,
  rowReader,
} from '../../read';
import { Order, OrderLine } from './order.entity';

/** How orders read: newest first, each with its lines (and their products) when asked. */

const NEWEST_FIRST = { id: 'desc' } as const;

/** An order's lines in the order given, each with its product (nearly always shown together). */
const linesOfOrders = defineGroupLoader<OrderLine>(
  'orders.lines',
  (context, orderIds) =>
    readRows(context, OrderLine, {
      alias: 'l',
      rest: 'WHERE l.order_id = ANY(?) ORDER BY l.order_id, l.line_no',
      params: [orderIds],
      join: ['product'],
    }),
  (line) => line.order.id,
);

/**
 * A page of orders that selects the lines reads them in its own statement, each with its
 * product (as `linesOfOrders` does), instead of a second statement for the whole page.
 */
const linesJoined = joinMany({
  field: 'lines',
  entity: OrderLine,
  alias: 'l',
  where: (order) => `l.order_id = ${order}.id`,
  orderBy: 'l.line_no',
  join: ['product'],
});

export function orderPage(
  context: ReadContext,
  where: FilterQuery<Order>,
  args: PageArgs,
  info: GraphQLResolveInfo,
) {
  return readPage(context, Order, where, args, {
    orderBy: NEWEST_FIRST,
    info,
    joinedFields: [linesJoined],
  });
}

/** A customer's orders, one statement for every customer of the request. */
export function ordersOfCustomer(
  context: ReadContext,
  customerId: number,
  where: FilterQuery<Order>,
  args: PageArgs,
  info: GraphQLResolveInfo,
) {
  return readPagesPerParent(context, Order, { property: 'customer', id: customerId }, where, args, {
    orderBy: NEWEST_FIRST,
    info,
    joinedFields: [linesJoined],
  });
}

/** The order's lines: those its page read beside it, or loaded with its request's others. */
export function linesOf(
  context: ReadContext,
  order: RowOf<Order>,
): OrderLine[] | Promise<OrderLine[]> {
  const joined = (order as { lines?: unknown }).lines;
  return Array.isArray(joined) ? (joined as OrderLine[]) : linesOfOrders.load(context, order.id);
}

/** How other modules read orders: by id, or as what a many-to-one points to. */
export const orderRows = rowReader(Order);
