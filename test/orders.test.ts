import {
  AdjustStockDocument,
  CancelOrderDocument,
  DeliverOrderDocument,
  OrderWithHistoryDocument,
  OrdersDocument,
  PackOrderDocument,
  PlaceOrderDocument,
  ProductWithMovementsDocument,
  ShipOrderDocument,
  StartPickingDocument,
  UpdateCustomerDocument,
} from './generated/graphql';
import { createCustomer, createProduct, errorCode } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let admin: string;
let warehouse: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin@example.com');
  warehouse = await server.login('warehouse@example.com');
});

afterAll(async () => {
  await server?.close();
});

async function sql<T = Record<string, unknown>>(
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  return server.backdesk.database.orm.em.fork().getConnection().execute<T[]>(query, params);
}

async function stockOf(productId: string) {
  const result = await server.request(ProductWithMovementsDocument, { id: productId }, admin);
  return result.data?.product?.stock;
}

async function rowCounts() {
  const [row] = await sql<{
    orders: string;
    lines: string;
    events: string;
    movements: string;
    keys: string;
  }>(
    // Events of the mutations only: mailing a shipped order's invoice is a job that records its
    // own event (Invoice SENT) whenever it runs.
    `SELECT (SELECT count(*) FROM "order") AS orders, (SELECT count(*) FROM order_line) AS lines,
            (SELECT count(*) FROM event WHERE NOT (stream_type = 'Invoice' AND type = 'SENT')) AS events, (SELECT count(*) FROM stock_movement) AS movements,
            (SELECT count(*) FROM idempotency_key) AS keys`,
  );
  return row;
}

async function place(
  customerId: string,
  lines: { productId: string; quantity: number }[],
  extra: { idempotencyKey?: string; note?: string } = {},
) {
  return server.request(PlaceOrderDocument, { input: { customerId, lines, ...extra } }, admin);
}

describe('placing orders under concurrency', () => {
  it('200 concurrent one-unit orders for 50 units: exactly 50 succeed, 150 are OUT_OF_STOCK', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 50 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => place(customerId, [{ productId, quantity: 1 }])),
    );
    expect(results.filter((r) => r.errors).map((r) => r.errors)).toEqual([]);
    const placed = results.filter((r) => r.data?.placeOrder.order);
    const refused = results.filter((r) => r.data?.placeOrder.userErrors.length);
    expect(placed).toHaveLength(50);
    expect(refused).toHaveLength(150);
    for (const r of refused) {
      expect(r.data?.placeOrder.userErrors).toEqual([
        {
          code: 'OUT_OF_STOCK',
          field: ['input', 'lines', '0', 'quantity'],
          message: expect.any(String),
        },
      ]);
    }
    expect(await stockOf(productId)).toEqual({ onHand: 50, reserved: 50, available: 0 });
    const numbers = placed.map((r) => r.data?.placeOrder.order?.number);
    expect(new Set(numbers).size).toBe(50);
    expect(numbers.every((n) => /^SO-\d{6}$/.test(n ?? ''))).toBe(true);
  });

  it('multi-line orders in opposite line orders never deadlock and leave stock consistent', async () => {
    const customerId = await createCustomer(server, admin);
    const a = await createProduct(server, warehouse, { stock: 60 });
    const b = await createProduct(server, warehouse, { stock: 60 });
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        place(
          customerId,
          i % 2 === 0
            ? [
                { productId: a, quantity: 1 },
                { productId: b, quantity: 1 },
              ]
            : [
                { productId: b, quantity: 1 },
                { productId: a, quantity: 1 },
              ],
        ),
      ),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    const placed = results.filter((r) => r.data?.placeOrder.order).length;
    expect(placed).toBe(60);
    expect(await stockOf(a)).toEqual({ onHand: 60, reserved: 60, available: 0 });
    expect(await stockOf(b)).toEqual({ onHand: 60, reserved: 60, available: 0 });
    const [check] = await sql<{ mismatched: string }>(
      `SELECT count(*) AS mismatched FROM stock_level s
        WHERE s.reserved <> (SELECT coalesce(sum(l.quantity), 0) FROM order_line l JOIN "order" o ON o.id = l.order_id
                              WHERE l.product_id = s.product_id AND o.status IN ('PLACED', 'PICKING', 'PACKED'))`,
    );
    expect(check.mismatched).toBe('0');
  });

  it('reserves for all lines or none', async () => {
    const customerId = await createCustomer(server, admin);
    const plenty = await createProduct(server, warehouse, { stock: 10 });
    const scarce = await createProduct(server, warehouse, { stock: 1 });
    const result = await place(customerId, [
      { productId: plenty, quantity: 5 },
      { productId: scarce, quantity: 2 },
    ]);
    expect(result.data?.placeOrder.userErrors[0]).toMatchObject({
      code: 'OUT_OF_STOCK',
      field: ['input', 'lines', '1', 'quantity'],
    });
    expect(await stockOf(plenty)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await stockOf(scarce)).toEqual({ onHand: 1, reserved: 0, available: 1 });
  });
});

