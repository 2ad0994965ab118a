import type { EntityManager } from '@mikro-orm/postgresql';
import { runLockingSqlUnaudited } from '../db/sql';
import { AuditKind, AuditResult } from './audit.entity';

export { AuditKind, AuditResult };

/** One act to record in the audit trail (audit.entity.ts says what each column holds). */
export interface AuditEntry {
  kind: AuditKind;
  /** The mutation's name, the field read (`Employee.salary`), the download, or the system job. */
  action: string;
  result: AuditResult;
  actorId: number | null;
  apiTokenId?: number | null;
  /** A global ID, when the act has one target. */
  target?: string | null;
  /** Never personal data: IDs, enums, counts, codes (server/audit-mutations.ts redacts inputs). */
  detail?: Record<string, unknown>;
  ip?: string | null;
  requestId?: string | null;
}

/** Who acts, as a request knows it: what every entry of the request shares. */
export interface AuditActor {
  actorId: number | null;
  apiTokenId: number | null;
  ip: string | null;
  requestId: string | null;
}

const COLUMNS = '(kind, action, result, actor_id, api_token_id, target, detail, ip, request_id)';

function values(entry: AuditEntry): unknown[] {
  return [
    entry.kind,
    entry.action,
    entry.result,
    entry.actorId,
    entry.apiTokenId ?? null,
    entry.target ?? null,
    JSON.stringify(entry.detail ?? {}),
    entry.ip ?? null,
    entry.requestId ?? null,
  ];
}

const ROW = '(?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)';

/**
 * The INSERT that records entries, for a statement that does more in the same round trip (its
 * WITH clause, its `?` values first), as `eventInsert` is for events.
 */
