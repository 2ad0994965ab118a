import type { Knex } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import { retryingLostRaces } from '../db/transaction';
import type { Logger } from '../logger';
import { RunLocks } from './run-locks';

/** The PostgreSQL schema pg-boss keeps its tables in. */
export const JOB_SCHEMA = 'pgboss';

/** How often a working instance looks for jobs whose process ended while they ran. */
const ABANDONED_CHECK_MS = 5_000;

/** What a handler learns about the run it is in. */
export interface JobRun {
  id: string;
  /** 0 on the first run, then 1, 2, … */
  retryCount: number;
  /** When true, a throw marks the job failed for good. */
  lastAttempt: boolean;
}

/** A kind of job: its queue, how it retries and what it does. */
export interface JobDefinition<T extends object> {
  name: string;
  /** Retries after the first run fails; each waits longer than the one before. */
  retryLimit: number;
  /** The first retry's delay in seconds, doubled at every retry after it. */
  retryDelaySeconds: number;
  /** A run that takes longer is given up on and retried. */
  expireInSeconds: number;
  /** Runs of this kind at once in one process. */
  concurrency?: number;
  /** `singleton`: at most one running at a time across instances (sweeps); more may wait. */
  policy?: 'standard' | 'singleton';
  /** Cron schedule (UTC, minute precision): fires once across every instance. */
  cron?: string;
  handle(data: T, run: JobRun): Promise<void>;
}

export interface EnqueueOptions {
  /** Not before this time. */
  startAfter?: Date;
  /**
   * Not before this many seconds from now, by the database's clock (pg-boss's); for a time worked
   * out from the injected clock, which tests move while pg-boss keeps the real time.
   */
  delaySeconds?: number;
  /** At most one job with this key is queued at a time (in a `singleton` queue, any key). */
  singletonKey?: string;
}

