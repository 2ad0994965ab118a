import {
  ApproveBillVarianceDocument,
  ApprovePurchaseOrderDocument,
  CancelPurchaseOrderDocument,
  ClosePurchaseOrderDocument,
  CreatePurchaseOrderDocument,
  CreateVendorDocument,
  PayMatchedBillDocument,
  PlaceOrderDocument,
  PurchaseOrderDetailDocument,
  PurchaseOrdersDocument,
  ReceiveGoodsDocument,
  RecordBillDocument,
  RecordPurchaseBillDocument,
  TrialBalanceDocument,
  UpdatePurchaseOrderDocument,
  type ReceiveGoodsMutationVariables,
} from './generated/graphql';
import { createCustomer, createProduct, errorCode, uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let admin: string;
let accountant: string;
let warehouse: string;
let reports: string;
let agent: string;

beforeAll(async () => {
  server = await startTestServer();
  [admin, accountant, warehouse, reports, agent] = await Promise.all(
    [
      'admin@example.com',
      'accountant@example.com',
      'warehouse@example.com',
      'reports@example.com',
      'agent@example.com',
    ].map((email) => server.login(email)),
  );
});

afterAll(async () => {
  await server?.close();
});

const sql = <T extends object>(text: string, params: unknown[] = []) =>
  server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

const rawId = (globalId: string) =>
  Number(Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]);

async function vendor(): Promise<string> {
  const result = await server.request(
    CreateVendorDocument,
    { input: { name: `Supplier ${uniqueSuffix()}` } },
    accountant,
  );
  const id = result.data?.createVendor.vendor?.id;
  if (!id) throw new Error(JSON.stringify(result));
  return id;
}

async function purchaseOrder(
  vendorId: string,
  lines: { productId: string; quantity: number; unitCost: string }[],
  token = warehouse,
) {
  const result = await server.request(
    CreatePurchaseOrderDocument,
    { input: { vendorId, lines, expectedDate: '2026-12-20' } },
    token,
  );
  const order = result.data?.createPurchaseOrder.purchaseOrder;
  if (!order) throw new Error(JSON.stringify(result));
  return order;
}

function receive(input: ReceiveGoodsMutationVariables['input'], token = warehouse) {
  return server.request(ReceiveGoodsDocument, { input }, token);
}

async function stockOf(productId: string) {
  const [row] = await sql<{ on_hand: number; reserved: number }>(
    'SELECT on_hand, reserved FROM stock_level WHERE product_id = ?',
    [rawId(productId)],
  );
  return row;
}

/** The lines of one journal entry as code → signed amount (debit positive), in cents. */
async function entryLines(entryId: number): Promise<Record<string, number>> {
  const rows = await sql<{ code: string; amount: string }>(
    `SELECT a.code, sum(l.debit_minor - l.credit_minor) AS amount
       FROM journal_line l JOIN account a ON a.id = l.account_id
      WHERE l.entry_id = ? GROUP BY a.code`,
    [entryId],
  );
  return Object.fromEntries(rows.map((row) => [row.code, Number(row.amount)]));
}

async function balanceOf(code: string): Promise<number> {
  const [row] = await sql<{ balance: string }>(
    `SELECT coalesce(sum(l.debit_minor - l.credit_minor), 0) AS balance
       FROM journal_line l JOIN account a ON a.id = l.account_id WHERE a.code = ?`,
    [code],
  );
  return Number(row.balance);
}

