import { REPLENISHMENT_CRON, REPLENISHMENT_JOB } from '../src/modules/purchasing/replenishment.job';
import { createCustomer, createProduct, dataOf, errorCode, uniqueSuffix } from './support/fixtures';
import { ManualClock } from './support/manual-clock';
import { startTestServer, type TestServer } from './support/test-server';
import { until } from './support/until';

/**
 * Replenishment through the API: reorder rules, the run (one draft per vendor, topped up to the
 * maximum counting open orders), a second run that changes nothing, drafts updated and cancelled
 * as the situation changes, concurrent runs, and the daily job on the queue with the test clock.
 */

const DAY = '2031-03-10';
const clock = new ManualClock(`${DAY}T09:00:00Z`);

let server: TestServer;
let admin: string;
let buyer: string; // FULFILLMENT: sets rules and runs replenishment
let warehouse: string; // FULFILLMENT: receives goods
let accountant: string;
let reports: string;
let agent: string;

beforeAll(async () => {
  server = await startTestServer({ JOB_POLL_MS: '500' }, { clock });
  [admin, warehouse, accountant, reports, agent] = await Promise.all([
    server.login('admin@example.com'),
    server.login('warehouse@example.com'),
    server.login('accountant@example.com'),
    server.login('reports@example.com'),
    server.login('agent@example.com'),
  ]);
  buyer = warehouse;
});

afterAll(async () => {
  await server?.close();
});

const sql = <T extends object>(text: string, params: unknown[] = []) =>
  server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

const numericId = (id: string) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);
const globalId = (type: string, key: number) => Buffer.from(`${type}:${key}`).toString('base64url');

const gql = <T>(query: string, variables: Record<string, unknown>, token: string) =>
  dataOf<T>(server, query, variables, token);

interface UserErrorShape {
  code: string;
  field: string[] | null;
  message: string;
}

async function vendor(): Promise<string> {
  const data = await gql<{ createVendor: { vendor: { id: string } | null } }>(
    `mutation($input: CreateVendorInput!) { createVendor(input: $input) { vendor { id } userErrors { message } } }`,
    { input: { name: `Supplier ${uniqueSuffix()}` } },
    admin,
  );
  if (!data.createVendor.vendor) throw new Error('createVendor failed');
  return data.createVendor.vendor.id;
}

async function product(stock: number, cost: string): Promise<{ id: string; sku: string }> {
  const id = await createProduct(server, admin, { stock, cost, price: '50.00' });
  const [row] = await sql<{ sku: string }>('SELECT sku FROM product WHERE id = ?', [numericId(id)]);
  return { id, sku: row.sku };
}

async function adjust(productId: string, quantityDelta: number): Promise<void> {
  const data = await gql<{ adjustStock: { userErrors: UserErrorShape[] } }>(
    `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { userErrors { message } } }`,
    { input: { productId, quantityDelta, reason: 'Count' } },
    admin,
  );
  expect(data.adjustStock.userErrors).toEqual([]);
}

async function placeOrder(lines: { productId: string; quantity: number }[]): Promise<void> {
  const customerId = await createCustomer(server, admin);
  const data = await gql<{ placeOrder: { userErrors: UserErrorShape[] } }>(
    `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { userErrors { message } } }`,
    { input: { customerId, lines } },
    admin,
  );
  expect(data.placeOrder.userErrors).toEqual([]);
}

async function purchaseOrder(
  vendorId: string,
  lines: { productId: string; quantity: number; unitCost: string }[],
): Promise<{ id: string; status: string }> {
  const data = await gql<{
    createPurchaseOrder: {
      purchaseOrder: { id: string; status: string } | null;
      userErrors: UserErrorShape[];
    };
  }>(
    `mutation($input: CreatePurchaseOrderInput!) {
       createPurchaseOrder(input: $input) { purchaseOrder { id status } userErrors { message } }
     }`,
    { input: { vendorId, lines } },
    admin,
  );
  const created = data.createPurchaseOrder.purchaseOrder;
  if (!created) throw new Error(JSON.stringify(data.createPurchaseOrder.userErrors));
  return created;
}

