import fc from 'fast-check';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * Random and malformed documents, variables, IDs, numbers, dates and unicode against the main
 * queries and mutations: never a 5xx, never a crash, and nothing written by a refused request.
 */
let server: TestServer;
let admin: string;
let accountant: string;
let valid: { customerId: string; productId: string; accountId: string };

beforeAll(async () => {
  server = await startTestServer();
  [admin, accountant] = await Promise.all([
    server.login('admin@example.com'),
    server.login('accountant@example.com'),
  ]);
  const ids = await server.raw(
    '{ customers(first: 1) { nodes { id } } products(first: 1) { nodes { id } } accounts(first: 1) { nodes { id } } }',
    {},
    admin,
  );
  const data = ids.data as {
    customers: { nodes: { id: string }[] };
    products: { nodes: { id: string }[] };
    accounts: { nodes: { id: string }[] };
  };
  valid = {
    customerId: data.customers.nodes[0].id,
    productId: data.products.nodes[0].id,
    accountId: data.accounts.nodes[0].id,
  };
});

afterAll(async () => {
  await server?.close();
});

async function rowCounts(): Promise<string> {
  const [row] = await server.backdesk.database.orm.em
    .fork()
    .getConnection()
    .execute<Record<string, string>[]>(
      `SELECT (SELECT count(*) FROM "order") AS orders, (SELECT count(*) FROM journal_entry) AS entries,
              (SELECT count(*) FROM customer) AS customers, (SELECT count(*) FROM event WHERE seq IS NOT NULL) AS events`,
    );
  return JSON.stringify(row);
}

const junk = fc.oneof(
  fc.string(),
  fc.fullUnicodeString(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e309',
    'NaN',
    '2026-02-30',
    '9999-99-99',
    'Q3VzdG9tZXI6MQ',
    'bnVsbA',
    '💥'.repeat(50),
    "' OR 1=1 --",
  ),
);
const idLike = fc.oneof(
  junk,
  fc.string().map((key) => Buffer.from(`Customer:${key}`).toString('base64url')),
);
const amount = fc.oneof(
  junk,
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('0.001', '-5.00', '99999999999999999999', '1.5e2'),
);

function refused(result: { data?: unknown; errors?: unknown[] }, payloadKey: string): boolean {
  if (result.errors?.length) return true;
  const payload = (
    result.data as Record<string, { userErrors?: unknown[] } | null> | null | undefined
  )?.[payloadKey];
  return !payload || (payload.userErrors?.length ?? 0) > 0;
}

describe('fuzzing', () => {
  it('survives random input to placeOrder, postJournalEntry and createCustomer, writing nothing when it refuses', async () => {
    const cases = fc.oneof(
      fc.record({
        key: fc.constant('placeOrder'),
        query: fc.constant(
          'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } userErrors { code } } }',
        ),
        variables: fc.record({
          input: fc.record({
            customerId: fc.oneof(idLike, fc.constant(valid.customerId)),
            lines: fc.oneof(
              junk,
              fc.array(
                fc.record({
                  productId: fc.oneof(idLike, fc.constant(valid.productId)),
                  quantity: fc.oneof(junk, fc.integer()),
                }),
                { maxLength: 3 },
              ),
            ),
            note: fc.option(junk),
          }),
        }),
      }),
      fc.record({
        key: fc.constant('postJournalEntry'),
        query: fc.constant(
          'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { journalEntry { id } userErrors { code } } }',
        ),
        variables: fc.record({
          input: fc.record({
            date: fc.oneof(junk, fc.constant('2026-11-22')),
            memo: fc.option(junk),
            lines: fc.oneof(
              junk,
              fc.array(
                fc.record({
                  accountId: fc.oneof(idLike, fc.constant(valid.accountId)),
                  debit: fc.option(amount),
                  credit: fc.option(amount),
                }),
                { maxLength: 3 },
              ),
            ),
          }),
        }),
      }),
      fc.record({
        key: fc.constant('createCustomer'),
        query: fc.constant(
          'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }',
        ),
        variables: fc.record({
          input: fc.record({
            name: junk,
            email: junk,
            phone: fc.option(junk),
            company: fc.option(junk),
          }),
        }),
      }),
      fc.record({
        key: fc.constant('document'),
        query: fc.oneof(
          fc.string(),
          fc.fullUnicodeString(),
          fc.constantFrom(
            '{',
            '{ me { id ',
            'query { __typename @skip }',
            'mutation { }',
            '{ me(id: 1) { id } }',
            'subscription { ticketEvents { cursor } }',
          ),
        ),
        variables: fc.dictionary(fc.string(), junk, { maxKeys: 3 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ key, query, variables }) => {
        const before = await rowCounts();
        const token = key === 'postJournalEntry' ? accountant : admin;
        const result = await server.raw(
          query as string,
          variables as Record<string, unknown>,
          token,
        );
        expect(result.status).toBeLessThan(500);
        if (refused(result, key)) expect(await rowCounts()).toBe(before);
        const health = await fetch(`${server.baseUrl}/healthz`);
        expect(health.status).toBe(200);
      }),
      { numRuns: 150, seed: 20261122 },
    );
  }, 120_000);
});
