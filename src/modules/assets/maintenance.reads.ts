import type { FilterQuery } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import { runKeyedSql } from '../../db/sql';
import {
  defineGroupLoader,
  defineLoader,
  readList,
  readPage,
  readPagesPerParent,
  readRows,
  rowReader,
  type PageArgs,
  type ReadContext,
} from '../../read';
import { AssetStatus, type AssetType } from './asset.entity';
import { MaintenancePlan, WorkOrder, WorkOrderPart } from './maintenance.entity';

/** How maintenance plans, their schedules and work orders read. */

const NEWEST_FIRST = { id: 'desc' } as const;

export function workOrderPage(
  context: ReadContext,
  where: FilterQuery<WorkOrder>,
  args: PageArgs,
  info: GraphQLResolveInfo,
) {
  return readPage(context, WorkOrder, where, args, { orderBy: NEWEST_FIRST, info });
}

/** An asset's work orders, newest first: one statement for every asset of the request. */
export function workOrdersOfAsset(
  context: ReadContext,
  assetId: number,
  where: FilterQuery<WorkOrder>,
  args: PageArgs,
  info: GraphQLResolveInfo,
) {
  return readPagesPerParent(context, WorkOrder, { property: 'asset', id: assetId }, where, args, {
    orderBy: NEWEST_FIRST,
    info,
  });
}

/** A work order's parts in the order they were recorded, each with its product. */
export const partsOfWorkOrder = defineGroupLoader<WorkOrderPart>(
  'assets.partsOfWorkOrder',
  (context, workOrderIds) =>
    readRows(context, WorkOrderPart, {
      alias: 'w',
      rest: 'WHERE w.work_order_id = ANY(?) ORDER BY w.work_order_id, w.id',
      params: [workOrderIds],
      join: ['product'],
    }),
  (part) => part.workOrder.id,
);

/** Maintenance plans by name (a short configuration list). */
export function maintenancePlanList(context: ReadContext, where: FilterQuery<MaintenancePlan>) {
  return readList(context, MaintenancePlan, where, { orderBy: { name: 'asc', id: 'asc' } });
}

/** The plans of one asset (not those of its type), by name. */
export const plansOfAsset = defineGroupLoader<MaintenancePlan>(
  'assets.plansOfAsset',
  (context, assetIds) =>
    readRows(context, MaintenancePlan, {
      alias: 'p',
      rest: 'WHERE p.asset_id = ANY(?) ORDER BY p.asset_id, p.name, p.id',
      params: [assetIds],
    }),
  (plan) => plan.asset?.id ?? 0,
);

/** The plans of a type of assets, by name. */
export const plansOfType = defineLoader<AssetType, MaintenancePlan[]>(
  'assets.plansOfType',
  async (context, types) => {
    const plans = await readRows(context, MaintenancePlan, {
      alias: 'p',
      rest: 'WHERE p.asset_type = ANY(?) ORDER BY p.name, p.id',
      params: [types],
    });
    return types.map((type) => plans.filter((plan) => plan.assetType === type));
  },
);

/** Where a plan stands: its next due day over the assets in service, its last completion. */
export interface PlanStanding {
  nextDueOn: string | null;
  lastCompletedOn: string | null;
}

/** The earliest next due day and the latest completion of each plan, over its schedules. */
export const standingOfPlan = defineLoader<number, PlanStanding>(
  'assets.standingOfPlan',
  async (context, planIds) => {
    const rows = await runKeyedSql<{
      plan_id: string;
      next_due_on: string | null;
      last_completed_on: string | null;
    }>(
      context.em,
      `SELECT s.plan_id,
              (min(s.next_due_on) FILTER (WHERE a.status <> ALL(?::text[])))::text AS next_due_on,
              max(s.last_completed_on)::text AS last_completed_on
         FROM maintenance_schedule s JOIN asset a ON a.id = s.asset_id
        WHERE s.plan_id = ANY(?)
        GROUP BY s.plan_id`,
      [[AssetStatus.RETIRED, AssetStatus.LOST], planIds],
    );
    const byPlan = new Map(rows.map((row) => [Number(row.plan_id), row]));
    return planIds.map((id) => ({
      nextDueOn: byPlan.get(id)?.next_due_on ?? null,
      lastCompletedOn: byPlan.get(id)?.last_completed_on ?? null,
    }));
  },
);

export const maintenancePlanRows = rowReader(MaintenancePlan);
export const workOrderRows = rowReader(WorkOrder);
