import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  checkIdempotencyKey,
  earlierResult,
  IDEMPOTENCY_KEY_REUSED_SQLSTATE,
  idempotencyKeyReused,
  requestHash,
} from '../../db/idempotency';
import { inTransaction, pgArray, retryingLostRaces, sqlState } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { Viewer } from '../common/viewer';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import type { CatalogService, StockRequest } from '../catalog/catalog.service';
import type { Product } from '../catalog/product.entity';
import { integerInRange, optionalText, requiredText } from '../common/input-rules';
import type { CustomerService } from '../customers/customer.service';
import { Order, OrderLine, OrderStatus } from './order.entity';
import { canTransition, ORDER_TRANSITIONS } from './order-process';
import { runLockingSql } from '../../db/sql';
import { type Row, findRowsById, rowMapper, selectListOf } from '../../read';
import type { RequestScope } from '../common/scope';

export interface OrderLineDraft {
  productId: number;
  quantity: number;
}

export interface OrderDraft {
  customerId: number;
  lines: OrderLineDraft[];
  note?: string | null;
  idempotencyKey?: string | null;
}

export interface OrderListFilter {
  status?: OrderStatus[] | null;
  customerId?: number | null;
  /** Placed on or after this day (UTC). */
  from?: string | null;
  /** Placed on or before this day (UTC). */
  to?: string | null;
}

/** Called inside the shipping transaction, so whatever it posts commits with the shipment. */
export interface ShipmentListener {
  orderShipped(tx: EntityManager, order: Order, lines: OrderLine[], actorId: number): Promise<void>;
}

/** An order line as documents print it: the product's name and SKU beside what was billed. */
export interface PrintedOrderLine {
  productName: string;
  sku: string;
  quantity: number;
  unitPriceMinor: bigint;
  totalMinor: bigint;
}

export const MAX_ORDER_LINES = 100;
const MAX_UNITS_PER_LINE = 10_000;
/** The idempotency keys of placeOrder. */
const SCOPE = 'placeOrder';

/**
 * The PLACED event's payload, but for the order's number, which `order_place` adds when the
 * sequence gives it: `{ number, customerId, status, total }`, the total in minor units as a
 * string, as the order's `total_minor` (the same sum, of the same prices, in the database).
 */
function placedPayload(
  customerId: number,
  lines: readonly { product: Row<Product>; quantity: number }[],
): Record<string, unknown> {
  const total = lines.reduce(
    (sum, { product, quantity }) => sum + BigInt(quantity) * BigInt(product.priceMinor),
    0n,
  );
  return { customerId, status: OrderStatus.PLACED, total: total.toString() };
}

type TransitionDetails =
  | { to: OrderStatus.PICKING | OrderStatus.PACKED | OrderStatus.DELIVERED }
  | { to: OrderStatus.SHIPPED; carrier: string; trackingNumber: string }
  | { to: OrderStatus.CANCELLED; reason: string };

export class OrderService {
  private shipmentListener: ShipmentListener | undefined;

  constructor(
    private readonly customers: CustomerService,
    private readonly catalog: CatalogService,
  ) {}

  /** The ledger registers here to invoice shipped orders (it is built after this service). */
  onShipment(listener: ShipmentListener): void {
    this.shipmentListener = listener;
  }

  /** Places an order and reserves stock for every line, or for none. */
  async placeOrder(
    { em }: RequestScope,
    viewer: Viewer,
    draft: OrderDraft,
  ): Promise<{ order: Order }> {
    if (draft.lines.length === 0 || draft.lines.length > MAX_ORDER_LINES) {
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `An order has 1 to ${MAX_ORDER_LINES} lines`,
        ['input', 'lines'],
      );
    }
    draft.lines.forEach((line, index) =>
      integerInRange(
        line.quantity,
        ['input', 'lines', String(index), 'quantity'],
        1,
        MAX_UNITS_PER_LINE,
      ),
    );
    const note = optionalText(draft.note, ['input', 'note'], 2000);
    const key = draft.idempotencyKey ?? null;
    if (key !== null) checkIdempotencyKey(key);
    const hash = requestHash({ customerId: draft.customerId, lines: draft.lines, note });

