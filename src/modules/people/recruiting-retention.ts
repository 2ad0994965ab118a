import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobDefinition } from '../../jobs/job-queue';
import type { RecruitingService } from './recruiting.service';

/** The daily retention run of recruiting (cron): anonymises candidates past the retention period. */
export const RECRUITING_RETENTION_JOB = 'people.recruiting-retention';
/** When it fires (UTC). */
export const RECRUITING_RETENTION_CRON = '30 3 * * *';

/**
 * The retention job: `RecruitingService.anonymiseExpired` at the clock's time. Running it twice
 * changes nothing more: an anonymised candidate is never picked again.
 */
export function recruitingRetentionJob(
  orm: MikroORM,
  recruiting: RecruitingService,
): JobDefinition<object> {
  return {
    name: RECRUITING_RETENTION_JOB,
    retryLimit: 3,
    retryDelaySeconds: 60,
    expireInSeconds: 900,
    policy: 'singleton',
    cron: RECRUITING_RETENTION_CRON,
    handle: async () => {
      await recruiting.anonymiseExpired({ em: orm.em.fork() });
    },
  };
}
