import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../db/sql';

/** What a scrubbed string in an event's payload becomes. */
export const ERASED_VALUE = '[erased]';

/** Keys whose string values are personal in a subject's own streams. */
const PERSONAL_KEY = /name|email|phone|company|subject|body|text|note|comment|reason|address/i;

/** The event streams of the records erased: `{ type: 'Ticket', ids: [3, 4] }`. */
export interface EventStreams {
  type: string;
  ids: readonly number[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The payload with every string that contains one of the needles (case-insensitive) replaced,
 * and, when `personal` holds, every string under a personal key too.
 */
export function scrubPayload(value: Json, needles: readonly string[], personal: boolean): Json {
  const visit = (node: Json, key: string | null): Json => {
    if (typeof node === 'string') {
      const lower = node.toLowerCase();
      if (needles.some((needle) => lower.includes(needle))) return ERASED_VALUE;
      if (personal && key !== null && PERSONAL_KEY.test(key)) return ERASED_VALUE;
      return node;
    }
    if (Array.isArray(node)) return node.map((item) => visit(item, key));
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, k)]));
    return node;
  };
  return visit(value, null);
}

/**
 * Erasure in the event log (the live `event` table and `event_archive`), in the caller's
 * transaction: in the streams of the erased records, the strings under personal keys (names,
 * emails, subjects, bodies, notes) become `[erased]`; in every payload, of any stream, so does
 * any string that contains one of the needles (the subject's name, email, message texts),
 * except in the `except` streams (records under a legal hold). Types,
 * ids, statuses and amounts stay, so the history still reads. Answers how many rows changed.
 */
export async function scrubEventPayloads(
  tx: EntityManager,
  streams: readonly EventStreams[],
  needleTexts: readonly string[],
  except: readonly EventStreams[] = [],
): Promise<number> {
  const needles = [
    ...new Set(needleTexts.map((text) => text.trim().toLowerCase()).filter((t) => t.length >= 3)),
  ];
  const streamTypes = streams.flatMap((stream) => stream.ids.map(() => stream.type));
  const streamIds = streams.flatMap((stream) => stream.ids.map(String));
  const exceptTypes = except.flatMap((stream) => stream.ids.map(() => stream.type));
  const exceptIds = except.flatMap((stream) => stream.ids.map(String));
  let changed = 0;
  for (const table of ['event', 'event_archive']) {
    const rows = await runSql<{ id: string; payload: Json; own: boolean }>(
      tx,
      `SELECT e.id, e.payload,
              (e.stream_type, e.stream_id) IN (SELECT * FROM unnest(?::text[], ?::text[])) AS own
         FROM ${table} e
        WHERE ((e.stream_type, e.stream_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))
               OR EXISTS (
                    SELECT 1 FROM jsonb_path_query(e.payload, 'strict $.**') v, unnest(?::text[]) n
                     WHERE jsonb_typeof(v) = 'string' AND strpos(lower(v #>> '{}'), n) > 0))
          AND (e.stream_type, e.stream_id) NOT IN (SELECT * FROM unnest(?::text[], ?::text[]))
        ORDER BY e.id
          FOR UPDATE OF e`,
      [streamTypes, streamIds, streamTypes, streamIds, needles, exceptTypes, exceptIds],
    );
    for (const row of rows) {
      const scrubbed = scrubPayload(row.payload, needles, row.own);
      if (JSON.stringify(scrubbed) === JSON.stringify(row.payload)) continue;
      await runSql(tx, `UPDATE ${table} SET payload = ?::jsonb WHERE id = ?`, [
        JSON.stringify(scrubbed),
        row.id,
      ]);
      changed += 1;
    }
  }
  return changed;
}

/**
 * Retention of the archived event log (in the caller's transaction): archived events older than
 * the cutoff, by id after `afterId`, at most `limit` (null: all); `lock` for the run (skipping rows another run holds).
 */
export async function archivedEventsBefore(
  tx: EntityManager,
  cutoff: Date,
  afterId: number,
  limit: number | null,
  lock: boolean,
): Promise<{ id: number; label: string }[]> {
  const rows = await runSql<{ id: string; stream_type: string; type: string; occurred_at: Date }>(
    tx,
    `SELECT id, stream_type, type, occurred_at FROM event_archive
      WHERE occurred_at < ? AND id > ? ORDER BY id ${limit === null ? '' : `LIMIT ${Math.trunc(limit)}`}
      ${lock ? 'FOR UPDATE SKIP LOCKED' : ''}`,
    [cutoff, afterId],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    label: `Event #${row.id} ${row.stream_type}.${row.type} ${new Date(row.occurred_at).toISOString().slice(0, 10)}`,
  }));
}

/** Deletes these archived events. */
export async function deleteArchivedEvents(
  tx: EntityManager,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await runSql<{ id: string }>(
    tx,
    'DELETE FROM event_archive WHERE id = ANY(?::bigint[]) RETURNING id',
    [ids],
  );
  return rows.length;
}

/** Anonymises these archived events: every string in their payloads becomes `[erased]`. */
export async function anonymiseArchivedEvents(
  tx: EntityManager,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await runSql<{ id: string; payload: Json }>(
    tx,
    'SELECT id, payload FROM event_archive WHERE id = ANY(?::bigint[]) ORDER BY id',
    [ids],
  );
  const erase = (node: Json): Json => {
    if (typeof node === 'string') return ERASED_VALUE;
    if (Array.isArray(node)) return node.map(erase);
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, erase(v)]));
    return node;
  };
  for (const row of rows)
    await runSql(tx, 'UPDATE event_archive SET payload = ?::jsonb WHERE id = ?', [
      JSON.stringify(erase(row.payload)),
      row.id,
    ]);
  return rows.length;
}