describe('a purchase order from order to paid bill', () => {
  it('receives in two deliveries, bills within tolerance, matches and pays, and the books balance', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { cost: '4.00', stock: 0 });
    const customerId = await createCustomer(server, admin);
    const goodsReceivedBefore = await balanceOf('2150');

    const order = await purchaseOrder(vendorId, [{ productId, quantity: 100, unitCost: '4.00' }]);
    expect(order).toMatchObject({
      status: 'APPROVED',
      origin: 'MANUAL',
      total: { amount: '400.00' },
      receiptTolerancePercent: '10.00',
      priceTolerancePercent: '5.00',
      priceToleranceAmount: { amount: '5.00' },
      createdBy: { email: 'warehouse@example.com' },
      approvedBy: { email: 'warehouse@example.com' },
    });

    // An order waiting on zero stock is refused now, and succeeds once the goods arrive.
    const placeFive = () =>
      server.request(
        PlaceOrderDocument,
        { input: { customerId, lines: [{ productId, quantity: 5 }] } },
        agent,
      );
    expect((await placeFive()).data?.placeOrder.userErrors[0]?.code).toBe('OUT_OF_STOCK');

    const first = await receive({
      purchaseOrderId: order.id,
      receivedOn: '2026-12-07',
      lines: [{ productId, quantity: 40, rejectedQuantity: 2, rejectionReason: 'Crushed' }],
    });
    expect(first.data?.receiveGoods.userErrors).toEqual([]);
    expect(first.data?.receiveGoods.purchaseOrder?.status).toBe('PARTIALLY_RECEIVED');
    expect(first.data?.receiveGoods.purchaseOrder?.lines[0]).toMatchObject({
      receivedQuantity: 40,
      rejectedQuantity: 2,
    });
    expect(first.data?.receiveGoods.receipt).toMatchObject({
      receivedBy: { email: 'warehouse@example.com' },
      lines: [{ quantity: 40, rejectedQuantity: 2, rejectionReason: 'Crushed' }],
    });
    expect(await stockOf(productId)).toEqual({ on_hand: 40, reserved: 0 });
    expect((await placeFive()).data?.placeOrder.userErrors).toEqual([]);
    expect(await stockOf(productId)).toEqual({ on_hand: 40, reserved: 5 });

    const second = await receive({
      purchaseOrderId: order.id,
      lines: [{ productId, quantity: 60 }],
    });
    expect(second.data?.receiveGoods.purchaseOrder?.status).toBe('RECEIVED');

    // Each receipt posted Dr 1200 / Cr 2150 at PO cost; rejected units were not posted.
    const receipts = await sql<{ journal_entry_id: string }>(
      'SELECT journal_entry_id FROM goods_receipt WHERE purchase_order_id = ? ORDER BY id',
      [rawId(order.id)],
    );
    expect(await entryLines(Number(receipts[0].journal_entry_id))).toEqual({
      '1200': 16000,
      '2150': -16000,
    });
    expect(await entryLines(Number(receipts[1].journal_entry_id))).toEqual({
      '1200': 24000,
      '2150': -24000,
    });
    const movements = await sql<{ kind: string; on_hand_delta: number }>(
      "SELECT kind, on_hand_delta FROM stock_movement WHERE product_id = ? AND kind = 'RECEIPT' ORDER BY id",
      [rawId(productId)],
    );
    expect(movements).toEqual([
      { kind: 'RECEIPT', on_hand_delta: 40 },
      { kind: 'RECEIPT', on_hand_delta: 60 },
    ]);

    // 4.10 against 4.00 on 100 units: a 10.00 variance, within max(5% of 400.00, 5.00) = 20.00.
    const billed = await server.request(
      RecordPurchaseBillDocument,
      {
        input: {
          purchaseOrderId: order.id,
          lines: [{ productId, quantity: 100, unitCost: '4.10' }],
          billDate: '2026-12-08',
        },
      },
      accountant,
    );
    const bill = billed.data?.recordBill.bill;
    expect(billed.data?.recordBill.userErrors).toEqual([]);
    expect(bill).toMatchObject({
      matchStatus: 'MATCHED',
      matchExceptions: [],
      amount: { amount: '410.00' },
      expenseAccount: { code: '2150' },
      purchaseOrder: { id: order.id },
      purchaseLines: [
        {
          quantity: 100,
          unitCost: { amount: '4.10' },
          cleared: { amount: '400.00' },
          variance: { amount: '10.00' },
        },
      ],
    });
    const [billRow] = await sql<{ journal_entry_id: string }>(
      'SELECT journal_entry_id FROM bill WHERE id = ?',
      [rawId(bill!.id)],
    );
    expect(await entryLines(Number(billRow.journal_entry_id))).toEqual({
      '2150': 40000,
      '5100': 1000,
      '2000': -41000,
    });
    // Goods received for this order are cleared exactly once.
    expect(await balanceOf('2150')).toBe(goodsReceivedBefore);

    const paid = await server.request(
      PayMatchedBillDocument,
      { input: { billId: bill!.id, amount: '410.00' } },
      accountant,
    );
    expect(paid.data?.payBill.userErrors).toEqual([]);
    expect(paid.data?.payBill.bill?.status).toBe('PAID');

    const closed = await server.request(
      ClosePurchaseOrderDocument,
      { input: { id: order.id } },
      warehouse,
    );
    expect(closed.data?.closePurchaseOrder.purchaseOrder?.status).toBe('CLOSED');

    const trial = await server.request(TrialBalanceDocument, {}, accountant);
    expect(trial.data?.trialBalance.balanced).toBe(true);
    expect(trial.data?.trialBalance.totalDebit).toEqual(trial.data?.trialBalance.totalCredit);

    const detail = await server.request(PurchaseOrderDetailDocument, { id: order.id }, accountant);
    expect(detail.data?.purchaseOrder?.lines[0]).toMatchObject({
      receivedQuantity: 100,
      billedQuantity: 100,
    });
    // The send job's SENT or SEND_SKIPPED lands on its own time (purchase-order-mail.test.ts).
    expect(
      detail.data?.purchaseOrder?.history
        .map((entry) => entry.type)
        .filter((type) => type !== 'SENT' && type !== 'SEND_SKIPPED'),
    ).toEqual(['CREATED', 'APPROVED', 'GOODS_RECEIVED', 'GOODS_RECEIVED', 'BILLED', 'CLOSED']);
    expect(detail.data?.purchaseOrder?.receipts[0].journalEntry?.lines).toHaveLength(2);
  });
});