/**
 * The job queue, on pg-boss (see the README for why not graphile-worker). Jobs are enqueued in
 * the transaction that causes them (`enqueue(tx, …)`), so a job exists exactly when its cause
 * committed. Workers poll; retries back off exponentially; jobs that exhausted their retries stay
 * in state `failed`, listed by the `jobs` query and counted in /metrics. Cron schedules are
 * pg-boss's: one instance per minute sends them, whatever the number of instances.
 *
 * A handler must be idempotent: a job can run again after a crash or an expiry. Each records its
 * effect under a key (such as the email's SENT status) and checks it first.
 *
 * A job whose process died while running it is run again within seconds, not after its expiry:
 * every run holds an advisory lock, and each working instance requeues the active jobs whose lock
 * nobody holds (see run-locks.ts). `expireInSeconds` remains for runs that hang in a live process.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly definitions = new Map<string, JobDefinition<object>>();
  private started = false;
  private working = false;
  private readonly failureListeners: ((name: string) => void)[] = [];
  private readonly runLocks: RunLocks;
  private abandonedCheck: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    connectionString: string,
    private readonly logger: Logger,
    private readonly options: { pollMs: number },
  ) {
    this.boss = new PgBoss({
      connectionString,
      schema: JOB_SCHEMA,
      max: 4,
      application_name: 'backdesk-jobs',
      // Completed and failed jobs stay listable for a week, then go to pg-boss's archive.
      archiveCompletedAfterSeconds: 7 * 24 * 3600,
      archiveFailedAfterSeconds: 7 * 24 * 3600,
      deleteAfterDays: 30,
      // Schedules are read by every instance but sent by one per minute (pg-boss's own lock).
      schedule: true,
      supervise: true,
    });
    this.boss.on('error', (error) => this.logger.warn({ err: error }, 'job queue error'));
    this.runLocks = new RunLocks(connectionString, logger);
  }

  /** Registers a kind of job; every definition comes before `start`. */
  define<T extends object>(definition: JobDefinition<T>): void {
    if (this.started) throw new Error(`define ${definition.name} before the queue starts`);
    if (this.definitions.has(definition.name))
      throw new Error(`job ${definition.name} is defined twice`);
    this.definitions.set(definition.name, definition as unknown as JobDefinition<object>);
  }

  /** Called with the job's name each time a run fails (metrics). */
  onFailure(listener: (name: string) => void): void {
    this.failureListeners.push(listener);
  }

  /**
   * Installs or upgrades pg-boss's tables and creates a queue per definition. Every instance does
   * it (pg-boss takes an advisory lock), so `enqueue` works before any worker starts.
   */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    for (const definition of this.definitions.values()) {
      const queue = {
        name: definition.name,
        policy: definition.policy ?? 'standard',
        retryLimit: definition.retryLimit,
        retryDelay: definition.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: definition.expireInSeconds,
      };
      // Instances starting together create queues at once; pg-boss's DDL for one can deadlock
      // with another's, and the one PostgreSQL aborts then finds the queue and updates it.
      await retryingLostRaces(async () => {
        if (await this.boss.getQueue(definition.name))
          await this.boss.updateQueue(definition.name, queue);
        else await this.boss.createQueue(definition.name, queue);
      });
    }
    this.started = true;
  }

  /** Starts this process's workers and schedules (after `start`). */
  async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    for (const definition of this.definitions.values()) {
      const concurrency = definition.concurrency ?? 1;
      for (let worker = 0; worker < concurrency; worker += 1) {
        const slot: { workerId?: string } = {};
        slot.workerId = await this.boss.work<object>(
          definition.name,
          {
            batchSize: 1,
            includeMetadata: true,
            pollingIntervalSeconds: this.options.pollMs / 1000,
          },
          async (jobs) => {
            try {
              await this.run(definition, jobs);
            } finally {
              // pg-boss 10 waits the polling interval after every fetch, even one that found a
              // job: four mail senders polling every 2 s sent 2 emails a second. A worker that
              // found a job asks for the next at once; only a worker that found none waits.
              if (slot.workerId) this.boss.notifyWorker(slot.workerId);
            }
          },
        );
      }
      if (definition.cron) await this.boss.schedule(definition.name, definition.cron, {});
      else await this.boss.unschedule(definition.name).catch(() => undefined);
    }
    // At once (a restart after a crash finds its jobs), then every few seconds (another
    // instance's crash).
    await this.requeueAbandoned();
    this.abandonedCheck = setInterval(() => void this.requeueAbandoned(), ABANDONED_CHECK_MS);
    this.abandonedCheck.unref();
  }

  /**
   * Makes due again the active jobs whose process ended while running them (see run-locks.ts).
   * Each working instance calls it at start and every few seconds; it is safe anywhere, anytime.
   */
  requeueAbandoned(): Promise<void> {
    this.checking ??= (async () => {
      try {
        const requeued = await this.runLocks.requeueAbandoned(this.boss.getDb(), JOB_SCHEMA, [
          ...this.definitions.keys(),
        ]);
        for (const job of requeued)
          this.logger.warn(
            { job: job.name, jobId: job.id, state: job.state },
            'job requeued: the process running it ended',
          );
      } catch (error) {
        this.logger.warn({ err: error }, 'could not look for abandoned jobs');
      }
    })().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /**
   * Enqueues a job and answers its id (null when the queue's policy refused a duplicate). Given a
   * transaction, the job is written in it: it exists only if the transaction commits. Without one
   * it is written at once.
   */
  async enqueue<T extends object>(
    em: EntityManager | undefined,
    name: string,
    data: T,
    options: EnqueueOptions = {},
  ): Promise<string | null> {
    if (!this.definitions.has(name)) throw new Error(`no job is defined as ${name}`);
    const transaction = em?.getTransactionContext<Knex.Transaction>();
    const delay = options.delaySeconds === undefined ? 0 : Math.ceil(options.delaySeconds);
    return this.boss.send(name, data, {
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(delay > 0 ? { startAfter: delay } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(em && transaction ? { db: inTransactionOf(em, transaction) } : {}),
    });
  }

  /** Whether a job of this kind waits to start within `seconds` from now (created or retrying). */
  async isQueuedWithin(name: string, seconds: number): Promise<boolean> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT EXISTS (SELECT 1 FROM ${JOB_SCHEMA}.job
          WHERE name = $1 AND state IN ('created', 'retry')
            AND start_after <= now() + $2 * interval '1 second') AS queued`,
      [name, seconds],
    );
    return (rows as { queued: boolean }[])[0]?.queued === true;
  }

  /**
   * Runs a job's handler here and now, outside the queue (no record, no retry): for a sweep that
   * must run at once, such as two at the same time in a concurrency test.
   */
  async runNow<T extends object>(name: string, data: T): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`no job is defined as ${name}`);
    await definition.handle(data, { id: 'direct', retryCount: 0, lastAttempt: true });
  }

  /** Jobs per queue and state, as pg-boss holds them now (not the archive). */
  async stateCounts(): Promise<{ name: string; state: string; count: number }[]> {
    if (!this.started) return [];
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `SELECT name, state::text AS state, count(*)::int AS count FROM ${JOB_SCHEMA}.job GROUP BY 1, 2`,
        [],
      );
    return rows as { name: string; state: string; count: number }[];
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearInterval(this.abandonedCheck);
    await this.checking;
    // Running jobs finish (up to the grace time); unfinished ones are requeued once this
    // process's lock connection closes.
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    await this.runLocks.close();
  }

  private async run(definition: JobDefinition<object>, jobs: PgBoss.JobWithMetadata<object>[]) {
    for (const job of jobs) {
      const run = {
        id: job.id,
        retryCount: job.retryCount,
        lastAttempt: job.retryCount >= job.retryLimit,
      };
      await this.runLocks.hold(job.id);
      try {
        await definition.handle(job.data, run);
      } catch (error) {
        for (const listener of this.failureListeners) listener(definition.name);
        this.logger.warn(
          { err: error, job: definition.name, jobId: job.id, attempt: job.retryCount + 1 },
          run.lastAttempt ? 'job failed for good' : 'job failed; it will be retried',
        );
        throw error;
      } finally {
        await this.runLocks.release(job.id);
      }
    }
  }
}

/**
 * pg-boss's statements (`$1` placeholders) run in a MikroORM transaction. Knex numbers `?`
 * placeholders itself, so each `$n` becomes a `?` with its value in that position.
 */
function inTransactionOf(em: EntityManager, transaction: Knex.Transaction): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const ordered: unknown[] = [];
      const sql = text.replace(/\?/g, '\\?').replace(/\$(\d+)/g, (_whole, index: string) => {
        ordered.push(values[Number(index) - 1] ?? null);
        return '?';
      });
      const result = (await em
        .getKnex()
        .raw(sql, ordered as Knex.RawBinding[])
        .transacting(transaction)) as { rows: unknown[] };
      return { rows: result.rows };
    },
  };
}
