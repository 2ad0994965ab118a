import type { EntityManager } from '@mikro-orm/postgresql';
import { runLockingSql } from '../db/sql';
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
  /** Never personal data: pass inputs through `redactForAudit` first. */
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
  await runLockingSql(em, insert.sql, insert.params);
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