describe('three-way match exceptions', () => {
  it('billing more than was received is an EXCEPTION, refused payment until approved', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const order = await purchaseOrder(vendorId, [{ productId, quantity: 10, unitCost: '50.00' }]);
    await receive({ purchaseOrderId: order.id, lines: [{ productId, quantity: 5 }] });

    const billed = await server.request(
      RecordPurchaseBillDocument,
      {
        input: {
          purchaseOrderId: order.id,
          lines: [{ productId, quantity: 8, unitCost: '50.00' }],
        },
      },
      accountant,
    );
    const bill = billed.data!.recordBill.bill!;
    expect(bill.matchStatus).toBe('EXCEPTION');
    expect(bill.matchExceptions).toHaveLength(1);
    expect(bill.matchExceptions[0]).toContain('8 billed in all, 5 received');

    const refused = await server.request(
      PayMatchedBillDocument,
      { input: { billId: bill.id, amount: '400.00' } },
      accountant,
    );
    expect(refused.data?.payBill.userErrors[0]?.code).toBe('MATCH_EXCEPTION');
    const [{ count }] = await sql<{ count: string }>(
      'SELECT count(*) FROM bill_payment WHERE bill_id = ?',
      [rawId(bill.id)],
    );
    expect(Number(count)).toBe(0);

    const byWarehouse = await server.request(
      ApproveBillVarianceDocument,
      { input: { billId: bill.id, reason: 'Rest is on the truck' } },
      warehouse,
    );
    expect(errorCode(byWarehouse)).toBe('FORBIDDEN');

    const approved = await server.request(
      ApproveBillVarianceDocument,
      { input: { billId: bill.id, reason: 'Rest is on the truck' } },
      accountant,
    );
    expect(approved.data?.approveBillVariance.bill?.varianceApproval).toMatchObject({
      approvedBy: { email: 'accountant@example.com' },
      reason: 'Rest is on the truck',
    });
    const again = await server.request(
      ApproveBillVarianceDocument,
      { input: { billId: bill.id, reason: 'Twice' } },
      accountant,
    );
    expect(again.data?.approveBillVariance.userErrors[0]?.code).toBe('INVALID_TRANSITION');

    const paid = await server.request(
      PayMatchedBillDocument,
      { input: { billId: bill.id, amount: '400.00' } },
      accountant,
    );
    expect(paid.data?.payBill.bill?.status).toBe('PAID');
  });

  it('101 received of 100 ordered, within the tolerance, bills as 101 and matches', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const order = await purchaseOrder(vendorId, [{ productId, quantity: 100, unitCost: '1.00' }]);
    const received = await receive({
      purchaseOrderId: order.id,
      lines: [{ productId, quantity: 101 }],
    });
    expect(received.data?.receiveGoods.purchaseOrder?.status).toBe('RECEIVED');
    const billed = await server.request(
      RecordPurchaseBillDocument,
      {
        input: {
          purchaseOrderId: order.id,
          lines: [{ productId, quantity: 101, unitCost: '1.00' }],
        },
      },
      accountant,
    );
    expect(billed.data?.recordBill.bill).toMatchObject({
      matchStatus: 'MATCHED',
      amount: { amount: '101.00' },
    });
    // Billing the same units again is over-billing.
    const again = await server.request(
      RecordPurchaseBillDocument,
      {
        input: {
          purchaseOrderId: order.id,
          lines: [{ productId, quantity: 1, unitCost: '1.00' }],
        },
      },
      accountant,
    );
    expect(again.data?.recordBill.bill?.matchExceptions).toEqual([
      expect.stringContaining('102 billed in all, 101 received'),
    ]);
  });

  it('a price outside the tolerance is an EXCEPTION and posts its variance', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const order = await purchaseOrder(vendorId, [{ productId, quantity: 5, unitCost: '50.00' }]);
    await receive({ purchaseOrderId: order.id, lines: [{ productId, quantity: 5 }] });
    // 5 × (60.00 − 50.00) = 50.00 against max(5% of 250.00, 5.00) = 12.50.
    const billed = await server.request(
      RecordPurchaseBillDocument,
      {
        input: {
          purchaseOrderId: order.id,
          lines: [{ productId, quantity: 5, unitCost: '60.00' }],
          amount: '300.00',
        },
      },
      accountant,
    );
    const bill = billed.data!.recordBill.bill!;
    expect(bill.matchStatus).toBe('EXCEPTION');
    expect(bill.matchExceptions[0]).toContain('variance 50.00, tolerance 12.50');
    expect(bill.purchaseLines[0]).toMatchObject({
      cleared: { amount: '250.00' },
      variance: { amount: '50.00' },
    });
    const refused = await server.request(
      PayMatchedBillDocument,
      { input: { billId: bill.id, amount: '300.00' } },
      accountant,
    );
    expect(refused.data?.payBill.userErrors[0]?.code).toBe('MATCH_EXCEPTION');
  });

  it('a price below the order within the tolerance matches and credits the variance', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const order = await purchaseOrder(vendorId, [{ productId, quantity: 10, unitCost: '10.00' }]);
    await receive({ purchaseOrderId: order.id, lines: [{ productId, quantity: 10 }] });
    const billed = await server.request(
      RecordPurchaseBillDocument,
      {
        input: {
          purchaseOrderId: order.id,
          lines: [{ productId, quantity: 10, unitCost: '9.60' }],
        },
      },
      accountant,
    );
    const bill = billed.data!.recordBill.bill!;
    expect(bill).toMatchObject({ matchStatus: 'MATCHED', amount: { amount: '96.00' } });
    const [row] = await sql<{ journal_entry_id: string }>(
      'SELECT journal_entry_id FROM bill WHERE id = ?',
      [rawId(bill.id)],
    );
    expect(await entryLines(Number(row.journal_entry_id))).toEqual({
      '2150': 10000,
      '5100': -400,
      '2000': -9600,
    });
  });

  it('refuses bill lines that are not on the order, an amount that is not their sum, and a DRAFT order', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const otherProduct = await createProduct(server, admin, { stock: 0 });
    const order = await purchaseOrder(vendorId, [{ productId, quantity: 1, unitCost: '10.00' }]);
    const billOf = (input: Record<string, unknown>) =>
      server.request(
        RecordPurchaseBillDocument,
        { input: { purchaseOrderId: order.id, ...input } },
        accountant,
      );
    const notOnOrder = await billOf({
      lines: [{ productId: otherProduct, quantity: 1, unitCost: '10.00' }],
    });
    expect(notOnOrder.data?.recordBill.userErrors[0]).toMatchObject({
      code: 'NOT_FOUND',
      field: ['input', 'lines', '0', 'productId'],
    });
    const wrongSum = await billOf({
      lines: [{ productId, quantity: 1, unitCost: '10.00' }],
      amount: '11.00',
    });
    expect(wrongSum.data?.recordBill.userErrors[0]?.field).toEqual(['input', 'amount']);

    const draft = await purchaseOrder(vendorId, [{ productId, quantity: 200, unitCost: '10.00' }]);
    expect(draft.status).toBe('DRAFT');
    const onDraft = await server.request(
      RecordPurchaseBillDocument,
      {
        input: {
          purchaseOrderId: draft.id,
          lines: [{ productId, quantity: 1, unitCost: '10.00' }],
        },
      },
      accountant,
    );
    expect(onDraft.data?.recordBill.userErrors[0]?.code).toBe('INVALID_TRANSITION');

    // Without a purchase order, the expense account and amount are required.
    const bare = await server.request(RecordBillDocument, { input: { vendorId } }, accountant);
    expect(bare.data?.recordBill.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'expenseAccountId'],
    });
    const [{ count }] = await sql<{ count: string }>(
      'SELECT count(*) FROM purchase_bill_line l JOIN purchase_order_line o ON o.id = l.purchase_order_line_id WHERE o.product_id IN (?, ?)',
      [rawId(productId), rawId(otherProduct)],
    );
    expect(Number(count)).toBe(0);
  });
});