export function auditInsert(entries: readonly AuditEntry[]): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO audit_record ${COLUMNS} VALUES ${entries.map(() => ROW).join(', ')}`,
    params: entries.flatMap(values),
  };
}

/**
 * Records entries in the audit trail. Inside a transaction they commit (and are sealed into the
 * chain) with it, and vanish if it rolls back; outside one, the statement is its own transaction.
 * Jobs record what they did to records (a retention run, an erasure) with kind SYSTEM in the
 * transaction that does it.
 */
export async function recordAudit(
  em: EntityManager,
  entries: AuditEntry | readonly AuditEntry[],
): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries as AuditEntry];
  if (list.length === 0) return;
  const insert = auditInsert(list);
  // Outside a transaction it waits for the commit lock (the seal): the locking pipeline, not reads.
  await runLockingSqlUnaudited(em, insert.sql, insert.params);
}

/** What `verifyAuditChain` found. */
export interface ChainVerification {
  ok: boolean;
  /** How many records were checked. */
  checked: number;
  /** The first record where the chain breaks (its id), when it does. */
  brokenAtId: number | null;
  brokenAtSeq: number | null;
  /** Why it breaks there. */
  reason: string | null;
}

interface ChainRow {
  checked: string;
  broken_id: string | null;
  broken_seq: string | null;
  reason: string | null;
}

/**
 * Walks the audit chain in seq order from its anchor (the hash of the last record a retention run
 * deleted, or nothing) and reports the first record where it breaks:
 * - a record whose content no longer gives its hash (edited);
 * - a record whose `prev_hash` is not the hash of the record before it (one removed or replaced
 *   before it, or the first record after the anchor not following it);
 * - a record never sealed (written with the triggers off);
 * - the newest record not being the chain's head (records removed from the end).
 * The digest is the database's `audit_record_digest`, the one the seal trigger uses.
 */
export async function verifyAuditChain(em: EntityManager): Promise<ChainVerification> {
  const [row] = await em.execute<ChainRow[]>(
    `WITH head AS (
       SELECT seq, hash, pruned_through, pruned_hash FROM audit_chain_head WHERE id = 1
     ), chain AS (
       SELECT r.id, r.seq, r.prev_hash, r.hash,
              audit_record_digest(r.prev_hash, r) AS recomputed,
              lag(r.hash) OVER (ORDER BY r.seq, r.id) AS previous_hash,
              row_number() OVER (ORDER BY r.seq, r.id) AS n
         FROM audit_record r
     ), breaks AS (
       SELECT c.id, c.seq, CASE
                WHEN c.seq IS NULL OR c.hash IS NULL THEN 'the record was never sealed into the chain'
                WHEN c.hash IS DISTINCT FROM c.recomputed THEN 'the record was changed: its content does not give its hash'
                WHEN c.n = 1 THEN 'the record does not follow the chain''s anchor: records before it were removed'
                ELSE 'the record before it is missing or was replaced: its previous hash does not match'
              END AS reason
         FROM chain c, head
        WHERE c.seq IS NULL OR c.hash IS NULL OR c.hash IS DISTINCT FROM c.recomputed
           OR c.prev_hash IS DISTINCT FROM (CASE WHEN c.n = 1 THEN head.pruned_hash ELSE c.previous_hash END)
       UNION ALL
       SELECT c.id, c.seq, 'records after it were removed: the chain''s head is at sequence ' || head.seq
         FROM chain c, head
        WHERE c.n = (SELECT max(n) FROM chain) AND (c.seq <> head.seq OR c.hash IS DISTINCT FROM head.hash)
       UNION ALL
       SELECT NULL, NULL, 'every record was removed: the chain''s head is at sequence ' || head.seq
         FROM head WHERE head.seq > head.pruned_through AND NOT EXISTS (SELECT 1 FROM chain)
     )
     SELECT (SELECT count(*) FROM chain) AS checked, b.id AS broken_id, b.seq AS broken_seq, b.reason
       FROM (SELECT 1) one LEFT JOIN LATERAL (
         SELECT * FROM breaks ORDER BY seq NULLS FIRST, id LIMIT 1
       ) b ON true`,
  );
  const brokenAtId = row.broken_id === null ? null : Number(row.broken_id);
  return {
    ok: row.reason === null,
    checked: Number(row.checked),
    brokenAtId,
    brokenAtSeq: row.broken_seq === null ? null : Number(row.broken_seq),
    reason: row.reason,
  };
}

/**
 * Retention of the audit trail (the AUDIT_TRAIL policy), in ONE transaction of its own: the
 * oldest sealed records committed before the cutoff, at most `limit`, are deleted as a prefix
 * of the chain (seq order, never a hole), and the chain's anchor moves to the last one deleted
 * (`pruned_through`, `pruned_hash`), so the chain still verifies from there. The commit lock the
 * seal trigger takes comes first (a consistent lock order), and `backdesk.audit_retention` is
 * what the append-only trigger lets deletes through under. `preview` counts without deleting.
 * Answers the seqs deleted (or that would be).
 */
export async function pruneAuditTrail(
  tx: EntityManager,
  cutoff: Date,
  limit: number,
  preview = false,
): Promise<number[]> {
  if (!preview) {
    await tx.execute('SELECT pg_advisory_xact_lock(7395001)');
    await tx.execute("SET LOCAL backdesk.audit_retention = 'on'");
  }
  const rows = await tx.execute<{ seq: string; hash: string }[]>(
    `SELECT r.seq, r.hash FROM audit_record r, audit_chain_head h
      WHERE h.id = 1 AND r.seq IS NOT NULL AND r.seq > h.pruned_through AND r.at < ?
      ORDER BY r.seq LIMIT ?`,
    [cutoff, limit],
  );
  // Every record up to the last one taken goes: a prefix of the chain by construction.
  const prefix = rows.map((row) => ({ seq: Number(row.seq), hash: row.hash }));
  if (preview || prefix.length === 0) return prefix.map((row) => row.seq);
  const last = prefix[prefix.length - 1];
  await tx.execute('DELETE FROM audit_record WHERE seq IS NOT NULL AND seq <= ?', [last.seq]);
  await tx.execute('UPDATE audit_chain_head SET pruned_through = ?, pruned_hash = ? WHERE id = 1', [
    last.seq,
    last.hash,
  ]);
  await tx.execute("SET LOCAL backdesk.audit_retention = 'off'");
  return prefix.map((row) => row.seq);
}
