import { startTestServer, type TestServer } from './support/test-server';

/**
 * Keyset pages over every kind of sort key (timestamps, dates, names, codes, ids), forwards and
 * backwards, and cursors that belong to another list refused as bad input.
 */
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin@example.com');
  // Journal entries on several dates (they page by date, then number).
  const accounts = await server.raw('{ accounts(first: 2) { nodes { id } } }', {}, admin);
  const [debit, credit] = (accounts.data?.accounts as { nodes: { id: string }[] }).nodes;
  for (const date of ['2026-01-03', '2026-01-01', '2026-01-02', '2026-01-02']) {
    const posted = await server.raw(
      `mutation Post($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { userErrors { code } } }`,
      {
        input: {
          date,
          memo: 'Paging',
          lines: [
            { accountId: debit.id, debit: '1.00' },
            { accountId: credit.id, credit: '1.00' },
          ],
        },
      },
      admin,
    );
    expect(posted.errors).toBeUndefined();
  }
});

afterAll(async () => {
  await server?.close();
});

const LISTS: { field: string; args?: string }[] = [
  { field: 'customers' },
  { field: 'products' },
  { field: 'orders' },
  { field: 'tickets' },
  { field: 'tickets', args: 'orderBy: PRIORITY' },
  { field: 'tickets', args: 'orderBy: CREATED' },
  { field: 'tickets', args: 'orderBy: UPDATED' },
  { field: 'employees' },
  { field: 'accounts' },
  { field: 'journalEntries' },
];

interface Page {
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

async function page(field: string, args: string): Promise<Page> {
  const result = await server.raw(
    `{ list: ${field}(${args}) { nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`,
    {},
    admin,
  );
  if (result.errors) throw new Error(`${field}(${args}): ${JSON.stringify(result.errors)}`);
  return result.data?.list as Page;
}

it.each(LISTS)('walks $field ($args) page by page, and back', async ({ field, args }) => {
  const extra = args ? `, ${args}` : '';
  const all = await page(field, `first: 100${extra}`);
  expect(all.nodes.length).toBeGreaterThan(2);
  const first = await page(field, `first: 2${extra}`);
  expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  const second = await page(field, `first: 2, after: "${first.pageInfo.endCursor}"${extra}`);
  expect(second.pageInfo.hasPreviousPage).toBe(true);
  expect([...first.nodes, ...second.nodes].map((n) => n.id)).toEqual(
    all.nodes.slice(0, 4).map((n) => n.id),
  );
  const back = await server.raw(
    `{ list: ${field}(last: 2, before: "${second.pageInfo.endCursor}"${extra}) { nodes { id } } }`,
    {},
    admin,
  );
  expect((back.data?.list as Page).nodes.map((n) => n.id)).toEqual(
    all.nodes.slice(1, 3).map((n) => n.id),
  );
});

it('refuses a cursor from another list, or no cursor at all, as bad input', async () => {
  const tickets = await page('tickets', 'first: 1');
  const journal = await page('journalEntries', 'first: 1');
  for (const [field, cursor] of [
    ['employees', tickets.pageInfo.endCursor],
    ['tickets', journal.pageInfo.endCursor],
    ['orders', tickets.pageInfo.endCursor],
    ['customers', 'not-a-cursor'],
    ['accounts', Buffer.from('[{"a":1}]').toString('base64url')],
  ] as const) {
    const result = await server.raw(
      `{ ${field}(first: 1, after: "${cursor}") { nodes { id } } }`,
      {},
      admin,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/not a valid cursor/);
  }
});

it("pages each customer's own orders when many customers are read at once", async () => {
  const query = `query Nested($after: String) {
    customers(first: 20) {
      nodes { id all: orders(first: 100) { nodes { id } } page: orders(first: 1, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }
    }
  }`;
  type Nested = { id: string; all: Page; page: Page }[];
  const first = (await server.raw(query, {}, admin)).data?.customers as { nodes: Nested };
  const withOrders = first.nodes.filter((customer) => customer.all.nodes.length >= 2);
  expect(withOrders.length).toBeGreaterThan(0);
  for (const customer of first.nodes)
    expect(customer.page.nodes.map((n) => n.id)).toEqual(
      customer.all.nodes.slice(0, 1).map((n) => n.id),
    );
  for (const customer of withOrders) {
    const next = await server.raw(
      `{ node(id: "${customer.id}") { ... on Customer { orders(first: 1, after: "${customer.page.pageInfo.endCursor}") { nodes { id } } } } }`,
      {},
      admin,
    );
    const orders = (next.data?.node as { orders: Page }).orders;
    expect(orders.nodes.map((n) => n.id)).toEqual(customer.all.nodes.slice(1, 2).map((n) => n.id));
  }
});
