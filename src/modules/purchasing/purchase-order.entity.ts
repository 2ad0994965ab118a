import {
  BigIntType,
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Product } from '../catalog/product.entity';
import { Bill, Vendor } from '../ledger/receivables.entity';

/** Where a purchase order is in its life (`purchase-order-process.ts` says which moves are allowed). */
export enum PurchaseOrderStatus {
  DRAFT = 'DRAFT',
  APPROVED = 'APPROVED',
  PARTIALLY_RECEIVED = 'PARTIALLY_RECEIVED',
  RECEIVED = 'RECEIVED',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}

/** Who proposed a purchase order. */
export enum PurchaseOrderOrigin {
  /** Someone created it. */
  MANUAL = 'MANUAL',
  /** The replenishment run proposed it; it stays a draft until someone approves it. */
  REPLENISHMENT = 'REPLENISHMENT',
}

/**
 * An order to a vendor. Its tolerances are copied from the vendor when it is created, so a later
 * change of the vendor's terms never changes how an open order receives or matches.
 */
@Entity({ tableName: 'purchase_order' })
@Index({ name: 'purchase_order_vendor_idx', properties: ['vendor', 'id'] })
@Index({ name: 'purchase_order_status_idx', properties: ['status', 'id'] })
@Index({
  name: 'purchase_order_one_replenishment_draft',
  // At most one replenishment draft per vendor: runs that race make one, never two.
  expression:
    'create unique index "purchase_order_one_replenishment_draft" on "purchase_order" ("vendor_id") where "status" = \'DRAFT\' and "origin" = \'REPLENISHMENT\'',
})
@Check({
  name: 'purchase_order_tolerance_check',
  expression:
    'receipt_tolerance_basis_points >= 0 and receipt_tolerance_basis_points <= 10000 and price_tolerance_basis_points >= 0 and price_tolerance_basis_points <= 10000 and price_tolerance_amount_minor >= 0',
})
export class PurchaseOrder {
  [OptionalProps]?:
    | 'status'
    | 'origin'
    | 'expectedDate'
    | 'note'
    | 'approvedById'
    | 'approvedAt'
    | 'closedReason'
    | 'closedAt'
    | 'sentAt'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** PO-000042: the id, padded; vendors quote it on their bills. */
  @Property({ type: 'text' })
  @Unique({ name: 'purchase_order_number_unique' })
  number!: string;

  @ManyToOne(() => Vendor, { deleteRule: 'restrict' })
  vendor!: Vendor;

  @Enum({ items: () => PurchaseOrderStatus, type: 'text' })
  status: PurchaseOrderStatus = PurchaseOrderStatus.DRAFT;

  @Enum({ items: () => PurchaseOrderOrigin, type: 'text' })
  origin: PurchaseOrderOrigin = PurchaseOrderOrigin.MANUAL;

  /** When the goods are expected, unless a line says otherwise. */
  @Property({ type: 'date', nullable: true })
  expectedDate: string | null = null;

  /** Sum of quantity × unit cost over the lines, in minor units. */
  @Property({ type: new BigIntType('bigint') })
  totalMinor!: bigint;

  /** Units may be received up to the ordered quantity plus this share of it (1000 = 10%). */
  @Property({ type: 'integer' })
  receiptToleranceBasisPoints!: number;

  /** A billed line matches when its price differs by at most the greater of this share… */
  @Property({ type: 'integer' })
  priceToleranceBasisPoints!: number;

  /** …and this amount, in minor units, per line. */
  @Property({ type: new BigIntType('bigint') })
  priceToleranceAmountMinor!: bigint;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  approvedById: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  approvedAt: Date | null = null;

  /** Why it was closed or cancelled before everything ordered arrived. */
  @Property({ type: 'text', nullable: true })
  closedReason: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  /** When it was emailed to the vendor (null: not yet, or the vendor has no email address). */
  @Property({ type: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/**
 * Why the replenishment run proposed a line: the quantities it saw. Kept with the line so a buyer
 * can tell why a PO was proposed.
 */
export interface ReplenishmentProposal {
  /** The day of the run. */
  asOf: string;
  onHand: number;
  reserved: number;
  /** Units on other open purchase orders, not yet received. */
  onOrder: number;
  minimum: number;
  maximum: number;
  /** maximum − (onHand − reserved + onOrder). */
  proposed: number;
}

/**
 * One product on a purchase order. A product appears once per order, so a receipt or a bill line
 * names its line by product. The database keeps every count non-negative.
 */
@Entity({ tableName: 'purchase_order_line' })
@Unique({ name: 'purchase_order_line_product_unique', properties: ['purchaseOrder', 'product'] })
@Index({ name: 'purchase_order_line_product_idx', properties: ['product'] })
@Check({
  name: 'purchase_order_line_quantities_check',
  expression:
    'quantity > 0 and unit_cost_minor >= 0 and received_quantity >= 0 and rejected_quantity >= 0 and billed_quantity >= 0',
})
export class PurchaseOrderLine {
  [OptionalProps]?:
    'expectedDate' | 'receivedQuantity' | 'rejectedQuantity' | 'billedQuantity' | 'proposal';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => PurchaseOrder, { deleteRule: 'cascade' })
  purchaseOrder!: PurchaseOrder;

  @ManyToOne(() => Product, { deleteRule: 'restrict' })
  product!: Product;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: new BigIntType('bigint') })
  unitCostMinor!: bigint;

