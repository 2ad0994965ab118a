import { dataOf, uniqueSuffix } from './support/fixtures';
import { subscribe, waitForSubscriptions, type Received } from './support/live-client';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * Receipts are events: a console following purchase orders and a stock reader see a delivery the
 * moment receiveGoods commits, over a real graphql-ws connection, and pick up where they left
 * off with `after`, with no gap and no duplicate.
 */

const PO_EVENTS = `subscription($filter: PurchaseOrderEventFilter, $after: String) {
  purchaseOrderEvents(filter: $filter, after: $after) {
    cursor type occurredAt fromStatus toStatus
    actor { email }
    purchaseOrder { id number status vendor { id } lines { receivedQuantity } }
    receipt { id lines { quantity rejectedQuantity product { id } } }
  }
}`;

interface PurchaseOrderEventItem {
  cursor: string;
  type: string;
  occurredAt: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: { email: string } | null;
  purchaseOrder: {
    id: string;
    number: string;
    status: string;
    vendor: { id: string };
    lines: { receivedQuantity: number }[];
  };
  receipt: {
    id: string;
    lines: { quantity: number; rejectedQuantity: number; product: { id: string } }[];
  } | null;
}

const STOCK_EVENTS = `subscription($filter: StockEventFilter, $after: String) {
  stockEvents(filter: $filter, after: $after) {
    cursor type quantityDelta onHand reserved available reason
    actor { email }
    product { id stock { onHand } }
    purchaseOrder { id number }
  }
}`;

interface StockEventItem {
  cursor: string;
  type: string;
  quantityDelta: number;
  onHand: number;
  reserved: number;
  available: number;
  reason: string | null;
  actor: { email: string } | null;
  product: { id: string; stock: { onHand: number } };
  purchaseOrder: { id: string; number: string } | null;
}

const numericId = (id: string) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);

let server: TestServer;
let admin: string;
let accountant: string;
let warehouse: string;
const open: Received<unknown>[] = [];

beforeAll(async () => {
  // No workers: the approval's mail job never runs, so the only events are the test's own.
  server = await startTestServer({ RUN_WORKERS: 'false' });
  [admin, accountant, warehouse] = await Promise.all([
    server.login('admin@example.com'),
    server.login('accountant@example.com'),
    server.login('warehouse@example.com'),
  ]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((subscription) => subscription.stop()));
});

afterAll(async () => {
  await server?.close();
});

const gql = <T>(query: string, variables: Record<string, unknown>, token: string) =>
  dataOf<T>(server, query, variables, token);

const sql = <T extends object>(text: string, params: unknown[] = []) =>
  server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

function follow<T>(
  query: string,
  variables: Record<string, unknown>,
  token = warehouse,
): Received<T> {
  const subscription = subscribe<T>(server.wsUrl, token, query, variables);
  open.push(subscription);
  return subscription;
}

async function eventCursor(): Promise<string> {
  return (await gql<{ eventCursor: string }>('{ eventCursor }', {}, warehouse)).eventCursor;
}

async function vendor(): Promise<string> {
  const data = await gql<{ createVendor: { vendor: { id: string } } }>(
    `mutation($input: CreateVendorInput!) { createVendor(input: $input) { vendor { id } } }`,
    { input: { name: `Live Supplier ${uniqueSuffix()}` } },
    accountant,
  );
  return data.createVendor.vendor.id;
}

async function product(stock = 5): Promise<string> {
  const data = await gql<{ createProduct: { product: { id: string } } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
    {
      input: {
        sku: `LIVE-${uniqueSuffix()}`.toUpperCase(),
        name: 'Live crate',
        price: '20.00',
        cost: '8.00',
        initialStock: stock,
      },
    },
    admin,
  );
  return data.createProduct.product.id;
}

/** An approved order (under the approval threshold) for `quantity` of one product. */
async function approvedOrder(vendorId: string, productId: string, quantity = 10) {
  const data = await gql<{
    createPurchaseOrder: { purchaseOrder: { id: string; number: string; status: string } };
  }>(
    `mutation($input: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $input) { purchaseOrder { id number status } userErrors { code } } }`,
    { input: { vendorId, lines: [{ productId, quantity, unitCost: '8.00' }] } },
    warehouse,
  );
  expect(data.createPurchaseOrder.purchaseOrder.status).toBe('APPROVED');
  return data.createPurchaseOrder.purchaseOrder;
}

async function receive(purchaseOrderId: string, productId: string, quantity: number, rejected = 0) {
  const data = await gql<{
    receiveGoods: { receipt: { id: string } | null; userErrors: unknown[] };
  }>(
    `mutation($input: ReceiveGoodsInput!) { receiveGoods(input: $input) { receipt { id } userErrors { code message } } }`,
    {
      input: {
        purchaseOrderId,
        lines: [{ productId, quantity, rejectedQuantity: rejected }],
      },
    },
    warehouse,
  );
  expect(data.receiveGoods.userErrors).toEqual([]);
  return (data.receiveGoods.receipt as { id: string }).id;
}

