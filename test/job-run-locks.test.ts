import pino from 'pino';
import { Client } from 'pg';
import { JOB_SCHEMA, JobQueue } from '../src/jobs/job-queue';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Two job queues on one database stand for two server processes. What a SIGKILL does to a real
 * process is in test/mail-crash.test.ts; here each case of the liveness check is taken in turn.
 */
const JOB = 'test.block';

let database: TestDatabase;
let db: Client;
const queues: JobQueue[] = [];
const runs: { data: { n: number }; finish: () => void }[] = [];
let onRun: (() => void) | undefined;
let closing = false;

function queue(work: boolean): JobQueue {
  const jobs = new JobQueue(database.url, pino({ level: 'silent' }), { pollMs: 500 });
  jobs.define<{ n: number }>({
    name: JOB,
    retryLimit: 3,
    retryDelaySeconds: 60,
    expireInSeconds: 600,
    concurrency: 2,
    handle: (data) =>
      work && !closing
        ? new Promise<void>((resolve) => {
            runs.push({ data, finish: resolve });
            onRun?.();
          })
        : Promise.resolve(),
  });
  queues.push(jobs);
  return jobs;
}

async function jobRow(): Promise<{ state: string; retry_count: number }> {
  const { rows } = await db.query<{ state: string; retry_count: number }>(
    `SELECT state::text AS state, retry_count FROM ${JOB_SCHEMA}.job WHERE name = $1`,
    [JOB],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

/** As if the run had started a minute ago: past the grace a fresh run is given. */
async function backdateRun(): Promise<void> {
  await db.query(
    `UPDATE ${JOB_SCHEMA}.job SET started_on = now() - interval '1 minute' WHERE name = $1`,
    [JOB],
  );
}

function nextRun(): Promise<void> {
  return new Promise((resolve) => (onRun = resolve));
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Client({ connectionString: database.url });
  await db.connect();
});

afterAll(async () => {
  closing = true;
  for (const run of runs) run.finish();
  for (const jobs of queues) await jobs.stop();
  await db?.end();
  await database?.drop();
});

describe('jobs whose process ended while running them', () => {
  it('are requeued at once, and a run whose process lives is left alone', async () => {
    const worker = queue(true);
    const other = queue(false);
    await worker.start();
    await other.start();
    const started = nextRun();
    await worker.work();
    await worker.enqueue(undefined, JOB, { n: 1 });
    await started;
    await backdateRun();

    // The worker's process lives and holds the run's lock: neither instance requeues it.
    await other.requeueAbandoned();
    await worker.requeueAbandoned();
    expect(await jobRow()).toEqual({ state: 'active', retry_count: 0 });

    // Its lock connection ends, as a killed process's does.
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'backdesk-job-locks' AND datname = current_database()`,
    );
    // The worker itself still knows the run as its own.
    await worker.requeueAbandoned();
    expect((await jobRow()).state).toBe('active');
    // Another instance finds no lock and makes it due now, with no backoff: the worker runs it
    // again (the first run is still going, which a handler must be ready for).
    const again = nextRun();
    await other.requeueAbandoned();
    await again;
    expect(runs.map((run) => run.data.n)).toEqual([1, 1]);
    expect(await jobRow()).toEqual({ state: 'active', retry_count: 1 });
  });

  it('leaves a run that has only just started alone, before it can have taken its lock', async () => {
    const { rows } = await db.query<{ id: string }>(
      `UPDATE ${JOB_SCHEMA}.job SET started_on = now() WHERE name = $1 RETURNING id`,
      [JOB],
    );
    expect(rows).toHaveLength(1);
    // Both runs hold the lock on the worker's new connection; ending that connection leaves the
    // job unlocked but freshly started. (Both of the worker's slots are busy: nothing fetches it.)
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'backdesk-job-locks' AND datname = current_database()`,
    );
    await queues[1].requeueAbandoned();
    expect((await jobRow()).state).toBe('active');
    await backdateRun();
    await queues[1].requeueAbandoned();
    expect((await jobRow()).state).toBe('retry');
  });
});
