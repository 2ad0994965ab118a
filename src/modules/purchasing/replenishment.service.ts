import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  checkIdempotencyKey,
  claimIdempotencyKey,
  completeIdempotencyKey,
  earlierResult,
  idempotencyKeyReused,
  requestHash,
} from '../../db/idempotency';
import { runSql } from '../../db/sql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import type { CatalogService } from '../catalog/catalog.service';
import type { ReceivablesService } from '../ledger/receivables.service';
import { addDays, today } from '../common/calendar-dates';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import { integerInRange, refuseInput } from '../common/input-rules';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import {
  PurchaseOrder,
  PurchaseOrderOrigin,
  PurchaseOrderStatus,
  ReorderRule,
  type ReplenishmentProposal,
} from './purchase-order.entity';
import type { PurchaseOrderLineValues, PurchaseOrderService } from './purchase-order.service';

/** A reorder rule as a client sends it. */
export interface ReorderRuleDraft {
  productId: number;
  minimum: number;
  maximum: number;
  vendorId: number;
  leadTimeDays: number;
}

const MAX_UNITS = 1_000_000;
const MAX_LEAD_TIME_DAYS = 365;
const field = (name: string) => ['input', name];

/** Advisory lock namespaces (`pg_advisory_xact_lock(namespace, key)`). */
const RULE_LOCK = 0x72706c01; // per product: writes of its rule take turns
const VENDOR_RUN_LOCK = 0x72706c02; // per vendor: replenishment runs take turns

/** Takes the transaction's advisory lock on one id of a namespace. */
async function advisoryLock(tx: EntityManager, namespace: number, id: number): Promise<void> {
  await runSql(tx, 'SELECT pg_advisory_xact_lock(?::int, (?::bigint % 2147483647)::int)', [
    namespace,
    id,
  ]);
}

/** What a run reads of one rule: the rule, the stock, what is on order and the cost to propose. */
interface RuleSituation {
  product_id: string;
  minimum: number;
  maximum: number;
  lead_time_days: number;
  on_hand: number;
  reserved: number;
  on_order: number;
  unit_cost_minor: string;
}

/**
 * The rules of one vendor's active products, with what each product has on hand, reserved and on
 * order, and the unit cost a proposal uses. Values: the vendor, then the replenishment origin and
 * the draft status (twice), then the statuses counted as on order.
 * - On order: what is still expected (quantity − received, never below 0) on orders that are
 *   APPROVED or PARTIALLY_RECEIVED, or DRAFT and written by a person. Replenishment drafts are
 *   left out: they are what the run recomputes.
 * - Unit cost: the product's latest (highest id) line on an order from this vendor that is not
 *   cancelled and not a replenishment draft; the product's cost when there is none.
 */
const SITUATIONS = `
  SELECT r.product_id, r.minimum, r.maximum, r.lead_time_days,
         coalesce(s.on_hand, 0) AS on_hand, coalesce(s.reserved, 0) AS reserved,
         coalesce(o.on_order, 0) AS on_order,
         coalesce(c.unit_cost_minor, p.cost_minor) AS unit_cost_minor
    FROM reorder_rule r
    JOIN product p ON p.id = r.product_id
    LEFT JOIN stock_level s ON s.product_id = r.product_id
    LEFT JOIN LATERAL (
      SELECT sum(greatest(l.quantity - l.received_quantity, 0))::int AS on_order
        FROM purchase_order_line l JOIN purchase_order po ON po.id = l.purchase_order_id
       WHERE l.product_id = r.product_id AND po.status = ANY(?)
         AND NOT (po.origin = ? AND po.status = ?)) o ON true
    LEFT JOIN LATERAL (
      SELECT l.unit_cost_minor
        FROM purchase_order_line l JOIN purchase_order po ON po.id = l.purchase_order_id
       WHERE l.product_id = r.product_id AND po.vendor_id = r.vendor_id
         AND po.status <> ? AND NOT (po.origin = ? AND po.status = ?)
       ORDER BY po.id DESC LIMIT 1) c ON true
   WHERE r.vendor_id = ? AND p.active
   ORDER BY r.product_id`;

const { DRAFT, APPROVED, PARTIALLY_RECEIVED, CANCELLED } = PurchaseOrderStatus;
const { REPLENISHMENT } = PurchaseOrderOrigin;
/** Orders whose lines still expect deliveries (replenishment drafts are then left out). */
const ON_ORDER_STATUSES = [DRAFT, APPROVED, PARTIALLY_RECEIVED];

/** The line a rule proposes: the maximum less the position, when the position is below the minimum. */
function proposedLine(rule: RuleSituation, asOf: string): PurchaseOrderLineValues | null {
  const position = rule.on_hand - rule.reserved + rule.on_order;
  if (position >= rule.minimum) return null;
  const proposal: ReplenishmentProposal = {
    asOf,
    onHand: rule.on_hand,
    reserved: rule.reserved,
    onOrder: rule.on_order,
    minimum: rule.minimum,
    maximum: rule.maximum,
    proposed: rule.maximum - position,
  };
  return {
    productId: Number(rule.product_id),
    quantity: proposal.proposed,
    unitCostMinor: BigInt(rule.unit_cost_minor),
    expectedDate: addDays(asOf, rule.lead_time_days),
    proposal,
  };
}