describe('idempotency', () => {
  it('returns the same order for the same key and reserves once, even when sent concurrently', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 20 });
    const input = { idempotencyKey: `key-${Date.now()}` };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => place(customerId, [{ productId, quantity: 3 }], input)),
    );
    const ids = new Set(results.map((r) => r.data?.placeOrder.order?.id));
    expect(results.flatMap((r) => r.data?.placeOrder.userErrors ?? [])).toEqual([]);
    expect(ids.size).toBe(1);
    expect(await stockOf(productId)).toEqual({ onHand: 20, reserved: 3, available: 17 });

    const again = await place(customerId, [{ productId, quantity: 3 }], input);
    expect(again.data?.placeOrder.order?.id).toBe([...ids][0]);
    const other = await place(customerId, [{ productId, quantity: 4 }], input);
    expect(other.data?.placeOrder.userErrors).toEqual([
      {
        code: 'IDEMPOTENCY_KEY_REUSED',
        field: ['input', 'idempotencyKey'],
        message: expect.any(String),
      },
    ]);
    expect(await stockOf(productId)).toEqual({ onHand: 20, reserved: 3, available: 17 });
  });

  it('answers a repeat with its order even after the customer or product changed', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 5 });
    const input = { idempotencyKey: `key-repeat-${Date.now()}` };
    const first = await place(customerId, [{ productId, quantity: 5 }], input);
    const orderId = first.data?.placeOrder.order?.id;
    expect(orderId).toBeTruthy();
    const deactivated = await server.request(
      UpdateCustomerDocument,
      { input: { id: customerId, status: 'INACTIVE' } },
      admin,
    );
    expect(deactivated.data?.updateCustomer.userErrors).toEqual([]);
    // A new order for this customer is refused; the repeat (now also out of stock) is not.
    expect(
      (await place(customerId, [{ productId, quantity: 1 }])).data?.placeOrder.userErrors[0].code,
    ).toBe('CUSTOMER_INACTIVE');
    const again = await place(customerId, [{ productId, quantity: 5 }], input);
    expect(again.data?.placeOrder).toMatchObject({ order: { id: orderId }, userErrors: [] });
    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 5, available: 0 });
  });
});

