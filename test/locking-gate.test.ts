import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { LOCKING_STATEMENTS_AT_ONCE, LockingGate } from '../src/db/locking-gate';
import { openOrm } from '../src/db/orm';
import { runLockingSql, runSql } from '../src/db/sql';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job that runs until `finish` is called, recording that it started. */
function heldJob(started: string[], name: string) {
  let finish: (value: string) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const job = () => {
    started.push(name);
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { job, finish: () => finish(name), fail: (error: Error) => fail(error) };
}

describe('the locking gate', () => {
  it('runs the usual number at once, the rest in arrival order as places free', async () => {
    const gate = new LockingGate(2, 4, 10_000);
    const started: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((name) => heldJob(started, name));
    const results = jobs.map(({ job }) => gate.run(job));
    await sleep(0);
    expect(started).toEqual(['a', 'b']);
    expect([gate.active, gate.queued]).toEqual([2, 2]);
    jobs[1].finish();
    await sleep(0);
    expect(started).toEqual(['a', 'b', 'c']);
    // A job that fails frees its place as well.
    jobs[0].fail(new Error('refused'));
    await expect(results[0]).rejects.toThrow('refused');
    await sleep(0);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    jobs[2].finish();
    jobs[3].finish();
    expect(await Promise.all(results.slice(1))).toEqual(['b', 'c', 'd']);
    expect(gate.active).toBe(0);
  });

  it('gives the place of each job that has run too long to one more, up to the most allowed', async () => {
    const gate = new LockingGate(1, 2, 30);
    const started: string[] = [];
    const jobs = ['a', 'b', 'c'].map((name) => heldJob(started, name));
    const results = jobs.map(({ job }) => gate.run(job));
    await sleep(0);
    expect(started).toEqual(['a']);
    await sleep(80);
    // a is stuck, so b started; c waits: two run, the most allowed.
    expect(started).toEqual(['a', 'b']);
    jobs[0].finish();
    await sleep(0);
    // b is stuck by now too: its place goes to c.
    expect(started).toEqual(['a', 'b', 'c']);
    jobs[1].finish();
    jobs[2].finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
  });

  it('keeps to the usual number under a heavy load of quick jobs, however long they wait', async () => {
    const gate = new LockingGate(1, 4, 100);
    let running = 0;
    let most = 0;
    const quick = () =>
      gate.run(async () => {
        running += 1;
        most = Math.max(most, running);
        await sleep(20);
        running -= 1;
      });
    const started = performance.now();
    await Promise.all(Array.from({ length: 10 }, quick));
    // The last waited about 180 ms, longer than a job may run before it counts as stuck.
    expect(performance.now() - started).toBeGreaterThan(150);
    expect(most).toBe(1);
  });
});

describe('locking statements outside a transaction', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ clientUrl: database.url, poolMax: 20 });
    await runSql(orm.em.fork(), 'CREATE TABLE gate_probe (id int PRIMARY KEY, n int)');
    await runSql(orm.em.fork(), 'INSERT INTO gate_probe VALUES (1, 0)');
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('reach PostgreSQL a few at once, and all of them once those are stuck', async () => {
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
      const count = LOCKING_STATEMENTS_AT_ONCE + 2;
      const updates = Array.from({ length: count }, () =>
        runLockingSql<{ n: number }>(
          orm.em.fork(),
          'UPDATE gate_probe SET n = n + 1 WHERE id = 1 RETURNING n',
        ),
      );
      await sleep(120);
      expect(await waitingForTheLock()).toBe(LOCKING_STATEMENTS_AT_ONCE);
      // Past 250 ms the ones held back run anyway: the ones in PostgreSQL are stuck.
      await sleep(400);
      expect(await waitingForTheLock()).toBe(count);
      await holder.query('COMMIT');
      const answers = (await Promise.all(updates)).map(([row]) => row.n);
      expect(answers.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    } finally {
      await holder.end();
      await observer.end();
    }
  });
});
