import { randomBytes } from 'node:crypto';
import { CreateCustomerDocument, CreateProductDocument } from '../generated/graphql';
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

export function errorCode(result: {
  errors?: { extensions?: Record<string, unknown> }[];
}): unknown {
  return result.errors?.[0]?.extensions?.code;
}