async function adjust(productId: string, quantityDelta: number, reason: string) {
  const data = await gql<{ adjustStock: { userErrors: unknown[] } }>(
    `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { userErrors { code } } }`,
    { input: { productId, quantityDelta, reason } },
    warehouse,
  );
  expect(data.adjustStock.userErrors).toEqual([]);
}

/** The seqs committed for one stream after a cursor: what a subscriber must have seen. */
async function committedAfter(
  streamType: string,
  id: string,
  after: string,
  types: string[],
): Promise<string[]> {
  const rows = await sql<{ seq: string }>(
    `SELECT seq FROM event WHERE stream_type = ? AND stream_id = ? AND seq > ? AND type = ANY(?::text[])
      ORDER BY seq`,
    [streamType, String(numericId(id)), after, `{${types.join(',')}}`],
  );
  return rows.map((row) => String(row.seq));
}

describe('purchaseOrderEvents and stockEvents', () => {
  it('shows a receipt live to a purchase order console and a stock reader', async () => {
    const vendorId = await vendor();
    const productId = await product(5);
    const order = await approvedOrder(vendorId, productId);
    const after = await eventCursor();
    const orders = follow<PurchaseOrderEventItem>(PO_EVENTS, {
      filter: { purchaseOrderId: order.id },
      after,
    });
    const stock = follow<StockEventItem>(STOCK_EVENTS, { filter: { productId }, after });
    await waitForSubscriptions(server.baseUrl, 'purchaseOrderEvents', 1);
    await waitForSubscriptions(server.baseUrl, 'stockEvents', 1);

    const receiptId = await receive(order.id, productId, 4, 1);

    const [received] = await orders.waitFor(1);
    expect(received).toMatchObject({
      type: 'GOODS_RECEIVED',
      fromStatus: 'APPROVED',
      toStatus: 'PARTIALLY_RECEIVED',
      actor: { email: 'warehouse@example.com' },
      purchaseOrder: {
        id: order.id,
        number: order.number,
        status: 'PARTIALLY_RECEIVED',
        vendor: { id: vendorId },
        lines: [{ receivedQuantity: 4 }],
      },
      receipt: {
        id: receiptId,
        lines: [{ quantity: 4, rejectedQuantity: 1, product: { id: productId } }],
      },
    });
    const [stocked] = await stock.waitFor(1);
    expect(stocked).toEqual({
      cursor: expect.any(String),
      type: 'STOCK_RECEIVED',
      quantityDelta: 4,
      onHand: 9,
      reserved: 0,
      available: 9,
      reason: null,
      actor: { email: 'warehouse@example.com' },
      product: { id: productId, stock: { onHand: 9 } },
      purchaseOrder: { id: order.id, number: order.number },
    });
    // One transaction: the stock event committed with the order's, recorded before it.
    expect(Number(stocked.cursor)).toBeLessThan(Number(received.cursor));
    expect(orders.items).toHaveLength(1);
    expect(stock.items).toHaveLength(1);
  });

  it('resumes with `after`: the events missed while away, then live ones, with no gap or duplicate', async () => {
    const vendorId = await vendor();
    const productId = await product(0);
    const order = await approvedOrder(vendorId, productId, 10);
    const start = await eventCursor();
    const first = follow<PurchaseOrderEventItem>(PO_EVENTS, {
      filter: { purchaseOrderId: order.id },
      after: start,
    });
    const firstStock = follow<StockEventItem>(STOCK_EVENTS, {
      filter: { productId },
      after: start,
    });
    await waitForSubscriptions(server.baseUrl, 'purchaseOrderEvents', 1);
    await waitForSubscriptions(server.baseUrl, 'stockEvents', 1);
    await receive(order.id, productId, 3);
    const [seen] = await first.waitFor(1);
    const [seenStock] = await firstStock.waitFor(1);
    await first.stop();
    await firstStock.stop();
    open.splice(0);

    // While nobody listens: two more deliveries and an adjustment.
    await receive(order.id, productId, 2);
    await adjust(productId, -1, 'Crushed on the shelf');
    await receive(order.id, productId, 5);

    const resumed = follow<PurchaseOrderEventItem>(PO_EVENTS, {
      filter: { purchaseOrderId: order.id },
      after: seen.cursor,
    });
    const resumedStock = follow<StockEventItem>(STOCK_EVENTS, {
      filter: { productId },
      after: seenStock.cursor,
    });
    const replayed = await resumed.waitFor(2);
    const replayedStock = await resumedStock.waitFor(3);
    expect(replayed.map((event) => [event.type, event.fromStatus, event.toStatus])).toEqual([
      ['GOODS_RECEIVED', 'PARTIALLY_RECEIVED', 'PARTIALLY_RECEIVED'],
      ['GOODS_RECEIVED', 'PARTIALLY_RECEIVED', 'RECEIVED'],
    ]);
    expect(
      replayedStock.map((event) => [event.type, event.quantityDelta, event.onHand, event.reason]),
    ).toEqual([
      ['STOCK_RECEIVED', 2, 5, null],
      ['STOCK_ADJUSTED', -1, 4, 'Crushed on the shelf'],
      ['STOCK_RECEIVED', 5, 9, null],
    ]);
    expect(replayedStock[1].purchaseOrder).toBeNull();

    // Then live: closing the order arrives after the replay.
    await gql(
      `mutation($input: ClosePurchaseOrderInput!) { closePurchaseOrder(input: $input) { userErrors { code } } }`,
      { input: { purchaseOrderId: order.id } },
      warehouse,
    );
    await adjust(productId, 2, 'Found behind the crates');
    const all = await resumed.waitFor(3);
    const allStock = await resumedStock.waitFor(4);
    expect(all[2]).toMatchObject({ type: 'CLOSED', fromStatus: 'RECEIVED', toStatus: 'CLOSED' });
    expect(allStock[3]).toMatchObject({ type: 'STOCK_ADJUSTED', quantityDelta: 2, onHand: 11 });

    // Every event committed since the start, each once, in commit order, across both connections.
    const cursors = [seen, ...all].map((event) => event.cursor);
    expect(cursors).toEqual(
      await committedAfter('PurchaseOrder', order.id, start, ['GOODS_RECEIVED', 'CLOSED']),
    );
    const stockCursors = [seenStock, ...allStock].map((event) => event.cursor);
    expect(stockCursors).toEqual(
      await committedAfter('Product', productId, start, ['STOCK_RECEIVED', 'STOCK_ADJUSTED']),
    );
    expect(resumed.items).toHaveLength(3);
    expect(resumedStock.items).toHaveLength(4);
  });

  it("follows one vendor's orders", async () => {
    const [followed, other] = await Promise.all([vendor(), vendor()]);
    const productId = await product(0);
    const [otherOrder, followedOrder] = [
      await approvedOrder(other, productId),
      await approvedOrder(followed, productId),
    ];
    const live = follow<PurchaseOrderEventItem>(PO_EVENTS, {
      filter: { vendorId: followed },
      after: await eventCursor(),
    });
    await waitForSubscriptions(server.baseUrl, 'purchaseOrderEvents', 1);
    // The other vendor's delivery commits first: were it delivered, it would arrive first.
    await receive(otherOrder.id, productId, 1);
    await receive(followedOrder.id, productId, 2);
    const [event] = await live.waitFor(1);
    expect(event).toMatchObject({
      type: 'GOODS_RECEIVED',
      purchaseOrder: { id: followedOrder.id, vendor: { id: followed } },
    });
    expect(live.items).toHaveLength(1);
  });

  it('refuses roles without access (FORBIDDEN), and hides the purchase order from stock readers outside purchasing', async () => {
    const agent = await server.login('agent@example.com');
    const hr = await server.login('hr@example.com');
    const refusedOrders = follow<PurchaseOrderEventItem>(PO_EVENTS, {}, agent);
    const refusedStock = follow<StockEventItem>(STOCK_EVENTS, {}, hr);
    for (const refused of [refusedOrders, refusedStock]) {
      await expect(refused.waitFor(1)).rejects.toThrow(/FORBIDDEN/);
      expect(refused.items).toEqual([]);
    }

    // A support agent reads stock (the catalog), not purchase orders.
    const vendorId = await vendor();
    const productId = await product(1);
    const order = await approvedOrder(vendorId, productId);
    const stock = follow<StockEventItem>(
      STOCK_EVENTS,
      { filter: { productId }, after: await eventCursor() },
      agent,
    );
    await waitForSubscriptions(server.baseUrl, 'stockEvents', 1);
    await receive(order.id, productId, 1);
    await until(() => stock.items.length + stock.errors.length > 0);
    expect(stock.items[0]).toMatchObject({
      type: 'STOCK_RECEIVED',
      quantityDelta: 1,
      onHand: 2,
      purchaseOrder: null,
    });
    expect(stock.errors).toEqual([
      expect.objectContaining({
        path: ['stockEvents', 'purchaseOrder'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
      }),
    ]);
  });
});

/** Waits (bounded) until `done` holds. */
async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
