import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobDefinition, JobQueue } from '../../jobs/job-queue';
import type { Clock } from '../common/clock';
import { SlaTarget } from './sla';
import type { SupportService } from './support.service';

/** The job that announces SLA breaches. */
export const SLA_SWEEP_JOB = 'support.sla-sweep';

/** Tickets recorded per transaction (each is locked until it commits). */
const BATCH = 50;
/** The sweep runs every minute anyway: only a deadline sooner than that gets a run of its own. */
const LOOK_AHEAD_SECONDS = 60;

/**
 * The SLA sweep: records every breach of a first-response or resolution target that no event has
 * announced yet (SupportService.recordSlaBreaches: one SLA_BREACHED event per ticket and target,
 * ever, and the leads' alerts), in batches. It runs every minute by cron, once across instances,
 * and, when a deadline falls due before the next minute, once more at that deadline, so a breach
 * is announced when it happens rather than up to a minute later. "Now" is the services' clock.
 */
export class SlaSweep {
  constructor(
    private readonly orm: MikroORM,
    private readonly support: SupportService,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  definition(): JobDefinition<object> {
    return {
      name: SLA_SWEEP_JOB,
      retryLimit: 2,
      retryDelaySeconds: 10,
      expireInSeconds: 300,
      policy: 'singleton',
      cron: '* * * * *',
      handle: () => this.sweep(),
    };
  }

  async sweep(): Promise<void> {
    for (const target of [SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION]) {
      let recorded: number;
      do {
        recorded = await this.support.recordSlaBreaches({ em: this.orm.em.fork() }, target, BATCH);
      } while (recorded === BATCH);
    }
    await this.scheduleNextDeadline();
  }

  /**
   * A run at the next deadline when it is less than a minute away (the cron covers later ones),
   * unless a sweep already waits to start by then: runs do not multiply, whatever the number of
   * cron runs and deadlines.
   */
  private async scheduleNextDeadline(): Promise<void> {
    const next = await this.support.nextSlaDeadline({ em: this.orm.em.fork() });
    if (!next) return;
    const seconds = Math.max(1, Math.ceil((next.getTime() - this.clock.now().getTime()) / 1000));
    if (seconds > LOOK_AHEAD_SECONDS) return;
    if (await this.jobs.isQueuedWithin(SLA_SWEEP_JOB, seconds)) return;
    await this.jobs.enqueue(undefined, SLA_SWEEP_JOB, {}, { delaySeconds: seconds });
  }
}
