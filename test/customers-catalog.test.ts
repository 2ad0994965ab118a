import {
  CancelOrderDocument,
  CreateCustomerDocument,
  CreateProductDocument,
  CustomersDocument,
  CustomerWithOrdersDocument,
  OrdersDocument,
  PlaceOrderDocument,
  ProductsDocument,
  SalesReportDocument,
  ShipOrderDocument,
  StartPickingDocument,
  UpdateCustomerDocument,
  UpdateProductDocument,
} from './generated/graphql';
import { parseMinorUnits } from '../src/modules/common/money';
import { createCustomer, createProduct, errorCode, uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;

function minorUnits(amount: string | undefined): bigint {
  const parsed = parseMinorUnits(amount ?? '0', { allowZero: true });
  if (!parsed.ok) throw new Error(`not an amount: ${amount}`);
  return parsed.minor;
}
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

describe('customers', () => {
  it('keeps emails unique case-insensitively and validates them', async () => {
    const agent = await server.login('agent@example.com');
    const email = `Mixed.Case-${uniqueSuffix()}@Example.org`;
    const first = await server.request(
      CreateCustomerDocument,
      { input: { name: 'Mixed Case Ltd', email } },
      agent,
    );
    expect(first.data?.createCustomer.customer?.email).toBe(email.toLowerCase());
    const second = await server.request(
      CreateCustomerDocument,
      { input: { name: 'Copy', email: email.toUpperCase() } },
      agent,
    );
    expect(second.data?.createCustomer.userErrors).toEqual([
      { code: 'EMAIL_TAKEN', field: ['input', 'email'], message: expect.any(String) },
    ]);
    const invalid = await server.request(
      CreateCustomerDocument,
      { input: { name: 'Bad', email: 'not-an-email' } },
      agent,
    );
    expect(invalid.data?.createCustomer.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'email'],
    });
    const blank = await server.request(
      CreateCustomerDocument,
      { input: { name: '   ', email: `x-${uniqueSuffix()}@example.org` } },
      agent,
    );
    expect(blank.data?.createCustomer.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'name'],
    });
  });

  it('updates fields, refuses a taken email, and searches name, email and company case-insensitively', async () => {
    const agent = await server.login('agent@example.com');
    const id = await createCustomer(server, agent, 'Zebra Logistics');
    const otherId = await createCustomer(server, agent, 'Other');
    const other = (await server.request(CustomerWithOrdersDocument, { id: otherId }, agent)).data
      ?.customer;
    const taken = await server.request(
      UpdateCustomerDocument,
      { input: { id, email: other?.email } },
      agent,
    );
    expect(taken.data?.updateCustomer.userErrors[0].code).toBe('EMAIL_TAKEN');
    const updated = await server.request(
      UpdateCustomerDocument,
      { input: { id, phone: '+1 555 0100', company: 'Zebra Group' } },
      agent,
    );
    expect(updated.data?.updateCustomer.customer).toMatchObject({
      phone: '+1 555 0100',
      company: 'Zebra Group',
    });

    const byCompany = await server.request(
      CustomersDocument,
      { filter: { search: 'zEbRa gr' } },
      agent,
    );
    expect(byCompany.data?.customers.nodes.map((c) => c.id)).toEqual([id]);
    const byName = await server.request(
      CustomersDocument,
      { filter: { search: 'ZEBRA LOGISTICS' } },
      agent,
    );
    expect(byName.data?.customers.nodes.map((c) => c.id)).toEqual([id]);
    const wildcard = await server.request(CustomersDocument, { filter: { search: '%' } }, agent);
    expect(wildcard.data?.customers.totalCount).toBe(0);
  });
});

describe('catalog', () => {
  it('refuses a duplicate SKU (case-insensitively) and bad prices', async () => {
    const sku = `dup-${uniqueSuffix()}`;
    const first = await server.request(
      CreateProductDocument,
      { input: { sku, name: 'One', price: '1.00' } },
      warehouse,
    );
    expect(first.data?.createProduct.product?.sku).toBe(sku.toUpperCase());
    const again = await server.request(
      CreateProductDocument,
      { input: { sku: sku.toUpperCase(), name: 'Two', price: '1.00' } },
      warehouse,
    );
    expect(again.data?.createProduct.userErrors).toEqual([
      { code: 'SKU_TAKEN', field: ['input', 'sku'], message: expect.any(String) },
    ]);
    for (const price of ['-1.00', '1.001']) {
      const bad = await server.request(
        CreateProductDocument,
        { input: { sku: `P-${uniqueSuffix()}`, name: 'x', price } },
        warehouse,
      );
      expect(bad.data?.createProduct.userErrors[0]).toMatchObject({
        code: 'INVALID_INPUT',
        field: ['input', 'price'],
      });
    }
    const notDecimal = await server.request(
      CreateProductDocument,
      { input: { sku: `P-${uniqueSuffix()}`, name: 'x', price: 'ten' } },
      warehouse,
    );
    expect(errorCode(notDecimal)).toBe('BAD_USER_INPUT');
  });

  it('an inactive product cannot be ordered and drops out of the active filter', async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 3 });
    await server.request(
      UpdateProductDocument,
      { input: { id: productId, active: false } },
      warehouse,
    );
    const available = await createProduct(server, warehouse, { stock: 3 });
    const refused = await server.request(
      PlaceOrderDocument,
      {
        input: {
          customerId,
          lines: [
            { productId: available, quantity: 1 },
            { productId, quantity: 1 },
          ],
        },
      },
      admin,
    );
    expect(refused.data?.placeOrder.userErrors[0]).toMatchObject({
      code: 'PRODUCT_UNAVAILABLE',
      field: ['input', 'lines', '1', 'productId'],
      message: expect.stringMatching(/ is not for sale$/),
    });
    // Nothing was reserved for the line that was fine.
    const stock = await server.raw(
      'query ($id: ID!) { product(id: $id) { stock { reserved } } }',
      { id: available },
      admin,
    );
    expect(stock.data).toEqual({ product: { stock: { reserved: 0 } } });
    const active = await server.request(
      ProductsDocument,
      { first: 100, filter: { active: true } },
      admin,
    );
    expect(active.data?.products.nodes.map((p) => p.id)).not.toContain(productId);
  });
});

