import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../db/sql';
import { JOB_SCHEMA } from './job-queue';

/** pg-boss's states of a job (its `job_state` enum). */
export type JobStateName = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/** One job as the `jobs` list reads it from pg-boss's table. */
export interface JobRow {
  id: string;
  name: string;
  state: JobStateName;
  /** Runs started so far: pg-boss counts retries, and a run once it starts. */
  attempts: number;
  /** The error of the last failed run, while the job is retrying or failed. */
  lastError: string | null;
  /** When it runs, or ran, at the earliest (pg-boss's `start_after`). */
  runAt: Date;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  /** Its place in the list. */
  position: JobPosition;
}

/**
 * A place in the list, newest first: the creation time in microseconds since 1970 (pg-boss keeps
 * microseconds, a Date only milliseconds: two jobs in one millisecond must not tie), then the id.
 */
export interface JobPosition {
  createdMicros: number;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a value (from a client's cursor) is a place in the list that the query can bind. */
export function isJobPosition(value: unknown): value is JobPosition {
  const place = value as Partial<JobPosition> | null;
  return (
    typeof place === 'object' &&
    place !== null &&
    Number.isSafeInteger(place.createdMicros) &&
    typeof place.id === 'string' &&
    UUID.test(place.id)
  );
}

/** The list's sort key in SQL: exact, as `extract` answers a numeric. */
const CREATED_MICROS = '(extract(epoch FROM created_on) * 1000000)::bigint';

export interface JobListFilter {
  state?: JobStateName | null;
  /** The job's kind, such as `mail.send`. */
  name?: string | null;
}

export interface JobListPage {
  /** Jobs older than this place (walking forwards, newest first). */
  after?: JobPosition;
  /** Jobs newer than this place. */
  before?: JobPosition;
  /** Reads the newest-first list from its far end: the page nearest `before`, or the oldest. */
  backwards: boolean;
  size: number;
}

/** pg-boss's own queues (cron, sending scheduled jobs) are its inner workings, not ours. */
const OWN_JOBS = `name NOT LIKE '\\_\\_pgboss\\_\\_%'`;

function conditions(filter: JobListFilter): { sql: string[]; params: unknown[] } {
  const sql = [OWN_JOBS];
  const params: unknown[] = [];
  if (filter.state) {
    sql.push(`state = ?::${JOB_SCHEMA}.job_state`);
    params.push(filter.state);
  }
  if (filter.name) {
    sql.push('name = ?');
    params.push(filter.name);
  }
  return { sql, params };
}

/** A row as raw SQL answers it: timestamps as text (MikroORM's type parsers), as in the read layer. */
interface JobRecord {
  id: string;
  name: string;
  state: JobStateName;
  retry_count: number;
  started_on: string | null;
  output: { message?: unknown; value?: { message?: unknown } } | null;
  start_after: string;
  created_on: string;
  created_micros: string;
  completed_on: string | null;
}

const dateOf = (value: string | Date) => (value instanceof Date ? value : new Date(value));

/**
 * A page of the jobs pg-boss holds now (completed and failed ones for a week, then its archive
 * keeps them), newest first by creation, then id: up to `size` rows in list order, and whether
 * more lie beyond them in the direction read. The columns are pg-boss 10's.
 */
export async function listJobs(
  em: EntityManager,
  filter: JobListFilter,
  page: JobListPage,
): Promise<{ rows: JobRow[]; more: boolean }> {
  const { sql, params } = conditions(filter);
  const key = `(${CREATED_MICROS}, id)`;
  const place = '(?::bigint, ?::uuid)';
  if (page.after) {
    sql.push(`${key} < ${place}`);
    params.push(page.after.createdMicros, page.after.id);
  }
  if (page.before) {
    sql.push(`${key} > ${place}`);
    params.push(page.before.createdMicros, page.before.id);
  }
  const direction = page.backwards ? 'ASC' : 'DESC';
  const records = await runSql<JobRecord>(
    em,
    `SELECT id, name, state::text AS state, retry_count, started_on, output, start_after,
            created_on, ${CREATED_MICROS}::text AS created_micros, completed_on
       FROM ${JOB_SCHEMA}.job
      WHERE ${sql.join(' AND ')}
      ORDER BY ${CREATED_MICROS} ${direction}, id ${direction}
      LIMIT ?`,
    [...params, page.size + 1],
  );
  const rows = records.slice(0, page.size).map(toJobRow);
  return { rows: page.backwards ? rows.reverse() : rows, more: records.length > page.size };
}

/** How many jobs the list holds for the filter. */
export async function countJobs(em: EntityManager, filter: JobListFilter): Promise<number> {
  const { sql, params } = conditions(filter);
  const [row] = await runSql<{ count: number }>(
    em,
    `SELECT count(*)::int AS count FROM ${JOB_SCHEMA}.job WHERE ${sql.join(' AND ')}`,
    params,
  );
  return row?.count ?? 0;
}

function toJobRow(record: JobRecord): JobRow {
  const failed = record.state === 'retry' || record.state === 'failed';
  // A handler's throw is stored as the serialized error; an expiry as { value: { message } }.
  const message = record.output?.message ?? record.output?.value?.message;
  return {
    id: record.id,
    name: record.name,
    state: record.state,
    attempts: record.retry_count + (record.started_on ? 1 : 0),
    lastError: failed && typeof message === 'string' ? message : null,
    runAt: dateOf(record.start_after),
    createdAt: dateOf(record.created_on),
    startedAt: record.started_on === null ? null : dateOf(record.started_on),
    completedAt: record.completed_on === null ? null : dateOf(record.completed_on),
    position: { createdMicros: Number(record.created_micros), id: record.id },
  };
}
