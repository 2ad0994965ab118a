import { PurchaseOrderStatus } from './purchase-order.entity';

const { DRAFT, APPROVED, PARTIALLY_RECEIVED, RECEIVED, CLOSED } = PurchaseOrderStatus;

/**
 * What each action may do from each status: the one place that says it. A status not listed for
 * an action is refused with INVALID_TRANSITION.
 * - edit: only a draft's lines, dates and note change; an approved order is what the vendor has;
 * - approve: a draft becomes an order the vendor is sent;
 * - cancel: nothing has arrived yet;
 * - receive: goods arrive, up to the tolerance even once everything ordered arrived;
 * - close: no more deliveries are expected (short, with a reason, when some never came);
 * - bill: a vendor's bill may arrive before, during or after delivery, and after closing.
 */
export const PURCHASE_ORDER_ACTIONS = {
  edit: [DRAFT],
  approve: [DRAFT],
  cancel: [DRAFT, APPROVED],
  receive: [APPROVED, PARTIALLY_RECEIVED, RECEIVED],
  close: [APPROVED, PARTIALLY_RECEIVED, RECEIVED],
  bill: [APPROVED, PARTIALLY_RECEIVED, RECEIVED, CLOSED],
} as const satisfies Record<string, readonly PurchaseOrderStatus[]>;

export type PurchaseOrderAction = keyof typeof PURCHASE_ORDER_ACTIONS;

export function allows(action: PurchaseOrderAction, status: PurchaseOrderStatus): boolean {
  return (PURCHASE_ORDER_ACTIONS[action] as readonly PurchaseOrderStatus[]).includes(status);
}

/** The status after a receipt: RECEIVED once every line has its ordered quantity. */
export function statusAfterReceipt(
  lines: readonly { quantity: number; receivedQuantity: number }[],
): PurchaseOrderStatus {
  if (lines.every((line) => line.receivedQuantity >= line.quantity)) return RECEIVED;
  return lines.some((line) => line.receivedQuantity > 0) ? PARTIALLY_RECEIVED : APPROVED;
}

/** Statuses whose lines still expect deliveries (what replenishment counts as on order). */
export const OPEN_STATUSES: readonly PurchaseOrderStatus[] = [DRAFT, APPROVED, PARTIALLY_RECEIVED];
