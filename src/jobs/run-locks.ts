import { Client } from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from '../logger';

/**
 * The advisory-lock class (first key) of the running jobs' locks; the second key is
 * `hashtext(<job id>)`. Two-key locks never collide with one-key ones (`pg_advisory_lock(bigint)`).
 */
export const RUN_LOCK_CLASS = 4_242_100;

/**
 * A job made active less than this long ago may not have taken its lock yet (pg-boss commits the
 * fetch, then calls the handler): it is never taken for abandoned.
 */
export const RUN_LOCK_GRACE_SECONDS = 5;

/**
 * Which running jobs are alive, told by PostgreSQL rather than by a timeout.
 *
 * pg-boss 10 knows a job as `active` and nothing of the process running it: a job whose process
 * was killed (SIGKILL, out of memory, a lost machine) stays active until its `expireInSeconds`
 * have passed and the next maintenance (every two minutes) retries it, after a backoff. For
 * `mail.send` that was up to eight minutes before a restarted server sent the mail again.
 *
 * So each process holds a session advisory lock per job it runs, on one connection of its own,
 * from before the handler starts until it ends. The process's death closes that connection and
 * PostgreSQL releases its locks at once. `requeueAbandoned` then finds the active jobs whose lock
 * nobody holds and makes them due again now, without waiting for the expiry.
 *
 * The rule a maintainer must keep: a handler may find its job run twice at once (a job taken for
 * abandoned while its process still lives, such as after that process lost this connection), so
 * every handler stays idempotent under concurrency (the mail sender's row lock).
 */
export class RunLocks {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  /** The runs this process has now, per job id (a retry may overlap a run of the same job). */
  private readonly running = new Map<string, number>();
  /** The locks held on the current connection, per job id (PostgreSQL counts them too). */
  private readonly locked = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  /** The ids of the jobs running in this process now. */
  runningIds(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Takes the job's lock before its handler runs. It never waits: a lock held elsewhere means the
   * same job runs there too (an expired run), which is alive already. A failure is logged.
   */
  async hold(jobId: string): Promise<void> {
    try {
      // Counted once connected: a new connection takes the locks of the runs counted before.
      const client = await this.connection().finally(() => count(this.running, jobId, +1));
      await this.tryLock(client, jobId);
    } catch (error) {
      this.logger.warn(
        { err: error, jobId },
        'could not lock a running job: it may be run again elsewhere',
      );
    }
  }

  /** Releases the job's lock after its handler ended. */
  async release(jobId: string): Promise<void> {
    count(this.running, jobId, -1);
    const client = this.client;
    if (!client || !this.locked.has(jobId)) return;
    count(this.locked, jobId, -1);
    try {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2::uuid::text))', [
        RUN_LOCK_CLASS,
        jobId,
      ]);
    } catch (error) {
      this.logger.warn({ err: error, jobId }, 'could not unlock a finished job');
    }
  }

  /**
   * Makes due now the active jobs of these queues that no process holds the lock of (their
   * process ended), as pg-boss's expiry would, minus the wait and the backoff: a job that had
   * runs left goes to `retry`, one on its last run to `failed`. Any instance may call it; the
   * jobs this process runs are left alone whatever its lock connection's state.
   */
  async requeueAbandoned(
    db: PgBoss.Db,
    schema: string,
    queues: readonly string[],
  ): Promise<{ id: string; name: string; state: string }[]> {
    if (queues.length === 0) return [];
    // The candidates are chosen before any lock is tried (MATERIALIZED), so a job inside its
    // grace time is never locked, even for a moment, by this statement. The try-locks are
    // transaction locks: they end with the statement. A `stately` queue allows one job per state,
    // so moving one to `retry` could collide: those are left to pg-boss's expiry.
    const { rows } = await db.executeSql(
      `WITH candidates AS MATERIALIZED (
         SELECT id FROM ${schema}.job
          WHERE name = ANY($1::text[]) AND state = 'active'
            AND started_on < now() - make_interval(secs => $2)
            AND NOT (id = ANY($3::uuid[]))
            AND policy IS DISTINCT FROM 'stately'
          FOR UPDATE SKIP LOCKED
       ), abandoned AS MATERIALIZED (
         SELECT id FROM candidates WHERE pg_try_advisory_xact_lock($4, hashtext(id::text))
       )
       UPDATE ${schema}.job j SET
         state = CASE WHEN j.retry_count < j.retry_limit THEN 'retry' ELSE 'failed' END::${schema}.job_state,
         start_after = now(),
         completed_on = CASE WHEN j.retry_count < j.retry_limit THEN NULL ELSE now() END,
         output = jsonb_build_object('value', jsonb_build_object('message', 'the process running it ended'))
       FROM abandoned a
       WHERE j.id = a.id AND j.name = ANY($1::text[]) AND j.state = 'active'
       RETURNING j.id, j.name, j.state::text AS state`,
      [[...queues], RUN_LOCK_GRACE_SECONDS, this.runningIds(), RUN_LOCK_CLASS],
    );
    return rows as { id: string; name: string; state: string }[];
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async tryLock(client: Client, jobId: string): Promise<void> {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2::uuid::text)) AS locked',
      [RUN_LOCK_CLASS, jobId],
    );
    if (rows[0]?.locked) count(this.locked, jobId, +1);
  }

  /**
   * The lock connection, opened on first use. When it breaks, the next call opens another and
   * takes again the locks of the jobs still running.
   */
  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.closed) return Promise.reject(new Error('the run locks are closed'));
    this.connecting ??= (async () => {
      const client = new Client({
        connectionString: this.connectionString,
        application_name: 'backdesk-job-locks',
      });
      client.on('error', (error) => {
        this.logger.warn({ err: error }, 'the lock connection of running jobs broke');
        if (this.client === client) this.client = undefined;
      });
      this.locked.clear();
      try {
        await client.connect();
        for (const [jobId, runs] of [...this.running])
          for (let run = 0; run < runs; run += 1) await this.tryLock(client, jobId);
      } catch (error) {
        this.locked.clear();
        await client.end().catch(() => undefined);
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }
}

/** Adds `step` to a key's count, dropping the key at zero. */
function count(counts: Map<string, number>, key: string, step: number): void {
  const next = (counts.get(key) ?? 0) + step;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
