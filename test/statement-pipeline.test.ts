import type { MikroORM } from '@mikro-orm/postgresql';
import { Socket } from 'node:net';
import { Client } from 'pg';
import { watchStatements } from '../src/db/driver';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { PIPELINE_CONNECTIONS, StatementPipeline } from '../src/db/statement-pipeline';
import { runKeyedSql, runLockingSql, runSql } from '../src/db/sql';
import { sqlState } from '../src/db/transaction';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Three statements written in one turn, the middle one failing (division by zero): the others
 * are answered, and the failure carries the same exception and SQLSTATE as em.execute's.
 */
async function expectToFailAlone(
  run: typeof runSql,
  orm: MikroORM,
  failing: string,
): Promise<void> {
  const em = orm.em.fork();
  const [before, failed, after] = await Promise.allSettled([
    run<{ one: number }>(em, 'SELECT 1 AS one'),
    run(em, failing, [1]),
    run<{ two: number }>(em, 'SELECT 2 AS two'),
  ]);
  expect(before).toEqual({ status: 'fulfilled', value: [{ one: 1 }] });
  expect(after).toEqual({ status: 'fulfilled', value: [{ two: 2 }] });
  expect(sqlState((failed as PromiseRejectedResult).reason)).toBe('22012');
}

/** Statements outside a transaction go through a pipeline (src/db/statement-pipeline.ts). */
describe('the read pipeline', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 2 });
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  const backendOf = (n: number) =>
    runSql<{ pid: number; n: number }>(
      orm.em.fork(),
      'SELECT pg_backend_pid() AS pid, ?::int AS n',
      [n],
    ).then(([row]) => row);

  it('sends the statements of one turn on one connection, each answered in order', async () => {
    const rows = await Promise.all(Array.from({ length: 20 }, (_, n) => backendOf(n)));
    expect(rows.map((row) => row.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(new Set(rows.map((row) => row.pid)).size).toBe(1);
    // None of them ran on the ORM's pool.
    const pool = await orm.em
      .getConnection()
      .execute<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
    expect(pool[0].pid).not.toBe(rows[0].pid);
  });

  it('writes the statements of one turn to the database in one write', async () => {
    await Promise.all([backendOf(0), backendOf(1)]);
    // Every write a socket makes goes through one of these (one chunk, or several at once).
    const write = jest.spyOn(Socket.prototype, '_write');
    const writev = jest.spyOn(Socket.prototype, '_writev');
    let writes: number;
    try {
      await Promise.all(Array.from({ length: 5 }, (_, n) => backendOf(n)));
      writes = write.mock.calls.length + writev.mock.calls.length;
    } finally {
      write.mockRestore();
      writev.mockRestore();
    }
    expect(writes).toBe(1);
  });

  it('fails a failing statement alone', () =>
    expectToFailAlone(runSql, orm, 'SELECT 1 / (? - 1) AS boom'));

  it('runs reads by key with plans kept per connection, other reads planned at each call', async () => {
    const em = orm.em.fork();
    const mode = 'SELECT current_setting(?) AS mode';
    const [[keyed], [other]] = await Promise.all([
      runKeyedSql<{ mode: string }>(em, mode, ['plan_cache_mode']),
      runSql<{ mode: string }>(em, mode, ['plan_cache_mode']),
    ]);
    expect(keyed.mode).toBe('force_generic_plan');
    expect(other.mode).toBe('auto');
  });

  it('leaves statements in a transaction on the transaction', async () => {
    await orm.em.fork().transactional(async (tx) => {
      await runSql(tx, 'CREATE TEMPORARY TABLE pipeline_probe (n int) ON COMMIT DROP');
      await runSql(tx, 'INSERT INTO pipeline_probe VALUES (?)', [7]);
      expect(await runSql(tx, 'SELECT n FROM pipeline_probe')).toEqual([{ n: 7 }]);
    });
  });

  it('runs a statement that waits for a lock on the locking pipeline, holding up no read', async () => {
    await runSql(orm.em.fork(), 'CREATE TABLE lock_probe (id int PRIMARY KEY, n int)');
    await runSql(orm.em.fork(), 'INSERT INTO lock_probe VALUES (1, 0)');
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT n FROM lock_probe WHERE id = 1 FOR UPDATE');
      const em = orm.em.fork();
      const waiting = runLockingSql<{ n: number }>(
        em,
        'UPDATE lock_probe SET n = n + 1 WHERE id = 1 RETURNING n',
      );
      const read = runSql<{ n: number }>(em, 'SELECT n FROM lock_probe WHERE id = 1');
      // The read is answered while the update still waits for the lock.
      expect(await read).toEqual([{ n: 0 }]);
      await holder.query('COMMIT');
      expect(await waiting).toEqual([{ n: 1 }]);
    } finally {
      await holder.end();
    }
  });

  it('sends no statement to a stalled connection, opening more while all are stalled', async () => {
    const name = `pipeline-stall-${process.pid}`;
    const pipeline = new StatementPipeline(
      () => ({ connectionString: database.url, application_name: name }),
      2,
      50,
    );
    const statement = (text: string) => pipeline.query<{ pid: number }>({ text, values: [] });
    const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 20));
    try {
      const slow = [statement('SELECT pg_backend_pid() AS pid, pg_sleep(0.8)')];
      await nextTurn();
      slow.push(statement('SELECT pg_backend_pid() AS pid, pg_sleep(0.8)'));
      let slowDone = false;
      void Promise.all(slow).then(() => (slowDone = true));
      // Both connections have now waited longer than 50 ms for their statement.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const [quick] = await statement('SELECT pg_backend_pid() AS pid');
      expect(slowDone).toBe(false);
      const slowPids = (await Promise.all(slow)).map(([row]) => row.pid);
      expect(new Set(slowPids).size).toBe(2);
      expect(slowPids).not.toContain(quick.pid);
      // The third connection ends once idle with none stalled.
      await statement('SELECT 1 AS pid');
      const admin = new Client({ connectionString: database.url });
      await admin.connect();
      try {
        const open = async () =>
          Number(
            (
              await admin.query<{ count: string }>(
                'SELECT count(*) FROM pg_stat_activity WHERE application_name = $1',
                [name],
              )
            ).rows[0].count,
          );
        for (let tries = 0; tries < 50 && (await open()) > 2; tries += 1) await nextTurn();
        expect(await open()).toBe(2);
      } finally {
        await admin.end();
      }
    } finally {
      await pipeline.close();
    }
  });

  it('reports each statement to statement watchers', async () => {
    const seen: string[] = [];
    const stop = watchStatements(orm, (statement) => seen.push(statement.sql));
    try {
      await Promise.all([backendOf(1), backendOf(2)]);
    } finally {
      stop();
    }
    expect(seen).toEqual([
      'SELECT pg_backend_pid() AS pid, $1::int AS n',
      'SELECT pg_backend_pid() AS pid, $1::int AS n',
    ]);
  });

  it('opens a new connection when its connection is killed', async () => {
    const { pid } = await backendOf(1);
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      // With a timeout, it returns once the backend has exited.
      await admin.query('SELECT pg_terminate_backend($1, 10000)', [pid]);
    } finally {
      await admin.end();
    }
    // The killed connection may still take the next statement before it learns it is closed;
    // that one fails, and the pipeline answers again on a new connection.
    await backendOf(2).catch(() => undefined);
    const next = await backendOf(3);
    expect(next).toEqual({ pid: expect.any(Number), n: 3 });
    expect(next.pid).not.toBe(pid);
  });

  it('takes no statement on a connection whose backend answered FATAL', async () => {
    const { pid } = await backendOf(1);
    // The backend ends itself: its answer to this statement is the FATAL, and the socket closes
    // after it. The next statement, written before the socket reports that, goes elsewhere.
    const ended = await runSql(orm.em.fork(), 'SELECT pg_terminate_backend(pg_backend_pid())').then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    expect(ended).toBe('57P01');
    const next = await backendOf(2);
    expect(next).toEqual({ pid: expect.any(Number), n: 2 });
    expect(next.pid).not.toBe(pid);
  });
});

