import type { EntityManager } from '@mikro-orm/postgresql';
import { pendingAudit } from './audit-hook';
import { runSql } from './sql';

/** PostgreSQL SQLSTATEs worth retrying: the transaction lost a race, not a rule. */
const RETRYABLE = new Set(['40001' /* serialization_failure */, '40P01' /* deadlock_detected */]);
const MAX_ATTEMPTS = 5;

/** The SQLSTATE of a database error, whether the driver's or MikroORM's wrapper of it. */
export function sqlState(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = candidate?.code ?? candidate?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The DETAIL of a database error (what a function's RAISE put there). */
export function sqlDetail(error: unknown): string | undefined {
  const candidate = error as { detail?: unknown; cause?: { detail?: unknown } } | null;
  const detail = candidate?.detail ?? candidate?.cause?.detail;
  return typeof detail === 'string' ? detail : undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (sqlState(error) !== '23505') return false;
  if (!constraint) return true;
  const detail = error as { constraint?: unknown; message?: unknown };
  return detail.constraint === constraint || String(detail.message ?? '').includes(constraint);
}

/**
 * One transaction per mutation. Retried from the start when PostgreSQL reports a deadlock or a
 * serialization failure, so callers never see those; everything else propagates (and rolls back).
 *
 * The transaction is begun and committed on a fork of its own, which is what `em.transactional`
 * does too, minus what we never use and every mutation paid for: a second fork, an
 * AsyncLocalStorage scope for the global entity manager (requests never use it) and merging
 * the flushed entities back into a parent that is thrown away.
 */
export function inTransaction<T>(
  em: EntityManager,
  work: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  const audit = pendingAudit(em);
  return retryingLostRaces(async () => {
    const tx = em.fork();
    await tx.begin();
    let audited = false;
    try {
      const result = await work(tx);
      // The mutation's audit record, in the same commit (db/audit-hook.ts): written last, after
      // the unit of work is flushed, since it takes the commit lock and holds it to the end.
      const record = audit?.claim(result);
      if (record) {
        audited = true;
        await tx.flush();
        await runSql(tx, record.sql, record.params);
      }
      await tx.commit(); // flushes the unit of work first
      if (audited) audit?.settle(true);
      return result;
    } catch (error) {
      if (audited) audit?.settle(false);
      // A failed COMMIT has already ended the transaction; the rollback then has nothing to do.
      await tx.rollback().catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Runs `attempt` (a whole transaction, or one statement that is a transaction of its own) again
 * when PostgreSQL reports a deadlock or a serialization failure; anything else propagates.
 */
export async function retryingLostRaces<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      const state = sqlState(error);
      if (!state || !RETRYABLE.has(state) || tries >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * tries));
    }
  }
}

/**
 * A PostgreSQL array literal ('{"1","2",NULL}') for one bound parameter: the query builder would
 * otherwise spread a JavaScript array into a list of parameters.
 */
export function pgArray(values: readonly (string | number | bigint | null)[]): string {
  const element = (value: string | number | bigint | null) =>
    value === null ? 'NULL' : `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `{${values.map(element).join(',')}}`;
}