describe('roles', () => {
  it('lets support place and cancel, fulfilment move orders, reporting and accounting read, HR nothing', async () => {
    const [agent, reports, accountant, hr] = await Promise.all(
      ['agent@example.com', 'reports@example.com', 'accountant@example.com', 'hr@example.com'].map(
        (email) => server.login(email),
      ),
    );
    const customerId = await createCustomer(server, agent);
    const productId = await createProduct(server, warehouse, { stock: 10 });
    const placed = await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId, quantity: 1 }] } },
      agent,
    );
    const orderId = placed.data?.placeOrder.order?.id as string;
    expect(orderId).toBeTruthy();

    expect(
      errorCode(await server.request(StartPickingDocument, { input: { orderId } }, agent)),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.request(
          ShipOrderDocument,
          { input: { orderId, carrier: 'x', trackingNumber: 'y' } },
          accountant,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.request(
          PlaceOrderDocument,
          { input: { customerId, lines: [{ productId, quantity: 1 }] } },
          reports,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.request(
          CreateProductDocument,
          { input: { sku: 'NOPE', name: 'x', price: '1' } },
          agent,
        ),
      ),
    ).toBe('FORBIDDEN');
    for (const reader of [reports, accountant, agent, warehouse]) {
      expect(
        (await server.request(OrdersDocument, { first: 1 }, reader)).data?.orders.totalCount,
      ).toBeGreaterThan(0);
    }
    expect(errorCode(await server.request(OrdersDocument, { first: 1 }, hr))).toBe('FORBIDDEN');
    expect(errorCode(await server.request(CustomersDocument, { first: 1 }, hr))).toBe('FORBIDDEN');
    expect(
      (
        await server.request(
          CancelOrderDocument,
          { input: { orderId, reason: 'Asked by phone' } },
          agent,
        )
      ).data?.cancelOrder.order?.status,
    ).toBe('CANCELLED');
  });
});

describe('sales report', () => {
  it('counts orders, units and revenue per period in SQL, excluding cancelled orders', async () => {
    const reports = await server.login('reports@example.com');
    const today = new Date().toISOString().slice(0, 10);
    const before = (
      await server.request(SalesReportDocument, { from: today, to: today, groupBy: 'DAY' }, reports)
    ).data?.salesReport;
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 100, price: '2.50' });
    await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId, quantity: 4 }] } },
      admin,
    );
    await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId, quantity: 2 }] } },
      admin,
    );
    const cancelled = await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId, quantity: 9 }] } },
      admin,
    );
    await server.request(
      CancelOrderDocument,
      { input: { orderId: cancelled.data?.placeOrder.order?.id as string, reason: 'x' } },
      admin,
    );

    const report = (
      await server.request(SalesReportDocument, { from: today, to: today, groupBy: 'DAY' }, reports)
    ).data?.salesReport;
    expect(report?.rows).toHaveLength(1);
    expect(report?.totalOrders).toBe((before?.totalOrders ?? 0) + 2);
    expect(report?.totalUnits).toBe((before?.totalUnits ?? 0) + 6);
    expect(minorUnits(report?.totalRevenue.amount) - minorUnits(before?.totalRevenue.amount)).toBe(
      1500n,
    );

    const month = (
      await server.request(
        SalesReportDocument,
        { from: '2026-01-01', to: '2026-03-31', groupBy: 'MONTH' },
        reports,
      )
    ).data?.salesReport;
    expect(month?.rows.map((r) => r.periodStart)).toEqual([
      '2026-01-01',
      '2026-02-01',
      '2026-03-01',
    ]);
    const weeks = (
      await server.request(
        SalesReportDocument,
        { from: '2026-11-02', to: '2026-11-15', groupBy: 'WEEK' },
        reports,
      )
    ).data?.salesReport;
    expect(weeks?.rows.map((r) => r.periodStart)).toEqual(['2026-11-02', '2026-11-09']);
    const backwards = await server.request(
      SalesReportDocument,
      { from: '2026-02-01', to: '2026-01-01' },
      reports,
    );
    expect(errorCode(backwards)).toBe('BAD_USER_INPUT');
    const hr = await server.login('hr@example.com');
    expect(
      errorCode(await server.request(SalesReportDocument, { from: today, to: today }, hr)),
    ).toBe('FORBIDDEN');
  });
});

describe('customer 360', () => {
  it("reaches a customer's orders in one query", async () => {
    const customerId = await createCustomer(server, admin);
    const productId = await createProduct(server, warehouse, { stock: 10 });
    await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId, quantity: 2 }] } },
      admin,
    );
    const result = await server.request(
      CustomerWithOrdersDocument,
      { id: customerId, first: 10 },
      admin,
    );
    expect(result.data?.customer?.orders.totalCount).toBe(1);
    expect(result.data?.customer?.orders.nodes[0]).toMatchObject({
      status: 'PLACED',
      total: { amount: '20.00' },
    });
  });
});