describe('the locking pipeline', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 2 });
    await runSql(orm.em.fork(), 'CREATE TABLE gate_probe (id int PRIMARY KEY, n int)');
    await runSql(orm.em.fork(), 'INSERT INTO gate_probe VALUES (1, 0), (2, 0)');
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const increment = (id: number) =>
    runLockingSql<{ n: number }>(
      orm.em.fork(),
      'UPDATE gate_probe SET n = n + 1 WHERE id = ? RETURNING n',
      [id],
    );

  it('fails a failing statement alone', () =>
    expectToFailAlone(runLockingSql, orm, 'UPDATE gate_probe SET n = n / (? - 1) WHERE id = 2'));

  it('runs one statement per connection at once, and goes around connections stalled on a lock', async () => {
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    // Not the holder: a transaction sees pg_stat_activity as it was when it first looked.
    const observer = new Client({ connectionString: database.url });
    await observer.connect();
    const waitingForTheLock = async () =>
      Number(
        (
          await observer.query<{ count: string }>(
            `SELECT count(*) FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND query LIKE 'UPDATE gate_probe%'`,
          )
        ).rows[0].count,
      );
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT n FROM gate_probe WHERE id = 1 FOR UPDATE');
      const count = PIPELINE_CONNECTIONS + 2;
      const updates: Promise<{ n: number }[]>[] = [];
      for (let i = 0; i < count; i += 1) {
        updates.push(increment(1));
        await sleep(5); // one per turn, spread over the connections
      }
      await sleep(100);
      expect(await waitingForTheLock()).toBe(PIPELINE_CONNECTIONS);
      // Once those have waited past STALLED_AFTER_MS, a statement for another row goes to a new
      // connection and is answered while they still wait.
      await sleep(250);
      expect(await increment(2)).toEqual([{ n: 1 }]);
      expect(await waitingForTheLock()).toBe(PIPELINE_CONNECTIONS);
      await holder.query('COMMIT');
      const answers = (await Promise.all(updates)).map(([row]) => row.n);
      expect(answers.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    } finally {
      await holder.end();
      await observer.end();
    }
  });
});