const RULE_FIELDS = `minimum maximum leadTimeDays updatedAt product { id sku } vendor { id }`;

function setRule(
  input: {
    productId: string;
    minimum: number;
    maximum: number;
    vendorId: string;
    leadTimeDays: number;
  },
  token = buyer,
) {
  return server.raw(
    `mutation($input: SetReorderRuleInput!) {
       setReorderRule(input: $input) {
         reorderRule { ${RULE_FIELDS} }
         userErrors { code field message }
       }
     }`,
    { input },
    token,
  );
}

async function ruleSet(input: Parameters<typeof setRule>[0]): Promise<void> {
  const result = await setRule(input);
  const payload = (result.data as { setReorderRule: { userErrors: UserErrorShape[] } } | null)
    ?.setReorderRule;
  expect(payload?.userErrors).toEqual([]);
}

interface ProposedOrder {
  id: string;
  number: string;
  status: string;
  origin: string;
  closedReason: string | null;
  createdBy: { id: string } | null;
  vendor: { id: string };
  total: { amount: string };
  lines: {
    product: { sku: string };
    quantity: number;
    unitCost: { amount: string };
    expectedDate: string | null;
    proposal: {
      asOf: string;
      onHand: number;
      reserved: number;
      onOrder: number;
      minimum: number;
      maximum: number;
      proposed: number;
    } | null;
  }[];
}

const ORDER_FIELDS = `id number status origin closedReason createdBy { id } vendor { id } total { amount }
  lines { product { sku } quantity unitCost { amount } expectedDate
          proposal { asOf onHand reserved onOrder minimum maximum proposed } }`;

function runReplenishment(input: Record<string, unknown>, token = buyer) {
  return server.raw(
    `mutation($input: RunReplenishmentInput!) {
       runReplenishment(input: $input) {
         purchaseOrders { ${ORDER_FIELDS} }
         userErrors { code field message }
       }
     }`,
    { input },
    token,
  );
}

async function run(asOf?: string): Promise<ProposedOrder[]> {
  const result = await runReplenishment(asOf === undefined ? {} : { asOf });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  const payload = (
    result.data as {
      runReplenishment: { purchaseOrders: ProposedOrder[] | null; userErrors: UserErrorShape[] };
    }
  ).runReplenishment;
  expect(payload.userErrors).toEqual([]);
  return payload.purchaseOrders ?? [];
}

async function orderById(id: string): Promise<ProposedOrder> {
  const data = await gql<{ purchaseOrder: ProposedOrder }>(
    `query($id: ID!) { purchaseOrder(id: $id) { ${ORDER_FIELDS} } }`,
    { id },
    accountant,
  );
  return data.purchaseOrder;
}

/** Lines by SKU, as a hand computation writes them. */
function linesOf(order: ProposedOrder) {
  return [...order.lines]
    .sort((a, b) => a.product.sku.localeCompare(b.product.sku))
    .map((line) => ({
      sku: line.product.sku,
      quantity: line.quantity,
      unitCost: line.unitCost.amount,
      expectedDate: line.expectedDate,
      proposal: line.proposal,
    }));
}

/** Every replenishment draft of these vendors, from the database. */
const draftsOf = (vendorIds: string[]) =>
  sql<{ id: string; vendor_id: string }>(
    `SELECT id, vendor_id FROM purchase_order
      WHERE status = 'DRAFT' AND origin = 'REPLENISHMENT' AND vendor_id = ANY(?::bigint[])
      ORDER BY vendor_id`,
    [`{${vendorIds.map(numericId).join(',')}}`],
  );

/**
 * What a run could write: orders, lines, and purchasing's and rules' events. Mailing an approved
 * order (SENT, SEND_SKIPPED) is the send job's, which runs on its own time: not counted.
 */
async function writes() {
  const [counts] = await sql<Record<string, string>>(
    `SELECT (SELECT count(*) FROM purchase_order) AS orders,
            (SELECT count(*) FROM purchase_order_line) AS lines,
            (SELECT coalesce(max(id), 0) FROM purchase_order_line) AS last_line,
            (SELECT max(updated_at)::text FROM purchase_order) AS last_update,
            (SELECT count(*) FROM event WHERE stream_type IN ('PurchaseOrder', 'ReorderRule')
                AND type NOT IN ('SENT', 'SEND_SKIPPED')) AS events`,
  );
  return counts;
}

