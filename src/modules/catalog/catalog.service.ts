import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, isUniqueViolation, sqlDetail, sqlState } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { Viewer } from '../common/viewer';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import {
  integerInRange,
  likePattern,
  nonNegativeAmount,
  optionalText,
  requiredText,
} from '../common/input-rules';
import { findRowsById, type Row } from '../../read';
import { Product, StockLevel, StockMovement, StockMovementKind } from './product.entity';
import type { RequestScope } from '../common/scope';

export interface ProductDraft {
  sku: string;
  name: string;
  price: string;
  cost?: string | null;
  description?: string | null;
  initialStock?: number | null;
}

export interface ProductChanges {
  name?: string | null;
  price?: string | null;
  cost?: string | null;
  description?: string | null;
  active?: boolean | null;
}

export interface ProductListFilter {
  search?: string | null;
  active?: boolean | null;
}

/** SQLSTATE with which `stock_reserve_for_order` refuses a shortage. */
const OUT_OF_STOCK_SQLSTATE = 'BD001';

/** Units of one product that an order line asks for; `field` names the line for errors. */
export interface StockRequest {
  productId: number;
  quantity: number;
  field: string[];
}

interface LockedStock {
  product_id: string;
  on_hand: number;
  reserved: number;
}

const MAX_UNITS = 1_000_000;
const field = (name: string) => ['input', name];

function skuTaken(): BusinessRuleError {
  return new BusinessRuleError(
    UserErrorCode.SKU_TAKEN,
    'Another product already uses this SKU',
    field('sku'),
  );
}

/** What each kind of movement does to on-hand and reserved units, per unit ordered. */
const MOVEMENT_EFFECT: Record<
  StockMovementKind.RELEASE | StockMovementKind.SHIPMENT,
  { onHand: number; reserved: number }
> = {
  [StockMovementKind.RELEASE]: { onHand: 0, reserved: -1 },
  [StockMovementKind.SHIPMENT]: { onHand: -1, reserved: -1 },
};

