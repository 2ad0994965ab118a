import {
  ArrayMaxSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { HistoryEntry } from '../../events/history.types';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { ProductObject } from '../catalog/catalog.types';
import { EmployeeObject } from '../employees/employee.types';
import { JournalEntryObject } from '../ledger/ledger.types';
import { AssetType } from './asset.entity';
import { AssetObject, ASSET_READERS } from './assets.types';
import { WorkOrderStatus } from './maintenance.entity';

registerEnumType(WorkOrderStatus, {
  name: 'WorkOrderStatus',
  description: 'Where a work order is: OPEN → IN_PROGRESS → DONE, or CANCELLED from the first two.',
  valuesConfig: {
    OPEN: { description: 'To be done: opened by a plan that fell due, or by hand.' },
    IN_PROGRESS: {
      description: 'Being worked on: a shelf asset is IN_MAINTENANCE meanwhile.',
    },
    DONE: { description: 'Completed, with its parts and labour costed and posted.' },
    CANCELLED: { description: 'Not to be done.' },
  },
});

@ObjectType('MaintenancePlan', {
  implements: Node,
  description: `Recurring maintenance of one asset, or of every asset of a type (one work order per asset). At most one work order per plan and asset is open: occurrences that fall due meanwhile are noted on it as skipped, not piled up. ${ASSET_READERS}`,
})
export class MaintenancePlanObject extends Node {
  @Field(() => String, { description: 'What it is called.' })
  name!: string;

  @Field(() => AssetObject, {
    nullable: true,
    description: 'The one asset it covers (null when it covers a type).',
  })
  asset!: unknown;

  @Field(() => AssetType, {
    nullable: true,
    description:
      'The type of assets it covers, each in service (not RETIRED or LOST) on its own schedule (null when it covers one asset).',
  })
  assetType!: AssetType | null;

  @Field(() => String, {
    nullable: true,
    description:
      'How it recurs, as an RFC 5545 RRULE without its prefix (such as FREQ=WEEKLY;BYDAY=MO), from startsOn; null for an interval plan.',
  })
  rrule!: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Or: days from one completion (or cancellation) to the next due day; null for an RRULE plan.',
  })
  intervalDays!: number | null;

  @Field(() => CalendarDateScalar, {
    description:
      "The RRULE's DTSTART, or the first due day of an interval plan. An asset that joins a type plan later starts from the day it was recorded.",
  })
  startsOn!: string;

  @Field(() => String, { description: 'What to do, copied onto each work order.' })
  instructions!: string;

  @Field(() => Boolean, {
    description: 'Whether it opens work orders; its open ones stay when it is deactivated.',
  })
  active!: boolean;

  @Field(() => Int, { nullable: true, description: 'Expected labour per work order, in minutes.' })
  estimatedLabourMinutes!: number | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description:
      'The earliest next due day over the assets it covers (null when none is waiting: an ended RRULE, or an interval plan whose work orders are open).',
  })
  nextDueOn!: string | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'When one of its work orders was last completed.',
  })
  lastCompletedOn!: string | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who made it.' })
  createdBy!: unknown;

  @Field(() => Date, { description: 'When it was made.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When it last changed.' })
  updatedAt!: Date;

  @Field(() => [HistoryEntry], {
    description: 'Everything that happened to it, oldest first (from the event log).',
  })
  history!: unknown[];
}

@ObjectType('WorkOrderPart', { description: 'A part taken from stock for a work order.' })
export class WorkOrderPartObject {
  @Field(() => ProductObject, { description: 'The product taken.' })
  product!: unknown;

  @Field(() => Int, { description: 'Units taken.' })
  quantity!: number;

  @Field(() => Money, { description: "The product's cost per unit when it was taken." })
  unitCost!: Money;

  @Field(() => Money, { description: 'quantity × unitCost.' })
  amount!: Money;
}

@ObjectType('WorkOrder', {
  implements: Node,
  description: `A job of maintenance on one asset, opened by a plan that fell due or by hand. ${ASSET_READERS}`,
})
export class WorkOrderObject extends Node {
  @Field(() => String, { description: 'Its number, such as WO-000042.' })
  number!: string;

  @Field(() => WorkOrderStatus, { description: 'Where it is.' })
  status!: WorkOrderStatus;

  @Field(() => AssetObject, { description: 'The asset worked on.' })
  asset!: unknown;

  @Field(() => MaintenancePlanObject, {
    nullable: true,
    description: 'The plan that opened it (null: opened by hand).',
  })
  plan!: unknown;