  /** When this line is expected; the order's date when null. */
  @Property({ type: 'date', nullable: true })
  expectedDate: string | null = null;

  /** Units accepted into stock. */
  @Property({ type: 'integer' })
  receivedQuantity: number = 0;

  /** Units that arrived damaged or wrong and were not taken into stock. */
  @Property({ type: 'integer' })
  rejectedQuantity: number = 0;

  /** Units on the vendor's bills. */
  @Property({ type: 'integer' })
  billedQuantity: number = 0;

  /** Why replenishment proposed it (null for lines people wrote). */
  @Property({ type: 'jsonb', nullable: true })
  proposal: ReplenishmentProposal | null = null;
}

/** One delivery from a vendor against a purchase order. */
@Entity({ tableName: 'goods_receipt' })
@Index({ name: 'goods_receipt_purchase_order_idx', properties: ['purchaseOrder', 'id'] })
export class GoodsReceipt {
  [OptionalProps]?: 'note' | 'journalEntryId' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => PurchaseOrder, { deleteRule: 'restrict' })
  purchaseOrder!: PurchaseOrder;

  @Property({ type: 'date' })
  receivedOn!: string;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  /** Dr 1200 Inventory / Cr 2150 Goods received not invoiced, at PO cost (null when it cost nothing). */
  @Property({ type: new BigIntType('number'), nullable: true })
  journalEntryId: number | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  receivedById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** What one receipt took in of one line. */
@Entity({ tableName: 'goods_receipt_line' })
@Index({ name: 'goods_receipt_line_receipt_idx', properties: ['receipt', 'id'] })
@Index({ name: 'goods_receipt_line_po_line_idx', properties: ['purchaseOrderLine'] })
@Check({
  name: 'goods_receipt_line_quantities_check',
  expression: 'quantity >= 0 and rejected_quantity >= 0 and quantity + rejected_quantity > 0',
})
export class GoodsReceiptLine {
  [OptionalProps]?: 'rejectionReason';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => GoodsReceipt, { deleteRule: 'cascade' })
  receipt!: GoodsReceipt;

  @ManyToOne(() => PurchaseOrderLine, { deleteRule: 'restrict' })
  purchaseOrderLine!: PurchaseOrderLine;

  /** Units accepted into stock. */
  @Property({ type: 'integer' })
  quantity!: number;

  /** Units refused (damaged, wrong): recorded, never stocked or posted. */
  @Property({ type: 'integer' })
  rejectedQuantity!: number;

  @Property({ type: 'text', nullable: true })
  rejectionReason: string | null = null;
}

/**
 * One line of a vendor's bill matched to a purchase order line: what it billed, and what it
 * cleared from goods received not invoiced (quantity × PO cost) and posted as price variance.
 */
@Entity({ tableName: 'purchase_bill_line' })
@Index({ name: 'purchase_bill_line_bill_idx', properties: ['bill', 'id'] })
@Index({ name: 'purchase_bill_line_po_line_idx', properties: ['purchaseOrderLine'] })
@Check({
  name: 'purchase_bill_line_quantities_check',
  expression: 'quantity > 0 and unit_cost_minor >= 0',
})
export class PurchaseBillLine {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Bill, { deleteRule: 'restrict' })
  bill!: Bill;

  @ManyToOne(() => PurchaseOrderLine, { deleteRule: 'restrict' })
  purchaseOrderLine!: PurchaseOrderLine;

  @Property({ type: 'integer' })
  quantity!: number;

  /** The vendor's price per unit. */
  @Property({ type: new BigIntType('bigint') })
  unitCostMinor!: bigint;

  /** quantity × the line's PO unit cost: what this bill line cleared from 2150. */
  @Property({ type: new BigIntType('bigint') })
  clearedMinor!: bigint;

  /** quantity × (billed − PO unit cost): posted to 5100 Purchase price variance. */
  @Property({ type: new BigIntType('bigint') })
  varianceMinor!: bigint;
}

/**
 * An email of a purchase order to its vendor, by its outbox row: the send job asks purchasing
 * before sending it (purchase-order-sending.ts), and the mail of an order cancelled meanwhile is
 * withheld.
 */
@Entity({ tableName: 'purchase_order_email' })
export class PurchaseOrderEmail {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  emailId!: number;

  @ManyToOne(() => PurchaseOrder, {
    deleteRule: 'restrict',
    index: 'purchase_order_email_purchase_order_idx',
  })
  purchaseOrder!: PurchaseOrder;
}

/** How a product is kept in stock: replenished from `vendor` when it falls below `minimum`. */
@Entity({ tableName: 'reorder_rule' })
@Index({ name: 'reorder_rule_vendor_idx', properties: ['vendor'] })
@Check({
  name: 'reorder_rule_levels_check',
  expression: 'minimum >= 0 and maximum >= minimum and maximum > 0 and lead_time_days >= 0',
})
export class ReorderRule {
  [OptionalProps]?: 'updatedAt';

  @OneToOne(() => Product, { primary: true, deleteRule: 'cascade' })
  product!: Product;

  /** Below this many units (on hand − reserved + on order), replenish. */
  @Property({ type: 'integer' })
  minimum!: number;

  /** Replenish up to this many. */
  @Property({ type: 'integer' })
  maximum!: number;

  @ManyToOne(() => Vendor, { deleteRule: 'restrict' })
  vendor!: Vendor;

  /** Days the vendor takes to deliver: a proposed line is expected this many days after the run. */
  @Property({ type: 'integer' })
  leadTimeDays!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