export class CatalogService {
  async createProduct(
    { em }: RequestScope,
    viewer: Viewer,
    draft: ProductDraft,
  ): Promise<{ product: Product }> {
    const sku = requiredText(draft.sku, field('sku'), 64).toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9._-]*$/.test(sku)) {
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'A SKU has letters, digits, dots, dashes and underscores',
        field('sku'),
      );
    }
    const values = {
      sku,
      name: requiredText(draft.name, field('name'), 200),
      description: optionalText(draft.description, field('description'), 4000),
      priceMinor: nonNegativeAmount(draft.price, field('price')),
      costMinor: draft.cost == null ? 0n : nonNegativeAmount(draft.cost, field('cost')),
    };
    const initialStock = integerInRange(
      draft.initialStock ?? 0,
      field('initialStock'),
      0,
      MAX_UNITS,
    );
    try {
      return await inTransaction(em, async (tx) => {
        if (await tx.count(Product, { sku })) throw skuTaken();
        const product = tx.create(Product, values);
        tx.create(StockLevel, { product, onHand: initialStock });
        await tx.flush();
        if (initialStock > 0) {
          tx.create(StockMovement, {
            product,
            kind: StockMovementKind.ADJUSTMENT,
            onHandDelta: initialStock,
            reservedDelta: 0,
            reason: 'Initial stock',
            actorId: viewer.employeeId,
          });
        }
        await recordEvent(tx, {
          streamType: 'Product',
          streamId: product.id,
          type: 'CREATED',
          payload: { sku, name: values.name, price: String(values.priceMinor), initialStock },
          actorId: viewer.employeeId,
        });
        return { product };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'product_sku_unique')) throw skuTaken();
      throw error;
    }
  }

  async updateProduct(
    { em }: RequestScope,
    viewer: Viewer,
    id: number,
    changes: ProductChanges,
  ): Promise<{ product: Product }> {
    return inTransaction(em, async (tx) => {
      const product = await tx.findOne(Product, { id });
      if (!product)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such product', field('id'));
      const changed: Record<string, unknown> = {};
      if (changes.name != null)
        changed.name = product.name = requiredText(changes.name, field('name'), 200);
      if (changes.description != null)
        changed.description = product.description = optionalText(
          changes.description,
          field('description'),
          4000,
        );
      if (changes.price != null)
        product.priceMinor = nonNegativeAmount(changes.price, field('price'));
      if (changes.cost != null) product.costMinor = nonNegativeAmount(changes.cost, field('cost'));
      if (changes.active != null) changed.active = product.active = changes.active;
      if (changes.price != null) changed.price = String(product.priceMinor);
      if (changes.cost != null) changed.cost = String(product.costMinor);
      await recordEvent(tx, {
        streamType: 'Product',
        streamId: product.id,
        type: 'UPDATED',
        payload: changed,
        actorId: viewer.employeeId,
      });
      return { product };
    });
  }

  /** Receives or writes off units. On-hand can never go below what is reserved. */
  async adjustStock(
    { em }: RequestScope,
    viewer: Viewer,
    productId: number,
    quantityDelta: number,
    reason: string,
  ): Promise<{ product: Product; stock: StockLevel }> {
    const note = requiredText(reason, field('reason'), 500);
    if (
      !Number.isSafeInteger(quantityDelta) ||
      quantityDelta === 0 ||
      Math.abs(quantityDelta) > MAX_UNITS
    ) {
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `A non-zero whole number of units, at most ${MAX_UNITS}`,
        field('quantityDelta'),
      );
    }
    return inTransaction(em, async (tx) => {
      const product = await tx.findOne(Product, { id: productId });
      if (!product)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such product', field('productId'));
      const [locked] = await this.lockStock(tx, [productId]);
      const onHand = (locked?.on_hand ?? 0) + quantityDelta;
      const reserved = locked?.reserved ?? 0;
      if (onHand < reserved || onHand > 2_000_000_000) {
        throw new BusinessRuleError(
          UserErrorCode.INSUFFICIENT_STOCK,
          `On hand would be ${onHand}, below the ${reserved} units reserved for orders`,
          field('quantityDelta'),
        );
      }
      await tx.nativeUpdate(
        StockLevel,
        { product: productId },
        { onHand, updatedAt: raw('now()') },
      );
      tx.create(StockMovement, {
        product,
        kind: StockMovementKind.ADJUSTMENT,
        onHandDelta: quantityDelta,
        reservedDelta: 0,
        reason: note,
        actorId: viewer.employeeId,
      });
      await recordEvent(tx, {
        streamType: 'Product',
        streamId: productId,
        type: 'STOCK_ADJUSTED',
        payload: { quantityDelta, reason: note, onHand, reserved },
        actorId: viewer.employeeId,
      });
      const stock = Object.assign(new StockLevel(), { product, onHand, reserved });
      return { product, stock };
    });
  }

  /**
   * The OUT_OF_STOCK refusal for a reservation that `stock_reserve_for_order` (the database
   * function that reserves an order's stock, in ./sql/) refused, on the first line that
   * asks for the short product; undefined for any other error.
   */
  outOfStock(error: unknown, requests: readonly StockRequest[]): BusinessRuleError | undefined {
    if (sqlState(error) !== OUT_OF_STOCK_SQLSTATE) return undefined;
    const shortage = JSON.parse(sqlDetail(error) ?? '{}') as {
      productId?: number;
      available?: number;
      requested?: number;
    };
    const request = requests.find((candidate) => candidate.productId === shortage.productId);
    return new BusinessRuleError(
      UserErrorCode.OUT_OF_STOCK,
      `Only ${shortage.available ?? 0} units available, ${shortage.requested ?? 0} requested`,
      request?.field,
    );
  }

  /** A product's id by SKU (any case), or null. */
  async productIdBySku(em: EntityManager, sku: string): Promise<number | null> {
    const product = await em.findOne(Product, { sku: sku.toUpperCase() }, { fields: ['id'] });
    return product?.id ?? null;
  }

  /** Products by id, as plain rows (read, not changed); missing ones are left out. */
  findProducts(em: EntityManager, ids: readonly number[]): Promise<Row<Product>[]> {
    return findRowsById(em, Product, ids);
  }

  /** Gives a cancelled order's reserved units back, inside the caller's transaction. */
  releaseForOrder(
    tx: EntityManager,
    requests: readonly StockRequest[],
    orderId: number,
    actorId: number | null,
  ): Promise<void> {
    return this.moveForOrder(tx, StockMovementKind.RELEASE, requests, orderId, actorId);
  }

  /** Takes a shipped order's reserved units off the shelf, inside the caller's transaction. */
  shipForOrder(
    tx: EntityManager,
    requests: readonly StockRequest[],
    orderId: number,
    actorId: number | null,
  ): Promise<void> {
    return this.moveForOrder(tx, StockMovementKind.SHIPMENT, requests, orderId, actorId);
  }

  /**
   * Takes units a vendor delivered into stock, inside the caller's transaction (purchasing's goods
   * receipt): on hand rises at once, so the units are available to the next order, each product
   * records a RECEIPT movement and a STOCK_RECEIVED event for stock readers. Rows are locked in
   * product-id order, as everywhere.
   */
  async receiveStock(
    tx: EntityManager,
    receipt: {
      goodsReceiptId: number;
      purchaseOrderId: number;
      lines: readonly { productId: number; quantity: number }[];
      actorId: number | null;
    },
  ): Promise<void> {
    const lines = receipt.lines.filter((line) => line.quantity > 0);
    if (lines.length === 0) return;
    await this.lockStock(
      tx,
      lines.map((line) => line.productId),
    );
    const levels = await tx.execute<LockedStock[]>(
      `UPDATE stock_level AS s
          SET on_hand = s.on_hand + v.quantity, updated_at = now()
         FROM (VALUES ${lines.map(() => '(?::bigint, ?::int)').join(', ')}) AS v(product_id, quantity)
        WHERE s.product_id = v.product_id
       RETURNING s.product_id, s.on_hand, s.reserved`,
      lines.flatMap((line) => [line.productId, line.quantity]),
    );
    const level = new Map(levels.map((row) => [Number(row.product_id), row]));
    for (const line of lines) {
      const after = level.get(line.productId);
      if (!after) throw new Error(`product ${line.productId} has no stock level`);
      tx.create(StockMovement, {
        product: tx.getReference(Product, line.productId),
        kind: StockMovementKind.RECEIPT,
        onHandDelta: line.quantity,
        reservedDelta: 0,
        reason: `Goods receipt ${receipt.goodsReceiptId}`,
        goodsReceiptId: receipt.goodsReceiptId,
        actorId: receipt.actorId,
      });
      await recordEvent(tx, {
        streamType: 'Product',
        streamId: line.productId,
        type: 'STOCK_RECEIVED',
        payload: {
          quantityDelta: line.quantity,
          onHand: after.on_hand,
          reserved: after.reserved,
          goodsReceiptId: receipt.goodsReceiptId,
          purchaseOrderId: receipt.purchaseOrderId,
        },
        actorId: receipt.actorId,
      });
    }
  }

  /**
   * Takes parts out of stock for maintenance, inside the caller's transaction (a completed work
   * order), one line per product: never below what is reserved for orders (INSUFFICIENT_STOCK
   * naming the line; the caller's transaction then writes nothing). Each product records a
   * MAINTENANCE movement and a STOCK_ISSUED event. Answers each line's unit cost: the product's
   * cost now. Rows are locked in product-id order, as everywhere.
   */
  async issueStock(
    tx: EntityManager,
    issue: { lines: readonly StockRequest[]; reason: string; actorId: number | null },
  ): Promise<{ productId: number; quantity: number; unitCostMinor: bigint }[]> {
    const { lines } = issue;
    if (lines.length === 0) return [];
    const products = new Map(
      (
        await findRowsById(
          tx,
          Product,
          lines.map((line) => line.productId),
        )
      ).map((product) => [product.id, product]),
    );
    for (const line of lines)
      if (!products.has(line.productId))
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such product', [
          ...line.field,
          'productId',
        ]);
    const locked = await this.lockStock(
      tx,
      lines.map((line) => line.productId),
    );
    const before = new Map(locked.map((row) => [Number(row.product_id), row]));
    for (const line of lines) {
      const stock = before.get(line.productId);
      const available = (stock?.on_hand ?? 0) - (stock?.reserved ?? 0);
      if (line.quantity > available)
        throw new BusinessRuleError(
          UserErrorCode.INSUFFICIENT_STOCK,
          `${products.get(line.productId)?.sku}: ${Math.max(available, 0)} units available (on hand less reserved for orders), ${line.quantity} asked`,
          line.field,
        );
    }
    const levels = await tx.execute<LockedStock[]>(
      `UPDATE stock_level AS s
          SET on_hand = s.on_hand - v.quantity, updated_at = now()
         FROM (VALUES ${lines.map(() => '(?::bigint, ?::int)').join(', ')}) AS v(product_id, quantity)
        WHERE s.product_id = v.product_id
       RETURNING s.product_id, s.on_hand, s.reserved`,
      lines.flatMap((line) => [line.productId, line.quantity]),
    );
    const after = new Map(levels.map((row) => [Number(row.product_id), row]));
    for (const line of lines) {
      const level = after.get(line.productId);
      tx.create(StockMovement, {
        product: tx.getReference(Product, line.productId),
        kind: StockMovementKind.MAINTENANCE,
        onHandDelta: -line.quantity,
        reservedDelta: 0,
        reason: issue.reason,
        actorId: issue.actorId,
      });
      await recordEvent(tx, {
        streamType: 'Product',
        streamId: line.productId,
        type: 'STOCK_ISSUED',
        payload: {
          quantityDelta: -line.quantity,
          onHand: level?.on_hand,
          reserved: level?.reserved,
          reason: issue.reason,
        },
        actorId: issue.actorId,
      });
    }
    return lines.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
      unitCostMinor: products.get(line.productId)?.costMinor ?? 0n,
    }));
  }

  /**
   * Releases or ships an order's reserved units inside the caller's transaction (placing reserves
   * them, in `stock_reserve_for_order`). Rows are locked in product-id order, as there, so
   * concurrent orders queue instead of deadlocking.
   */
  private async moveForOrder(
    tx: EntityManager,
    kind: StockMovementKind.RELEASE | StockMovementKind.SHIPMENT,
    requests: readonly StockRequest[],
    orderId: number,
    actorId: number | null,
  ): Promise<void> {
    const perProduct = new Map<number, StockRequest>();
    for (const request of requests) {
      const existing = perProduct.get(request.productId);
      perProduct.set(
        request.productId,
        existing ? { ...existing, quantity: existing.quantity + request.quantity } : { ...request },
      );
    }
    await this.lockStock(tx, [...perProduct.keys()]);
    const effect = MOVEMENT_EFFECT[kind];
    const values = [...perProduct.values()];
    await tx.execute(
      `UPDATE stock_level AS s
          SET on_hand = s.on_hand + v.quantity * ?, reserved = s.reserved + v.quantity * ?, updated_at = now()
         FROM (VALUES ${values.map(() => '(?::bigint, ?::int)').join(', ')}) AS v(product_id, quantity)
        WHERE s.product_id = v.product_id`,
      [effect.onHand, effect.reserved, ...values.flatMap((v) => [v.productId, v.quantity])],
    );
    for (const request of values) {
      tx.create(StockMovement, {
        product: tx.getReference(Product, request.productId),
        kind,
        onHandDelta: effect.onHand * request.quantity,
        reservedDelta: effect.reserved * request.quantity,
        orderId,
        actorId,
      });
    }
  }

  private lockStock(tx: EntityManager, productIds: number[]): Promise<LockedStock[]> {
    const sorted = [...productIds].sort((a, b) => a - b);
    return tx.execute<LockedStock[]>(
      `SELECT product_id, on_hand, reserved FROM stock_level WHERE product_id IN (${sorted.map(() => '?').join(', ')})
        ORDER BY product_id FOR UPDATE`,
      sorted,
    );
  }

  listWhere(filter: ProductListFilter | null | undefined): Record<string, unknown> {
    const where: Record<string, unknown> = {};
    if (filter?.active != null) where.active = filter.active;
    if (filter?.search?.trim()) {
      const pattern = likePattern(filter.search);
      where.$or = [{ sku: { $ilike: pattern } }, { name: { $ilike: pattern } }];
    }
    return where;
  }
}
