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
import { Asset, AssetType } from './asset.entity';

/** Where a work order is: OPEN → IN_PROGRESS → DONE, or CANCELLED from the first two. */
export enum WorkOrderStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
  CANCELLED = 'CANCELLED',
}

/** The statuses of a work order still to be done: at most one per plan and asset. */
export const OPEN_WORK_ORDER_STATUSES: readonly WorkOrderStatus[] = [
  WorkOrderStatus.OPEN,
  WorkOrderStatus.IN_PROGRESS,
];

/**
 * Recurring maintenance of one asset, or of every asset of a type. The rules the database keeps:
 * - it covers exactly one of an asset or an asset type;
 * - it recurs by exactly one of an RRULE (RFC 5545, from `startsOn`, its DTSTART) or every
 *   `intervalDays` from the last completion (the first due on `startsOn`).
 * Where each covered asset stands is its `MaintenanceSchedule` row.
 */
@Entity({ tableName: 'maintenance_plan' })
@Index({ name: 'maintenance_plan_asset_idx', properties: ['asset', 'id'] })
@Index({ name: 'maintenance_plan_type_idx', properties: ['assetType', 'id'] })
@Check({
  name: 'maintenance_plan_values_check',
  expression:
    '(asset_id is null) <> (asset_type is null) and (rrule is null) <> (interval_days is null) and (interval_days is null or (interval_days >= 1 and interval_days <= 3660)) and (estimated_labour_minutes is null or (estimated_labour_minutes >= 0 and estimated_labour_minutes <= 100000))',
})
export class MaintenancePlan {
  [OptionalProps]?:
    | 'asset'
    | 'assetType'
    | 'rrule'
    | 'intervalDays'
    | 'active'
    | 'estimatedLabourMinutes'
    | 'createdById'
    | 'version'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  name!: string;

  /** The one asset it covers (or `assetType`). */
  @ManyToOne(() => Asset, { nullable: true, deleteRule: 'restrict' })
  asset: Asset | null = null;

  /** Every asset of this type it covers, one work order per asset (or `asset`). */
  @Enum({ items: () => AssetType, type: 'text', nullable: true })
  assetType: AssetType | null = null;

  /** The recurrence rule, normalised, without its `RRULE:` prefix (or `intervalDays`). */
  @Property({ type: 'text', nullable: true })
  rrule: string | null = null;

  /** Days from one completion to the next due day (or `rrule`). */
  @Property({ type: 'integer', nullable: true })
  intervalDays: number | null = null;

  /** The RRULE's DTSTART, or the first due day of an interval plan. */
  @Property({ type: 'date' })
  startsOn!: string;

  @Property({ type: 'text' })
  instructions!: string;

  /** An inactive plan opens no work orders; its open ones stay until done or cancelled. */
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'integer', nullable: true })
  estimatedLabourMinutes: number | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById: number | null = null;

  /** Increases with every change. */
  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/**
 * Where one asset stands on one plan: the scheduler's state. Its row lock settles every race of
 * the plan and asset (the scheduler, completing and cancelling lock it first).
 */
@Entity({ tableName: 'maintenance_schedule' })
@Index({ name: 'maintenance_schedule_asset_idx', properties: ['asset'] })
@Index({ name: 'maintenance_schedule_due_idx', properties: ['nextDueOn'] })
export class MaintenanceSchedule {
  [OptionalProps]?: 'nextDueOn' | 'lastCompletedOn' | 'updatedAt';

  @ManyToOne(() => MaintenancePlan, { primary: true, deleteRule: 'cascade' })
  plan!: MaintenancePlan;

  @ManyToOne(() => Asset, { primary: true, deleteRule: 'cascade' })
  asset!: Asset;

  /**
   * The next occurrence not yet handled. Null when there is none to wait for: an RRULE that has
   * ended, or an interval plan whose work order is open (the next counts from its completion).
   */
  @Property({ type: 'date', nullable: true })
  nextDueOn: string | null = null;

