import {
  BenchCustomer360Document,
  BenchOrdersPageDocument,
  BenchTicketQueueDocument,
  BenchTrialBalanceDocument,
  CreateAccountDocument,
  CreateTicketDocument,
  PackOrderDocument,
  PlaceOrderDocument,
  PostJournalEntryDocument,
  SetAutoAssignmentDocument,
  ShipOrderDocument,
  StartPickingDocument,
} from './generated/graphql';
import { createCustomer, createProduct, uniqueSuffix } from './support/fixtures';
import { countStatements } from './support/statement-counter';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * Every relation a field loads is batched per request: each read below runs a fixed number of SQL
 * statements, whatever the size of the page. The numbers are pinned: a change that adds a
 * statement (or a per-row query) fails here. The signed-in employee's roles and status come from
 * the access cache (auth/employee-access.ts), warm after the first request of the session, so no
 * count includes a statement for them.
 */
let server: TestServer;
let admin: string;
let agent: string;
let products: string[];

beforeAll(async () => {
  // No job workers: shipping mails invoices through jobs whose statements (render, store, send)
  // share the pool with the requests counted here, and would run through every counting window.
  server = await startTestServer({ RUN_WORKERS: 'false' });
  [admin, agent] = await Promise.all(
    ['admin@example.com', 'agent@example.com'].map((email) => server.login(email)),
  );
  products = await Promise.all(
    Array.from({ length: 6 }, () => createProduct(server, admin, { stock: 1000 })),
  );
});

afterAll(async () => {
  await server?.close();
});

async function placeOrder(customerId: string, lines: number, ship = false): Promise<string> {
  const placed = await server.request(
    PlaceOrderDocument,
    {
      input: {
        customerId,
        lines: products.slice(0, lines).map((productId, i) => ({ productId, quantity: 1 + i })),
      },
    },
    admin,
  );
  const orderId = placed.data?.placeOrder.order?.id as string;
  if (!orderId) throw new Error(`placeOrder failed: ${JSON.stringify(placed)}`);
  if (ship) {
    await server.request(StartPickingDocument, { input: { orderId } }, admin);
    await server.request(PackOrderDocument, { input: { orderId } }, admin);
    await server.request(
      ShipOrderDocument,
      { input: { orderId, carrier: 'UPS', trackingNumber: uniqueSuffix() } },
      admin,
    );
  }
  return orderId;
}

async function openTicket(customerId: string, orderId?: string): Promise<void> {
  const result = await server.request(
    CreateTicketDocument,
    {
      input: {
        customerId,
        orderId,
        subject: `Help ${uniqueSuffix()}`,
        body: 'Where is my parcel?',
      },
    },
    agent,
  );
  if (!result.data?.createTicket.ticket) throw new Error(JSON.stringify(result));
}

it('reads a customer with their last 10 orders, lines (joined), products, open tickets and balance in 4 statements, sent at once', async () => {
  const small = await createCustomer(server, admin, 'Small');
  await placeOrder(small, 1, true);
  await openTicket(small);
  const large = await createCustomer(server, admin, 'Large');
  for (let i = 0; i < 12; i += 1) await placeOrder(large, 3, i % 3 === 0);
  for (let i = 0; i < 5; i += 1) await openTicket(large);

  const read = async (id: string) => {
    let orders = 0;
    const { count, waves, statements } = await countStatements(server, async () => {
      const result = await server.request(BenchCustomer360Document, { id }, admin);
      orders = result.data?.customer?.orders.nodes.length ?? 0;
      expect(result.data?.customer?.balance.amount).not.toBe('0.00');
      expect(result.data?.customer?.tickets.nodes.length).toBeGreaterThan(0);
    });
    return { count, waves, statements, orders };
  };
  const few = await read(small);
  const many = await read(large);
  expect(few.orders).toBe(1);
  expect(many.orders).toBe(10);
  expect(many.count).toBe(few.count);
  expect(many.count).toBe(4);
  // The orders, tickets and balance read only the customer's key, known from the argument: they
  // go out with the customer's own statement (src/read/look-ahead.ts), one round trip in all.
  expect(many.waves).toBe(1);
});

it('reads a ticket queue page with customer, assignee, order and last message, all joined, in 1 statement', async () => {
  const lead = await server.login('lead@example.com');
  await server.request(SetAutoAssignmentDocument, { input: { mode: 'ROUND_ROBIN' } }, lead);
  const customers = await Promise.all(
    Array.from({ length: 4 }, () => createCustomer(server, admin)),
  );
  const orders = await Promise.all(customers.map((customer) => placeOrder(customer, 1)));
  for (let i = 0; i < 85; i += 1)
    await openTicket(
      customers[i % customers.length],
      i % 2 ? orders[i % orders.length] : undefined,
    );
  await server.request(SetAutoAssignmentDocument, { input: { mode: 'OFF' } }, lead);
  const read = async (first: number) =>
    countStatements(server, async () => {
      const result = await server.request(BenchTicketQueueDocument, { first }, agent);
      const page = result.data?.tickets.nodes ?? [];
      expect(page).toHaveLength(first);
      expect(page.every((ticket) => ticket.lastMessage)).toBe(true);
      expect(page.some((ticket) => ticket.assignee)).toBe(true);
      expect(page.some((ticket) => ticket.order)).toBe(true);
    });
  // Pages big enough that the demo data's few unassigned tickets cannot fill one.
  const small = await read(20);
  const large = await read(80);
  expect(large.count).toBe(small.count);
  expect(large.count).toBe(1);
});

