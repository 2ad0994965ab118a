import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { inTransaction, isUniqueViolation } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import type { CatalogService } from '../catalog/catalog.service';
import { addDays, today } from '../common/calendar-dates';
import type { Clock } from '../common/clock';
import { BusinessRuleError, refuse, UserErrorCode } from '../common/errors';
import { integerInRange, optionalText, requiredText } from '../common/input-rules';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import { posting, StandardAccount, type LedgerService } from '../ledger/ledger.service';
import { Asset, AssetStatus, AssetType } from './asset.entity';
import type { AssetService } from './asset.service';
import {
  MaintenancePlan,
  MaintenanceSchedule,
  OPEN_WORK_ORDER_STATUSES,
  WorkOrder,
  WorkOrderPart,
  WorkOrderStatus,
} from './maintenance.entity';
import type { MaintenanceMail } from './maintenance-mail';
import {
  checkedRrule,
  firstAfter,
  firstDueDay,
  occurrencesBetween,
  recurrenceOf,
  type Recurrence,
} from './maintenance-recurrence';

export interface MaintenancePlanDraft {
  name?: string | null;
  assetId?: number | null;
  assetType?: AssetType | null;
  rrule?: string | null;
  intervalDays?: number | null;
  startsOn?: string | null;
  instructions: string;
  estimatedLabourMinutes?: number | null;
}

export interface MaintenancePlanChanges {
  maintenancePlanId: number;
  name?: string | null;
  instructions?: string | null;
  estimatedLabourMinutes?: number | null;
  active?: boolean | null;
}

export interface WorkOrderDraft {
  assetId: number;
  title: string;
  instructions?: string | null;
  dueOn?: string | null;
}

export interface WorkOrderCompletion {
  workOrderId: number;
  parts?: readonly { productId: number; quantity: number }[] | null;
  labourMinutes?: number | null;
  notes?: string | null;
}

/** What a scheduler run did: the work orders it opened, and the open ones it noted skips on. */
export interface SchedulerRun {
  opened: WorkOrder[];
  noted: WorkOrder[];
}

const MAX_PARTS = 50;
const MAX_UNITS = 100_000;
const MAX_LABOUR_MINUTES = 100_000;
/** Assets no plan opens work orders for. */
const OUT_OF_SERVICE: readonly AssetStatus[] = [AssetStatus.RETIRED, AssetStatus.LOST];

const field = (...path: (string | number)[]) => ['input', ...path.map(String)];
const dayOf = (at: Date) => at.toISOString().slice(0, 10);

function calendarDate(value: string | null | undefined, path: string[]): string | null {
  if (value == null) return null;
  if (!isCalendarDate(value)) refuse(UserErrorCode.INVALID_INPUT, 'Not a date (YYYY-MM-DD)', path);
  return value;
}

/** Runs `work`, reporting its refusals on the caller's own input field. */
async function onField<T>(path: string[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BusinessRuleError)
      throw new BusinessRuleError(error.code, error.message, path);
    throw error;
  }
}

/**
 * Maintenance plans, their schedules and work orders. The rules a maintainer must keep:
 * - at most one work order per plan and asset is open (`work_order_one_open`); the scheduler
 *   opens one for the latest occurrence due and notes the earlier ones as skipped, and while one
 *   is open it notes the occurrences that fall due on it instead of opening more;
 * - every change of a plan's work order for an asset happens under the row lock of its
 *   `maintenance_schedule` row, taken first, so a scheduler run, a completion and a cancellation
 *   of the same plan and asset queue behind each other; locks are then taken in the order work
 *   order → asset (through AssetService) → stock (through the catalog) → ledger accounts;
 * - closing a plan's work order (completed or cancelled) covers the occurrences due up to that
 *   day (noted as skipped on it); the next due day of an interval plan counts from that day;
 * - an asset's status changes only through AssetService: a started work order takes a shelf
 *   asset IN_MAINTENANCE, and it comes back when its last work order in progress is closed;
 * - a completion takes its parts from stock through the catalog and posts its cost to the ledger
 *   in the same transaction; an opening writes its events and queues its staff mail in its own.
 */
