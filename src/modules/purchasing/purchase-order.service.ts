import { LockMode } from '@mikro-orm/core';
import { today } from '../common/calendar-dates';
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimIdempotencyKey, completeIdempotencyKey, requestHash } from '../../db/idempotency';
import { runSql } from '../../db/sql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import type { CatalogService } from '../catalog/catalog.service';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import {
  integerInRange,
  nonNegativeAmount,
  optionalText,
  refuseInput,
} from '../common/input-rules';
import { formatMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import { hasAnyRole, type Viewer } from '../common/viewer';
import { Permissions } from '../auth/permissions';
import { posting, StandardAccount, type LedgerService } from '../ledger/ledger.service';
import { BillMatchStatus } from '../ledger/bill-match';
import type { Bill } from '../ledger/receivables.entity';
import type { ReceivablesService } from '../ledger/receivables.service';
import {
  GoodsReceipt,
  GoodsReceiptLine,
  PurchaseBillLine,
  PurchaseOrder,
  PurchaseOrderLine,
  PurchaseOrderOrigin,
  PurchaseOrderStatus,
  type ReplenishmentProposal,
} from './purchase-order.entity';
import { allows, statusAfterReceipt, type PurchaseOrderAction } from './purchase-order-process';
import { matchBillLine } from './three-way-match';

/** A line as a client sends it. */
export interface PurchaseOrderLineDraft {
  productId: number;
  quantity: number;
  unitCost: string;
  expectedDate?: string | null;
}

export interface PurchaseOrderDraft {
  vendorId: number;
  lines: PurchaseOrderLineDraft[];
  expectedDate?: string | null;
  note?: string | null;
  idempotencyKey?: string | null;
}

/** A line checked and in minor units, as `createIn` and `replaceDraftLinesIn` take it. */
export interface PurchaseOrderLineValues {
  productId: number;
  quantity: number;
  unitCostMinor: bigint;
  expectedDate: string | null;
  proposal?: ReplenishmentProposal | null;
}

export interface GoodsReceiptDraft {
  purchaseOrderId: number;
  lines: {
    productId: number;
    quantity: number;
    rejectedQuantity?: number | null;
    rejectionReason?: string | null;
  }[];
  receivedOn?: string | null;
  note?: string | null;
  idempotencyKey?: string | null;
}

export interface PurchaseBillDraft {
  vendorId?: number | null;
  purchaseOrderId: number;
  lines: { productId: number; quantity: number; unitCost: string }[];
  /** When given, it must equal the sum of the lines. */
  amount?: string | null;
  billDate?: string | null;
  dueDate?: string | null;
  memo?: string | null;
  idempotencyKey?: string | null;
}

/** Told, in the approving transaction, that an order was approved (the vendor is mailed). */
export interface PurchaseOrderApprovalListener {
  purchaseOrderApproved(tx: EntityManager, purchaseOrderId: number): Promise<void>;
}

/** How a refusal names each action. */
const REFUSED_ACTION: Record<PurchaseOrderAction, string> = {
  edit: 'be changed',
  approve: 'be approved',
  cancel: 'be cancelled',
  receive: 'receive goods',
  close: 'be closed',
  bill: 'be billed',
};

const MAX_LINES = 500;
const MAX_UNITS = 1_000_000;
const field = (...path: (string | number)[]) => ['input', ...path.map(String)];

interface LockedLine {
  id: string;
  product_id: string;
  sku: string;
  quantity: number;
  unit_cost_minor: string;
  received_quantity: number;
  rejected_quantity: number;
  billed_quantity: number;
}

/**
 * Refuses a product named on two lines of one list (`what`: "a receipt"): a purchase order has a
 * line per product, and receipts and bills name its lines by product.
 */
function refuseRepeatedProducts(lines: readonly { productId: number }[], what: string): void {
  const seen = new Set<number>();
  lines.forEach((line, index) => {
    if (seen.has(line.productId))
      refuseInput(`A product appears once on ${what}`, field('lines', index, 'productId'));
    seen.add(line.productId);
  });
}

function calendarDate(value: string | null | undefined, path: string[]): string | null {
  if (value == null) return null;
  if (!isCalendarDate(value)) refuseInput('Not a calendar date', path);
  return value;
}

/**
 * Purchase orders from draft to closed: approval over the threshold, receiving goods into stock
 * through the catalog (Dr 1200 Inventory / Cr 2150 Goods received not invoiced, at PO cost), and
 * vendors' bills matched three ways against ordered and received (through the ledger's bills).
 *
 * Concurrency: an order's row is locked (`FOR UPDATE`) before its lines, and lines in id order;
 * stock rows after them, in product-id order (the catalog). Every writer takes them in that order.
 */
export class PurchaseOrderService {
  private approvalListeners: PurchaseOrderApprovalListener[] = [];

  constructor(
    private readonly catalog: CatalogService,
    private readonly ledger: LedgerService,
    private readonly receivables: ReceivablesService,
    private readonly clock: Clock,
    /** Orders above this are drafts until approved by ADMIN or ACCOUNTANT. */
    readonly approvalThresholdMinor: bigint,
  ) {}

  /** Sending registers here to mail each approved order to its vendor. */
  onApproval(listener: PurchaseOrderApprovalListener): void {
    this.approvalListeners.push(listener);
  }

  private today(): string {
    return today(this.clock);
  }

  /**
   * A bill's lines matched to purchase order lines, with their products: what other modules
   * (assets bought through purchasing) read of a bill. Empty for a bill without a purchase order.
   */
  async billLines(
    tx: EntityManager,
    billId: number,
  ): Promise<{ id: number; productId: number; quantity: number; unitCostMinor: bigint }[]> {
    const rows = await tx.execute<
      { id: string; product_id: string; quantity: number; unit_cost_minor: string }[]
    >(
      `SELECT b.id, l.product_id, b.quantity, b.unit_cost_minor
         FROM purchase_bill_line b JOIN purchase_order_line l ON l.id = b.purchase_order_line_id
        WHERE b.bill_id = ? ORDER BY b.id`,
      [billId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      productId: Number(row.product_id),
      quantity: row.quantity,
      unitCostMinor: BigInt(row.unit_cost_minor),
    }));
  }

  async createPurchaseOrder(
    { em }: RequestScope,
    viewer: Viewer,
    draft: PurchaseOrderDraft,
  ): Promise<{ purchaseOrder: PurchaseOrder }> {
    const expectedDate = calendarDate(draft.expectedDate, field('expectedDate'));
    const note = optionalText(draft.note, field('note'), 2000);
    const lines = this.checkLines(draft.lines);
    const key = draft.idempotencyKey ?? null;
    return inTransaction(em, async (tx) => {
      if (key !== null) {
        const claim = await claimIdempotencyKey(
          tx,
          'createPurchaseOrder',
          key,
          requestHash({ vendorId: draft.vendorId, lines, expectedDate, note }),
        );
        if (!claim.fresh)
          return {
            purchaseOrder: await tx.findOneOrFail(PurchaseOrder, { id: Number(claim.resultId) }),
          };
      }
      const purchaseOrder = await this.createIn(tx, {
        vendorId: draft.vendorId,
        origin: PurchaseOrderOrigin.MANUAL,
        lines,
        expectedDate,
        note,
        actor: viewer,
      });
      if (key !== null)
        await completeIdempotencyKey(tx, 'createPurchaseOrder', key, purchaseOrder.id);
      return { purchaseOrder };
    });
  }

  /** Checks a client's lines: products once each, whole units, amounts with two decimals. */
  private checkLines(lines: readonly PurchaseOrderLineDraft[]): PurchaseOrderLineValues[] {
    if (lines.length === 0) refuseInput('A purchase order has at least one line', field('lines'));
    if (lines.length > MAX_LINES)
      refuseInput(`A purchase order has at most ${MAX_LINES} lines`, field('lines'));
    refuseRepeatedProducts(lines, 'a purchase order');
    return lines.map((line, index) => ({
      productId: line.productId,
      quantity: integerInRange(line.quantity, field('lines', index, 'quantity'), 1, MAX_UNITS),
      unitCostMinor: nonNegativeAmount(line.unitCost, field('lines', index, 'unitCost')),
      expectedDate: calendarDate(line.expectedDate, field('lines', index, 'expectedDate')),
    }));
  }

  /**
   * Makes a purchase order in the caller's transaction, with the vendor's tolerances. A manual
   * order at or under the approval threshold is approved at once (by its maker); anything else
   * starts as a draft. Replenishment makes its drafts here too.
   */
  async createIn(
    tx: EntityManager,
    order: {
      vendorId: number;
      origin: PurchaseOrderOrigin;
      lines: readonly PurchaseOrderLineValues[];
      expectedDate: string | null;
      note: string | null;
      actor: Viewer | null;
    },
  ): Promise<PurchaseOrder> {
    const vendor = await this.receivables.findVendor(tx, order.vendorId);
    if (!vendor) refuse(UserErrorCode.NOT_FOUND, 'No such vendor', field('vendorId'));
    await this.requireProducts(tx, order.lines);
    const [{ id }] = await runSql<{ id: string }>(
      tx,
      "SELECT nextval(pg_get_serial_sequence('purchase_order', 'id')) AS id",
    );
    const totalMinor = orderTotal(order.lines);
    const purchaseOrder = tx.create(PurchaseOrder, {
      id: Number(id),
      number: `PO-${id.padStart(6, '0')}`,
      vendor,
      origin: order.origin,
      expectedDate: order.expectedDate,
      note: order.note,
      totalMinor,
      receiptToleranceBasisPoints: vendor.receiptToleranceBasisPoints,
      priceToleranceBasisPoints: vendor.priceToleranceBasisPoints,
      priceToleranceAmountMinor: vendor.priceToleranceAmountMinor,
      createdById: order.actor?.employeeId ?? null,
    });
    order.lines.forEach((line) => this.addLine(tx, purchaseOrder, line));
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'PurchaseOrder',
      streamId: purchaseOrder.id,
      type: 'CREATED',
      payload: {
        number: purchaseOrder.number,
        vendorId: vendor.id,
        origin: order.origin,
        total: totalMinor.toString(),
        lines: order.lines.length,
      },
      actorId: order.actor?.employeeId ?? null,
    });
    if (
      order.origin === PurchaseOrderOrigin.MANUAL &&
      order.actor !== null &&
      totalMinor <= this.approvalThresholdMinor
    )
      await this.approveIn(tx, purchaseOrder, order.actor, 'at or under the approval threshold');
    return purchaseOrder;
  }

  private addLine(tx: EntityManager, purchaseOrder: PurchaseOrder, line: PurchaseOrderLineValues) {
    return tx.create(PurchaseOrderLine, {
      purchaseOrder,
      product: line.productId,
      quantity: line.quantity,
      unitCostMinor: line.unitCostMinor,
      expectedDate: line.expectedDate,
      proposal: line.proposal ?? null,
    });
  }

  private async requireProducts(
    tx: EntityManager,
    lines: readonly PurchaseOrderLineValues[],
  ): Promise<void> {
    const products = await this.catalog.findProducts(
      tx,
      lines.map((line) => line.productId),
    );
    const found = new Map(products.map((product) => [product.id, product]));
    lines.forEach((line, index) => {
      const product = found.get(line.productId);
      if (!product)
        refuse(UserErrorCode.NOT_FOUND, 'No such product', field('lines', index, 'productId'));
      if (!product.active)
        refuse(
          UserErrorCode.PRODUCT_UNAVAILABLE,
          `${product.sku} is inactive: it is not bought or sold`,
          field('lines', index, 'productId'),
        );
    });
  }

  /**
   * Replaces a replenishment draft's lines in the caller's transaction (the draft is locked by
   * the caller), and its total. Records LINES_PROPOSED with what changed.
   */
  async replaceDraftLinesIn(
    tx: EntityManager,
    purchaseOrder: PurchaseOrder,
    lines: readonly PurchaseOrderLineValues[],
  ): Promise<void> {
    if (purchaseOrder.status !== PurchaseOrderStatus.DRAFT)
      throw new Error(`purchase order ${purchaseOrder.id} is not a draft`);
    await this.writeLines(tx, purchaseOrder, lines);
    await recordEvent(tx, {
      streamType: 'PurchaseOrder',
      streamId: purchaseOrder.id,
      type: 'LINES_PROPOSED',
      payload: { total: purchaseOrder.totalMinor.toString(), lines: lines.length },
      actorId: null,
    });
  }

  /** A draft's lines and total, written anew. */
  private async writeLines(
    tx: EntityManager,
    purchaseOrder: PurchaseOrder,
    lines: readonly PurchaseOrderLineValues[],
  ): Promise<void> {
    await this.requireProducts(tx, lines);
    await tx.nativeDelete(PurchaseOrderLine, { purchaseOrder: purchaseOrder.id });
    lines.forEach((line) => this.addLine(tx, purchaseOrder, line));
    purchaseOrder.totalMinor = orderTotal(lines);
    await tx.flush();
  }

  /**
   * `updatePurchaseOrder`: a person changes a draft before it is approved (its lines, expected
   * date or note). A replenishment draft someone changed becomes theirs (origin MANUAL): later
   * runs leave it alone and count it as on order, so they never undo the change.
   */
  async updatePurchaseOrder(
    { em }: RequestScope,
    viewer: Viewer,
    changes: {
      purchaseOrderId: number;
      lines?: PurchaseOrderLineDraft[] | null;
      expectedDate?: string | null;
      note?: string | null;
    },
  ): Promise<{ purchaseOrder: PurchaseOrder }> {
    const lines = changes.lines == null ? null : this.checkLines(changes.lines);
    const expectedDate = calendarDate(changes.expectedDate, field('expectedDate'));
    const note = optionalText(changes.note, field('note'), 2000);
    return inTransaction(em, async (tx) => {
      const purchaseOrder = await this.lockOrder(tx, changes.purchaseOrderId, 'edit');
      const origin = purchaseOrder.origin;
      if (lines !== null) await this.writeLines(tx, purchaseOrder, lines);
      if (changes.expectedDate !== undefined) purchaseOrder.expectedDate = expectedDate;
      if (changes.note !== undefined) purchaseOrder.note = note;
      purchaseOrder.origin = PurchaseOrderOrigin.MANUAL;
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'PurchaseOrder',
        streamId: purchaseOrder.id,
        type: 'UPDATED',
        payload: {
          total: purchaseOrder.totalMinor.toString(),
          lines: lines?.length ?? null,
          expectedDate: purchaseOrder.expectedDate,
          note: purchaseOrder.note,
          origin: { from: origin, to: purchaseOrder.origin },
        },
        actorId: viewer.employeeId,
      });
      return { purchaseOrder };
    });
  }

  /**
   * Cancels a replenishment draft that has nothing left to propose, in the caller's transaction
   * (the caller holds its lock), with the system as the actor.
   */
  async withdrawReplenishmentDraftIn(
    tx: EntityManager,
    purchaseOrder: PurchaseOrder,
    reason: string,
  ): Promise<PurchaseOrder> {
    if (
      purchaseOrder.status !== PurchaseOrderStatus.DRAFT ||
      purchaseOrder.origin !== PurchaseOrderOrigin.REPLENISHMENT
    )
      throw new Error(`purchase order ${purchaseOrder.id} is not a replenishment draft`);
    return this.end(tx, purchaseOrder, PurchaseOrderStatus.CANCELLED, reason, null);
  }

  /** Locks an order (`FOR UPDATE`) and checks the action is allowed from its status. */
  private async lockOrder(
    tx: EntityManager,
    purchaseOrderId: number,
    action: PurchaseOrderAction,
    path: string[] = field('purchaseOrderId'),
  ): Promise<PurchaseOrder> {
    const purchaseOrder = await tx.findOne(
      PurchaseOrder,
      { id: purchaseOrderId },
      // The order's row alone: its vendor is never locked (every order of a vendor would queue).
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!purchaseOrder) refuse(UserErrorCode.NOT_FOUND, 'No such purchase order', path);
    if (!allows(action, purchaseOrder.status))
      refuse(
        UserErrorCode.INVALID_TRANSITION,
        `Purchase order ${purchaseOrder.number} is ${purchaseOrder.status}: it cannot ${REFUSED_ACTION[action]}`,
        path,
      );
    return purchaseOrder;
  }

  async approvePurchaseOrder(
    { em }: RequestScope,
    viewer: Viewer,
    purchaseOrderId: number,
  ): Promise<{ purchaseOrder: PurchaseOrder }> {
    return inTransaction(em, async (tx) => {
      const purchaseOrder = await this.lockOrder(tx, purchaseOrderId, 'approve');
      if (
        purchaseOrder.totalMinor > this.approvalThresholdMinor &&
        !hasAnyRole(viewer, Permissions.purchasing.approve)
      )
        refuse(
          UserErrorCode.APPROVAL_REQUIRED,
          `${purchaseOrder.number} totals ${formatMinorUnits(purchaseOrder.totalMinor)}, above the approval threshold of ${formatMinorUnits(this.approvalThresholdMinor)}: an ADMIN or ACCOUNTANT approves it`,
          field('purchaseOrderId'),
        );
      await this.approveIn(tx, purchaseOrder, viewer, null);
      return { purchaseOrder };
    });
  }

  private async approveIn(
    tx: EntityManager,
    purchaseOrder: PurchaseOrder,
    viewer: Viewer,
    automatically: string | null,
  ): Promise<void> {
    purchaseOrder.status = PurchaseOrderStatus.APPROVED;
    purchaseOrder.approvedById = viewer.employeeId;
    purchaseOrder.approvedAt = this.clock.now();
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'PurchaseOrder',
      streamId: purchaseOrder.id,
      type: 'APPROVED',
      payload: { from: PurchaseOrderStatus.DRAFT, to: PurchaseOrderStatus.APPROVED, automatically },
      actorId: viewer.employeeId,
    });
    for (const listener of this.approvalListeners)
      await listener.purchaseOrderApproved(tx, purchaseOrder.id);
  }

  /** Cancels an order before anything arrived. */
  async cancelPurchaseOrder(
    { em }: RequestScope,
    viewer: Viewer,
    purchaseOrderId: number,
    reason: string | null | undefined,
  ): Promise<{ purchaseOrder: PurchaseOrder }> {
    const why = optionalText(reason, field('reason'), 1000);
    return inTransaction(em, async (tx) => {
      const purchaseOrder = await this.lockOrder(tx, purchaseOrderId, 'cancel');
      const received = await tx.count(PurchaseOrderLine, {
        purchaseOrder: purchaseOrder.id,
        $or: [{ receivedQuantity: { $gt: 0 } }, { rejectedQuantity: { $gt: 0 } }],
      });
      if (received > 0)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          `Goods arrived on ${purchaseOrder.number}: close it instead`,
          field('purchaseOrderId'),
        );
      return {
        purchaseOrder: await this.end(
          tx,
          purchaseOrder,
          PurchaseOrderStatus.CANCELLED,
          why,
          viewer,
        ),
      };
    });
  }

  /**
   * Closes an order: no more deliveries are expected. Closing short (a line received less than
   * ordered) needs a reason, which is kept. Bills may still arrive for what was received.
   */
  async closePurchaseOrder(
    { em }: RequestScope,
    viewer: Viewer,
    purchaseOrderId: number,
    reason: string | null | undefined,
  ): Promise<{ purchaseOrder: PurchaseOrder }> {
    const why = optionalText(reason, field('reason'), 1000);
    return inTransaction(em, async (tx) => {
      const purchaseOrder = await this.lockOrder(tx, purchaseOrderId, 'close', field('id'));
      const lines = await tx.find(PurchaseOrderLine, { purchaseOrder: purchaseOrder.id });
      const short = lines.filter((line) => line.receivedQuantity < line.quantity);
      if (short.length > 0 && why === null)
        refuseInput(
          `${short.length} line(s) received less than ordered: closing short needs a reason`,
          field('reason'),
        );
      return {
        purchaseOrder: await this.end(tx, purchaseOrder, PurchaseOrderStatus.CLOSED, why, viewer),
      };
    });
  }

  private async end(
    tx: EntityManager,
    purchaseOrder: PurchaseOrder,
    status: PurchaseOrderStatus.CLOSED | PurchaseOrderStatus.CANCELLED,
    reason: string | null,
    viewer: Viewer | null,
  ): Promise<PurchaseOrder> {
    const from = purchaseOrder.status;
    purchaseOrder.status = status;
    purchaseOrder.closedReason = reason;
    purchaseOrder.closedAt = this.clock.now();
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'PurchaseOrder',
      streamId: purchaseOrder.id,
      type: status,
      payload: { from, to: status, reason },
      actorId: viewer?.employeeId ?? null,
    });
    return purchaseOrder;
  }

  /** The order's lines, locked in id order, with their products' SKUs. */
  private lockLines(tx: EntityManager, purchaseOrderId: number): Promise<LockedLine[]> {
    return runSql<LockedLine>(
      tx,
      `SELECT l.id, l.product_id, p.sku, l.quantity, l.unit_cost_minor, l.received_quantity,
              l.rejected_quantity, l.billed_quantity
         FROM purchase_order_line l JOIN product p ON p.id = l.product_id
        WHERE l.purchase_order_id = ? ORDER BY l.id FOR UPDATE OF l`,
      [purchaseOrderId],
    );
  }

  /**
   * `receiveGoods`: a delivery against an approved order. Accepted units go into stock at once
   * (the catalog) and are posted Dr 1200 Inventory / Cr 2150 at PO cost; rejected units are
   * recorded on the receipt and the line, never stocked or posted. A line may receive up to its
   * quantity plus the order's receipt tolerance (rounded down), counted under the line's lock,
   * so concurrent receipts can never pass it together. Idempotent by key.
   */
  async receiveGoods(
    { em }: RequestScope,
    viewer: Viewer,
    draft: GoodsReceiptDraft,
  ): Promise<{ purchaseOrder: PurchaseOrder; receipt: GoodsReceipt }> {
    const receivedOn = calendarDate(draft.receivedOn, field('receivedOn')) ?? this.today();
    const note = optionalText(draft.note, field('note'), 2000);
    if (draft.lines.length === 0) refuseInput('A receipt has at least one line', field('lines'));
    refuseRepeatedProducts(draft.lines, 'a receipt');
    const lines = draft.lines.map((line, index) => {
      const quantity = integerInRange(
        line.quantity,
        field('lines', index, 'quantity'),
        0,
        MAX_UNITS,
      );
      const rejectedQuantity = integerInRange(
        line.rejectedQuantity ?? 0,
        field('lines', index, 'rejectedQuantity'),
        0,
        MAX_UNITS,
      );
      if (quantity + rejectedQuantity === 0)
        refuseInput(
          'A receipt line takes in or rejects at least one unit',
          field('lines', index, 'quantity'),
        );
      const rejectionReason = optionalText(
        line.rejectionReason,
        field('lines', index, 'rejectionReason'),
        1000,
      );
      return { productId: line.productId, quantity, rejectedQuantity, rejectionReason, index };
    });
    const key = draft.idempotencyKey ?? null;
    return inTransaction(em, async (tx) => {
      if (key !== null) {
        const claim = await claimIdempotencyKey(
          tx,
          'receiveGoods',
          key,
          requestHash({ purchaseOrderId: draft.purchaseOrderId, lines, receivedOn, note }),
        );
        if (!claim.fresh) {
          const receipt = await tx.findOneOrFail(
            GoodsReceipt,
            { id: Number(claim.resultId) },
            { populate: ['purchaseOrder'] },
          );
          return { purchaseOrder: receipt.purchaseOrder, receipt };
        }
      }
      const purchaseOrder = await this.lockOrder(tx, draft.purchaseOrderId, 'receive');
      const locked = await this.lockLines(tx, purchaseOrder.id);
      const byProduct = new Map(locked.map((line) => [Number(line.product_id), line]));
      const receipt = tx.create(GoodsReceipt, {
        purchaseOrder,
        receivedOn,
        note,
        receivedById: viewer.employeeId,
      });
      let valueMinor = 0n;
      for (const line of lines) {
        const ordered = byProduct.get(line.productId);
        if (!ordered)
          refuse(
            UserErrorCode.NOT_FOUND,
            `${purchaseOrder.number} has no line for this product`,
            field('lines', line.index, 'productId'),
          );
        const allowed = Math.floor(
          (ordered.quantity * (10_000 + purchaseOrder.receiptToleranceBasisPoints)) / 10_000,
        );
        const receivedInAll = ordered.received_quantity + line.quantity;
        if (receivedInAll > allowed)
          refuse(
            UserErrorCode.RECEIPT_TOLERANCE_EXCEEDED,
            `${ordered.sku}: ${ordered.received_quantity} of ${ordered.quantity} received already; at most ${allowed - ordered.received_quantity} more may be (tolerance ${purchaseOrder.receiptToleranceBasisPoints / 100}%)`,
            field('lines', line.index, 'quantity'),
          );
        ordered.received_quantity = receivedInAll;
        ordered.rejected_quantity += line.rejectedQuantity;
        valueMinor += BigInt(line.quantity) * BigInt(ordered.unit_cost_minor);
        tx.create(GoodsReceiptLine, {
          receipt,
          purchaseOrderLine: Number(ordered.id),
          quantity: line.quantity,
          rejectedQuantity: line.rejectedQuantity,
          rejectionReason: line.rejectionReason,
        });
      }
      const from = purchaseOrder.status;
      purchaseOrder.status = statusAfterReceipt(
        locked.map((line) => ({
          quantity: line.quantity,
          receivedQuantity: line.received_quantity,
        })),
      );
      if (valueMinor > 0n) receipt.journalEntryId = await this.ledger.allocateEntryId(tx);
      await tx.flush();
      await runSql(
        tx,
        `UPDATE purchase_order_line AS l
            SET received_quantity = v.received, rejected_quantity = v.rejected
           FROM (VALUES ${lines.map(() => '(?::bigint, ?::int, ?::int)').join(', ')}) AS v(id, received, rejected)
          WHERE l.id = v.id`,
        lines.flatMap((line) => {
          const ordered = byProduct.get(line.productId)!;
          return [ordered.id, ordered.received_quantity, ordered.rejected_quantity];
        }),
      );
      await this.catalog.receiveStock(tx, {
        goodsReceiptId: receipt.id,
        purchaseOrderId: purchaseOrder.id,
        lines,
        actorId: viewer.employeeId,
      });
      await recordEvent(tx, {
        streamType: 'PurchaseOrder',
        streamId: purchaseOrder.id,
        type: 'GOODS_RECEIVED',
        payload: {
          receiptId: receipt.id,
          from,
          to: purchaseOrder.status,
          value: valueMinor.toString(),
          lines: lines.map((line) => ({
            productId: line.productId,
            quantity: line.quantity,
            rejectedQuantity: line.rejectedQuantity,
          })),
        },
        actorId: viewer.employeeId,
      });
      if (key !== null) await completeIdempotencyKey(tx, 'receiveGoods', key, receipt.id);
      // The posting locks the ledger's accounts, the hottest rows: it runs last.
      if (receipt.journalEntryId !== null) {
        const [inventory, goodsReceived] = await this.ledger.accountIdsOf(tx, [
          StandardAccount.INVENTORY,
          StandardAccount.GOODS_RECEIVED_NOT_INVOICED,
        ]);
        await posting(field('receivedOn'), () =>
          this.ledger.post(tx, {
            entryId: receipt.journalEntryId ?? undefined,
            date: receivedOn,
            memo: `Goods received on ${purchaseOrder.number}`,
            source: 'GOODS_RECEIPT',
            actorId: viewer.employeeId,
            lines: [
              { accountId: inventory, debitMinor: valueMinor, creditMinor: 0n },
              {
                accountId: goodsReceived,
                debitMinor: 0n,
                creditMinor: valueMinor,
                vendorId: purchaseOrder.vendor.id,
              },
            ],
          }),
        );
      }
      return { purchaseOrder, receipt };
    });
  }

  /**
   * `recordBill` with a purchase order: each line names an order line by product and is matched
   * three ways (`three-way-match.ts`). The bill is posted Dr 2150 (quantity × PO cost, clearing
   * what receipts credited) and Dr or Cr 5100 for the price variance / Cr 2000 Accounts Payable
   * for what was billed. Its status is MATCHED or EXCEPTION with the reasons; an EXCEPTION bill
   * is paid only after `approveBillVariance`. Billed quantities are counted under the lines'
   * locks, so two bills cannot both clear the same received units unnoticed.
   */
  async recordPurchaseBill(
    { em }: RequestScope,
    viewer: Viewer,
    draft: PurchaseBillDraft,
  ): Promise<{ bill: Bill }> {
    if (draft.lines.length === 0) refuseInput('A bill has at least one line', field('lines'));
    if (draft.lines.length > MAX_LINES)
      refuseInput(`A bill has at most ${MAX_LINES} lines`, field('lines'));
    refuseRepeatedProducts(draft.lines, 'a bill');
    const lines = draft.lines.map((line, index) => ({
      productId: line.productId,
      quantity: integerInRange(line.quantity, field('lines', index, 'quantity'), 1, MAX_UNITS),
      unitCostMinor: nonNegativeAmount(line.unitCost, field('lines', index, 'unitCost')),
      index,
    }));
    const totalMinor = lines.reduce(
      (sum, line) => sum + BigInt(line.quantity) * line.unitCostMinor,
      0n,
    );
    if (draft.amount != null && nonNegativeAmount(draft.amount, field('amount')) !== totalMinor)
      refuseInput(
        `The amount differs from the sum of the lines, ${formatMinorUnits(totalMinor)}`,
        field('amount'),
      );
    const billDate = calendarDate(draft.billDate, field('billDate')) ?? this.today();
    const memo = optionalText(draft.memo, field('memo'), 1000);
    const key = draft.idempotencyKey ?? null;
    return inTransaction(em, async (tx) => {
      if (key !== null) {
        const claim = await claimIdempotencyKey(
          tx,
          'recordBill',
          key,
          requestHash({ ...draft, lines, billDate, memo }),
        );
        if (!claim.fresh)
          return { bill: await this.receivables.billById(tx, Number(claim.resultId)) };
      }
      const purchaseOrder = await this.lockOrder(tx, draft.purchaseOrderId, 'bill');
      if (draft.vendorId != null && draft.vendorId !== purchaseOrder.vendor.id)
        refuseInput(`${purchaseOrder.number} is from another vendor`, field('vendorId'));
      const locked = await this.lockLines(tx, purchaseOrder.id);
      const byProduct = new Map(locked.map((line) => [Number(line.product_id), line]));
      const tolerance = {
        basisPoints: purchaseOrder.priceToleranceBasisPoints,
        amountMinor: purchaseOrder.priceToleranceAmountMinor,
      };
      const [goodsReceived, variance] = await this.ledger.accountIdsOf(tx, [
        StandardAccount.GOODS_RECEIVED_NOT_INVOICED,
        StandardAccount.PURCHASE_PRICE_VARIANCE,
      ]);
      const matched = lines.map((line) => {
        const ordered = byProduct.get(line.productId);
        if (!ordered)
          refuse(
            UserErrorCode.NOT_FOUND,
            `${purchaseOrder.number} has no line for this product`,
            field('lines', line.index, 'productId'),
          );
        const result = matchBillLine(
          {
            sku: ordered.sku,
            quantity: ordered.quantity,
            unitCostMinor: BigInt(ordered.unit_cost_minor),
            receivedQuantity: ordered.received_quantity,
            billedQuantity: ordered.billed_quantity,
          },
          line,
          tolerance,
        );
        return { line, ordered, ...result };
      });
      const exceptions = matched.flatMap((entry) => entry.exceptions);
      const debits = matched.flatMap(({ ordered, clearedMinor, varianceMinor }) => [
        ...(clearedMinor > 0n
          ? [
              {
                accountId: goodsReceived,
                debitMinor: clearedMinor,
                creditMinor: 0n,
                memo: ordered.sku,
                vendorId: purchaseOrder.vendor.id,
              },
            ]
          : []),
        ...(varianceMinor !== 0n
          ? [
              {
                accountId: variance,
                debitMinor: varianceMinor > 0n ? varianceMinor : 0n,
                creditMinor: varianceMinor < 0n ? -varianceMinor : 0n,
                memo: ordered.sku,
              },
            ]
          : []),
      ]);
      // What purchasing records with the bill runs before its posting, which runs last.
      const recordMatch = async (bill: Bill) => {
        for (const { line, ordered, clearedMinor, varianceMinor } of matched) {
          tx.create(PurchaseBillLine, {
            bill,
            purchaseOrderLine: Number(ordered.id),
            quantity: line.quantity,
            unitCostMinor: line.unitCostMinor,
            clearedMinor,
            varianceMinor,
          });
        }
        await tx.flush();
        await runSql(
          tx,
          `UPDATE purchase_order_line AS l SET billed_quantity = l.billed_quantity + v.quantity
             FROM (VALUES ${matched.map(() => '(?::bigint, ?::int)').join(', ')}) AS v(id, quantity)
            WHERE l.id = v.id`,
          matched.flatMap(({ ordered, line }) => [ordered.id, line.quantity]),
        );
        await recordEvent(tx, {
          streamType: 'PurchaseOrder',
          streamId: purchaseOrder.id,
          type: 'BILLED',
          payload: {
            billId: bill.id,
            number: bill.number,
            amount: bill.amountMinor.toString(),
            matchStatus: bill.matchStatus,
            exceptions,
          },
          actorId: viewer.employeeId,
        });
        if (key !== null) await completeIdempotencyKey(tx, 'recordBill', key, bill.id);
      };
      const bill = await posting(field('billDate'), () =>
        this.receivables.recordBillIn(tx, {
          vendorId: purchaseOrder.vendor.id,
          billDate,
          dueDate: draft.dueDate ?? null,
          memo: memo ?? purchaseOrder.number,
          debitAccountId: goodsReceived,
          debits,
          match: {
            status: exceptions.length > 0 ? BillMatchStatus.EXCEPTION : BillMatchStatus.MATCHED,
            exceptions,
          },
          actorId: viewer.employeeId,
          beforePosting: recordMatch,
        }),
      );
      return { bill };
    });
  }
}

function orderTotal(lines: readonly { quantity: number; unitCostMinor: bigint }[]): bigint {
  return lines.reduce((sum, line) => sum + BigInt(line.quantity) * line.unitCostMinor, 0n);
}
