import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobDefinition } from '../../jobs/job-queue';
import type { Logger } from '../../logger';
import type { SupportService } from './support.service';

/** The job that solves PENDING tickets the customer left unanswered. */
export const PENDING_AUTO_SOLVE_JOB = 'support.pending-auto-solve';

/** Tickets found per query; each is then solved in a transaction of its own. */
const BATCH = 100;

/**
 * Solves PENDING tickets whose customer has not answered for `days` days (PENDING_AUTO_SOLVE_DAYS;
 * 0 never does), every 15 minutes, once across instances. Each ticket goes through the desk's
 * status logic in its own transaction, as the system, with an internal note saying why
 * (SupportService.autoSolvePending); a customer answer reopens it as usual. "Now" is the
 * services' clock.
 */
export class PendingAutoSolve {
  constructor(
    private readonly orm: MikroORM,
    private readonly support: SupportService,
    private readonly days: number,
    private readonly logger: Logger,
  ) {}

  definition(): JobDefinition<object> {
    return {
      name: PENDING_AUTO_SOLVE_JOB,
      retryLimit: 2,
      retryDelaySeconds: 30,
      expireInSeconds: 900,
      policy: 'singleton',
      cron: '*/15 * * * *',
      handle: () => this.run(),
    };
  }

  async run(): Promise<void> {
    if (this.days === 0) return;
    let solved = 0;
    let afterId = 0;
    for (;;) {
      const ids = await this.support.pendingUnansweredFor(
        { em: this.orm.em.fork() },
        this.days,
        afterId,
        BATCH,
      );
      for (const id of ids) {
        if (await this.support.autoSolvePending({ em: this.orm.em.fork() }, id, this.days))
          solved += 1;
      }
      if (ids.length < BATCH) break;
      afterId = ids[ids.length - 1];
    }
    if (solved > 0) this.logger.info({ solved, days: this.days }, 'pending tickets auto-solved');
  }
}
