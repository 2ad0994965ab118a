import {
  BigIntType,
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Product } from '../catalog/product.entity';
import { Customer } from '../customers/customer.entity';

export enum OrderStatus {
  PLACED = 'PLACED',
  PICKING = 'PICKING',
  PACKED = 'PACKED',
  SHIPPED = 'SHIPPED',
  DELIVERED = 'DELIVERED',
  CANCELLED = 'CANCELLED',
}

/** A customer's order. Unit prices are snapshots taken when it was placed. */
@Entity({ tableName: 'order' })
@Index({ name: 'order_customer_idx', properties: ['customer', 'id'] })
@Index({ name: 'order_status_idx', properties: ['status', 'id'] })
@Index({ name: 'order_created_idx', properties: ['createdAt'] })
export class Order {
  [OptionalProps]?:
    | 'status'
    | 'note'
    | 'currency'
    | 'carrier'
    | 'trackingNumber'
    | 'cancelReason'
    | 'createdAt'
    | 'updatedAt'
    | 'shippedAt'
    | 'deliveredAt'
    | 'cancelledAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** Human-readable number such as SO-000042, from the `order_number_seq` sequence. */
  @Property({ type: 'text' })
  @Unique({ name: 'order_number_unique' })
  number!: string;

  @ManyToOne(() => Customer, { deleteRule: 'restrict' })
  customer!: Customer;

  @Enum({ items: () => OrderStatus, type: 'text' })
  status: OrderStatus = OrderStatus.PLACED;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Property({ type: new BigIntType('bigint') })
  totalMinor!: bigint;

  @Property({ type: 'text' })
  currency: string = 'USD';

  @Property({ type: 'text', nullable: true })
  carrier: string | null = null;

  @Property({ type: 'text', nullable: true })
  trackingNumber: string | null = null;

  @Property({ type: 'text', nullable: true })
  cancelReason: string | null = null;

  /** The employee who placed it. */
  @Property({ type: new BigIntType('number'), nullable: true })
  placedById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  shippedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;
}

@Entity({ tableName: 'order_line' })
@Index({ name: 'order_line_order_idx', properties: ['order', 'lineNo'] })
@Check({ name: 'order_line_quantity_check', expression: 'quantity > 0' })
export class OrderLine {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Order, { deleteRule: 'cascade' })
  order!: Order;

  /** Position of the line in the order, from 0. */
  @Property({ type: 'integer' })
  lineNo!: number;

  @ManyToOne(() => Product, { deleteRule: 'restrict', index: 'order_line_product_idx' })
  product!: Product;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: new BigIntType('bigint') })
  unitPriceMinor!: bigint;

  /** Unit cost when placed, for cost of goods sold. */
  @Property({ type: new BigIntType('bigint') })
  unitCostMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  totalMinor!: bigint;
}