it('reads an orders page with customers, and lines with their products, all joined, in 1 statement', async () => {
  const customer = await createCustomer(server, admin);
  for (let i = 0; i < 50; i += 1) await placeOrder(customer, 1 + (i % 3));
  const read = async (first: number) =>
    countStatements(server, async () => {
      const result = await server.request(BenchOrdersPageDocument, { first }, admin);
      const page = result.data?.orders.nodes ?? [];
      expect(page).toHaveLength(first);
      for (const order of page) {
        expect(order.customer.name).toBeTruthy();
        expect(order.lines.length).toBeGreaterThan(0);
        for (const line of order.lines) expect(line.product.sku).toBeTruthy();
      }
    });
  const small = await read(5);
  const large = await read(50);
  expect(large.count).toBe(small.count);
  expect(large.count).toBe(1);
});

it('reads the trial balance in 1 statement, however many accounts hold balances', async () => {
  const accountant = await server.login('accountant@example.com');
  const read = () =>
    countStatements(server, async () => {
      const result = await server.request(BenchTrialBalanceDocument, {}, accountant);
      expect(result.data?.trialBalance.totalDebit).toEqual(result.data?.trialBalance.totalCredit);
    });
  const before = await read();
  const cash = (await server.request(BenchTrialBalanceDocument, {}, accountant)).data?.trialBalance
    .rows[0].account.id as string;
  for (let i = 0; i < 8; i += 1) {
    const created = await server.request(
      CreateAccountDocument,
      { input: { code: String(7100 + i), name: `Expense ${i}`, type: 'EXPENSE' } },
      accountant,
    );
    const accountId = created.data?.createAccount.account?.id as string;
    await server.request(
      PostJournalEntryDocument,
      {
        input: {
          date: '2026-01-15',
          memo: 'Spend',
          lines: [
            { accountId, debit: '12.00' },
            { accountId: cash, credit: '12.00' },
          ],
        },
      },
      accountant,
    );
  }
  const after = await read();
  expect(after.count).toBe(before.count);
  expect(after.count).toBe(1);
});

it('reads a page of customers with their orders, tickets and invoices in a constant number of statements', async () => {
  const customers = await Promise.all(
    Array.from({ length: 6 }, () => createCustomer(server, admin)),
  );
  for (const customer of customers) {
    await placeOrder(customer, 2, true);
    await openTicket(customer);
  }
  const query = `query Page($first: Int) {
    customers(first: $first) {
      nodes {
        name
        orders(first: 3) { nodes { number lines { quantity } } pageInfo { hasNextPage } }
        tickets(first: 2) { nodes { number } }
        invoices(first: 2) { nodes { number } }
      }
    }
  }`;
  const read = async (first: number) =>
    countStatements(server, async () => {
      const result = await server.raw(query, { first }, admin);
      expect(result.errors).toBeUndefined();
      expect((result.data?.customers as { nodes: unknown[] }).nodes).toHaveLength(first);
    });
  const small = await read(2);
  const large = await read(12);
  expect(large.count).toBe(small.count);
  expect(large.count).toBe(4);
});

it('reads products with their stock and latest movements, and staff with pay history and payslips, in a constant number of statements', async () => {
  const hr = await server.login('hr@example.com');
  const products = `query Products($first: Int) {
    products(first: $first) { nodes { sku stock { onHand } stockMovements { onHandDelta actor { name } } } }
  }`;
  const staff = `query Staff($first: Int) {
    employees(first: $first) {
      nodes { name department { name } manager { name } salaryHistory { effectiveFrom } payslips { net { amount } } }
    }
  }`;
  const read = (query: string, first: number, token: string) =>
    countStatements(server, async () => {
      const result = await server.raw(query, { first }, token);
      expect(result.errors).toBeUndefined();
    });
  const fewProducts = await read(products, 1, admin);
  const manyProducts = await read(products, 6, admin);
  expect(manyProducts.count).toBe(fewProducts.count);
  expect(manyProducts.count).toBe(4);
  const fewStaff = await read(staff, 3, hr);
  const manyStaff = await read(staff, 7, hr);
  // The statements after the reads record who read whose pay, with the audit trail's record of
  // the read: one statement per field.
  expect(manyStaff.count).toBe(fewStaff.count);
  expect(manyStaff.count).toBe(7);
});
