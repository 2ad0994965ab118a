import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { inTransaction } from '../db/transaction';
import type { JobDefinition } from '../jobs/job-queue';

const BATCH = 10_000;

/**
 * Keeps the replayable event log to a retention window: older events move to `event_archive`
 * (the audit history keeps reading them) and `event_retention.pruned_through` records the last
 * seq moved, so a subscriber resuming from before it is told to resync instead of missing events.
 */
export class EventRetentionJob {
  private running: Promise<number> | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  /** The `events.retention` job: hourly, on one instance at a time. */
  definition(now: () => Date): JobDefinition<object> {
    return {
      name: 'events.retention',
      cron: '17 * * * *',
      policy: 'singleton',
      retryLimit: 2,
      retryDelaySeconds: 60,
      expireInSeconds: 30 * 60,
      handle: async () => {
        await this.runOnce(now());
      },
    };
  }

  /** Archives events older than the window, in batches; returns how many moved. */
  async runOnce(now = new Date()): Promise<number> {
    this.running ??= this.prune(new Date(now.getTime() - this.retentionDays * 86_400_000)).finally(
      () => (this.running = undefined),
    );
    return this.running;
  }

  private async prune(cutoff: Date): Promise<number> {
    let moved = 0;
    try {
      for (;;) {
        const [result] = await inTransaction(this.orm.em, (em) =>
          em.execute<{ moved: string }[]>(
            `WITH old AS (
               SELECT id FROM event WHERE occurred_at < ? AND seq IS NOT NULL ORDER BY seq LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
             ), archived AS (
               DELETE FROM event e USING old WHERE e.id = old.id
               RETURNING e.id, e.seq, e.stream_type, e.stream_id, e.type, e.payload, e.actor_id, e.occurred_at
             ), inserted AS (
               INSERT INTO event_archive SELECT * FROM archived ON CONFLICT (id) DO NOTHING RETURNING seq
             ), mark AS (
               UPDATE event_retention SET pruned_through = greatest(pruned_through, (SELECT coalesce(max(seq), 0) FROM inserted))
                WHERE id = 1 RETURNING pruned_through
             )
             SELECT (SELECT count(*) FROM inserted) AS moved, (SELECT pruned_through FROM mark) AS pruned_through`,
            [cutoff],
          ),
        );
        moved += Number(result.moved);
        if (Number(result.moved) < BATCH) break;
      }
      if (moved > 0)
        this.logger.info({ moved, cutoff }, 'archived events past the retention window');
    } catch (error) {
      this.logger.warn({ err: error }, 'event retention failed; it will run again');
    }
    return moved;
  }
}