describe('reorder rules', () => {
  it('sets, replaces, lists and removes rules, refusing what breaks a rule', async () => {
    const supplier = await vendor();
    const first = await product(5, '1.00');
    const second = await product(5, '1.00');

    const created = await setRule({
      productId: first.id,
      minimum: 3,
      maximum: 9,
      vendorId: supplier,
      leadTimeDays: 2,
    });
    expect(created.data).toMatchObject({
      setReorderRule: {
        reorderRule: {
          minimum: 3,
          maximum: 9,
          leadTimeDays: 2,
          product: { id: first.id, sku: first.sku },
          vendor: { id: supplier },
        },
        userErrors: [],
      },
    });
    await ruleSet({
      productId: first.id,
      minimum: 4,
      maximum: 12,
      vendorId: supplier,
      leadTimeDays: 5,
    });
    await ruleSet({
      productId: second.id,
      minimum: 0,
      maximum: 1,
      vendorId: supplier,
      leadTimeDays: 0,
    });

    const listed = await gql<{
      reorderRules: { minimum: number; maximum: number; product: { sku: string } }[];
    }>(`{ reorderRules { ${RULE_FIELDS} } }`, {}, reports);
    const mine = listed.reorderRules.filter((rule) =>
      [first.sku, second.sku].includes(rule.product.sku),
    );
    expect(mine.map((rule) => [rule.product.sku, rule.minimum, rule.maximum])).toEqual(
      [
        [first.sku, 4, 12],
        [second.sku, 0, 1],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const skus = listed.reorderRules.map((rule) => rule.product.sku);
    expect(skus).toEqual([...skus].sort());

    const events = await sql<{ type: string; payload: Record<string, unknown> }>(
      `SELECT type, payload FROM event WHERE stream_type = 'ReorderRule' AND stream_id = ? ORDER BY seq`,
      [String(numericId(first.id))],
    );
    expect(events.map((event) => event.type)).toEqual(['CREATED', 'UPDATED']);
    expect(events[1].payload).toMatchObject({
      minimum: 4,
      maximum: 12,
      leadTimeDays: 5,
      previous: { minimum: 3, maximum: 9, leadTimeDays: 2 },
    });

    const read = await gql<{ product: { reorderRule: { minimum: number } | null } }>(
      `query($id: ID!) { product(id: $id) { reorderRule { minimum } } }`,
      { id: first.id },
      accountant,
    );
    expect(read.product.reorderRule).toEqual({ minimum: 4 });

    const removed = await server.raw(
      `mutation($input: RemoveReorderRuleInput!) {
         removeReorderRule(input: $input) { product { id reorderRule { minimum } } userErrors { code } }
       }`,
      { input: { productId: second.id } },
      buyer,
    );
    expect(removed.data).toEqual({
      removeReorderRule: { product: { id: second.id, reorderRule: null }, userErrors: [] },
    });
    const again = await server.raw(
      `mutation($input: RemoveReorderRuleInput!) {
         removeReorderRule(input: $input) { product { id } userErrors { code field } }
       }`,
      { input: { productId: second.id } },
      buyer,
    );
    expect(again.data).toEqual({
      removeReorderRule: {
        product: null,
        userErrors: [{ code: 'NOT_FOUND', field: ['input', 'productId'] }],
      },
    });
  });

  it('refuses invalid levels, unknown or inactive products and unknown vendors, writing nothing', async () => {
    const supplier = await vendor();
    const item = await product(5, '1.00');
    const inactive = await product(5, '1.00');
    await gql(
      `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { userErrors { message } } }`,
      { input: { id: inactive.id, active: false } },
      admin,
    );
    const valid = {
      productId: item.id,
      minimum: 2,
      maximum: 10,
      vendorId: supplier,
      leadTimeDays: 3,
    };
    const before = await writes();
    const refusals: [Record<string, unknown>, string, string[]][] = [
      [{ minimum: -1 }, 'INVALID_INPUT', ['input', 'minimum']],
      [{ maximum: 0, minimum: 0 }, 'INVALID_INPUT', ['input', 'maximum']],
      [{ minimum: 11, maximum: 10 }, 'INVALID_INPUT', ['input', 'maximum']],
      [{ leadTimeDays: -1 }, 'INVALID_INPUT', ['input', 'leadTimeDays']],
      [{ leadTimeDays: 366 }, 'INVALID_INPUT', ['input', 'leadTimeDays']],
      [{ productId: globalId('Product', 999_999_999) }, 'NOT_FOUND', ['input', 'productId']],
      [{ productId: inactive.id }, 'PRODUCT_UNAVAILABLE', ['input', 'productId']],
      [{ vendorId: globalId('Vendor', 999_999_999) }, 'NOT_FOUND', ['input', 'vendorId']],
    ];
    for (const [change, code, field] of refusals) {
      const result = await setRule({ ...valid, ...change });
      expect(result.data).toMatchObject({
        setReorderRule: { reorderRule: null, userErrors: [{ code, field }] },
      });
    }
    // The edges are allowed: minimum 0, maximum equal to the minimum, 0 and 365 days. (With 5 on
    // hand and a minimum of 5, the rule proposes nothing in the runs below.)
    await ruleSet({ ...valid, minimum: 0, maximum: 1, leadTimeDays: 365 });
    await ruleSet({ ...valid, minimum: 5, maximum: 5, leadTimeDays: 0 });
    const after = await writes();
    expect(Number(after.events) - Number(before.events)).toBe(2);
    const rules = await sql<{ minimum: number; maximum: number; lead_time_days: number }>(
      'SELECT minimum, maximum, lead_time_days FROM reorder_rule WHERE product_id IN (?, ?)',
      [numericId(item.id), numericId(inactive.id)],
    );
    expect(rules).toEqual([{ minimum: 5, maximum: 5, lead_time_days: 0 }]);
  });

  it('is for purchasing: FORBIDDEN for a support agent', async () => {
    const item = await product(5, '1.00');
    const supplier = await vendor();
    const input = {
      productId: item.id,
      minimum: 1,
      maximum: 2,
      vendorId: supplier,
      leadTimeDays: 0,
    };
    expect(errorCode(await setRule(input, agent))).toBe('FORBIDDEN');
    expect(errorCode(await runReplenishment({ asOf: DAY }, agent))).toBe('FORBIDDEN');
    expect(errorCode(await server.raw('{ reorderRules { minimum } }', {}, agent))).toBe(
      'FORBIDDEN',
    );
    expect(
      errorCode(
        await server.raw(
          `mutation($input: RemoveReorderRuleInput!) { removeReorderRule(input: $input) { userErrors { code } } }`,
          { input: { productId: item.id } },
          agent,
        ),
      ),
    ).toBe('FORBIDDEN');
    const field = await server.raw(
      `query($id: ID!) { product(id: $id) { sku reorderRule { minimum } } }`,
      { id: item.id },
      agent,
    );
    expect(errorCode(field)).toBe('FORBIDDEN');
    // Reporting reads rules but does not run replenishment.
    expect(errorCode(await runReplenishment({ asOf: DAY }, reports))).toBe('FORBIDDEN');
    expect(
      await sql('SELECT 1 FROM reorder_rule WHERE product_id = ?', [numericId(item.id)]),
    ).toEqual([]);
  });
});

describe('the replenishment run', () => {
  let north: string; // vendor 1
  let south: string; // vendor 2
  const p = {} as Record<'a' | 'b' | 'c' | 'd' | 'e', { id: string; sku: string }>;
  let northDraft: ProposedOrder;
  let southDraft: ProposedOrder;

  beforeAll(async () => {
    north = await vendor();
    south = await vendor();
    p.a = await product(10, '4.00');
    p.b = await product(6, '3.50');
    p.c = await product(50, '1.00');
    p.d = await product(2, '8.00');
    p.e = await product(0, '2.25');
    await adjust(p.a.id, 5); // a: 15 on hand
    await placeOrder([
      { productId: p.a.id, quantity: 4 },
      { productId: p.b.id, quantity: 2 },
    ]);
    // An approved order from north for a, partly received: 12 still on order, at 5.00.
    const open = await purchaseOrder(north, [
      { productId: p.a.id, quantity: 20, unitCost: '5.00' },
    ]);
    expect(open.status).toBe('APPROVED');
    const receipt = await gql<{ receiveGoods: { purchaseOrder: { status: string } | null } }>(
      `mutation($input: ReceiveGoodsInput!) {
         receiveGoods(input: $input) { purchaseOrder { status } userErrors { message } }
       }`,
      { input: { purchaseOrderId: open.id, lines: [{ productId: p.a.id, quantity: 8 }] } },
      warehouse,
    );
    expect(receipt.receiveGoods.purchaseOrder?.status).toBe('PARTIALLY_RECEIVED');
    // An approved order for b from south: on order, but its price is not north's.
    expect(
      (await purchaseOrder(south, [{ productId: p.b.id, quantity: 3, unitCost: '9.99' }])).status,
    ).toBe('APPROVED');
    // A cancelled order from north for b: neither on order nor a price.
    const cancelled = await purchaseOrder(north, [
      { productId: p.b.id, quantity: 40, unitCost: '7.77' },
    ]);
    await gql(
      `mutation($input: CancelPurchaseOrderInput!) { cancelPurchaseOrder(input: $input) { userErrors { message } } }`,
      { input: { purchaseOrderId: cancelled.id, reason: 'Wrong vendor' } },
      admin,
    );
    // A person's draft to south (over the approval threshold): it counts as on order, and its price.
    const draft = await purchaseOrder(south, [
      { productId: p.d.id, quantity: 120, unitCost: '10.00' },
    ]);
    expect(draft.status).toBe('DRAFT');

    await ruleSet({
      productId: p.a.id,
      minimum: 40,
      maximum: 100,
      vendorId: north,
      leadTimeDays: 7,
    });
    await ruleSet({
      productId: p.b.id,
      minimum: 10,
      maximum: 25,
      vendorId: north,
      leadTimeDays: 3,
    });
    await ruleSet({
      productId: p.c.id,
      minimum: 10,
      maximum: 60,
      vendorId: north,
      leadTimeDays: 1,
    });
    await ruleSet({
      productId: p.d.id,
      minimum: 150,
      maximum: 200,
      vendorId: south,
      leadTimeDays: 14,
    });
    await ruleSet({ productId: p.e.id, minimum: 1, maximum: 5, vendorId: south, leadTimeDays: 0 });
  });

  it('proposes exactly the hand-computed quantities, one draft per vendor', async () => {
    const proposed = await run(DAY);
    const mine = (vendorId: string) => proposed.filter((order) => order.vendor.id === vendorId);
    expect(mine(north)).toHaveLength(1);
    expect(mine(south)).toHaveLength(1);
    [northDraft] = mine(north);
    [southDraft] = mine(south);
    for (const order of [northDraft, southDraft])
      expect(order).toMatchObject({
        status: 'DRAFT',
        origin: 'REPLENISHMENT',
        createdBy: null,
        closedReason: null,
      });

    // a: on hand 10 + 5 + 8 received = 23, reserved 4, on order 20 − 8 = 12: position 31 < 40,
    //    so 100 − 31 = 69, at north's latest price 5.00, expected 7 days on.
    // b: on hand 6, reserved 2, on order 3 (south's order; north's cancelled one is not): 7 < 10,
    //    so 25 − 7 = 18 at its cost 3.50 (south's 9.99 and the cancelled 7.77 are not north's).
    // c: 50 ≥ 10: nothing.
    expect(linesOf(northDraft)).toEqual(
      [
        {
          sku: p.a.sku,
          quantity: 69,
          unitCost: '5.00',
          expectedDate: '2031-03-17',
          proposal: {
            asOf: DAY,
            onHand: 23,
            reserved: 4,
            onOrder: 12,
            minimum: 40,
            maximum: 100,
            proposed: 69,
          },
        },
        {
          sku: p.b.sku,
          quantity: 18,
          unitCost: '3.50',
          expectedDate: '2031-03-13',
          proposal: {
            asOf: DAY,
            onHand: 6,
            reserved: 2,
            onOrder: 3,
            minimum: 10,
            maximum: 25,
            proposed: 18,
          },
        },
      ].sort((x, y) => x.sku.localeCompare(y.sku)),
    );
    expect(northDraft.total.amount).toBe('408.00'); // 69 × 5.00 + 18 × 3.50

    // d: on hand 2, on order 120 (the person's draft): 122 < 150, so 200 − 122 = 78 at that
    //    draft's 10.00, 14 days on. e: nothing anywhere: 0 < 1, so 5 at its cost 2.25, today.
    expect(linesOf(southDraft)).toEqual(
      [
        {
          sku: p.d.sku,
          quantity: 78,
          unitCost: '10.00',
          expectedDate: '2031-03-24',
          proposal: {
            asOf: DAY,
            onHand: 2,
            reserved: 0,
            onOrder: 120,
            minimum: 150,
            maximum: 200,
            proposed: 78,
          },
        },
        {
          sku: p.e.sku,
          quantity: 5,
          unitCost: '2.25',
          expectedDate: DAY,
          proposal: {
            asOf: DAY,
            onHand: 0,
            reserved: 0,
            onOrder: 0,
            minimum: 1,
            maximum: 5,
            proposed: 5,
          },
        },
      ].sort((x, y) => x.sku.localeCompare(y.sku)),
    );
    expect(southDraft.total.amount).toBe('791.25'); // 78 × 10.00 + 5 × 2.25

    const drafts = await draftsOf([north, south]);
    expect(drafts).toHaveLength(2);
    expect(new Set(drafts.map((row) => Number(row.id)))).toEqual(
      new Set([numericId(northDraft.id), numericId(southDraft.id)]),
    );
  });

  it('changes nothing on a second run: no order, line or event', async () => {
    const before = await writes();
    expect(await run(DAY)).toEqual([]);
    expect(await writes()).toEqual(before);
  });

  it('updates the same draft when the situation changes, and leaves the other alone', async () => {
    await adjust(p.a.id, 30); // a: 53 − 4 + 12 = 61 ≥ 40: no longer needed
    await adjust(p.b.id, -1); // b: 5 − 2 + 3 = 6: 25 − 6 = 19
    const changed = await run(DAY);
    expect(changed.map((order) => order.id)).toEqual([northDraft.id]);
    const [north1] = changed;
    expect(north1).toMatchObject({ number: northDraft.number, status: 'DRAFT' });
    expect(linesOf(north1)).toEqual([
      {
        sku: p.b.sku,
        quantity: 19,
        unitCost: '3.50',
        expectedDate: '2031-03-13',
        proposal: {
          asOf: DAY,
          onHand: 5,
          reserved: 2,
          onOrder: 3,
          minimum: 10,
          maximum: 25,
          proposed: 19,
        },
      },
    ]);
    expect(north1.total.amount).toBe('66.50');
    const events = await sql<{ type: string }>(
      `SELECT type FROM event WHERE stream_type = 'PurchaseOrder' AND stream_id = ? ORDER BY seq`,
      [String(numericId(northDraft.id))],
    );
    expect(events.map((event) => event.type)).toEqual(['CREATED', 'LINES_PROPOSED']);
    expect(linesOf(await orderById(southDraft.id))).toEqual(linesOf(southDraft));

    // A changed rule changes its vendor's draft, the same one.
    await ruleSet({
      productId: p.d.id,
      minimum: 150,
      maximum: 250,
      vendorId: south,
      leadTimeDays: 14,
    });
    const [south1, ...others] = await run(DAY);
    expect(others).toEqual([]);
    expect(south1.id).toBe(southDraft.id);
    expect(linesOf(south1).find((line) => line.sku === p.d.sku)).toMatchObject({
      quantity: 128, // 250 − 122
      proposal: { onOrder: 120, maximum: 250, proposed: 128 },
    });
    expect(await draftsOf([north, south])).toHaveLength(2);
  });

  it('cancels a draft with nothing left to replenish, and makes none again', async () => {
    await adjust(p.b.id, 100); // b: 105 − 2 + 3 ≥ 10
    const [cancelled, ...others] = await run(DAY);
    expect(others).toEqual([]);
    expect(cancelled).toMatchObject({
      id: northDraft.id,
      status: 'CANCELLED',
      closedReason: `Nothing to replenish as of ${DAY}`,
    });
    expect(await draftsOf([north])).toEqual([]);
    const before = await writes();
    expect(await run(DAY)).toEqual([]);
    expect(await writes()).toEqual(before);
  });

  it('counts an approved replenishment order as on order', async () => {
    const approved = await gql<{
      approvePurchaseOrder: { purchaseOrder: { status: string } | null };
    }>(
      `mutation($input: PurchaseOrderIdInput!) {
         approvePurchaseOrder(input: $input) { purchaseOrder { status } userErrors { message } }
       }`,
      { input: { purchaseOrderId: southDraft.id } },
      accountant,
    );
    expect(approved.approvePurchaseOrder.purchaseOrder?.status).toBe('APPROVED');
    // d: 2 + 120 + 128 = 250 ≥ 150; e: 0 + 5 ≥ 1: no new draft.
    expect(await run(DAY)).toEqual([]);
    expect(await draftsOf([south])).toEqual([]);
    // A higher minimum for e needs more than the 5 on order: a new draft for south.
    await ruleSet({ productId: p.e.id, minimum: 8, maximum: 10, vendorId: south, leadTimeDays: 0 });
    const [fresh] = await run(DAY);
    expect(fresh.id).not.toBe(southDraft.id);
    expect(linesOf(fresh)).toEqual([
      {
        sku: p.e.sku,
        quantity: 5, // 10 − (0 + 5)
        unitCost: '2.25',
        expectedDate: DAY,
        proposal: {
          asOf: DAY,
          onHand: 0,
          reserved: 0,
          onOrder: 5,
          minimum: 8,
          maximum: 10,
          proposed: 5,
        },
      },
    ]);
    southDraft = fresh;
  });

  it('answers a repeated idempotency key with the first run, and refuses it for another day', async () => {
    await adjust(p.a.id, -40); // a: 13 − 4 + 12 = 21 < 40: north needs 79 again
    const key = `replenish-${uniqueSuffix()}`;
    const first = await runReplenishment({ asOf: DAY, idempotencyKey: key });
    const firstOrders = (first.data as { runReplenishment: { purchaseOrders: ProposedOrder[] } })
      .runReplenishment.purchaseOrders;
    expect(
      firstOrders.map((order) => [order.vendor.id, order.lines.map((l) => l.quantity)]),
    ).toEqual([[north, [79]]]);
    const before = await writes();
    const repeat = await runReplenishment({ asOf: DAY, idempotencyKey: key });
    expect(
      (
        repeat.data as { runReplenishment: { purchaseOrders: ProposedOrder[] } }
      ).runReplenishment.purchaseOrders.map((order) => order.id),
    ).toEqual(firstOrders.map((order) => order.id));
    expect(await writes()).toEqual(before);
    const reused = await runReplenishment({ asOf: '2031-03-11', idempotencyKey: key });
    expect(reused.data).toMatchObject({
      runReplenishment: {
        purchaseOrders: null,
        userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }],
      },
    });
    expect(await writes()).toEqual(before);
    expect(await draftsOf([north])).toHaveLength(1);
    northDraft = firstOrders[0];
  });

  it('runs daily through the job queue, for the day of the clock', async () => {
    const [schedule] = await sql<{ cron: string }>(
      'SELECT cron FROM pgboss.schedule WHERE name = ?',
      [REPLENISHMENT_JOB],
    );
    expect(schedule?.cron).toBe(REPLENISHMENT_CRON);
    clock.set('2031-03-12T05:00:00Z');
    try {
      const id = await server.backdesk.jobs.enqueue(undefined, REPLENISHMENT_JOB, {});
      await until(
        () =>
          sql<{ state: string }>('SELECT state::text AS state FROM pgboss.job WHERE id = ?', [id]),
        (rows) => rows[0]?.state === 'completed',
        'the replenishment run to complete',
      );
    } finally {
      clock.set(`${DAY}T09:00:00Z`);
    }
    // A new day moves the expected dates: both drafts are proposed again, the same orders.
    const northNow = await orderById(northDraft.id);
    expect(linesOf(northNow)).toEqual([
      {
        sku: p.a.sku,
        quantity: 79,
        unitCost: '5.00',
        expectedDate: '2031-03-19',
        proposal: {
          asOf: '2031-03-12',
          onHand: 13,
          reserved: 4,
          onOrder: 12,
          minimum: 40,
          maximum: 100,
          proposed: 79,
        },
      },
    ]);
    const southNow = await orderById(southDraft.id);
    expect(southNow.status).toBe('DRAFT');
    expect(linesOf(southNow)[0]).toMatchObject({
      expectedDate: '2031-03-12',
      proposal: { asOf: '2031-03-12' },
    });
    expect(await draftsOf([north, south])).toHaveLength(2);
  }, 60_000);
});

