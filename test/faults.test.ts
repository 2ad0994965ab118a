import path from 'node:path';
import pino from 'pino';
import { PROJECT_ROOT } from '../src/config';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded-postgres';
import { graphql, login } from './support/live-client';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** A PostgreSQL of its own that this test can stop and start again. */
const FAULT_PG = {
  dataDir: path.join(PROJECT_ROOT, '.data', 'fault-postgres'),
  port: 54359,
  database: 'backdesk_faults',
  logger: pino({ level: 'warn' }),
};

describe('the database goes away and comes back', () => {
  let postgres: EmbeddedPostgres;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres(FAULT_PG);
    const admin = new URL(postgres.adminUrl);
    const { Client } = await import('pg');
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query('DROP DATABASE IF EXISTS backdesk_faults WITH (FORCE)');
    await client.query('CREATE DATABASE backdesk_faults');
    await client.end();
    server = await startServerProcess(postgres.url, { DEMO_SEED: 'true' });
  }, 120_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await postgres?.stop().catch(() => undefined);
  });

  it('answers 503 on /readyz and SERVICE_UNAVAILABLE on requests, then recovers on its own', async () => {
    const base = `http://127.0.0.1:${server?.port}`;
    const token = await login(base, 'admin@example.com');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    await postgres.stop();
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const started = Date.now();
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(response.status).toBe(503);
    expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    postgres = await startEmbeddedPostgres(FAULT_PG);
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await fetch(`${base}/readyz`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    const me = await graphql<{ me: { id: string } }>(base, token, '{ me { id } }');
    expect(me.me.id).toBeTruthy();
  }, 120_000);
});

describe('a server killed in the middle of writes', () => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase({ seeded: true });
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await database?.drop();
  });

  it('leaves no half-written order or entry, and keeps every acknowledged write', async () => {
    server = await startServerProcess(database.url);
    const base = `http://127.0.0.1:${server.port}`;
    const [admin, accountant] = await Promise.all([
      login(base, 'admin@example.com'),
      login(base, 'accountant@example.com'),
    ]);
    const customer = (
      await graphql<{ customers: { nodes: { id: string }[] } }>(
        base,
        admin,
        '{ customers(first: 1) { nodes { id } } }',
      )
    ).customers.nodes[0].id;
    const products = (
      await graphql<{ products: { nodes: { id: string }[] } }>(
        base,
        admin,
        '{ products(first: 3) { nodes { id } } }',
      )
    ).products.nodes;
    const accounts = (
      await graphql<{ accounts: { nodes: { id: string }[] } }>(
        base,
        accountant,
        '{ accounts(first: 10) { nodes { id } } }',
      )
    ).accounts.nodes;

    const acknowledgedOrders: string[] = [];
    const acknowledgedEntries: string[] = [];
    let killed = false;
    const writer = async (i: number) => {
      while (!killed) {
        try {
          if (i % 2 === 0) {
            const data = await graphql<{ placeOrder: { order: { id: string } | null } }>(
              base,
              admin,
              'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } } }',
              {
                input: {
                  customerId: customer,
                  lines: [{ productId: products[i % products.length].id, quantity: 1 }],
                },
              },
            );
            if (data.placeOrder.order) acknowledgedOrders.push(data.placeOrder.order.id);
          } else {
            const data = await graphql<{
              postJournalEntry: { journalEntry: { id: string } | null };
            }>(
              base,
              accountant,
              'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { journalEntry { id } } }',
              {
                input: {
                  date: '2026-11-22',
                  lines: [
                    { accountId: accounts[0].id, debit: '1.00' },
                    { accountId: accounts[6].id, credit: '1.00' },
                  ],
                },
              },
            );
            if (data.postJournalEntry.journalEntry)
              acknowledgedEntries.push(data.postJournalEntry.journalEntry.id);
          }
        } catch {
          return; // the server died under this request: it was not acknowledged
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, i) => writer(i));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    server.child.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    await server.exited;
    expect(acknowledgedOrders.length + acknowledgedEntries.length).toBeGreaterThan(5);

    server = await startServerProcess(database.url);
    const orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 2 });
    try {
      const sql = <T>(query: string) => orm.em.fork().getConnection().execute<T[]>(query);
      const idOf = (globalId: string) =>
        Number(Buffer.from(globalId, 'base64url').toString().split(':')[1]);
      const orders = new Set(
        (await sql<{ id: string }>('SELECT id FROM "order"')).map((row) => Number(row.id)),
      );
      expect(acknowledgedOrders.map(idOf).filter((id) => !orders.has(id))).toEqual([]);
      const entries = new Set(
        (await sql<{ id: string }>('SELECT id FROM journal_entry')).map((row) => Number(row.id)),
      );
      expect(acknowledgedEntries.map(idOf).filter((id) => !entries.has(id))).toEqual([]);
      expect(
        await sql(
          'SELECT o.id FROM "order" o WHERE NOT EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id)',
        ),
      ).toEqual([]);
      expect(
        await sql(`SELECT s.product_id FROM stock_level s WHERE s.reserved <> (SELECT coalesce(sum(l.quantity), 0) FROM order_line l
                    JOIN "order" o ON o.id = l.order_id WHERE l.product_id = s.product_id AND o.status IN ('PLACED', 'PICKING', 'PACKED'))`),
      ).toEqual([]);
      expect(
        await sql(
          'SELECT entry_id FROM journal_line GROUP BY entry_id HAVING sum(debit_minor) <> sum(credit_minor)',
        ),
      ).toEqual([]);
      const [numbers] = await sql<{ count: string; max: string }>(
        'SELECT count(*), max(number) FROM journal_entry',
      );
      expect(numbers.max).toBe(numbers.count);
      expect(
        await sql(
          `SELECT a.id FROM account a WHERE a.balance_minor <> (SELECT coalesce(sum(debit_minor - credit_minor), 0) FROM journal_line l WHERE l.account_id = a.id)`,
        ),
      ).toEqual([]);
    } finally {
      await orm.close(true);
    }
  }, 120_000);
});