describe('fulfilment', () => {
  it('walks PLACED → PICKING → PACKED → SHIPPED → DELIVERED, moving stock and recording history', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 10, price: '12.50' });
    const placed = await place(customerId, [{ productId, quantity: 4 }], {
      note: 'Leave at the door',
    });
    const order = placed.data?.placeOrder.order;
    expect(order).toMatchObject({
      status: 'PLACED',
      nextStates: ['PICKING', 'CANCELLED'],
      total: { amount: '50.00', currency: 'USD' },
    });
    expect(order?.lines).toEqual([
      {
        quantity: 4,
        unitPrice: { amount: '12.50' },
        total: { amount: '50.00' },
        product: expect.objectContaining({ id: productId }),
      },
    ]);
    const orderId = order?.id as string;

    expect(
      (await server.request(StartPickingDocument, { input: { orderId } }, warehouse)).data
        ?.startPicking.order?.status,
    ).toBe('PICKING');
    expect(
      (await server.request(PackOrderDocument, { input: { orderId } }, warehouse)).data?.packOrder
        .order?.status,
    ).toBe('PACKED');
    const shipped = await server.request(
      ShipOrderDocument,
      { input: { orderId, carrier: 'DHL', trackingNumber: 'JD0123' } },
      warehouse,
    );
    expect(shipped.data?.shipOrder.order).toMatchObject({
      status: 'SHIPPED',
      carrier: 'DHL',
      trackingNumber: 'JD0123',
    });
    expect(await stockOf(productId)).toEqual({ onHand: 6, reserved: 0, available: 6 });
    expect(
      (await server.request(DeliverOrderDocument, { input: { orderId } }, warehouse)).data
        ?.deliverOrder.order?.status,
    ).toBe('DELIVERED');

    const history = (await server.request(OrderWithHistoryDocument, { id: orderId }, admin)).data
      ?.order?.history;
    expect(history?.map((h) => [h.type, (h.data as { to?: string }).to ?? null])).toEqual([
      ['PLACED', null],
      ['STATUS_CHANGED', 'PICKING'],
      ['STATUS_CHANGED', 'PACKED'],
      ['STATUS_CHANGED', 'SHIPPED'],
      ['STATUS_CHANGED', 'DELIVERED'],
    ]);
    // The PLACED event's payload: the service builds it, `order_place` adds the number.
    expect(history?.[0].data).toEqual({
      number: order?.number,
      customerId: Number(Buffer.from(customerId, 'base64url').toString().split(':')[1]),
      status: 'PLACED',
      total: '5000',
    });
    expect(history?.[0].actor?.email).toBe('admin@example.com');
    expect(history?.[1].actor?.email).toBe('warehouse@example.com');
  });

  it('refuses every illegal transition and changes nothing', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 10 });
    const orderId = (await place(customerId, [{ productId, quantity: 1 }])).data?.placeOrder.order
      ?.id as string;
    const mutations = {
      startPicking: () => server.request(StartPickingDocument, { input: { orderId } }, warehouse),
      packOrder: () => server.request(PackOrderDocument, { input: { orderId } }, warehouse),
      shipOrder: () =>
        server.request(
          ShipOrderDocument,
          { input: { orderId, carrier: 'UPS', trackingNumber: '1Z' } },
          warehouse,
        ),
      deliverOrder: () => server.request(DeliverOrderDocument, { input: { orderId } }, warehouse),
      cancelOrder: () =>
        server.request(CancelOrderDocument, { input: { orderId, reason: 'test' } }, warehouse),
    };
    type Name = keyof typeof mutations;
    const legal: Record<string, Name[]> = {
      PLACED: ['startPicking', 'cancelOrder'],
      PICKING: ['packOrder', 'cancelOrder'],
      PACKED: ['shipOrder', 'cancelOrder'],
      SHIPPED: ['deliverOrder'],
      DELIVERED: [],
    };
    const path: Name[] = ['startPicking', 'packOrder', 'shipOrder', 'deliverOrder'];
    for (const status of ['PLACED', 'PICKING', 'PACKED', 'SHIPPED', 'DELIVERED']) {
      for (const name of Object.keys(mutations) as Name[]) {
        if (legal[status].includes(name)) continue;
        const before = await rowCounts();
        const stockBefore = await stockOf(productId);
        const result = (await mutations[name]()) as {
          data?: Record<string, { userErrors: { code: string }[]; order: unknown }> | null;
        };
        expect([status, name, result.data?.[name]?.userErrors[0]?.code]).toEqual([
          status,
          name,
          'INVALID_TRANSITION',
        ]);
        expect(result.data?.[name]?.order).toBeNull();
        expect(await rowCounts()).toEqual(before);
        expect(await stockOf(productId)).toEqual(stockBefore);
      }
      const next = path.shift();
      if (next) expect((await mutations[next]()).errors).toBeUndefined();
    }
  });

  it('cancelling releases exactly what was reserved', async () => {
    const customerId = await createCustomer(server, admin);
    const a = await createProduct(server, warehouse, { stock: 10 });
    const b = await createProduct(server, warehouse, { stock: 10 });
    const keep = await place(customerId, [{ productId: a, quantity: 2 }]);
    expect(keep.data?.placeOrder.order).toBeTruthy();
    const orderId = (
      await place(customerId, [
        { productId: a, quantity: 3 },
        { productId: b, quantity: 4 },
        { productId: a, quantity: 1 },
      ])
    ).data?.placeOrder.order?.id as string;
    expect(await stockOf(a)).toEqual({ onHand: 10, reserved: 6, available: 4 });
    await server.request(StartPickingDocument, { input: { orderId } }, warehouse);
    const cancelled = await server.request(
      CancelOrderDocument,
      { input: { orderId, reason: 'Customer changed their mind' } },
      admin,
    );
    expect(cancelled.data?.cancelOrder.order).toMatchObject({
      status: 'CANCELLED',
      cancelReason: 'Customer changed their mind',
      nextStates: [],
    });
    expect(await stockOf(a)).toEqual({ onHand: 10, reserved: 2, available: 8 });
    expect(await stockOf(b)).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });
});

