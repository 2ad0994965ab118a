import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { backdeskSchema } from '../src/server/schema';
import { countStatements } from './support/statement-counter';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * Pages read only the columns their selected fields need (src/read/columns.ts). A field
 * resolver that declares too little would answer from a column the page left out: here every
 * field of every paged type, alone and with each field of the object it returns, is compared with
 * the same field read through `nodes`, which loads whole rows.
 */
let server: TestServer;
let admin: string;
let schema: GraphQLSchema;

beforeAll(async () => {
  // No job workers: the seed's queued mail would run beside the statements counted here.
  server = await startTestServer({ RUN_WORKERS: 'false' });
  admin = await server.login('admin@example.com');
  schema = await backdeskSchema();
});

afterAll(async () => {
  await server?.close();
});

/** Every list root field whose items are nodes and which needs no argument: [root, item type]. */
function rootPages(): [root: string, type: string][] {
  const query = schema.getQueryType();
  return Object.values(query?.getFields() ?? {})
    .filter((field) => selectable(field))
    .flatMap((field): [string, string][] => {
      const type = getNamedType(field.type);
      const nodes = isObjectType(type) ? type.getFields().nodes : undefined;
      const item = nodes && getNamedType(nodes.type);
      return item && isObjectType(item) && item.getInterfaces().some((i) => i.name === 'Node')
        ? [[field.name, item.name]]
        : [];
    });
}

/** Pages per parent: [root of the parents, field of each parent, item type]. */
const PAGES_PER_PARENT: [root: string, field: string, type: string][] = [
  ['customers', 'orders', 'Order'],
  ['customers', 'tickets', 'Ticket'],
  ['customers', 'invoices', 'Invoice'],
  ['tickets', 'messages', 'TicketMessage'],
];

/** A field that can be selected without arguments. */
function selectable(field: GraphQLField<unknown, unknown>): boolean {
  return field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined);
}

/** Each way to select `field` alone: itself, or one field of what it returns at a time. */
function selectionsOf(field: GraphQLField<unknown, unknown>): string[] {
  const type = getNamedType(field.type);
  if (isLeafType(type)) return [field.name];
  if (!isObjectType(type)) return [];
  return Object.values(type.getFields())
    .filter((sub) => selectable(sub) && isLeafType(getNamedType(sub.type)))
    .map((sub) => `${field.name} { ${sub.name} }`);
}

async function data(query: string, variables: Record<string, unknown> = {}) {
  const response = await server.raw(query, variables, admin);
  expect(response.errors).toBeUndefined();
  return response.data as Record<string, { id: string; f: unknown }[] & { nodes: unknown[] }>;
}

/** Rows with signed links cut to their paths: a signature expires per second, read to read. */
const unsigned = (rows: unknown): unknown =>
  JSON.parse(JSON.stringify(rows).replace(/\?expires=\d+&signature=[0-9a-f]+/g, ''));

