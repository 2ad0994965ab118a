import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobDefinition } from '../../jobs/job-queue';
import type { RetentionService } from './retention.service';

/** The daily retention run: every enabled policy, in batches. */
export const RETENTION_JOB = 'compliance.retention';
/** When it fires (UTC). */
export const RETENTION_CRON = '45 3 * * *';

/**
 * The retention job (cron, one at a time across instances): `RetentionService.runEnabled` at the
 * clock's time. Running it again purges nothing twice: a purged record is no candidate.
 */
export function retentionJob(orm: MikroORM, retention: RetentionService): JobDefinition<object> {
  return {
    name: RETENTION_JOB,
    retryLimit: 3,
    retryDelaySeconds: 60,
    expireInSeconds: 3600,
    policy: 'singleton',
    cron: RETENTION_CRON,
    handle: async () => {
      await retention.runEnabled({ em: orm.em.fork() });
    },
  };
}
