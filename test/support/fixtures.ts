import { randomBytes } from 'node:crypto';
import { CreateCustomerDocument, CreateProductDocument } from '../generated/graphql';
import { subscribe, type Received } from './live-client';
import type { TestServer } from './test-server';

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** Creates a customer through the API and returns its ID. */
export async function createCustomer(
  server: TestServer,
  token: string,
  name = 'Acme Corp',
): Promise<string> {
  const suffix = uniqueSuffix();
  const result = await server.request(
    CreateCustomerDocument,
    { input: { name: `${name} ${suffix}`, email: `buyer-${suffix}@example.org`, company: name } },
    token,
  );
  const id = result.data?.createCustomer.customer?.id;
  if (!id) throw new Error(`createCustomer failed: ${JSON.stringify(result)}`);
  return id;
}

/** Creates a product with stock through the API and returns its ID. */
export async function createProduct(
  server: TestServer,
  token: string,
  options: { price?: string; cost?: string; stock?: number } = {},
): Promise<string> {
  const result = await server.request(
    CreateProductDocument,
    {
      input: {
        sku: `SKU-${uniqueSuffix()}`,
        name: 'Widget',
        price: options.price ?? '10.00',
        cost: options.cost ?? '4.00',
        initialStock: options.stock ?? 100,
      },
    },
    token,
  );
  const id = result.data?.createProduct.product?.id;
  if (!id) throw new Error(`createProduct failed: ${JSON.stringify(result)}`);
  return id;
}

/** Runs a raw GraphQL document and answers its data; any GraphQL error fails the test. */
export async function dataOf<T>(
  server: TestServer,
  query: string,
  variables: Record<string, unknown>,
  token: string,
): Promise<T> {
  const result = await server.raw(query, variables, token);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

export function errorCode(result: {
  errors?: { extensions?: Record<string, unknown> }[];
}): unknown {
  return result.errors?.[0]?.extensions?.code;
}

/**
 * A `ticketEvents` subscription for `token`'s viewer, from the event log's present position (the
 * events of changes made after this returns), reading each event's type and queue movement.
 */
export async function followTicketQueue(
  server: TestServer,
  token: string,
  filter: Record<string, unknown>,
): Promise<Received<{ type: string; queue: string }>> {
  const cursor = await server.raw('{ eventCursor }', {}, token);
  const after = (cursor.data as { eventCursor: string }).eventCursor;
  return subscribe<{ type: string; queue: string }>(
    server.wsUrl,
    token,
    `subscription($filter: TicketFilter, $after: String) {
      ticketEvents(filter: $filter, after: $after) { type queue ticket { id } }
    }`,
    { filter, after },
  );
}