  @Field(() => String, { description: "What it is (the plan's name for a plan's)." })
  title!: string;

  @Field(() => String, { nullable: true, description: 'What to do.' })
  instructions!: string | null;

  @Field(() => CalendarDateScalar, {
    description: "The plan's occurrence it was opened for, or the day it is wanted by.",
  })
  dueOn!: string;

  @Field(() => [CalendarDateScalar], {
    description:
      'Occurrences of its plan that fell due before it was done and were skipped rather than piled up, oldest first.',
  })
  skippedOccurrences!: string[];

  @Field(() => [WorkOrderPartObject], { description: 'Parts taken from stock (at completion).' })
  parts!: unknown[];

  @Field(() => Int, { nullable: true, description: 'Labour spent, in minutes (at completion).' })
  labourMinutes!: number | null;

  @Field(() => Money, {
    description: 'labourMinutes at the internal labour rate (MAINTENANCE_LABOUR_RATE per hour).',
  })
  labourCost!: Money;

  @Field(() => Money, { description: 'The parts at their cost when taken.' })
  partsCost!: Money;

  @Field(() => Money, { description: 'labourCost + partsCost.' })
  totalCost!: Money;

  @Field(() => String, { nullable: true, description: 'Notes made at completion.' })
  notes!: string | null;

  @Field(() => JournalEntryObject, {
    nullable: true,
    description:
      'Dr 6150 Maintenance Expense / Cr 1200 Inventory (parts) and Cr 6000 Salaries Expense (internal labour); null until done, or when it cost nothing. Requires one of: ACCOUNTANT, ADMIN.',
  })
  journalEntry!: unknown;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'Who opened it (null: the scheduler).',
  })
  openedBy!: unknown;

  @Field(() => Date, { description: 'When it was opened.' })
  openedAt!: Date;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who started it.' })
  startedBy!: unknown;

  @Field(() => Date, { nullable: true, description: 'When work began.' })
  startedAt!: Date | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who completed it.' })
  completedBy!: unknown;

  @Field(() => Date, { nullable: true, description: 'When it was completed.' })
  completedAt!: Date | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who cancelled it.' })
  cancelledBy!: unknown;

  @Field(() => Date, { nullable: true, description: 'When it was cancelled.' })
  cancelledAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was cancelled.' })
  cancelReason!: string | null;

  @Field(() => Int, { description: 'Increases with every change.' })
  version!: number;

  @Field(() => [HistoryEntry], {
    description: 'Everything that happened to it, oldest first (from the event log).',
  })
  history!: unknown[];
}

export const WorkOrderConnection = Connection(WorkOrderObject, 'WorkOrder', 'work order');

@InputType({ description: 'Which work orders.' })
export class WorkOrderFilter {
  @Field(() => [WorkOrderStatus], {
    nullable: true,
    description: 'Work orders in any of these statuses (a single status is accepted too).',
  })
  @IsOptional()
  status?: WorkOrderStatus[] | null;

  @Field(() => ID, { nullable: true, description: 'Work orders on this asset.' })
  @IsOptional()
  @IsString()
  assetId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Work orders this plan opened.' })
  @IsOptional()
  @IsString()
  planId?: string | null;
}

@InputType({
  description:
    'A new maintenance plan: for an asset or a type of assets (one of them), recurring by an RRULE or every N days (one of them).',
})
export class CreateMaintenancePlanInput {
  @Field(() => String, {
    nullable: true,
    description: 'What it is called (default: the first line of the instructions).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @Field(() => ID, { nullable: true, description: 'The asset it covers (or assetType).' })
  @IsOptional()
  @IsString()
  assetId?: string | null;

  @Field(() => AssetType, {
    nullable: true,
    description: 'Or: every asset of this type, one work order each (or assetId).',
  })
  @IsOptional()
  assetType?: AssetType | null;

  @Field(() => String, {
    nullable: true,
    description:
      'An RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO (the `RRULE:` prefix is optional), daily or longer; startsOn is its DTSTART. Or give intervalDays.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  rrule?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Or: every this many days (1 to 3660) from the last completion; the first due on startsOn.',
  })
  @IsOptional()
  @IsInt()
  intervalDays?: number | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: "The RRULE's DTSTART, or an interval plan's first due day (default today).",
  })
  @IsOptional()
  startsOn?: string | null;

  @Field(() => String, { description: 'What to do, copied onto each work order.' })
  @IsString()
  @MaxLength(4000)
  instructions!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Expected labour per work order, in minutes.',
  })
  @IsOptional()
  @IsInt()
  estimatedLabourMinutes?: number | null;
}

