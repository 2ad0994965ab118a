import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../db/sql';

export interface EventRecord {
  streamType: string;
  streamId: number | string;
  type: string;
  payload?: Record<string, unknown>;
  actorId: number | null;
}

/**
 * Records a change in the event log. Call it inside the transaction that makes the change, so the
 * event commits (and is announced) exactly when the change does, and never when it rolls back.
 * The row is written at once, with SQL rather than through the unit of work: every change records
 * one, and a flush of a new entity cost more CPU than the insert itself. Its seq and its
 * `occurred_at` are given at commit (the commit-order trigger): commit order and commit time.
 */
export async function recordEvent(em: EntityManager, record: EventRecord): Promise<void> {
  const insert = eventInsert(record);
  await runSql(em, insert.sql, insert.params);
}

/**
 * The INSERT that records an event, for a statement that does more in the same round trip: put
 * it in its WITH clause (`WITH recorded AS (<sql>) SELECT …`, its `?` values first). PostgreSQL
 * runs a data-modifying WITH whether or not the rest reads it. The same rules as `recordEvent`.
 */
export function eventInsert(record: EventRecord): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO event (stream_type, stream_id, type, payload, actor_id)
     VALUES (?, ?, ?, ?::jsonb, ?)`,
    params: [
      record.streamType,
      String(record.streamId),
      record.type,
      JSON.stringify(record.payload ?? {}),
      record.actorId,
    ],
  };
}

/**
 * The seq of the newest committed event, 0 when there is none. Events take their seqs in commit
 * order (the commit-order trigger, sql/event_assign_seq.sql), so every event up to it has
 * committed: a list read after this has seen them all, and a feed resumed after it misses none
 * of the later ones.
 */
export async function newestEventSeq(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ max: string | null }[]>('SELECT max(seq) AS max FROM event');
  return Number(row?.max ?? 0);
}
