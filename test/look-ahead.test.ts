import { toGlobalId } from '../src/graphql/global-id';
import { CreateTicketDocument, PlaceOrderDocument } from './generated/graphql';
import { createCustomer, createProduct, uniqueSuffix } from './support/fixtures';
import { countStatements } from './support/statement-counter';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * A field that loads a row by the key its arguments give starts the key-only fields selected on
 * that row in the same turn (src/read/look-ahead.ts). These answers must be exactly those
 * GraphQL gives without it: per alias and arguments, with the errors where they belong, and
 * nothing read for a row that does not exist or a field the query skips.
 */
let server: TestServer;
let admin: string;
let customerId: string;

const ORDER_STATEMENT = /from "order"/i;
const TICKET_STATEMENT = /from "?ticket"? /i;

beforeAll(async () => {
  // No job workers: the seed's queued mail would run beside the statements counted here.
  server = await startTestServer({ RUN_WORKERS: 'false' });
  admin = await server.login('admin@example.com');
  const agent = await server.login('agent@example.com');
  const product = await createProduct(server, admin, { stock: 100 });
  customerId = await createCustomer(server, admin, 'Look Ahead');
  for (let quantity = 1; quantity <= 3; quantity += 1) {
    const placed = await server.request(
      PlaceOrderDocument,
      { input: { customerId, lines: [{ productId: product, quantity }] } },
      admin,
    );
    if (!placed.data?.placeOrder.order) throw new Error(JSON.stringify(placed));
  }
  const ticket = await server.request(
    CreateTicketDocument,
    { input: { customerId, subject: `Help ${uniqueSuffix()}`, body: 'Hello' } },
    agent,
  );
  if (!ticket.data?.createTicket.ticket) throw new Error(JSON.stringify(ticket));
});

afterAll(async () => {
  await server?.close();
});

async function data(query: string, variables: Record<string, unknown>, token = admin) {
  const response = await server.raw(query, variables, token);
  expect(response.errors).toBeUndefined();
  return response.data as Record<string, Record<string, unknown> | null>;
}

it("answers a customer's pages as the customers list does, in one wave", async () => {
  const fields = `name
    orders(first: 2) { nodes { number status total { amount } lines { quantity } } pageInfo { hasNextPage } }
    tickets(first: 5) { nodes { subject status } }
    balance { amount }`;
  let byKey: Record<string, unknown> | null = null;
  const { waves } = await countStatements(server, async () => {
    byKey = (await data(`query($id: ID!) { customer(id: $id) { ${fields} } }`, { id: customerId }))
      .customer;
  });
  expect(waves).toBe(1);
  const listed = await data(
    `query($search: String) { customers(first: 1, filter: { search: $search }) { nodes { id ${fields} } } }`,
    { search: 'Look Ahead' },
  );
  const nodes = (listed.customers as { nodes: Record<string, unknown>[] }).nodes;
  const { id, ...fromList } = nodes[0];
  expect(id).toBe(customerId);
  expect(byKey).toEqual(fromList);
  expect((byKey as unknown as { orders: { nodes: unknown[] } }).orders.nodes).toHaveLength(2);
});

it('keeps aliases apart: other arguments, other selections of the same page', async () => {
  const result = await data(
    `query($id: ID!) {
      customer(id: $id) {
        few: orders(first: 1) { nodes { number } }
        more: orders(first: 3) { nodes { number } }
        statuses: orders(first: 3) { nodes { status total { amount } } }
      }
      again: customer(id: $id) { orders(first: 2) { nodes { number } } }
    }`,
    { id: customerId },
  );
  const customer = result.customer as Record<string, { nodes: Record<string, unknown>[] }>;
  expect(customer.few.nodes).toHaveLength(1);
  expect(customer.more.nodes).toHaveLength(3);
  expect(customer.statuses.nodes.map((order) => Object.keys(order).sort())).toEqual([
    ['status', 'total'],
    ['status', 'total'],
    ['status', 'total'],
  ]);
  expect(customer.statuses.nodes.every((order) => order.status === 'PLACED')).toBe(true);
  expect((result.again as { orders: { nodes: unknown[] } }).orders.nodes).toHaveLength(2);
});

it('reports a field the viewer may not read where it is, and reads nothing for it', async () => {
  const warehouse = await server.login('warehouse@example.com');
  let response: Awaited<ReturnType<TestServer['raw']>> | undefined;
  const { statements } = await countStatements(server, async () => {
    response = await server.raw(
      `query($id: ID!) { customer(id: $id) { name tickets(first: 5) { nodes { subject } } } }`,
      { id: customerId },
      warehouse,
    );
  });
  expect(response?.data).toEqual({ customer: null });
  expect(response?.errors).toHaveLength(1);
  expect(response?.errors?.[0]).toMatchObject({
    path: ['customer', 'tickets'],
    extensions: { code: 'FORBIDDEN' },
  });
  expect(statements.filter((sql) => TICKET_STATEMENT.test(sql))).toEqual([]);
});

it('reads nothing for a field the query skips', async () => {
  const query = `query($id: ID!, $withOrders: Boolean!) {
    customer(id: $id) { name orders(first: 3) @include(if: $withOrders) { nodes { number } } }
  }`;
  let answer: Record<string, unknown> | null = null;
  const { statements } = await countStatements(server, async () => {
    answer = (await data(query, { id: customerId, withOrders: false })).customer;
  });
  expect(answer).toEqual({ name: expect.stringContaining('Look Ahead') as unknown });
  expect(statements.filter((sql) => ORDER_STATEMENT.test(sql))).toEqual([]);
  const included = await data(query, { id: customerId, withOrders: true });
  expect((included.customer as { orders: { nodes: unknown[] } }).orders.nodes).toHaveLength(3);
});

it('merges a field that a conditional fragment adds to as GraphQL does', async () => {
  const result = await data(
    `query($id: ID!, $more: Boolean!) {
      customer(id: $id) {
        orders(first: 3) { nodes { number } }
        ...Statuses @include(if: $more)
        ... on Node { id }
      }
    }
    fragment Statuses on Customer { orders(first: 3) { nodes { status } } }`,
    { id: customerId, more: true },
  );
  const customer = result.customer as { id: string; orders: { nodes: object[] } };
  expect(customer.id).toBe(customerId);
  expect(customer.orders.nodes).toHaveLength(3);
  for (const order of customer.orders.nodes)
    expect(Object.keys(order).sort()).toEqual(['number', 'status']);
});

it('answers null for a customer that does not exist', async () => {
  const result = await data(
    `query($id: ID!) { customer(id: $id) { name orders { nodes { number } } balance { amount } } }`,
    { id: toGlobalId('Customer', 987654321) },
  );
  expect(result.customer).toBeNull();
});

it('starts the fields of a node fetched by global ID, under its type condition', async () => {
  let result: Record<string, Record<string, unknown> | null> = {};
  const { waves } = await countStatements(server, async () => {
    result = await data(
      `query($id: ID!) {
        node(id: $id) {
          ... on Customer { orders(first: 3) { nodes { number } } balance { amount } }
          ... on Employee { reports { name } }
        }
      }`,
      { id: customerId },
    );
  });
  expect(waves).toBe(1);
  expect((result.node as { orders: { nodes: unknown[] } }).orders.nodes).toHaveLength(3);
  expect(result.node).not.toHaveProperty('reports');
});