describe('pages that read only the columns their fields need', () => {
  it('cover every list root field', () => {
    expect(rootPages().map(([root]) => root)).toEqual(
      expect.arrayContaining([
        'customers',
        'orders',
        'tickets',
        'products',
        'employees',
        'invoices',
      ]),
    );
  });

  const everyFieldAsWholeRowsDo = async (
    typeName: string,
    readPage: (selection: string) => Promise<{ id: string; f: unknown }[]>,
  ) => {
    const type = schema.getType(typeName) as GraphQLObjectType;
    const selections = Object.values(type.getFields()).filter(selectable).flatMap(selectionsOf);
    expect(selections.length).toBeGreaterThan(2);
    for (const selection of selections) {
      const rows = await readPage(selection);
      expect(rows.length).toBeGreaterThan(0);
      const whole = await data(
        // The fragment's @include keeps look-ahead out (src/read/look-ahead.ts): it would run
        // a field that declares it reads only the key with a stand-in row, not the whole row.
        `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on ${typeName} @include(if: true) { id f: ${selection} } } }`,
        { ids: rows.map((row) => row.id) },
      );
      expect({ selection, rows: unsigned(rows) }).toEqual({
        selection,
        rows: unsigned(whole.nodes),
      });
    }
  };

  // One request per field of every list: minutes on a busy machine, not a measure of speed.
  it('answer every field of every list root field as whole rows do', async () => {
    for (const [root, typeName] of rootPages()) {
      const probe = await data(`{ page: ${root}(first: 1) { nodes { id } } }`);
      if ((probe.page as unknown as { nodes: unknown[] }).nodes.length === 0) continue;
      await everyFieldAsWholeRowsDo(typeName, async (selection) => {
        const page = await data(`{ page: ${root}(first: 10) { nodes { id f: ${selection} } } }`);
        return (page.page as unknown as { nodes: { id: string; f: unknown }[] }).nodes;
      });
    }
  }, 300_000);

  it.each(PAGES_PER_PARENT)(
    'answer every field of %s.%s as whole rows do',
    async (root, field, typeName) => {
      await everyFieldAsWholeRowsDo(typeName, async (selection) => {
        const page = await data(
          `{ page: ${root}(first: 20) { nodes { ${field}(first: 5) { nodes { id f: ${selection} } } } } }`,
        );
        const parents = (
          page.page as unknown as {
            nodes: Record<string, { nodes: { id: string; f: unknown }[] }>[];
          }
        ).nodes;
        return parents.flatMap((parent) => parent[field].nodes);
      });
    },
  );

  it("answer every field of an order's lines as whole rows do", async () => {
    const line = schema.getType('OrderLine') as GraphQLObjectType;
    const selections = Object.values(line.getFields()).filter(selectable).flatMap(selectionsOf);
    for (const selection of selections) {
      const page = await data(`{ orders(first: 10) { nodes { id lines { f: ${selection} } } } }`);
      const orders = (page.orders as unknown as { nodes: { id: string; lines: unknown[] }[] })
        .nodes;
      expect(orders.length).toBeGreaterThan(0);
      const whole = await data(
        `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Order @include(if: true) { id lines { f: ${selection} } } } }`,
        { ids: orders.map((order) => order.id) },
      );
      expect({ selection, orders }).toEqual({ selection, orders: whole.nodes });
    }
  });

  it('leave out the columns no selected field reads', async () => {
    const read = async (fields: string) => {
      const { statements } = await countStatements(server, async () => {
        await data(`{ tickets(first: 5) { nodes { ${fields} } } }`);
      });
      const page = statements.find((sql) => /from "ticket" as "e0"/i.test(sql));
      expect(page).toBeDefined();
      return page as string;
    };
    const narrow = await read('number');
    expect(narrow).toContain('e0."number"');
    expect(narrow).not.toContain('e0."subject"');
    // slaBreached declares the deadlines and times it compares.
    const breached = await read('number slaBreached');
    expect(breached).toContain('e0."first_response_due_at"');
    expect(breached).not.toContain('e0."subject"');
  });

  it('read each alias of a page per parent with the columns its own selection needs', async () => {
    const page = await data(`{
      customers(first: 20) {
        nodes {
          numbers: orders(first: 2) { nodes { number } }
          statuses: orders(first: 2) { nodes { status total { amount } } }
        }
      }
    }`);
    const customers = (
      page.customers as unknown as {
        nodes: Record<'numbers' | 'statuses', { nodes: Record<string, unknown>[] }>[];
      }
    ).nodes;
    const statuses = customers.flatMap((customer) => customer.statuses.nodes);
    expect(statuses.length).toBeGreaterThan(0);
    for (const order of statuses) {
      expect(typeof order.status).toBe('string');
      expect(order.total).toEqual({ amount: expect.any(String) as unknown });
    }
    expect(customers.map((customer) => customer.numbers.nodes.length)).toEqual(
      customers.map((customer) => customer.statuses.nodes.length),
    );
  });
});