/** Whether a draft's lines already say what the proposals say (products, quantities, costs, dates). */
function sameLines(
  current: readonly PurchaseOrderLineValues[],
  proposed: readonly PurchaseOrderLineValues[],
): boolean {
  const key = (line: PurchaseOrderLineValues) =>
    `${line.productId}:${line.quantity}:${line.unitCostMinor}:${line.expectedDate ?? ''}`;
  const sorted = (lines: readonly PurchaseOrderLineValues[]) => lines.map(key).sort().join('|');
  return sorted(current) === sorted(proposed);
}

/** What an event records of a rule. */
function levelsOf(rule: ReorderRule) {
  return {
    minimum: rule.minimum,
    maximum: rule.maximum,
    vendorId: rule.vendor.id,
    leadTimeDays: rule.leadTimeDays,
  };
}

/**
 * Reorder rules and the replenishment run. The rules a maintainer must keep:
 * - a vendor has at most one replenishment draft (also a partial unique index); each vendor is
 *   replenished in a transaction of its own, under the vendor's advisory lock, so concurrent runs
 *   take turns per vendor and the later one finds the draft the earlier one wrote;
 * - the draft is locked, then the situation is read, so an approval or a receipt that committed
 *   meanwhile is counted;
 * - a draft whose lines already say what the run proposes is left alone: nothing is written and
 *   nothing is recorded, so a second run changes nothing (a line's `proposal` therefore shows the
 *   quantities seen when the line was last written);
 * - purchase orders are written only through PurchaseOrderService.
 */
export class ReplenishmentService {
  constructor(
    private readonly purchaseOrders: PurchaseOrderService,
    private readonly catalog: CatalogService,
    private readonly receivables: ReceivablesService,
    private readonly clock: Clock,
  ) {}