@InputType({
  description:
    'Changes to a maintenance plan; what it covers and how it recurs stay (make another plan for that).',
})
export class UpdateMaintenancePlanInput {
  @Field(() => ID, { description: 'The plan.' })
  @IsString()
  maintenancePlanId!: string;

  @Field(() => String, { nullable: true, description: 'A new name.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'New instructions, for the work orders it opens from now on.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  instructions?: string | null;

  @Field(() => Int, { nullable: true, description: 'A new labour estimate, in minutes.' })
  @IsOptional()
  @IsInt()
  estimatedLabourMinutes?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'false: it opens no more work orders (its open ones stay); true again: occurrences missed meanwhile are skipped and noted.',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean | null;
}

@ObjectType({ description: 'The result of a maintenance plan mutation.' })
export class MaintenancePlanPayload {
  @Field(() => MaintenancePlanObject, {
    nullable: true,
    description: 'The plan as it is now.',
  })
  maintenancePlan?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`INVALID_INPUT`, naming `input.rrule` with the reason for an unreadable RRULE; `NOT_FOUND`; `ASSET_UNAVAILABLE` for a RETIRED or LOST asset).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A work order opened by hand (after an IT ticket, say).' })
export class CreateWorkOrderInput {
  @Field(() => ID, { description: 'The asset (not RETIRED or LOST).' })
  @IsString()
  assetId!: string;

  @Field(() => String, { description: 'What it is.' })
  @IsString()
  @MaxLength(200)
  title!: string;

  @Field(() => String, { nullable: true, description: 'What to do.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  instructions?: string | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'When it is wanted by (default today).',
  })
  @IsOptional()
  dueOn?: string | null;
}

@InputType({ description: 'A work order.' })
export class StartWorkOrderInput {
  @Field(() => ID, { description: 'The work order (OPEN).' })
  @IsString()
  workOrderId!: string;
}

@InputType({ description: 'A work order not to be done.' })
export class CancelWorkOrderInput {
  @Field(() => ID, { description: 'The work order (OPEN or IN_PROGRESS).' })
  @IsString()
  workOrderId!: string;

  @Field(() => String, { nullable: true, description: 'Why.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string | null;
}

@InputType({ description: 'A part taken from stock.' })
export class WorkOrderPartInput {
  @Field(() => ID, { description: 'The product.' })
  @IsString()
  productId!: string;

  @Field(() => Int, { description: 'Units taken (1 to 100000).' })
  @IsInt()
  quantity!: number;
}

@InputType({ description: 'A work order done: the parts it took and the labour it needed.' })
export class CompleteWorkOrderInput {
  @Field(() => ID, { description: 'The work order (OPEN or IN_PROGRESS).' })
  @IsString()
  workOrderId!: string;

  @Field(() => [WorkOrderPartInput], {
    nullable: true,
    description:
      'Parts taken from stock, one line per product (at most 50); never below what is reserved for orders.',
  })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  parts?: WorkOrderPartInput[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Labour spent, in minutes (0 to 100000; default 0).',
  })
  @IsOptional()
  @IsInt()
  labourMinutes?: number | null;

  @Field(() => String, { nullable: true, description: 'What was done or found.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notes?: string | null;
}

@ObjectType({ description: 'The result of a work order mutation.' })
export class WorkOrderPayload {
  @Field(() => WorkOrderObject, { nullable: true, description: 'The work order as it is now.' })
  workOrder?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `INVALID_TRANSITION`, `ASSET_UNAVAILABLE`, `INSUFFICIENT_STOCK` naming the part’s line, `PERIOD_CLOSED`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A run of the maintenance scheduler.' })
export class RunMaintenanceSchedulerInput {
  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'The day it runs for: today by default, never a later day.',
  })
  @IsOptional()
  asOf?: string | null;
}

@ObjectType({ description: 'What a run of the maintenance scheduler did.' })
export class RunMaintenanceSchedulerPayload {
  @Field(() => [WorkOrderObject], {
    nullable: true,
    description:
      'The work orders it opened (one per plan and asset that fell due); null when refused.',
  })
  workOrders?: unknown[];

  @Field(() => [WorkOrderObject], {
    nullable: true,
    description:
      'Work orders already open on which it noted occurrences as skipped; null when refused.',
  })
  notedWorkOrders?: unknown[];

  @Field(() => [UserError], { description: 'Why it was refused (`INVALID_INPUT`).' })
  userErrors!: UserError[];
}