describe('concurrent runs', () => {
  it('leave exactly one draft per vendor, made once', async () => {
    const east = await vendor();
    const west = await vendor();
    const items = [await product(1, '1.00'), await product(2, '2.00'), await product(3, '3.00')];
    await ruleSet({
      productId: items[0].id,
      minimum: 5,
      maximum: 10,
      vendorId: east,
      leadTimeDays: 1,
    });
    await ruleSet({
      productId: items[1].id,
      minimum: 5,
      maximum: 10,
      vendorId: east,
      leadTimeDays: 1,
    });
    await ruleSet({
      productId: items[2].id,
      minimum: 5,
      maximum: 10,
      vendorId: west,
      leadTimeDays: 1,
    });

    // The day the earlier drafts were last proposed for, so only east and west change.
    const results = await Promise.all(Array.from({ length: 5 }, () => run('2031-03-12')));
    const drafts = await draftsOf([east, west]);
    expect(drafts.map((row) => Number(row.vendor_id))).toEqual(
      [numericId(east), numericId(west)].sort((x, y) => x - y),
    );
    // Each draft was made by one run; the others found it and left it alone.
    for (const draft of drafts) {
      const answeredBy = results.filter((orders) =>
        orders.some((order) => numericId(order.id) === Number(draft.id)),
      );
      expect(answeredBy).toHaveLength(1);
      const events = await sql<{ type: string }>(
        `SELECT type FROM event WHERE stream_type = 'PurchaseOrder' AND stream_id = ?`,
        [draft.id],
      );
      expect(events.map((event) => event.type)).toEqual(['CREATED']);
    }
    const lines = await sql<{ product_id: string; quantity: number }>(
      `SELECT l.product_id, l.quantity FROM purchase_order_line l
         JOIN purchase_order o ON o.id = l.purchase_order_id
        WHERE o.vendor_id IN (?, ?) ORDER BY l.product_id`,
      [numericId(east), numericId(west)],
    );
    expect(lines.map((line) => line.quantity)).toEqual([9, 8, 7]); // 10 − 1, 10 − 2, 10 − 3
  }, 60_000);
});

describe('inactive products', () => {
  it('are not replenished: their line leaves the draft', async () => {
    const supplier = await vendor();
    const item = await product(0, '1.50');
    await ruleSet({
      productId: item.id,
      minimum: 2,
      maximum: 4,
      vendorId: supplier,
      leadTimeDays: 0,
    });
    const day = '2031-03-12';
    const [made] = (await run(day)).filter((order) => order.vendor.id === supplier);
    expect(linesOf(made).map((line) => line.quantity)).toEqual([4]);
    await gql(
      `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { userErrors { message } } }`,
      { input: { id: item.id, active: false } },
      admin,
    );
    expect(await run(day)).toEqual([
      expect.objectContaining({
        id: made.id,
        status: 'CANCELLED',
        closedReason: `Nothing to replenish as of ${day}`,
      }),
    ]);
  });
});
