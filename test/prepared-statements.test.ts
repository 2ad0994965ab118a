import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { findRowsById } from '../src/read/rows';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { runSql } from '../src/db/sql';
import { sqlState } from '../src/db/transaction';
import { Customer } from '../src/modules/customers/customer.entity';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** Hot statements run bound to named prepared statements (src/db/sql.ts). */
describe('runSql', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  let customerIds: number[];

  beforeAll(async () => {
    database = await createTestDatabase({ seeded: true });
    orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 2 });
    customerIds = (
      await orm.em.fork().execute<{ id: string }[]>('SELECT id FROM customer ORDER BY id LIMIT 3')
    ).map((row) => Number(row.id));
  });

  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  /** The prepared statements of the connection the transaction runs on. */
  const preparedOn = async (tx: EntityManager) =>
    (await runSql<{ statement: string }>(tx, 'SELECT statement FROM pg_prepared_statements')).map(
      (row) => row.statement,
    );

  it('prepares each statement once per connection, under one name for any number of keys', async () => {
    await orm.em.fork().transactional(async (tx) => {
      const one = await findRowsById(tx, Customer, [customerIds[0]]);
      const three = await findRowsById(tx, Customer, customerIds);
      expect(one.map((row) => row.id)).toEqual([customerIds[0]]);
      expect(three.map((row) => row.id).sort((a, b) => a - b)).toEqual(customerIds);
      const byId = (await preparedOn(tx)).filter((text) =>
        /FROM "customer" r WHERE r\.id = ANY/.test(text),
      );
      expect(byId).toHaveLength(1);
      // Values are bound, not written into the text.
      expect(byId[0]).toContain('ANY($1)');
    });
  });

  it('binds values as they are: null for undefined, an array as one array', async () => {
    const [row] = await runSql<{ missing: string | null; count: number }>(
      orm.em.fork(),
      'SELECT ?::text AS missing, cardinality(?::bigint[]) AS count',
      [undefined, customerIds],
    );
    expect(row).toEqual({ missing: null, count: customerIds.length });
  });

  it('throws what em.execute throws, with the SQLSTATE', async () => {
    const [customer] = await findRowsById(orm.em.fork(), Customer, [customerIds[0]]);
    const duplicate = runSql(orm.em.fork(), 'INSERT INTO customer (name, email) VALUES (?, ?)', [
      'Twin',
      customer.email,
    ]);
    await expect(duplicate).rejects.toMatchObject({ name: 'UniqueConstraintViolationException' });
    expect(sqlState(await duplicate.catch((error: unknown) => error))).toBe('23505');
  });

  it('keeps reading rows after a migration adds a column to their table', async () => {
    // A prepared `SELECT *` would now fail ("cached plan must not change result type"); rows are
    // read by their columns, written out.
    await orm.em.fork().transactional(async (tx) => {
      await findRowsById(tx, Customer, customerIds);
      await tx.execute('ALTER TABLE customer ADD COLUMN nickname text');
      const again = await findRowsById(tx, Customer, customerIds);
      expect(again).toHaveLength(customerIds.length);
      await tx.execute('ALTER TABLE customer DROP COLUMN nickname');
    });
  });
});