describe('receiving', () => {
  it('20 concurrent receipts on one line never take in more than the tolerance allows', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { cost: '3.00', stock: 0 });
    const order = await purchaseOrder(vendorId, [{ productId, quantity: 100, unitCost: '3.00' }]);
    const before = await balanceOf('1200');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        receive({ purchaseOrderId: order.id, lines: [{ productId, quantity: 10 }] }),
      ),
    );
    const accepted = results.filter((result) => result.data?.receiveGoods.receipt);
    const refused = results.filter(
      (result) => result.data?.receiveGoods.userErrors[0]?.code === 'RECEIPT_TOLERANCE_EXCEEDED',
    );
    // 100 ordered + 10% = 110: eleven deliveries of 10.
    expect(accepted).toHaveLength(11);
    expect(refused).toHaveLength(9);

    const [line] = await sql<{ received_quantity: number }>(
      'SELECT received_quantity FROM purchase_order_line WHERE purchase_order_id = ?',
      [rawId(order.id)],
    );
    expect(line.received_quantity).toBe(110);
    const [receipts] = await sql<{ units: string; receipts: string }>(
      `SELECT sum(g.quantity) AS units, count(DISTINCT g.receipt_id) AS receipts
         FROM goods_receipt_line g JOIN goods_receipt r ON r.id = g.receipt_id
        WHERE r.purchase_order_id = ?`,
      [rawId(order.id)],
    );
    expect(receipts).toEqual({ units: '110', receipts: '11' });
    expect(await stockOf(productId)).toEqual({ on_hand: 110, reserved: 0 });
    expect((await balanceOf('1200')) - before).toBe(110 * 300);

    const over = await receive({ purchaseOrderId: order.id, lines: [{ productId, quantity: 1 }] });
    expect(over.data?.receiveGoods.userErrors[0]).toMatchObject({
      code: 'RECEIPT_TOLERANCE_EXCEEDED',
      field: ['input', 'lines', '0', 'quantity'],
    });
  });

  it('is idempotent by key, and refuses the key with other input', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const order = await purchaseOrder(vendorId, [{ productId, quantity: 10, unitCost: '1.00' }]);
    const key = `receipt-${uniqueSuffix()}`;
    const input = {
      purchaseOrderId: order.id,
      lines: [{ productId, quantity: 4 }],
      idempotencyKey: key,
    };
    const [once, twice] = await Promise.all([receive(input), receive(input)]);
    expect(once.data?.receiveGoods.receipt?.id).toBeDefined();
    expect(twice.data?.receiveGoods.receipt?.id).toBe(once.data?.receiveGoods.receipt?.id);
    expect(await stockOf(productId)).toEqual({ on_hand: 4, reserved: 0 });
    const reused = await receive({ ...input, lines: [{ productId, quantity: 5 }] });
    expect(reused.data?.receiveGoods.userErrors[0]?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses a product not on the order, a draft order, and nothing received', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const other = await createProduct(server, admin, { stock: 0 });
    const order = await purchaseOrder(vendorId, [{ productId, quantity: 10, unitCost: '1.00' }]);
    const stranger = await receive({
      purchaseOrderId: order.id,
      lines: [{ productId: other, quantity: 1 }],
    });
    expect(stranger.data?.receiveGoods.userErrors[0]?.code).toBe('NOT_FOUND');
    const empty = await receive({
      purchaseOrderId: order.id,
      lines: [{ productId, quantity: 0, rejectedQuantity: 0 }],
    });
    expect(empty.data?.receiveGoods.userErrors[0]?.code).toBe('INVALID_INPUT');
    const draft = await purchaseOrder(vendorId, [{ productId, quantity: 5000, unitCost: '1.00' }]);
    const onDraft = await receive({
      purchaseOrderId: draft.id,
      lines: [{ productId, quantity: 1 }],
    });
    expect(onDraft.data?.receiveGoods.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    expect(await stockOf(productId)).toEqual({ on_hand: 0, reserved: 0 });
    expect(await stockOf(other)).toEqual({ on_hand: 0, reserved: 0 });
    const byAccountant = await receive(
      { purchaseOrderId: order.id, lines: [{ productId, quantity: 1 }] },
      accountant,
    );
    expect(errorCode(byAccountant)).toBe('FORBIDDEN');
  });
});