export class MaintenanceService {
  private mail: MaintenanceMail | undefined;

  constructor(
    private readonly assets: AssetService,
    private readonly catalog: CatalogService,
    private readonly ledger: LedgerService,
    private readonly clock: Clock,
    /** The internal labour rate per hour, in minor units (MAINTENANCE_LABOUR_RATE). */
    private readonly labourRateMinor: bigint,
  ) {}

  /** Where opened work orders are announced to IT support (set where mail is configured). */
  notifyWith(mail: MaintenanceMail): void {
    this.mail = mail;
  }

  today(): string {
    return today(this.clock);
  }

  /** labourMinutes at the internal rate per hour, to the nearest minor unit. */
  labourCost(minutes: number): bigint {
    return (BigInt(minutes) * this.labourRateMinor + 30n) / 60n;
  }

  async createMaintenancePlan(
    { em }: RequestScope,
    viewer: Viewer,
    draft: MaintenancePlanDraft,
  ): Promise<{ maintenancePlan: MaintenancePlan }> {
    const instructions = requiredText(draft.instructions, field('instructions'), 4000);
    const name =
      draft.name == null
        ? instructions.split('\n')[0].trim().slice(0, 200)
        : requiredText(draft.name, field('name'), 200);
    if ((draft.assetId == null) === (draft.assetType == null))
      refuse(
        UserErrorCode.INVALID_INPUT,
        draft.assetId == null
          ? 'Give the asset (assetId) or the type of assets (assetType) it covers'
          : 'Give assetId or assetType, not both',
        field(draft.assetId == null ? 'assetId' : 'assetType'),
      );
    const startsOn = calendarDate(draft.startsOn, field('startsOn')) ?? this.today();
    if ((draft.rrule == null) === (draft.intervalDays == null))
      refuse(
        UserErrorCode.INVALID_INPUT,
        draft.rrule == null
          ? 'Give how it recurs: rrule or intervalDays'
          : 'Give rrule or intervalDays, not both',
        field(draft.rrule == null ? 'rrule' : 'intervalDays'),
      );
    const rrule = draft.rrule == null ? null : checkedRrule(draft.rrule, startsOn, field('rrule'));
    const intervalDays =
      draft.intervalDays == null
        ? null
        : integerInRange(draft.intervalDays, field('intervalDays'), 1, 3660);
    const estimatedLabourMinutes =
      draft.estimatedLabourMinutes == null
        ? null
        : integerInRange(
            draft.estimatedLabourMinutes,
            field('estimatedLabourMinutes'),
            0,
            MAX_LABOUR_MINUTES,
          );
    return inTransaction(em, async (tx) => {
      let asset: Asset | null = null;
      if (draft.assetId != null) {
        asset = await this.assets.requireAsset(tx, draft.assetId, field('assetId'));
        if (OUT_OF_SERVICE.includes(asset.status))
          refuse(
            UserErrorCode.ASSET_UNAVAILABLE,
            `${asset.tag} is ${asset.status}: it takes no maintenance plan`,
            field('assetId'),
          );
      }
      const now = this.clock.now();
      const plan = tx.create(MaintenancePlan, {
        name,
        asset,
        assetType: asset === null ? (draft.assetType ?? null) : null,
        rrule,
        intervalDays,
        startsOn,
        instructions,
        estimatedLabourMinutes,
        createdById: viewer.employeeId,
        createdAt: now,
        updatedAt: now,
      });
      await tx.flush();
      const recurrence = recurrenceOf(plan);
      const covered =
        asset !== null
          ? [asset]
          : await tx.find(
              Asset,
              { type: plan.assetType ?? undefined, status: { $nin: [...OUT_OF_SERVICE] } },
              { orderBy: { id: 'asc' } },
            );
      for (const each of covered)
        tx.create(MaintenanceSchedule, {
          plan,
          asset: each,
          nextDueOn: firstDueDay(recurrence, startsOn, dayOf(each.createdAt)),
          updatedAt: now,
        });
      await tx.flush();
      const described = {
        name,
        assetId: asset?.id ?? null,
        assetType: plan.assetType,
        rrule,
        intervalDays,
        startsOn,
      };
      await recordEvent(tx, {
        streamType: 'MaintenancePlan',
        streamId: plan.id,
        type: 'CREATED',
        payload: { ...described, assets: covered.length },
        actorId: viewer.employeeId,
      });
      if (asset !== null)
        await this.assets.recordHistory(tx, asset.id, 'MAINTENANCE_PLANNED', viewer.employeeId, {
          maintenancePlanId: plan.id,
          ...described,
        });
      return { maintenancePlan: plan };
    });
  }