describe('bad input writes nothing', () => {
  it('refuses zero or negative quantities, unknown products or customers, empty lines and foreign IDs', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 10 });
    const missingProduct = Buffer.from('Product:999999').toString('base64url');
    const missingCustomer = Buffer.from('Customer:999999').toString('base64url');
    const before = await rowCounts();
    const cases = [
      {
        customerId,
        lines: [{ productId, quantity: 0 }],
        expect: ['INVALID_INPUT', ['input', 'lines', '0', 'quantity']],
      },
      {
        customerId,
        lines: [{ productId, quantity: -3 }],
        expect: ['INVALID_INPUT', ['input', 'lines', '0', 'quantity']],
      },
      {
        customerId,
        lines: [{ productId: missingProduct, quantity: 1 }],
        expect: ['NOT_FOUND', ['input', 'lines', '0', 'productId']],
      },
      {
        customerId: missingCustomer,
        lines: [{ productId, quantity: 1 }],
        expect: ['NOT_FOUND', ['input', 'customerId']],
      },
      { customerId, lines: [], expect: ['INVALID_INPUT', ['input', 'lines']] },
    ];
    for (const c of cases) {
      const result = await server.request(
        PlaceOrderDocument,
        { input: { customerId: c.customerId, lines: c.lines } },
        admin,
      );
      expect(result.data?.placeOrder.userErrors.map((e) => [e.code, e.field])).toEqual([c.expect]);
    }
    // A global ID of another type, or garbage, is malformed input.
    for (const badId of [customerId, 'garbage']) {
      const result = await server.request(
        PlaceOrderDocument,
        { input: { customerId, lines: [{ productId: badId, quantity: 1 }] } },
        admin,
      );
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    }
    const notAnInt = await server.raw(
      'mutation($c: ID!, $p: ID!) { placeOrder(input: { customerId: $c, lines: [{ productId: $p, quantity: 1.5 }] }) { order { id } } }',
      { c: customerId, p: productId },
      admin,
    );
    expect(errorCode(notAnInt)).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    expect(await rowCounts()).toEqual(before);
  });
});

describe('stock adjustments', () => {
  it('records who, when and why, and never takes on-hand below what is reserved', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 5 });
    await place(customerId, [{ productId, quantity: 4 }]);
    const refused = await server.request(
      AdjustStockDocument,
      { input: { productId, quantityDelta: -2, reason: 'Damaged' } },
      warehouse,
    );
    expect(refused.data?.adjustStock.userErrors[0].code).toBe('INSUFFICIENT_STOCK');
    const ok = await server.request(
      AdjustStockDocument,
      { input: { productId, quantityDelta: -1, reason: 'Damaged' } },
      warehouse,
    );
    expect(ok.data?.adjustStock.product?.stock).toEqual({ onHand: 4, reserved: 4, available: 0 });
    const received = await server.request(
      AdjustStockDocument,
      { input: { productId, quantityDelta: 10, reason: 'PO 1042' } },
      warehouse,
    );
    expect(received.data?.adjustStock.product?.stock).toEqual({
      onHand: 14,
      reserved: 4,
      available: 10,
    });
    const movements = (await server.request(ProductWithMovementsDocument, { id: productId }, admin))
      .data?.product?.stockMovements;
    expect(
      movements?.map((m) => [m.kind, m.onHandDelta, m.reservedDelta, m.reason, m.actor?.email]),
    ).toEqual([
      ['ADJUSTMENT', 10, 0, 'PO 1042', 'warehouse@example.com'],
      ['ADJUSTMENT', -1, 0, 'Damaged', 'warehouse@example.com'],
      ['RESERVATION', 0, 4, null, 'admin@example.com'],
      ['ADJUSTMENT', 5, 0, 'Initial stock', 'warehouse@example.com'],
    ]);
  });

  it('is guarded by the database itself: reserved can never exceed on-hand', async () => {
    const productId = await createProduct(server, warehouse, { stock: 5 });
    const id = Number(Buffer.from(productId, 'base64url').toString().split(':')[1]);
    await expect(
      sql('UPDATE stock_level SET reserved = 6 WHERE product_id = ?', [id]),
    ).rejects.toThrow(/stock_level_reserved_check/);
    await expect(
      sql('UPDATE stock_level SET reserved = -1 WHERE product_id = ?', [id]),
    ).rejects.toThrow(/stock_level_reserved_check/);
  });
});

