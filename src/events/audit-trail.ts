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
