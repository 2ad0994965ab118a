import { formatMinorUnits } from '../common/money';

/** A purchase order line as the match sees it: what was ordered, received and already billed. */
export interface OrderedLine {
  sku: string;
  quantity: number;
  unitCostMinor: bigint;
  receivedQuantity: number;
  billedQuantity: number;
}

/** The tolerances of the order (copied from its vendor when it was made). */
export interface PriceTolerance {
  /** 500 = 5%. */
  basisPoints: number;
  amountMinor: bigint;
}

export interface BilledLine {
  quantity: number;
  unitCostMinor: bigint;
}

/** What one bill line clears and posts, and what is wrong with it. */
export interface MatchedLine {
  /** quantity × the PO unit cost: taken off 2150 Goods received not invoiced. */
  clearedMinor: bigint;
  /** quantity × (billed − PO unit cost): posted to 5100 Purchase price variance (signed). */
  varianceMinor: bigint;
  exceptions: string[];
}

/**
 * The three-way match of one bill line against its order line and what was received:
 * - quantity: everything billed on the line so far, this bill included, is at most what was
 *   received (over-billing, or billing before delivery, is an exception);
 * - price: the line's variance, quantity × (billed − ordered unit cost), in either direction, is
 *   at most the greater of the percentage of quantity × ordered cost and the fixed amount.
 * The goods-received amount cleared is always quantity × PO cost, so each receipt is cleared at
 * the cost it was posted at and the variance carries the difference.
 */
export function matchBillLine(
  ordered: OrderedLine,
  billed: BilledLine,
  tolerance: PriceTolerance,
): MatchedLine {
  const exceptions: string[] = [];
  const billedInAll = ordered.billedQuantity + billed.quantity;
  if (billedInAll > ordered.receivedQuantity) {
    exceptions.push(
      `${ordered.sku}: ${billedInAll} billed in all, ${ordered.receivedQuantity} received`,
    );
  }
  const quantity = BigInt(billed.quantity);
  const clearedMinor = quantity * ordered.unitCostMinor;
  const varianceMinor = quantity * (billed.unitCostMinor - ordered.unitCostMinor);
  const byShare = (clearedMinor * BigInt(tolerance.basisPoints)) / 10_000n;
  const allowed = byShare > tolerance.amountMinor ? byShare : tolerance.amountMinor;
  const magnitude = varianceMinor < 0n ? -varianceMinor : varianceMinor;
  if (magnitude > allowed) {
    exceptions.push(
      `${ordered.sku}: billed ${formatMinorUnits(billed.unitCostMinor)} a unit, ordered at ${formatMinorUnits(ordered.unitCostMinor)} (variance ${formatMinorUnits(varianceMinor)}, tolerance ${formatMinorUnits(allowed)})`,
    );
  }
  return { clearedMinor, varianceMinor, exceptions };
}
