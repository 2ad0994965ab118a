import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobDefinition } from '../../jobs/job-queue';
import type { MaintenanceService } from './maintenance.service';

/** The daily maintenance scheduler (cron), as the system, for the clock's day. */
export const MAINTENANCE_DUE_JOB = 'assets.maintenance-due';
/** When it fires (UTC): before the working day, so IT support finds the work orders waiting. */
export const MAINTENANCE_DUE_CRON = '30 5 * * *';

/**
 * The maintenance due job: `runScheduler` for today by the injected clock. A retry or a second
 * run on the same day changes nothing more: what it handled has moved on to its next due day,
 * and each opening (with its staff mail) committed whole or not at all.
 */
export function maintenanceDueJob(
  orm: MikroORM,
  maintenance: MaintenanceService,
): JobDefinition<object> {
  return {
    name: MAINTENANCE_DUE_JOB,
    retryLimit: 3,
    retryDelaySeconds: 60,
    expireInSeconds: 900,
    policy: 'singleton',
    cron: MAINTENANCE_DUE_CRON,
    handle: async () => {
      await maintenance.runScheduler({ em: orm.em.fork() }, {});
    },
  };
}
