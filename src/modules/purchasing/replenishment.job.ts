import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobDefinition } from '../../jobs/job-queue';
import type { ReplenishmentService } from './replenishment.service';

/** The daily replenishment run (cron), as the system, for the clock's day. */
export const REPLENISHMENT_JOB = 'purchasing.replenishment';
/** When it fires (UTC): before the working day, so buyers find the drafts ready. */
export const REPLENISHMENT_CRON = '0 5 * * *';

/**
 * The replenishment job: `runReplenishment` for today by the injected clock. A retry or a second
 * run changes nothing more: a draft that already says what the run proposes is left alone.
 */
export function replenishmentJob(
  orm: MikroORM,
  replenishment: ReplenishmentService,
): JobDefinition<object> {
  return {
    name: REPLENISHMENT_JOB,
    retryLimit: 3,
    retryDelaySeconds: 60,
    expireInSeconds: 900,
    policy: 'singleton',
    cron: REPLENISHMENT_CRON,
    handle: async () => {
      await replenishment.runReplenishment({ em: orm.em.fork() }, {});
    },
  };
}