  /** Creates or replaces a product's reorder rule. */
  async setReorderRule(
    { em }: RequestScope,
    viewer: Viewer,
    draft: ReorderRuleDraft,
  ): Promise<ReorderRule> {
    const minimum = integerInRange(draft.minimum, field('minimum'), 0, MAX_UNITS);
    const maximum = integerInRange(draft.maximum, field('maximum'), 1, MAX_UNITS);
    if (maximum < minimum) refuseInput('The maximum is at least the minimum', field('maximum'));
    const leadTimeDays = integerInRange(
      draft.leadTimeDays,
      field('leadTimeDays'),
      0,
      MAX_LEAD_TIME_DAYS,
    );
    return inTransaction(em, async (tx) => {
      await advisoryLock(tx, RULE_LOCK, draft.productId);
      const [product] = await this.catalog.findProducts(tx, [draft.productId]);
      if (!product) refuse(UserErrorCode.NOT_FOUND, 'No such product', field('productId'));
      if (!product.active)
        refuse(
          UserErrorCode.PRODUCT_UNAVAILABLE,
          `${product.sku} is inactive: it is not replenished`,
          field('productId'),
        );
      if (!(await this.receivables.findVendor(tx, draft.vendorId)))
        refuse(UserErrorCode.NOT_FOUND, 'No such vendor', field('vendorId'));
      const values = { minimum, maximum, vendorId: draft.vendorId, leadTimeDays };
      const existing = await tx.findOne(ReorderRule, { product: product.id });
      const previous = existing ? levelsOf(existing) : null;
      if (existing && requestHash(previous) === requestHash(values)) return existing;
      const changes = {
        minimum,
        maximum,
        vendor: draft.vendorId,
        leadTimeDays,
        updatedAt: this.clock.now(),
      };
      const rule = existing
        ? tx.assign(existing, changes)
        : tx.create(ReorderRule, { product: product.id, ...changes });
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'ReorderRule',
        streamId: product.id,
        type: existing ? 'UPDATED' : 'CREATED',
        payload: { productId: product.id, sku: product.sku, ...values, previous },
        actorId: viewer.employeeId,
      });
      return rule;
    });
  }

  /** Removes a product's reorder rule; its line leaves the vendor's draft at the next run. */
  async removeReorderRule(
    { em }: RequestScope,
    viewer: Viewer,
    productId: number,
  ): Promise<{ productId: number }> {
    return inTransaction(em, async (tx) => {
      await advisoryLock(tx, RULE_LOCK, productId);
      const rule = await tx.findOne(ReorderRule, { product: productId });
      if (!rule)
        refuse(UserErrorCode.NOT_FOUND, 'This product has no reorder rule', field('productId'));
      const previous = levelsOf(rule);
      tx.remove(rule);
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'ReorderRule',
        streamId: productId,
        type: 'REMOVED',
        payload: { productId, previous },
        actorId: viewer.employeeId,
      });
      return { productId };
    });
  }

  /** Today by the clock (the daily run's day). */
  today(): string {
    return today(this.clock);
  }

  /**
   * The replenishment run for a day (today by default): every vendor with a rule or a
   * replenishment draft, one transaction each (see the class comment). Answers the drafts made,
   * changed or cancelled. With an idempotency key, a repeat answers the first run's drafts as
   * they are now; the key is recorded after the vendors' transactions, and a run that failed
   * before recording it is simply run again (a run is idempotent by itself).
   */
  async runReplenishment(
    { em }: RequestScope,
    input: { asOf?: string | null; idempotencyKey?: string | null },
  ): Promise<PurchaseOrder[]> {
    const asOf = input.asOf ?? this.today();
    if (!isCalendarDate(asOf)) refuseInput('Not a calendar date', field('asOf'));
    const key = input.idempotencyKey ?? null;
    const hash = requestHash({ asOf });
    if (key !== null) {
      checkIdempotencyKey(key);
      const earlier = await this.earlierRun(em, key, hash);
      if (earlier) return earlier;
    }
    const vendors = await runSql<{ vendor_id: string }>(
      em,
      `SELECT vendor_id FROM reorder_rule
       UNION SELECT vendor_id FROM purchase_order WHERE origin = ? AND status = ?
       ORDER BY 1`,
      [REPLENISHMENT, DRAFT],
    );
    const changed: PurchaseOrder[] = [];
    for (const { vendor_id } of vendors) {
      const draft = await inTransaction(em, (tx) =>
        this.replenishVendor(tx, Number(vendor_id), asOf),
      );
      if (draft) changed.push(draft);
    }
    if (key === null) return changed;
    return inTransaction(em, async (tx) => {
      const claim = await claimIdempotencyKey(tx, 'runReplenishment', key, hash);
      if (!claim.fresh) return this.ordersOf(tx, claim.resultId);
      const ids = JSON.stringify(changed.map((order) => order.id));
      await completeIdempotencyKey(tx, 'runReplenishment', key, ids);
      return changed;
    });
  }

  /** The drafts an earlier run with this key answered; refuses the key used with another day. */
  private async earlierRun(
    em: EntityManager,
    key: string,
    hash: string,
  ): Promise<PurchaseOrder[] | null> {
    const [used] = await runSql<{ request_hash: string }>(
      em,
      'SELECT request_hash FROM idempotency_key WHERE scope = ? AND key = ?',
      ['runReplenishment', key],
    );
    if (!used) return null;
    const resultId = await earlierResult(em, 'runReplenishment', key, hash);
    if (resultId === undefined) throw idempotencyKeyReused();
    return this.ordersOf(em, resultId);
  }

  private ordersOf(em: EntityManager, resultId: string): Promise<PurchaseOrder[]> {
    const ids = JSON.parse(resultId) as number[];
    return em.find(PurchaseOrder, { id: { $in: ids } }, { orderBy: { id: 'asc' } });
  }

  /** One vendor's draft brought in line with its rules; answers the draft when it changed. */
  private async replenishVendor(
    tx: EntityManager,
    vendorId: number,
    asOf: string,
  ): Promise<PurchaseOrder | null> {
    await advisoryLock(tx, VENDOR_RUN_LOCK, vendorId);
    const draft = await tx.findOne(
      PurchaseOrder,
      { vendor: vendorId, origin: REPLENISHMENT, status: DRAFT },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const situations = await runSql<RuleSituation>(tx, SITUATIONS, [
      ON_ORDER_STATUSES,
      REPLENISHMENT,
      DRAFT,
      CANCELLED,
      REPLENISHMENT,
      DRAFT,
      vendorId,
    ]);
    const lines = situations
      .map((situation) => proposedLine(situation, asOf))
      .filter((line): line is PurchaseOrderLineValues => line !== null);
    if (!draft) {
      if (lines.length === 0) return null;
      return this.purchaseOrders.createIn(tx, {
        vendorId,
        origin: REPLENISHMENT,
        lines,
        expectedDate: null,
        note: 'Proposed by replenishment from the reorder rules',
        actor: null,
      });
    }
    if (lines.length === 0)
      return this.purchaseOrders.withdrawReplenishmentDraftIn(
        tx,
        draft,
        `Nothing to replenish as of ${asOf}`,
      );
    if (sameLines(await this.linesOf(tx, draft.id), lines)) return null;
    await this.purchaseOrders.replaceDraftLinesIn(tx, draft, lines);
    return draft;
  }

  private async linesOf(tx: EntityManager, purchaseOrderId: number) {
    const rows = await runSql<{
      product_id: string;
      quantity: number;
      unit_cost_minor: string;
      expected_date: string | null;
    }>(
      tx,
      `SELECT product_id, quantity, unit_cost_minor,
              to_char(expected_date, 'YYYY-MM-DD') AS expected_date
         FROM purchase_order_line WHERE purchase_order_id = ?`,
      [purchaseOrderId],
    );
    return rows.map((row): PurchaseOrderLineValues => ({
      productId: Number(row.product_id),
      quantity: row.quantity,
      unitCostMinor: BigInt(row.unit_cost_minor),
      expectedDate: row.expected_date,
    }));
  }
}
