import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { inTransaction } from '../src/db/transaction';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** One transaction per mutation: all of it commits, or none of it, and the connection comes back. */
describe('inTransaction', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection: a transaction that failed to hand it back would stall every later one.
    orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 1 });
    await orm.em.fork().execute(
      `CREATE TABLE tx_probe (
         id int PRIMARY KEY,
         parent int REFERENCES tx_probe (id) DEFERRABLE INITIALLY DEFERRED)`,
    );
  });

  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  const ids = async () =>
    (await orm.em.fork().execute<{ id: number }[]>('SELECT id FROM tx_probe ORDER BY id')).map(
      (row) => row.id,
    );

  it('commits what the work wrote and returns its result', async () => {
    const result = await inTransaction(orm.em.fork(), async (tx) => {
      await tx.execute('INSERT INTO tx_probe (id) VALUES (1)');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await ids()).toEqual([1]);
  });

  it('rolls back everything when the work throws, and passes the error on', async () => {
    await expect(
      inTransaction(orm.em.fork(), async (tx) => {
        await tx.execute('INSERT INTO tx_probe (id) VALUES (2)');
        throw new Error('refused by a rule');
      }),
    ).rejects.toThrow('refused by a rule');
    expect(await ids()).toEqual([1]);
  });

  it('passes on a refusal that only comes at COMMIT (a deferred constraint) and keeps nothing', async () => {
    await expect(
      inTransaction(orm.em.fork(), async (tx) => {
        await tx.execute('INSERT INTO tx_probe (id) VALUES (3)');
        await tx.execute('INSERT INTO tx_probe (id, parent) VALUES (4, 404)');
      }),
    ).rejects.toThrow(/foreign key/);
    expect(await ids()).toEqual([1]);
    // The only connection is back in the pool and works.
    for (const id of [5, 6, 7])
      await inTransaction(orm.em.fork(), (tx) =>
        tx.execute('INSERT INTO tx_probe (id) VALUES (?)', [id]),
      );
    expect(await ids()).toEqual([1, 5, 6, 7]);
  });

  it('retries work that lost a deadlock, so the caller never sees it', async () => {
    let attempts = 0;
    const result = await inTransaction(orm.em.fork(), async (tx) => {
      attempts += 1;
      if (attempts === 1)
        await tx.execute(
          "DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = 'deadlock_detected'; END $$",
        );
      await tx.execute('INSERT INTO tx_probe (id) VALUES (8)');
      return attempts;
    });
    expect(result).toBe(2);
    expect(await ids()).toEqual([1, 5, 6, 7, 8]);
  });
});
