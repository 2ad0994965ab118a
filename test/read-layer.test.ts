import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { Ticket } from '../src/modules/support/ticket.entity';
import { defineLoader } from '../src/read';
import { rowMapper } from '../src/read/rows';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startTestServer, type TestServer } from './support/test-server';

describe('named loaders', () => {
  it('refuse a second batch function under a name already defined', () => {
    const batch = (_context: unknown, keys: readonly number[]) => Promise.resolve([...keys]);
    defineLoader('readLayerTest.once', batch);
    // The same definition again (a module loaded twice) is the same loader.
    expect(() => defineLoader('readLayerTest.once', batch)).not.toThrow();
    expect(() =>
      defineLoader('readLayerTest.once', (_context, keys: readonly number[]) =>
        Promise.resolve(keys.map(String)),
      ),
    ).toThrow(/already defined/);
  });
});

describe('narrowed rows in tests', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ clientUrl: database.url, poolMax: 1, entities: ENTITIES });
  });

  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  it('throw when code reads a column the statement did not select', () => {
    const em = orm.em.fork();
    const toRow = rowMapper(em, Ticket, new Set(['id', 'status']));
    const row = toRow({ id: '7', status: 'OPEN' });
    expect(row.status).toBe('OPEN');
    expect(() => row.subject).toThrow(/Ticket\.subject was not read/);
    // A row read whole has every column.
    const whole = rowMapper(em, Ticket)({ id: '7', status: 'OPEN', subject: 'Hello' });
    expect(whole.subject).toBe('Hello');
  });
});

describe('pages per parent', () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.login('admin@example.com');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('batch only pages whose filters are the same, however their fields are named', async () => {
    const result = await server.raw(
      `{ customers(first: 20) { nodes {
          id
          placed: orders(first: 50, status: [PLACED]) { nodes { status } }
          delivered: orders(first: 50, status: [DELIVERED]) { nodes { status } }
          all: orders(first: 50) { nodes { status } }
        } } }`,
      {},
      admin,
    );
    expect(result.errors).toBeUndefined();
    type Page = { nodes: { status: string }[] };
    const customers = (
      result.data as { customers: { nodes: Record<'placed' | 'delivered' | 'all', Page>[] } }
    ).customers.nodes;
    const statuses = (page: Page) => page.nodes.map((order) => order.status);
    let seen = 0;
    for (const customer of customers) {
      expect(new Set(statuses(customer.placed))).toEqual(
        new Set(statuses(customer.placed).length ? ['PLACED'] : []),
      );
      expect(new Set(statuses(customer.delivered))).toEqual(
        new Set(statuses(customer.delivered).length ? ['DELIVERED'] : []),
      );
      expect(statuses(customer.all).filter((status) => status === 'PLACED')).toHaveLength(
        customer.placed.nodes.length,
      );
      seen += customer.all.nodes.length;
    }
    expect(seen).toBeGreaterThan(0);
  });
});