  /**
   * Renames a plan, changes its instructions or estimate, or (de)activates it. What it covers and
   * how it recurs stay: a different schedule is a new plan.
   */
  async updateMaintenancePlan(
    { em }: RequestScope,
    viewer: Viewer,
    changes: MaintenancePlanChanges,
  ): Promise<{ maintenancePlan: MaintenancePlan }> {
    const name = changes.name == null ? null : requiredText(changes.name, field('name'), 200);
    const instructions =
      changes.instructions == null
        ? null
        : requiredText(changes.instructions, field('instructions'), 4000);
    const estimate =
      changes.estimatedLabourMinutes == null
        ? null
        : integerInRange(
            changes.estimatedLabourMinutes,
            field('estimatedLabourMinutes'),
            0,
            MAX_LABOUR_MINUTES,
          );
    return inTransaction(em, async (tx) => {
      const plan = await tx.findOne(
        MaintenancePlan,
        { id: changes.maintenancePlanId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!plan)
        refuse(UserErrorCode.NOT_FOUND, 'No such maintenance plan', field('maintenancePlanId'));
      const changed: Record<string, unknown> = {};
      if (name !== null && name !== plan.name) changed.name = plan.name = name;
      if (instructions !== null && instructions !== plan.instructions)
        changed.instructions = plan.instructions = instructions;
      if (estimate !== null && estimate !== plan.estimatedLabourMinutes)
        changed.estimatedLabourMinutes = plan.estimatedLabourMinutes = estimate;
      if (changes.active != null && changes.active !== plan.active)
        changed.active = plan.active = changes.active;
      if (Object.keys(changed).length === 0) return { maintenancePlan: plan };
      plan.version += 1;
      plan.updatedAt = this.clock.now();
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'MaintenancePlan',
        streamId: plan.id,
        type: 'UPDATED',
        payload: changed,
        actorId: viewer.employeeId,
      });
      return { maintenancePlan: plan };
    });
  }

  /** A work order opened by hand (after an IT ticket, say): OPEN, on no plan. */
  async createWorkOrder(
    { em }: RequestScope,
    viewer: Viewer,
    draft: WorkOrderDraft,
  ): Promise<{ workOrder: WorkOrder }> {
    const title = requiredText(draft.title, field('title'), 200);
    const instructions = optionalText(draft.instructions, field('instructions'), 4000);
    const dueOn = calendarDate(draft.dueOn, field('dueOn')) ?? this.today();
    return inTransaction(em, async (tx) => {
      const asset = await this.assets.requireAsset(tx, draft.assetId, field('assetId'));
      if (OUT_OF_SERVICE.includes(asset.status))
        refuse(
          UserErrorCode.ASSET_UNAVAILABLE,
          `${asset.tag} is ${asset.status}: it takes no work order`,
          field('assetId'),
        );
      const workOrder = await this.openWorkOrder(tx, {
        plan: null,
        asset,
        title,
        instructions,
        dueOn,
        skipped: [],
        actorId: viewer.employeeId,
      });
      return { workOrder };
    });
  }

  /** OPEN → IN_PROGRESS: a shelf asset goes IN_MAINTENANCE; an assigned one stays ASSIGNED. */
  async startWorkOrder(
    { em }: RequestScope,
    viewer: Viewer,
    workOrderId: number,
  ): Promise<{ workOrder: WorkOrder }> {
    return inTransaction(em, async (tx) => {
      const workOrder = await this.lockWorkOrder(tx, workOrderId);
      if (workOrder.status !== WorkOrderStatus.OPEN)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          `${workOrder.number} is ${workOrder.status}: only an OPEN work order starts`,
          field('workOrderId'),
        );
      const now = this.clock.now();
      workOrder.status = WorkOrderStatus.IN_PROGRESS;
      workOrder.startedAt = now;
      workOrder.startedById = viewer.employeeId;
      this.touch(workOrder);
      await tx.flush();
      const [asset] = await this.assets.lockAssets(tx, [workOrder.asset.id], field('workOrderId'));
      // An asset already out of service (another work order in progress) stays so.
      if (asset.status !== AssetStatus.IN_MAINTENANCE)
        await onField(field('workOrderId'), () =>
          this.assets.startMaintenance(tx, asset.id, viewer.employeeId, {
            workOrderId: workOrder.id,
            number: workOrder.number,
          }),
        );
      await recordEvent(tx, {
        streamType: 'WorkOrder',
        streamId: workOrder.id,
        type: 'STARTED',
        payload: { from: WorkOrderStatus.OPEN, to: WorkOrderStatus.IN_PROGRESS },
        actorId: viewer.employeeId,
      });
      return { workOrder };
    });
  }

  /**
   * OPEN or IN_PROGRESS → DONE, in one transaction: the parts leave stock through the catalog
   * (INSUFFICIENT_STOCK naming the part's line, and nothing is written), at the product's cost;
   * labour is costed at MAINTENANCE_LABOUR_RATE; the total is posted Dr 6150 Maintenance Expense
   * / Cr 1200 Inventory (parts) and Cr 6000 Salaries Expense (labour), with no entry at zero.
   */
  async completeWorkOrder(
    { em }: RequestScope,
    viewer: Viewer,
    completion: WorkOrderCompletion,
  ): Promise<{ workOrder: WorkOrder }> {
    const parts = completion.parts ?? [];
    if (parts.length > MAX_PARTS)
      refuse(UserErrorCode.INVALID_INPUT, `At most ${MAX_PARTS} parts`, field('parts'));
    const seen = new Set<number>();
    const requests = parts.map((part, index) => {
      if (seen.has(part.productId))
        refuse(
          UserErrorCode.INVALID_INPUT,
          'A product is named twice: give its quantity once',
          field('parts', index, 'productId'),
        );
      seen.add(part.productId);
      return {
        productId: part.productId,
        quantity: integerInRange(part.quantity, field('parts', index, 'quantity'), 1, MAX_UNITS),
        field: field('parts', index),
      };
    });
    const labourMinutes = integerInRange(
      completion.labourMinutes ?? 0,
      field('labourMinutes'),
      0,
      MAX_LABOUR_MINUTES,
    );
    const notes = optionalText(completion.notes, field('notes'), 4000);
    const day = this.today();
    return inTransaction(em, async (tx) => {
      const { schedule, workOrder, recurrence } = await this.lockForClosing(
        tx,
        completion.workOrderId,
        'be completed',
      );
      const wasInProgress = workOrder.status === WorkOrderStatus.IN_PROGRESS;
      const assetId = workOrder.asset.id;
      const [asset] = await this.assets.lockAssets(tx, [assetId], field('workOrderId'));
      const issued = await this.catalog.issueStock(tx, {
        lines: requests,
        reason: `Work order ${workOrder.number} on ${asset.tag}`,
        actorId: viewer.employeeId,
      });
      let partsCostMinor = 0n;
      for (const line of issued) {
        partsCostMinor += BigInt(line.quantity) * line.unitCostMinor;
        tx.create(WorkOrderPart, {
          workOrder,
          product: line.productId,
          quantity: line.quantity,
          unitCostMinor: line.unitCostMinor,
        });
      }
      const labourCostMinor = this.labourCost(labourMinutes);
      const now = this.clock.now();
      workOrder.status = WorkOrderStatus.DONE;
      workOrder.startedAt ??= now;
      workOrder.startedById ??= viewer.employeeId;
      workOrder.completedAt = now;
      workOrder.completedById = viewer.employeeId;
      workOrder.labourMinutes = labourMinutes;
      workOrder.labourCostMinor = labourCostMinor;
      workOrder.partsCostMinor = partsCostMinor;
      workOrder.notes = notes;
      const skipped = schedule && recurrence ? this.close(schedule, recurrence, day, true) : [];
      if (skipped.length > 0)
        workOrder.skippedOccurrences = [...workOrder.skippedOccurrences, ...skipped];
      const totalMinor = partsCostMinor + labourCostMinor;
      if (totalMinor > 0n) workOrder.journalEntryId = await this.ledger.allocateEntryId(tx);
      this.touch(workOrder);
      await tx.flush();
      if (wasInProgress) await this.endMaintenanceIfLast(tx, workOrder, viewer.employeeId);
      const costs = {
        labourMinutes,
        labourCost: labourCostMinor.toString(),
        partsCost: partsCostMinor.toString(),
        total: totalMinor.toString(),
      };
      await recordEvent(tx, {
        streamType: 'WorkOrder',
        streamId: workOrder.id,
        type: 'COMPLETED',
        payload: {
          from: wasInProgress ? WorkOrderStatus.IN_PROGRESS : WorkOrderStatus.OPEN,
          to: WorkOrderStatus.DONE,
          parts: issued.map((line) => ({
            productId: line.productId,
            quantity: line.quantity,
            unitCost: line.unitCostMinor.toString(),
          })),
          ...costs,
          skipped,
        },
        actorId: viewer.employeeId,
      });
      await this.assets.recordHistory(tx, assetId, 'WORK_ORDER_COMPLETED', viewer.employeeId, {
        workOrderId: workOrder.id,
        number: workOrder.number,
        ...costs,
      });
      // The posting locks the ledger's accounts, the hottest rows: it runs last.
      if (workOrder.journalEntryId !== null) {
        const [expense, inventory, salaries] = await this.ledger.accountIdsOf(tx, [
          StandardAccount.MAINTENANCE_EXPENSE,
          StandardAccount.INVENTORY,
          StandardAccount.SALARIES_EXPENSE,
        ]);
        const lines = [{ accountId: expense, debitMinor: totalMinor, creditMinor: 0n }];
        if (partsCostMinor > 0n)
          lines.push({ accountId: inventory, debitMinor: 0n, creditMinor: partsCostMinor });
        // Internal labour is already paid (and expensed) through payroll: its cost is moved from
        // salaries to maintenance, not owed to anyone.
        if (labourCostMinor > 0n)
          lines.push({ accountId: salaries, debitMinor: 0n, creditMinor: labourCostMinor });
        await posting(field('workOrderId'), () =>
          this.ledger.post(tx, {
            entryId: workOrder.journalEntryId ?? undefined,
            date: day,
            memo: `Maintenance ${workOrder.number} on ${asset.tag}`,
            source: 'WORK_ORDER',
            actorId: viewer.employeeId,
            lines,
          }),
        );
      }
      return { workOrder };
    });
  }

  /** OPEN or IN_PROGRESS → CANCELLED; its plan's next due day counts from today. */
  async cancelWorkOrder(
    { em }: RequestScope,
    viewer: Viewer,
    input: { workOrderId: number; reason?: string | null },
  ): Promise<{ workOrder: WorkOrder }> {
    const reason = optionalText(input.reason, field('reason'), 1000);
    const day = this.today();
    return inTransaction(em, async (tx) => {
      const { schedule, workOrder, recurrence } = await this.lockForClosing(
        tx,
        input.workOrderId,
        'be cancelled',
      );
      const from = workOrder.status;
      workOrder.status = WorkOrderStatus.CANCELLED;
      workOrder.cancelledAt = this.clock.now();
      workOrder.cancelledById = viewer.employeeId;
      workOrder.cancelReason = reason;
      const skipped = schedule && recurrence ? this.close(schedule, recurrence, day, false) : [];
      if (skipped.length > 0)
        workOrder.skippedOccurrences = [...workOrder.skippedOccurrences, ...skipped];
      this.touch(workOrder);
      await tx.flush();
      if (from === WorkOrderStatus.IN_PROGRESS) {
        await this.assets.lockAssets(tx, [workOrder.asset.id], field('workOrderId'));
        await this.endMaintenanceIfLast(tx, workOrder, viewer.employeeId);
      }
      await recordEvent(tx, {
        streamType: 'WorkOrder',
        streamId: workOrder.id,
        type: 'CANCELLED',
        payload: { from, to: WorkOrderStatus.CANCELLED, reason, skipped },
        actorId: viewer.employeeId,
      });
      await this.assets.recordHistory(
        tx,
        workOrder.asset.id,
        'WORK_ORDER_CANCELLED',
        viewer.employeeId,
        { workOrderId: workOrder.id, number: workOrder.number, reason },
      );
      return { workOrder };
    });
  }

  /**
   * The scheduler, for `asOf` (today by the clock when omitted; never a later day): for every
   * active plan and each asset it covers that is in service, when an occurrence is due on or
   * before that day, opens a work order for the latest one and notes the earlier ones as
   * skipped, or, when one is open already, notes them on it. Each plan and asset is its own
   * transaction; a second run on the same day finds nothing due and changes nothing.
   */
  async runScheduler(
    { em }: RequestScope,
    input: { asOf?: string | null } = {},
  ): Promise<SchedulerRun> {
    const todayDay = this.today();
    const asOf = calendarDate(input.asOf, field('asOf')) ?? todayDay;
    if (asOf > todayDay)
      refuse(
        UserErrorCode.INVALID_INPUT,
        `A run handles days that have come: ${todayDay} or earlier`,
        field('asOf'),
      );
    await this.addMissingSchedules(em);
    const due = await runSql<{ plan_id: string; asset_id: string }>(
      em,
      `SELECT s.plan_id, s.asset_id FROM maintenance_schedule s
         JOIN maintenance_plan p ON p.id = s.plan_id
         JOIN asset a ON a.id = s.asset_id
        WHERE p.active AND s.next_due_on <= ? AND a.status <> ALL(?::text[])
        ORDER BY s.plan_id, s.asset_id`,
      [asOf, OUT_OF_SERVICE],
    );
    const run: SchedulerRun = { opened: [], noted: [] };
    for (const row of due) {
      const planId = Number(row.plan_id);
      const assetId = Number(row.asset_id);
      const attempt = () => inTransaction(em, (tx) => this.handleDue(tx, planId, assetId, asOf));
      let outcome: Awaited<ReturnType<typeof attempt>>;
      try {
        outcome = await attempt();
      } catch (error) {
        // Another writer opened the plan's work order for this asset first: the next attempt,
        // under the schedule's lock, sees it and notes the occurrences on it instead.
        if (!isUniqueViolation(error, 'work_order_one_open')) throw error;
        outcome = await attempt();
      }
      if (outcome?.opened) run.opened.push(outcome.opened);
      if (outcome?.noted) run.noted.push(outcome.noted);
    }
    return run;
  }

  /**
   * Schedule rows for the assets that plans cover and have none yet: assets of a plan's type
   * recorded (or found again) since the plan was made.
   */
  private async addMissingSchedules(em: EntityManager): Promise<void> {
    const missing = await runSql<{ plan_id: string; asset_id: string; created_at: Date }>(
      em,
      `SELECT p.id AS plan_id, a.id AS asset_id, a.created_at
         FROM maintenance_plan p JOIN asset a ON a.id = p.asset_id OR a.type = p.asset_type
        WHERE p.active AND a.status <> ALL(?::text[])
          AND NOT EXISTS (SELECT 1 FROM maintenance_schedule s
                           WHERE s.plan_id = p.id AND s.asset_id = a.id)
        ORDER BY p.id, a.id`,
      [OUT_OF_SERVICE],
    );
    if (missing.length === 0) return;
    const plans = new Map(
      (
        await em.find(MaintenancePlan, {
          id: { $in: [...new Set(missing.map((row) => Number(row.plan_id)))] },
        })
      ).map((plan) => [plan.id, plan]),
    );
    const rows = missing.map((row) => {
      const plan = plans.get(Number(row.plan_id));
      if (!plan) throw new Error(`maintenance plan ${row.plan_id} vanished`);
      return [
        Number(row.plan_id),
        Number(row.asset_id),
        firstDueDay(recurrenceOf(plan), plan.startsOn, dayOf(new Date(row.created_at))),
      ];
    });
    await inTransaction(em, (tx) =>
      runSql(
        tx,
        `INSERT INTO maintenance_schedule (plan_id, asset_id, next_due_on, updated_at)
         SELECT v.plan_id, v.asset_id, v.next_due_on, ? FROM unnest(?::bigint[], ?::bigint[], ?::date[])
             AS v(plan_id, asset_id, next_due_on)
         ON CONFLICT DO NOTHING`,
        [
          this.clock.now(),
          rows.map((row) => row[0]),
          rows.map((row) => row[1]),
          rows.map((row) => row[2]),
        ],
      ),
    );
  }

  /** One plan and asset, under its schedule's lock. */
  private async handleDue(
    tx: EntityManager,
    planId: number,
    assetId: number,
    asOf: string,
  ): Promise<{ opened?: WorkOrder; noted?: WorkOrder } | null> {
    const schedule = await this.lockSchedule(tx, planId, assetId);
    const dueFrom = schedule?.nextDueOn ?? null;
    if (!schedule || dueFrom === null || dueFrom > asOf) return null;
    // Shared: a deactivation waits for this run to finish, and this run sees one that committed.
    const plan = await tx.findOne(
      MaintenancePlan,
      { id: planId },
      { lockMode: LockMode.PESSIMISTIC_READ },
    );
    if (!plan?.active) return null;
    const asset = await this.assets.requireAsset(tx, assetId, null);
    if (OUT_OF_SERVICE.includes(asset.status)) return null;
    const recurrence = recurrenceOf(plan);
    const due =
      recurrence.kind === 'rrule' ? occurrencesBetween(recurrence.rule, dueFrom, asOf) : [dueFrom];
    // An RRULE waits for its next occurrence; an interval plan for the work order's completion.
    schedule.nextDueOn = recurrence.kind === 'rrule' ? firstAfter(recurrence.rule, asOf) : null;
    schedule.updatedAt = this.clock.now();
    if (due.length === 0) return null;
    const open = await tx.findOne(
      WorkOrder,
      { plan: planId, asset: assetId, status: { $in: [...OPEN_WORK_ORDER_STATUSES] } },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (open) {
      open.skippedOccurrences = [...open.skippedOccurrences, ...due];
      this.touch(open);
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'WorkOrder',
        streamId: open.id,
        type: 'OCCURRENCES_SKIPPED',
        payload: { skipped: due },
        actorId: null,
      });
      return { noted: open };
    }
    const opened = await this.openWorkOrder(tx, {
      plan,
      asset,
      title: plan.name,
      instructions: plan.instructions,
      dueOn: due[due.length - 1],
      skipped: due.slice(0, -1),
      actorId: null,
    });
    await this.mail?.workOrderOpened(tx, opened, asset);
    return { opened };
  }

  /** Writes a new OPEN work order, its number from the id sequence, and its two events. */
  private async openWorkOrder(
    tx: EntityManager,
    values: {
      plan: MaintenancePlan | null;
      asset: Asset;
      title: string;
      instructions: string | null;
      dueOn: string;
      skipped: string[];
      actorId: number | null;
    },
  ): Promise<WorkOrder> {
    const [{ id }] = await runSql<{ id: string }>(
      tx,
      "SELECT nextval(pg_get_serial_sequence('work_order', 'id')) AS id",
    );
    const now = this.clock.now();
    const workOrder = tx.create(WorkOrder, {
      id: Number(id),
      number: `WO-${id.padStart(6, '0')}`,
      plan: values.plan,
      asset: values.asset,
      title: values.title,
      instructions: values.instructions,
      dueOn: values.dueOn,
      skippedOccurrences: values.skipped,
      openedById: values.actorId,
      openedAt: now,
      updatedAt: now,
    });
    await tx.flush();
    const payload = {
      number: workOrder.number,
      maintenancePlanId: values.plan?.id ?? null,
      dueOn: values.dueOn,
      skipped: values.skipped,
    };
    await recordEvent(tx, {
      streamType: 'WorkOrder',
      streamId: workOrder.id,
      type: 'OPENED',
      payload: { ...payload, assetId: values.asset.id },
      actorId: values.actorId,
    });
    await this.assets.recordHistory(tx, values.asset.id, 'WORK_ORDER_OPENED', values.actorId, {
      workOrderId: workOrder.id,
      title: values.title,
      ...payload,
    });
    return workOrder;
  }

  /**
   * The locks a completion or cancellation takes, in the one order: the schedule of its plan and
   * asset (a plan's work order), then the work order, which must still be open.
   */
  private async lockForClosing(
    tx: EntityManager,
    workOrderId: number,
    action: string,
  ): Promise<{
    schedule: MaintenanceSchedule | null;
    workOrder: WorkOrder;
    recurrence: Recurrence | null;
  }> {
    const [found] = await runSql<{ plan_id: string | null; asset_id: string }>(
      tx,
      'SELECT plan_id, asset_id FROM work_order WHERE id = ?',
      [workOrderId],
    );
    if (!found) refuse(UserErrorCode.NOT_FOUND, 'No such work order', field('workOrderId'));
    const planId = found.plan_id === null ? null : Number(found.plan_id);
    const schedule =
      planId === null ? null : await this.lockSchedule(tx, planId, Number(found.asset_id));
    const workOrder = await this.lockWorkOrder(tx, workOrderId);
    if (!OPEN_WORK_ORDER_STATUSES.includes(workOrder.status))
      refuse(
        UserErrorCode.INVALID_TRANSITION,
        `${workOrder.number} is ${workOrder.status}: it cannot ${action}`,
        field('workOrderId'),
      );
    const plan = planId === null ? null : await tx.findOneOrFail(MaintenancePlan, { id: planId });
    return { schedule, workOrder, recurrence: plan === null ? null : recurrenceOf(plan) };
  }

  /**
   * A plan's work order closes on `day`: the occurrences due up to that day are covered by it
   * (answered, to be noted on it as skipped), and the next due day is the rule's next occurrence,
   * or, for an interval plan, `day` plus the interval.
   */
  private close(
    schedule: MaintenanceSchedule,
    recurrence: Recurrence,
    day: string,
    completed: boolean,
  ): string[] {
    let covered: string[] = [];
    if (recurrence.kind === 'interval') {
      schedule.nextDueOn = addDays(day, recurrence.days);
    } else if (schedule.nextDueOn !== null && schedule.nextDueOn <= day) {
      covered = occurrencesBetween(recurrence.rule, schedule.nextDueOn, day);
      schedule.nextDueOn = firstAfter(recurrence.rule, day);
    }
    if (completed) schedule.lastCompletedOn = day;
    schedule.updatedAt = this.clock.now();
    return covered;
  }

  /** The asset leaves maintenance when no other work order of it is in progress (asset locked). */
  private async endMaintenanceIfLast(
    tx: EntityManager,
    workOrder: WorkOrder,
    actorId: number,
  ): Promise<void> {
    const others = await tx.count(WorkOrder, {
      asset: workOrder.asset.id,
      status: WorkOrderStatus.IN_PROGRESS,
      id: { $ne: workOrder.id },
    });
    if (others > 0) return;
    await this.assets.endMaintenance(tx, workOrder.asset.id, actorId, {
      workOrderId: workOrder.id,
      number: workOrder.number,
    });
  }

  private lockSchedule(
    tx: EntityManager,
    planId: number,
    assetId: number,
  ): Promise<MaintenanceSchedule | null> {
    return tx.findOne(
      MaintenanceSchedule,
      { plan: planId, asset: assetId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
  }

  private async lockWorkOrder(tx: EntityManager, workOrderId: number): Promise<WorkOrder> {
    const workOrder = await tx.findOne(
      WorkOrder,
      { id: workOrderId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!workOrder) refuse(UserErrorCode.NOT_FOUND, 'No such work order', field('workOrderId'));
    return workOrder;
  }

  private touch(workOrder: WorkOrder): void {
    workOrder.version += 1;
    workOrder.updatedAt = this.clock.now();
  }
}
