/**
 * Buying stock at scale, through the real server over HTTP: BENCH_PURCHASING_ORDERS (200)
 * purchase orders of one product each, then BENCH_PURCHASING_RECEIPTS (2,000) one-unit receipts
 * by 8 clients at once, first all on one order line (the worst case: every receipt waits for the
 * same row locks), then spread over every order; the same number of `adjustStock` calls spread the
 * same way, for comparison (a receipt also posts Dr 1200 / Cr 2150 and counts against the
 * tolerance); a bill matched three ways per order, 4 at a time; then a reorder rule per product
 * over ten vendors, every one below its minimum, and `runReplenishment` twice (the first run
 * proposes a line per rule, the second nothing).
 *
 *   npm run bench:purchasing
 *
 * A fresh database (`backdesk_bench_purchasing`, on DATABASE_URL or the embedded bench
 * PostgreSQL) with the demo seed. Fails loudly (exit 1) on any error, when the stock or the
 * lines do not add up to what was received, or when the trial balance does not balance. Writes
 * bench/results/purchasing.json.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import {
  adminDatabase,
  login,
  machine,
  recreateDatabase,
  requestOrFail,
  runConcurrently as load,
  runScript,
  startBackdeskProcess,
  writeResult,
} from './lib';

const ORDERS = Number(process.env.BENCH_PURCHASING_ORDERS ?? 200);
const RECEIPTS = Number(process.env.BENCH_PURCHASING_RECEIPTS ?? 2000);
const CLIENTS = Number(process.env.BENCH_PURCHASING_CLIENTS ?? 8);
const BILLS_AT_ONCE = 4;

const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) {
  createProduct(input: $input) { product { id } userErrors { code message } } }`;
const CREATE_VENDOR = `mutation ($input: CreateVendorInput!) {
  createVendor(input: $input) { vendor { id } userErrors { code message } } }`;
const CREATE_PURCHASE_ORDER = `mutation ($input: CreatePurchaseOrderInput!) {
  createPurchaseOrder(input: $input) { purchaseOrder { id status } userErrors { code message } } }`;
const RECEIVE_GOODS = `mutation ($input: ReceiveGoodsInput!) {
  receiveGoods(input: $input) { receipt { id } userErrors { code message } } }`;
const ADJUST_STOCK = `mutation ($input: AdjustStockInput!) {
  adjustStock(input: $input) { product { id } userErrors { code message } } }`;
const RECORD_BILL = `mutation ($input: RecordBillInput!) {
  recordBill(input: $input) { bill { id matchStatus } userErrors { code message } } }`;
const TRIAL_BALANCE = '{ trialBalance { balanced } }';
const SET_REORDER_RULE = `mutation ($input: SetReorderRuleInput!) {
  setReorderRule(input: $input) { userErrors { code message } } }`;
const RUN_REPLENISHMENT = `mutation ($input: RunReplenishmentInput!) {
  runReplenishment(input: $input) { purchaseOrders { id lines { quantity } } userErrors { code message } } }`;
const REPLENISHMENT_VENDORS = 10;

async function main(): Promise<void> {
  const admin = await adminDatabase();
  const databaseUrl = await recreateDatabase(admin.url, 'backdesk_bench_purchasing');
  const server = await startBackdeskProcess(databaseUrl, {
    DEMO_SEED: 'true',
    RUN_WORKERS: 'false',
  });
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const url = server.graphqlUrl;
    const warehouse = await login(url, 'warehouse@example.com');
    const accountant = await login(url, 'accountant@example.com');
    const ask = <T>(token: string, query: string, variables: Record<string, unknown> = {}) =>
      requestOrFail<T>(url, token, query, variables);

    const { createVendor } = await ask<{ createVendor: { vendor: { id: string } } }>(
      accountant,
      CREATE_VENDOR,
      { input: { name: 'Bench Supplies' } },
    );
    const vendorId = createVendor.vendor.id;
    const productIds: string[] = [];
    for (let n = 0; n < ORDERS; n += 1) {
      const { createProduct } = await ask<{ createProduct: { product: { id: string } } }>(
        warehouse,
        CREATE_PRODUCT,
        { input: { sku: `BENCH-PO-${n}`, name: `Bench part ${n}`, price: '9.00', cost: '2.00' } },
      );
      productIds.push(createProduct.product.id);
    }
    // A unit cost of 0.25 keeps every order under the approval threshold: approved when made.
    const orderIds: string[] = [];
    const perOrder = Math.ceil(RECEIPTS / ORDERS);
    const createOrders = await load(ORDERS, 1, async (n) => {
      const { createPurchaseOrder } = await ask<{
        createPurchaseOrder: { purchaseOrder: { id: string; status: string } };
      }>(warehouse, CREATE_PURCHASE_ORDER, {
        input: {
          vendorId,
          lines: [
            {
              productId: productIds[n],
              quantity: n === 0 ? RECEIPTS + perOrder : perOrder,
              unitCost: '0.25',
            },
          ],
        },
      });
      if (createPurchaseOrder.purchaseOrder.status !== 'APPROVED')
        throw new Error(`order ${n} is ${createPurchaseOrder.purchaseOrder.status}`);
      orderIds[n] = createPurchaseOrder.purchaseOrder.id;
    });

    const receiveOne = (order: number) =>
      ask(warehouse, RECEIVE_GOODS, {
        input: {
          purchaseOrderId: orderIds[order],
          lines: [{ productId: productIds[order], quantity: 1 }],
        },
      }).then(() => undefined);
    const oneLine = await load(RECEIPTS, CLIENTS, () => receiveOne(0));
    const spread = await load(RECEIPTS, CLIENTS, (n) => receiveOne(n % ORDERS));
    const adjust = await load(RECEIPTS, CLIENTS, (n) =>
      ask(warehouse, ADJUST_STOCK, {
        input: { productId: productIds[n % ORDERS], quantityDelta: 1, reason: 'Bench count' },
      }).then(() => undefined),
    );

    const bills = await load(ORDERS, BILLS_AT_ONCE, async (n) => {
      const { recordBill } = await ask<{ recordBill: { bill: { matchStatus: string } } }>(
        accountant,
        RECORD_BILL,
        {
          input: {
            purchaseOrderId: orderIds[n],
            lines: [{ productId: productIds[n], quantity: 1, unitCost: '0.25' }],
          },
        },
      );
      if (recordBill.bill.matchStatus !== 'MATCHED') throw new Error(`bill ${n} did not match`);
    });

    // Replenishment: a rule per product over ten vendors, each below its minimum; run twice.
    const replenishmentVendors: string[] = [];
    for (let n = 0; n < REPLENISHMENT_VENDORS; n += 1) {
      const { createVendor: made } = await ask<{ createVendor: { vendor: { id: string } } }>(
        accountant,
        CREATE_VENDOR,
        { input: { name: `Bench Replenisher ${n}` } },
      );
      replenishmentVendors.push(made.vendor.id);
    }
    for (const [n, productId] of productIds.entries())
      await ask(warehouse, SET_REORDER_RULE, {
        input: {
          productId,
          minimum: 100_000,
          maximum: 200_000,
          vendorId: replenishmentVendors[n % REPLENISHMENT_VENDORS],
          leadTimeDays: 7,
        },
      });
    const replenish = () =>
      ask<{ runReplenishment: { purchaseOrders: { lines: unknown[] }[] } }>(
        warehouse,
        RUN_REPLENISHMENT,
        { input: { asOf: '2030-01-02' } },
      );
    const firstRunStarted = performance.now();
    const firstRun = await replenish();
    const firstRunMs = Math.round(performance.now() - firstRunStarted);
    const secondRunStarted = performance.now();
    const secondRun = await replenish();
    const secondRunMs = Math.round(performance.now() - secondRunStarted);
    const proposedLines = firstRun.runReplenishment.purchaseOrders.reduce(
      (sum, order) => sum + order.lines.length,
      0,
    );
    if (proposedLines !== ORDERS || secondRun.runReplenishment.purchaseOrders.length !== 0)
      throw new Error(
        `replenishment proposed ${proposedLines} lines, then ${secondRun.runReplenishment.purchaseOrders.length} orders again`,
      );

    // Everything adds up: the lines, the stock, and the books.
    const { rows } = await sql.query<{ received: string; on_hand: string }>(
      `SELECT (SELECT sum(received_quantity) FROM purchase_order_line l JOIN product p ON p.id = l.product_id WHERE p.sku LIKE 'BENCH-PO-%') AS received,
              (SELECT sum(s.on_hand) FROM stock_level s JOIN product p ON p.id = s.product_id WHERE p.sku LIKE 'BENCH-PO-%') AS on_hand`,
    );
    if (Number(rows[0].received) !== 2 * RECEIPTS)
      throw new Error(`lines received ${rows[0].received}, expected ${2 * RECEIPTS}`);
    if (Number(rows[0].on_hand) !== 3 * RECEIPTS)
      throw new Error(`stock on hand ${rows[0].on_hand}, expected ${3 * RECEIPTS}`);
    const { trialBalance } = await ask<{ trialBalance: { balanced: boolean } }>(
      accountant,
      TRIAL_BALANCE,
    );
    if (!trialBalance.balanced) throw new Error('the trial balance does not balance');

    const figures = {
      orders: ORDERS,
      receipts: RECEIPTS,
      clients: CLIENTS,
      createPurchaseOrderPerSecond: createOrders.perSecond,
      receiveOneLinePerSecond: oneLine.perSecond,
      receiveOneLineP50Ms: oneLine.p50Ms,
      receiveOneLineP99Ms: oneLine.p99Ms,
      receiveSpreadPerSecond: spread.perSecond,
      receiveSpreadP50Ms: spread.p50Ms,
      receiveSpreadP99Ms: spread.p99Ms,
      adjustStockSpreadPerSecond: adjust.perSecond,
      adjustStockSpreadP50Ms: adjust.p50Ms,
      matchedBillsPerSecond: bills.perSecond,
      matchedBillP50Ms: bills.p50Ms,
      replenishmentRules: ORDERS,
      replenishmentVendors: REPLENISHMENT_VENDORS,
      replenishmentFirstRunMs: firstRunMs,
      replenishmentSecondRunMs: secondRunMs,
    };
    console.table(figures);
    const file = writeResult('purchasing', { machine: await machine(databaseUrl), figures });
    console.log(`wrote ${file}`);
  } finally {
    await sql.end();
    await server.stop();
  }
}

runScript(main);