  /** The day its last work order of this plan was completed. */
  @Property({ type: 'date', nullable: true })
  lastCompletedOn: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/**
 * A job of maintenance on one asset: opened by a plan's schedule or by hand. The rules the
 * database keeps:
 * - at most one work order per plan and asset is open (OPEN or IN_PROGRESS):
 *   `work_order_one_open` (manual ones, without a plan, are not limited);
 * - costs and labour are never negative; a DONE one has its completion, a CANCELLED one its
 *   cancellation.
 */
@Entity({ tableName: 'work_order' })
@Index({ name: 'work_order_asset_idx', properties: ['asset', 'id'] })
@Index({ name: 'work_order_plan_idx', properties: ['plan', 'id'] })
@Index({ name: 'work_order_status_idx', properties: ['status', 'id'] })
@Index({
  name: 'work_order_one_open',
  // At most one open work order per plan and asset, whatever races: the database refuses a second.
  expression:
    'create unique index "work_order_one_open" on "work_order" ("plan_id", "asset_id") where "status" in (\'OPEN\', \'IN_PROGRESS\')',
})
@Check({
  name: 'work_order_values_check',
  expression:
    "(labour_minutes is null or (labour_minutes >= 0 and labour_minutes <= 100000)) and labour_cost_minor >= 0 and parts_cost_minor >= 0 and (status = 'DONE') = (completed_at is not null) and (status = 'CANCELLED') = (cancelled_at is not null)",
})
export class WorkOrder {
  [OptionalProps]?:
    | 'plan'
    | 'status'
    | 'instructions'
    | 'skippedOccurrences'
    | 'openedById'
    | 'startedById'
    | 'startedAt'
    | 'completedById'
    | 'completedAt'
    | 'cancelledById'
    | 'cancelledAt'
    | 'cancelReason'
    | 'labourMinutes'
    | 'labourCostMinor'
    | 'partsCostMinor'
    | 'notes'
    | 'journalEntryId'
    | 'version'
    | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** WO-000042: the id, padded. */
  @Property({ type: 'text' })
  @Unique({ name: 'work_order_number_unique' })
  number!: string;

  /** The plan that opened it; null for one opened by hand. */
  @ManyToOne(() => MaintenancePlan, { nullable: true, deleteRule: 'restrict' })
  plan: MaintenancePlan | null = null;

  @ManyToOne(() => Asset, { deleteRule: 'restrict' })
  asset!: Asset;

  @Enum({ items: () => WorkOrderStatus, type: 'text' })
  status: WorkOrderStatus = WorkOrderStatus.OPEN;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text', nullable: true })
  instructions: string | null = null;

  /** The occurrence it was opened for (a plan's), or the day it is wanted by (by hand). */
  @Property({ type: 'date' })
  dueOn!: string;

  /** Occurrences of its plan that fell due before it was done, skipped rather than piled up. */
  @Property({ type: 'text[]', default: '{}' })
  skippedOccurrences: string[] = [];

  /** Who opened it; null when the scheduler did. */
  @Property({ type: new BigIntType('number'), nullable: true })
  openedById: number | null = null;

  @Property({ type: 'timestamptz' })
  openedAt!: Date;

  @Property({ type: new BigIntType('number'), nullable: true })
  startedById: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  completedById: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  cancelledById: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  cancelReason: string | null = null;

  @Property({ type: 'integer', nullable: true })
  labourMinutes: number | null = null;

  /** labourMinutes at MAINTENANCE_LABOUR_RATE, in minor units, fixed at completion. */
  @Property({ type: new BigIntType('bigint'), default: 0 })
  labourCostMinor: bigint = 0n;

  /** The parts at their cost when taken from stock, in minor units. */
  @Property({ type: new BigIntType('bigint'), default: 0 })
  partsCostMinor: bigint = 0n;

  @Property({ type: 'text', nullable: true })
  notes: string | null = null;

  /** Dr 6150 Maintenance Expense / Cr 1200 Inventory and 6000 Salaries Expense; null at zero cost. */
  @Property({ type: new BigIntType('number'), nullable: true })
  journalEntryId: number | null = null;

  /** Increases with every change. */
  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/** A part taken from stock for a work order, at its cost then. */
@Entity({ tableName: 'work_order_part' })
@Index({ name: 'work_order_part_work_order_idx', properties: ['workOrder', 'id'] })
@Index({ name: 'work_order_part_product_idx', properties: ['product'] })
@Check({
  name: 'work_order_part_values_check',
  expression: 'quantity >= 1 and unit_cost_minor >= 0',
})
export class WorkOrderPart {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => WorkOrder, { deleteRule: 'cascade' })
  workOrder!: WorkOrder;

  @ManyToOne(() => Product, { deleteRule: 'restrict' })
  product!: Product;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: new BigIntType('bigint') })
  unitCostMinor!: bigint;
}
