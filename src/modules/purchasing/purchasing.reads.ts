import type { FilterQuery } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import {
  defineGroupLoader,
  joinMany,
  readPage,
  readRows,
  rowReader,
  type PageArgs,
  type ReadContext,
  type RowOf,
} from '../../read';
import {
  GoodsReceipt,
  GoodsReceiptLine,
  PurchaseBillLine,
  PurchaseOrder,
  PurchaseOrderLine,
} from './purchase-order.entity';

/** How purchase orders, their lines, receipts and matched bill lines read. */

const NEWEST_FIRST = { id: 'desc' } as const;

/** An order's lines in line order, each with its product (nearly always shown together). */
const linesOfOrders = defineGroupLoader<PurchaseOrderLine>(
  'purchasing.linesOfOrders',
  (context, orderIds) =>
    readRows(context, PurchaseOrderLine, {
      alias: 'l',
      rest: 'WHERE l.purchase_order_id = ANY(?) ORDER BY l.purchase_order_id, l.id',
      params: [orderIds],
      join: ['product'],
    }),
  (line) => line.purchaseOrder.id,
);

/** A page of orders that shows lines reads them in its own statement. */
const linesJoined = joinMany({
  field: 'lines',
  entity: PurchaseOrderLine,
  alias: 'l',
  where: (order) => `l.purchase_order_id = ${order}.id`,
  orderBy: 'l.id',
  join: ['product'],
});

export function purchaseOrderPage(
  context: ReadContext,
  where: FilterQuery<PurchaseOrder>,
  args: PageArgs,
  info: GraphQLResolveInfo,
) {
  return readPage(context, PurchaseOrder, where, args, {
    orderBy: NEWEST_FIRST,
    info,
    joinedFields: [linesJoined],
  });
}

/** The order's lines: those its page read beside it, or loaded with its request's others. */
export function linesOfPurchaseOrder(
  context: ReadContext,
  order: RowOf<PurchaseOrder>,
): PurchaseOrderLine[] | Promise<PurchaseOrderLine[]> {
  const joined = (order as { lines?: unknown }).lines;
  return Array.isArray(joined)
    ? (joined as PurchaseOrderLine[])
    : linesOfOrders.load(context, order.id);
}

/** An order's receipts, oldest first. */
export const receiptsOfPurchaseOrder = defineGroupLoader<GoodsReceipt>(
  'purchasing.receiptsOfPurchaseOrder',
  (context, orderIds) =>
    readRows(context, GoodsReceipt, {
      alias: 'r',
      rest: 'WHERE r.purchase_order_id = ANY(?) ORDER BY r.purchase_order_id, r.id',
      params: [orderIds],
    }),
  (receipt) => receipt.purchaseOrder.id,
);

/** A receipt's lines, each with its order line (for the product). */
export const linesOfReceipt = defineGroupLoader<GoodsReceiptLine>(
  'purchasing.linesOfReceipt',
  (context, receiptIds) =>
    readRows(context, GoodsReceiptLine, {
      alias: 'g',
      rest: 'WHERE g.receipt_id = ANY(?) ORDER BY g.receipt_id, g.id',
      params: [receiptIds],
      join: ['purchaseOrderLine'],
    }),
  (line) => line.receipt.id,
);

/** A bill's lines matched to purchase order lines, each with its order line. */
export const purchaseLinesOfBill = defineGroupLoader<PurchaseBillLine>(
  'purchasing.purchaseLinesOfBill',
  (context, billIds) =>
    readRows(context, PurchaseBillLine, {
      alias: 'b',
      rest: 'WHERE b.bill_id = ANY(?) ORDER BY b.bill_id, b.id',
      params: [billIds],
      join: ['purchaseOrderLine'],
    }),
  (line) => line.bill.id,
);

export const purchaseOrderRows = rowReader(PurchaseOrder);
export const purchaseOrderLineRows = rowReader(PurchaseOrderLine);