describe('listing orders', () => {
  it('filters by several statuses and customer, newest first, with keyset pages', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 50 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push(
        (await place(customerId, [{ productId, quantity: 1 }])).data?.placeOrder.order
          ?.id as string,
      );
    await server.request(CancelOrderDocument, { input: { orderId: ids[0], reason: 'dup' } }, admin);
    await server.request(StartPickingDocument, { input: { orderId: ids[1] } }, warehouse);

    const page1 = await server.request(OrdersDocument, { first: 2, filter: { customerId } }, admin);
    expect(page1.data?.orders.totalCount).toBe(5);
    expect(page1.data?.orders.nodes.map((o) => o.id)).toEqual([ids[4], ids[3]]);
    const page2 = await server.request(
      OrdersDocument,
      { first: 2, after: page1.data?.orders.pageInfo.endCursor, filter: { customerId } },
      admin,
    );
    expect(page2.data?.orders.nodes.map((o) => o.id)).toEqual([ids[2], ids[1]]);

    const some = await server.request(
      OrdersDocument,
      { filter: { customerId, status: ['CANCELLED', 'PICKING'] } },
      admin,
    );
    expect(some.data?.orders.nodes.map((o) => o.id)).toEqual([ids[1], ids[0]]);
    const today = new Date().toISOString().slice(0, 10);
    const dated = await server.request(
      OrdersDocument,
      { filter: { customerId, from: today, to: today } },
      admin,
    );
    expect(dated.data?.orders.totalCount).toBe(5);
    const past = await server.request(
      OrdersDocument,
      { filter: { customerId, to: '2000-01-01' } },
      admin,
    );
    expect(past.data?.orders.totalCount).toBe(0);
  });
});

describe('lines read with a page', () => {
  it('gives the same lines, in order, with their products, in a page of orders, a customer’s page and alone', async () => {
    const customerId = await createCustomer(server, admin);
    const cheap = await createProduct(server, admin, { price: '2.50' });
    const dear = await createProduct(server, admin, { price: '1999.99' });
    const placed = await server.request(
      PlaceOrderDocument,
      {
        input: {
          customerId,
          lines: [
            { productId: dear, quantity: 3 },
            { productId: cheap, quantity: 1 },
          ],
        },
      },
      admin,
    );
    const orderId = placed.data?.placeOrder.order?.id as string;
    const lines = '{ quantity unitPrice { amount } total { amount } product { id sku } }';
    const result = await server.raw(
      `query($customerId: ID!, $id: ID!) {
        orders(first: 1, filter: { customerId: $customerId }) { nodes { lines ${lines} } }
        customer(id: $customerId) { orders(first: 1) { nodes { lines ${lines} } } }
        order(id: $id) { lines ${lines} }
      }`,
      { customerId, id: orderId },
      admin,
    );
    expect(result.errors).toBeUndefined();
    const data = result.data as {
      orders: { nodes: { lines: unknown[] }[] };
      customer: { orders: { nodes: { lines: unknown[] }[] } };
      order: { lines: { quantity: number; total: { amount: string }; product: { id: string } }[] };
    };
    expect(
      data.order.lines.map((line) => [line.product.id, line.quantity, line.total.amount]),
    ).toEqual([
      [dear, 3, '5999.97'],
      [cheap, 1, '2.50'],
    ]);
    expect(data.orders.nodes[0].lines).toEqual(data.order.lines);
    expect(data.customer.orders.nodes[0].lines).toEqual(data.order.lines);
  });
});
