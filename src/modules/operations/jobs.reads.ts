import { GraphQLError } from 'graphql';
import { toGlobalId } from '../../graphql/global-id';
import {
  countJobs,
  isJobPosition,
  listJobs,
  type JobPosition,
  type JobRow,
  type JobStateName,
} from '../../jobs/job-list';
import {
  DEFAULT_PAGE_SIZE,
  type ConnectionShape,
  type PageArgs,
  type ReadContext,
} from '../../read';
import { JobState, type JobFilter, type JobObject } from './jobs.types';

/**
 * How the operations module reads: what the server is doing in the background (the job queue;
 * later the outbox), for administrators. These lists come from the jobs and mail layers, not
 * from the module's own tables.
 */

const STATE_NAMES: Record<JobState, JobStateName> = {
  [JobState.CREATED]: 'created',
  [JobState.RETRY]: 'retry',
  [JobState.ACTIVE]: 'active',
  [JobState.COMPLETED]: 'completed',
  [JobState.CANCELLED]: 'cancelled',
  [JobState.FAILED]: 'failed',
};
const STATES = Object.fromEntries(
  Object.entries(STATE_NAMES).map(([state, name]) => [name, state as JobState]),
) as Record<JobStateName, JobState>;

function badCursor(name: string): GraphQLError {
  return new GraphQLError(`"${name}" is not a valid cursor for this list`, {
    extensions: { code: 'BAD_USER_INPUT', argument: name },
  });
}

/** A job's cursor: its place in the list, as base64url JSON. */
function cursorOf(position: JobPosition): string {
  return Buffer.from(JSON.stringify([position.createdMicros, position.id])).toString('base64url');
}

function positionOf(cursor: string | null | undefined, name: string): JobPosition | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor(name);
  }
  const position = Array.isArray(decoded)
    ? { createdMicros: decoded[0] as unknown, id: decoded[1] as unknown }
    : undefined;
  if (!Array.isArray(decoded) || decoded.length !== 2 || !isJobPosition(position))
    throw badCursor(name);
  return position;
}

function toJobObject(row: JobRow): JobObject {
  return {
    id: toGlobalId('Job', row.id),
    name: row.name,
    state: STATES[row.state],
    attempts: row.attempts,
    lastError: row.lastError,
    runAt: row.runAt,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
  };
}

/** A page of the job queue's jobs, newest first (keyset-paginated on creation time and id). */
export async function jobPage(
  context: ReadContext,
  filter: JobFilter | null | undefined,
  args: PageArgs,
): Promise<ConnectionShape<JobObject>> {
  if (args.first != null && args.last != null)
    throw new GraphQLError('Use either "first" or "last", not both', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  const after = positionOf(args.after, 'after');
  const before = positionOf(args.before, 'before');
  const backwards = args.last != null || (before !== undefined && args.first == null);
  const size = (backwards ? args.last : args.first) ?? DEFAULT_PAGE_SIZE;
  const jobFilter = { state: filter?.state ? STATE_NAMES[filter.state] : null, name: filter?.name };
  const { rows, more } = await listJobs(context.em, jobFilter, { after, before, backwards, size });
  const edges = rows.map((row) => ({ cursor: cursorOf(row.position), node: toJobObject(row) }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: backwards ? before !== undefined : more,
      hasPreviousPage: backwards ? more : after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      counted ??= countJobs(context.em, jobFilter);
      return counted;
    },
  };
}
