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

/** Something we sell. Prices are integer minor units. */
@Entity({ tableName: 'product' })
export class Product {
  [OptionalProps]?: 'description' | 'costMinor' | 'active' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** Stock-keeping unit, stored upper-cased so uniqueness is case-insensitive. */
  @Property({ type: 'text' })
  @Unique({ name: 'product_sku_unique' })
  sku!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: new BigIntType('bigint') })
  @Check({ name: 'product_price_check', expression: 'price_minor >= 0' })
  priceMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  @Check({ name: 'product_cost_check', expression: 'cost_minor >= 0' })
  costMinor: bigint = 0n;

  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/**
 * The stock of one product. The database itself keeps `0 <= reserved <= on_hand`, so no code path
 * can oversell; writers lock rows `FOR UPDATE` in product-id order so they never deadlock.
 */
@Entity({ tableName: 'stock_level' })
@Check({ name: 'stock_level_reserved_check', expression: 'reserved >= 0 and reserved <= on_hand' })
export class StockLevel {
  [OptionalProps]?: 'onHand' | 'reserved' | 'updatedAt';

  @OneToOne(() => Product, { primary: true, deleteRule: 'cascade' })
  product!: Product;

  @Property({ type: 'integer' })
  onHand: number = 0;

  @Property({ type: 'integer' })
  reserved: number = 0;

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

export enum StockMovementKind {
  ADJUSTMENT = 'ADJUSTMENT',
  RESERVATION = 'RESERVATION',
  RELEASE = 'RELEASE',
  SHIPMENT = 'SHIPMENT',
  /** Units a vendor delivered against a purchase order (purchasing's goods receipt). */
  RECEIPT = 'RECEIPT',
  /** Parts taken out of stock for a maintenance work order (completeWorkOrder). */
  MAINTENANCE = 'MAINTENANCE',
}

/** Every change of stock, with who, when and why. */
@Entity({ tableName: 'stock_movement' })
@Index({ name: 'stock_movement_product_idx', properties: ['product', 'id'] })
export class StockMovement {
  [OptionalProps]?: 'reason' | 'orderId' | 'goodsReceiptId' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Product, { deleteRule: 'cascade' })
  product!: Product;

  @Enum({ items: () => StockMovementKind, type: 'text' })
  kind!: StockMovementKind;

  @Property({ type: 'integer' })
  onHandDelta!: number;

  @Property({ type: 'integer' })
  reservedDelta!: number;

  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  /** The order that caused it, for reservations, releases and shipments. */
  @Property({ type: new BigIntType('number'), nullable: true })
  orderId: number | null = null;

  /** The goods receipt that delivered it, for receipts. */
  @Property({ type: new BigIntType('number'), nullable: true })
  goodsReceiptId: number | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  actorId!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