    let lines: { product: Row<Product>; quantity: number }[];
    try {
      lines = await this.checkedLines(em, draft);
    } catch (error) {
      // A repeat of a request that was placed answers with its order, whatever changed since.
      if (key === null || !(error instanceof BusinessRuleError)) throw error;
      const earlier = await earlierResult(em, SCOPE, key, hash);
      if (earlier === undefined) throw error;
      return { order: await this.placedOrder(em, Number(earlier)) };
    }
    // The part that holds locks is one statement, a transaction of its own (no BEGIN and COMMIT
    // round trips): `order_place` writes the order, its lines at these prices, the stock
    // reservation and the PLACED event; `order_place_once` first claims the idempotency key and
    // records the order under it (see ./sql/).
    const requests: StockRequest[] = lines.map(({ product, quantity }, index) => ({
      productId: product.id,
      quantity,
      field: ['input', 'lines', String(index), 'quantity'],
    }));
    const column = (pick: (line: (typeof lines)[number]) => number | bigint) =>
      pgArray(lines.map(pick));
    const orderArguments = [
      draft.customerId,
      note,
      viewer.employeeId,
      column((line) => line.product.id),
      column((line) => line.quantity),
      column((line) => line.product.priceMinor),
      column((line) => line.product.costMinor),
      JSON.stringify(placedPayload(draft.customerId, lines)),
    ];
    const orderParameters = '?, ?, ?, ?::bigint[], ?::int[], ?::bigint[], ?::bigint[], ?::jsonb';
    try {
      const [placed] = await retryingLostRaces(() =>
        key === null
          ? runLockingSql(
              em,
              `SELECT ${selectListOf(em, Order)} FROM order_place(${orderParameters})`,
              orderArguments,
            )
          : runLockingSql(
              em,
              `SELECT ${selectListOf(em, Order)} FROM order_place_once(?, ?, ?, ${orderParameters})`,
              [SCOPE, key, hash, ...orderArguments],
            ),
      );
      return { order: rowMapper(em, Order)(placed) };
    } catch (error) {
      if (sqlState(error) === IDEMPOTENCY_KEY_REUSED_SQLSTATE) throw idempotencyKeyReused();
      throw this.catalog.outOfStock(error, requests) ?? error;
    }
  }

  /**
   * The customer and the products of a new order, checked: read before the statement that
   * places it, in one round trip, outside any transaction. Inside one they would be no safer:
   * nothing here is locked, and under READ COMMITTED each statement sees the latest commits.
   */
  private async checkedLines(
    em: EntityManager,
    draft: OrderDraft,
  ): Promise<{ product: Row<Product>; quantity: number }[]> {
    const [, products] = await Promise.all([
      this.customers.requireActive(em, draft.customerId, ['input', 'customerId']),
      this.catalog
        .findProducts(
          em,
          draft.lines.map((line) => line.productId),
        )
        .then((rows) => new Map(rows.map((product) => [product.id, product]))),
    ]);
    return draft.lines.map((line, index) => {
      const field = ['input', 'lines', String(index), 'productId'];
      const product = products.get(line.productId);
      if (!product) throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such product', field);
      if (!product.active)
        throw new BusinessRuleError(
          UserErrorCode.PRODUCT_UNAVAILABLE,
          `${product.sku} is not for sale`,
          field,
        );
      return { product, quantity: line.quantity };
    });
  }

  /** A committed order, as a plain row, for a mutation's payload. */
  private async placedOrder(em: EntityManager, id: number): Promise<Row<Order>> {
    const [order] = await findRowsById(em, Order, [id]);
    if (!order) throw new Error(`order ${id} is missing after its transaction committed`);
    return order;
  }

  startPicking({ em }: RequestScope, viewer: Viewer, orderId: number) {
    return this.transition(em, viewer, orderId, { to: OrderStatus.PICKING });
  }

  pack({ em }: RequestScope, viewer: Viewer, orderId: number) {
    return this.transition(em, viewer, orderId, { to: OrderStatus.PACKED });
  }

  ship(
    { em }: RequestScope,
    viewer: Viewer,
    orderId: number,
    carrier: string,
    trackingNumber: string,
  ) {
    return this.transition(em, viewer, orderId, {
      to: OrderStatus.SHIPPED,
      carrier: requiredText(carrier, ['input', 'carrier'], 100),
      trackingNumber: requiredText(trackingNumber, ['input', 'trackingNumber'], 100),
    });
  }

  deliver({ em }: RequestScope, viewer: Viewer, orderId: number) {
    return this.transition(em, viewer, orderId, { to: OrderStatus.DELIVERED });
  }

  cancel({ em }: RequestScope, viewer: Viewer, orderId: number, reason: string) {
    return this.transition(em, viewer, orderId, {
      to: OrderStatus.CANCELLED,
      reason: requiredText(reason, ['input', 'reason'], 1000),
    });
  }

  /** Moves an order along its process: checks the table, applies the stock effects, records the event. */
  private async transition(
    em: EntityManager,
    viewer: Viewer,
    orderId: number,
    details: TransitionDetails,
  ): Promise<{ order: Order }> {
    return inTransaction(em, async (tx) => {
      const order = await tx.findOne(
        Order,
        { id: orderId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!order)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such order', ['input', 'orderId']);
      const from = order.status;
      if (!canTransition(from, details.to)) {
        const allowed = ORDER_TRANSITIONS[from];
        throw new BusinessRuleError(
          UserErrorCode.INVALID_TRANSITION,
          `Order ${order.number} is ${from} and cannot become ${details.to}` +
            (allowed.length ? ` (next: ${allowed.join(', ')})` : ' (it is final)'),
          ['input', 'orderId'],
        );
      }
      const now = new Date();
      const payload: Record<string, unknown> = {
        from,
        to: details.to,
        customerId: order.customer.id,
        number: order.number,
      };
      if (details.to === OrderStatus.CANCELLED || details.to === OrderStatus.SHIPPED) {
        const lines = await tx.find(OrderLine, { order: order.id }, { orderBy: { lineNo: 'asc' } });
        const requests = lines.map((line) => ({
          productId: line.product.id,
          quantity: line.quantity,
          field: ['input', 'orderId'],
        }));
        if (details.to === OrderStatus.CANCELLED) {
          await this.catalog.releaseForOrder(tx, requests, order.id, viewer.employeeId);
          order.cancelReason = payload.reason = details.reason;
          order.cancelledAt = now;
        } else {
          await this.catalog.shipForOrder(tx, requests, order.id, viewer.employeeId);
          order.carrier = payload.carrier = details.carrier;
          order.trackingNumber = payload.trackingNumber = details.trackingNumber;
          order.shippedAt = now;
          await this.shipmentListener?.orderShipped(tx, order, lines, viewer.employeeId);
        }
      }
      if (details.to === OrderStatus.DELIVERED) order.deliveredAt = now;
      order.status = details.to;
      order.updatedAt = now;
      await recordEvent(tx, {
        streamType: 'Order',
        streamId: order.id,
        type: 'STATUS_CHANGED',
        payload,
        actorId: viewer.employeeId,
      });
      return { order };
    });
  }

  /**
   * An order that exists, read as a plain row (checked, not changed): how other modules (the
   * support desk) reach an order.
   */
  async requireExisting(tx: EntityManager, id: number, fieldPath: string[]): Promise<Row<Order>> {
    const [order] = await findRowsById(tx, Order, [id]);
    if (!order) throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such order', fieldPath);
    return order;
  }

  /** An order's lines in order, with each product's name and SKU (read, not changed). */
  async printedLines(em: EntityManager, orderId: number): Promise<PrintedOrderLine[]> {
    const lines = await em.find(OrderLine, { order: orderId }, { orderBy: { lineNo: 'asc' } });
    const products = new Map(
      (await this.catalog.findProducts(em, [...new Set(lines.map((l) => l.product.id))])).map(
        (product) => [product.id, product],
      ),
    );
    return lines.map((line) => {
      const product = products.get(line.product.id);
      return {
        productName: product?.name ?? `Product ${line.product.id}`,
        sku: product?.sku ?? '',
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor,
        totalMinor: line.totalMinor,
      };
    });
  }

  listWhere(filter: OrderListFilter | null | undefined): Record<string, unknown> {
    const where: Record<string, unknown> = {};
    if (filter?.status?.length) where.status = { $in: filter.status };
    if (filter?.customerId != null) where.customer = filter.customerId;
    const createdAt: Record<string, Date> = {};
    if (filter?.from) createdAt.$gte = new Date(`${filter.from}T00:00:00.000Z`);
    if (filter?.to)
      createdAt.$lt = new Date(new Date(`${filter.to}T00:00:00.000Z`).getTime() + 86_400_000);
    if (Object.keys(createdAt).length) where.createdAt = createdAt;
    return where;
  }
}
