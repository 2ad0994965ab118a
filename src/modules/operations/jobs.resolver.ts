import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/relay';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { jobPage } from './jobs.reads';
import { JobConnection, JobFilter } from './jobs.types';

/** What the server does in the background, for administrators. */
@Resolver()
export class JobsResolver {
  @Authorized(...Permissions.admin)
  @Query(() => JobConnection, {
    description:
      'Background jobs (emails to send, sweeps), newest first: queued, running, retrying, and those that ended in the last week. Requires ADMIN.',
  })
  jobs(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => JobFilter, { nullable: true, description: 'Which jobs to list.' })
    filter: JobFilter | null,
    @Ctx() context: RequestContext,
  ) {
    return jobPage(context, filter, args);
  }
}