describe('the life of an order', () => {
  it('waits for an ADMIN or ACCOUNTANT above the approval threshold', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const draft = await purchaseOrder(vendorId, [{ productId, quantity: 201, unitCost: '5.00' }]);
    expect(draft).toMatchObject({
      status: 'DRAFT',
      total: { amount: '1005.00' },
      approvedBy: null,
    });
    const byWarehouse = await server.request(
      ApprovePurchaseOrderDocument,
      { input: { purchaseOrderId: draft.id } },
      warehouse,
    );
    expect(byWarehouse.data?.approvePurchaseOrder.userErrors[0]?.code).toBe('APPROVAL_REQUIRED');
    const approved = await server.request(
      ApprovePurchaseOrderDocument,
      { input: { purchaseOrderId: draft.id } },
      accountant,
    );
    expect(approved.data?.approvePurchaseOrder.purchaseOrder).toMatchObject({
      status: 'APPROVED',
      approvedBy: { email: 'accountant@example.com' },
    });
    const twice = await server.request(
      ApprovePurchaseOrderDocument,
      { input: { purchaseOrderId: draft.id } },
      accountant,
    );
    expect(twice.data?.approvePurchaseOrder.userErrors[0]?.code).toBe('INVALID_TRANSITION');

    // Exactly at the threshold it is approved when made.
    const atThreshold = await purchaseOrder(vendorId, [
      { productId, quantity: 200, unitCost: '5.00' },
    ]);
    expect(atThreshold.status).toBe('APPROVED');
  });

  it('changes a draft before approval; a replenishment draft someone changed becomes theirs', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { cost: '5.00', stock: 0 });
    const draft = await purchaseOrder(vendorId, [{ productId, quantity: 300, unitCost: '5.00' }]);
    expect(draft.status).toBe('DRAFT');
    const changed = await server.request(
      UpdatePurchaseOrderDocument,
      {
        input: {
          purchaseOrderId: draft.id,
          lines: [{ productId, quantity: 100, unitCost: '4.50' }],
          note: 'Smaller first batch',
        },
      },
      warehouse,
    );
    expect(changed.data?.updatePurchaseOrder.purchaseOrder).toMatchObject({
      status: 'DRAFT',
      total: { amount: '450.00' },
      note: 'Smaller first batch',
      expectedDate: '2026-12-20',
      lines: [{ quantity: 100, unitCost: { amount: '4.50' } }],
    });
    // Now under the threshold, the warehouse may approve it; then it no longer changes.
    const approved = await server.request(
      ApprovePurchaseOrderDocument,
      { input: { purchaseOrderId: draft.id } },
      warehouse,
    );
    expect(approved.data?.approvePurchaseOrder.purchaseOrder?.status).toBe('APPROVED');
    const late = await server.request(
      UpdatePurchaseOrderDocument,
      { input: { purchaseOrderId: draft.id, note: 'Too late' } },
      warehouse,
    );
    expect(late.data?.updatePurchaseOrder.userErrors[0]?.code).toBe('INVALID_TRANSITION');

    // A replenishment draft, changed by hand: later runs count it and leave it alone.
    const other = await vendor();
    const restocked = await createProduct(server, admin, { cost: '2.00', stock: 0 });
    const ask = async <T>(query: string, input: Record<string, unknown>) => {
      const result = await server.raw(query, { input }, warehouse);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data as T;
    };
    await ask(
      'mutation($input: SetReorderRuleInput!) { setReorderRule(input: $input) { userErrors { code } } }',
      { productId: restocked, minimum: 10, maximum: 50, vendorId: other, leadTimeDays: 3 },
    );
    const replenish = () =>
      ask<{
        runReplenishment: {
          purchaseOrders: { id: string; origin: string; lines: { quantity: number }[] }[];
        };
      }>(
        'mutation($input: RunReplenishmentInput!) { runReplenishment(input: $input) { purchaseOrders { id origin lines { quantity } } } }',
        { asOf: '2026-12-21' },
      ).then((data) => data.runReplenishment.purchaseOrders);
    const [proposed] = await replenish();
    expect(proposed).toMatchObject({ origin: 'REPLENISHMENT', lines: [{ quantity: 50 }] });
    const takenOver = await server.request(
      UpdatePurchaseOrderDocument,
      {
        input: {
          purchaseOrderId: proposed.id,
          lines: [{ productId: restocked, quantity: 30, unitCost: '2.00' }],
        },
      },
      warehouse,
    );
    expect(takenOver.data?.updatePurchaseOrder.purchaseOrder).toMatchObject({
      origin: 'MANUAL',
      lines: [{ quantity: 30 }],
    });
    // 0 on hand + 30 on the changed draft ≥ 10: nothing to propose, and the draft is untouched.
    expect(await replenish()).toEqual([]);
    await server.request(
      UpdatePurchaseOrderDocument,
      {
        input: {
          purchaseOrderId: proposed.id,
          lines: [{ productId: restocked, quantity: 5, unitCost: '2.00' }],
        },
      },
      warehouse,
    );
    // 5 < 10: a new replenishment draft tops up to 50 − 5; the person's draft keeps its 5.
    const [topUp] = await replenish();
    expect(topUp.id).not.toBe(proposed.id);
    expect(topUp.lines).toEqual([{ quantity: 45 }]);
    const detail = await server.request(
      PurchaseOrderDetailDocument,
      { id: proposed.id },
      warehouse,
    );
    expect(detail.data?.purchaseOrder?.lines[0].quantity).toBe(5);
  });

  it('cancels before anything arrived, and closes short only with a reason', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const toCancel = await purchaseOrder(vendorId, [{ productId, quantity: 3, unitCost: '1.00' }]);
    const cancelled = await server.request(
      CancelPurchaseOrderDocument,
      { input: { purchaseOrderId: toCancel.id, reason: 'Ordered twice' } },
      warehouse,
    );
    expect(cancelled.data?.cancelPurchaseOrder.purchaseOrder).toMatchObject({
      status: 'CANCELLED',
      closedReason: 'Ordered twice',
    });
    const receiveCancelled = await receive({
      purchaseOrderId: toCancel.id,
      lines: [{ productId, quantity: 1 }],
    });
    expect(receiveCancelled.data?.receiveGoods.userErrors[0]?.code).toBe('INVALID_TRANSITION');

    const order = await purchaseOrder(vendorId, [{ productId, quantity: 10, unitCost: '1.00' }]);
    await receive({ purchaseOrderId: order.id, lines: [{ productId, quantity: 6 }] });
    const cancelAfter = await server.request(
      CancelPurchaseOrderDocument,
      { input: { purchaseOrderId: order.id } },
      warehouse,
    );
    expect(cancelAfter.data?.cancelPurchaseOrder.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    const noReason = await server.request(
      ClosePurchaseOrderDocument,
      { input: { purchaseOrderId: order.id } },
      warehouse,
    );
    expect(noReason.data?.closePurchaseOrder.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'reason'],
    });
    const closed = await server.request(
      ClosePurchaseOrderDocument,
      { input: { id: order.id, reason: 'Vendor discontinued the rest' } },
      warehouse,
    );
    expect(closed.data?.closePurchaseOrder.purchaseOrder).toMatchObject({
      status: 'CLOSED',
      closedReason: 'Vendor discontinued the rest',
    });
    // A bill for what arrived is still taken after closing.
    const billed = await server.request(
      RecordPurchaseBillDocument,
      {
        input: { purchaseOrderId: order.id, lines: [{ productId, quantity: 6, unitCost: '1.00' }] },
      },
      accountant,
    );
    expect(billed.data?.recordBill.bill?.matchStatus).toBe('MATCHED');
  });

  it('refuses bad lines and changes nothing', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const [{ count: before }] = await sql<{ count: string }>('SELECT count(*) FROM purchase_order');
    const create = (lines: { productId: string; quantity: number; unitCost: string }[]) =>
      server.request(CreatePurchaseOrderDocument, { input: { vendorId, lines } }, warehouse);
    const duplicate = await create([
      { productId, quantity: 1, unitCost: '1.00' },
      { productId, quantity: 2, unitCost: '1.00' },
    ]);
    expect(duplicate.data?.createPurchaseOrder.userErrors[0]?.field).toEqual([
      'input',
      'lines',
      '1',
      'productId',
    ]);
    const zero = await create([{ productId, quantity: 0, unitCost: '1.00' }]);
    expect(zero.data?.createPurchaseOrder.userErrors[0]?.field).toEqual([
      'input',
      'lines',
      '0',
      'quantity',
    ]);
    const negative = await create([{ productId, quantity: 1, unitCost: '-1.00' }]);
    expect(negative.data?.createPurchaseOrder.userErrors[0]?.field).toEqual([
      'input',
      'lines',
      '0',
      'unitCost',
    ]);
    const [{ count: after }] = await sql<{ count: string }>('SELECT count(*) FROM purchase_order');
    expect(after).toBe(before);
  });

  it('lets purchasing roles read, and nobody else', async () => {
    const vendorId = await vendor();
    const productId = await createProduct(server, admin, { stock: 0 });
    const order = await purchaseOrder(vendorId, [{ productId, quantity: 1, unitCost: '1.00' }]);
    const listed = await server.request(
      PurchaseOrdersDocument,
      { first: 5, filter: { vendorId, status: ['APPROVED'] } },
      reports,
    );
    expect(listed.data?.purchaseOrders.nodes.map((node) => node.id)).toEqual([order.id]);
    expect(errorCode(await server.request(PurchaseOrdersDocument, { first: 5 }, agent))).toBe(
      'FORBIDDEN',
    );
    const byReports = await server.request(
      CreatePurchaseOrderDocument,
      { input: { vendorId, lines: [{ productId, quantity: 1, unitCost: '1.00' }] } },
      reports,
    );
    expect(errorCode(byReports)).toBe('FORBIDDEN');
    const billByWarehouse = await server.request(
      RecordPurchaseBillDocument,
      {
        input: { purchaseOrderId: order.id, lines: [{ productId, quantity: 1, unitCost: '1.00' }] },
      },
      warehouse,
    );
    expect(errorCode(billByWarehouse)).toBe('FORBIDDEN');
  });
});
