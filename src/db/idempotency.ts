import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BusinessRuleError, UserErrorCode } from '../modules/common/errors';
import { runSql } from './sql';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** A stable hash of a request's meaningful input (keys sorted, so property order does not matter). */
export function requestHash(input: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, canonical(v)]),
      );
    }
    return typeof value === 'bigint' ? value.toString() : value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(input)))
    .digest('hex');
}

export type IdempotencyClaim = { fresh: true } | { fresh: false; resultId: string };

/**
 * Claims `key` for this request inside the caller's transaction. A concurrent request with the
 * same key blocks on the row until this transaction ends: if it committed, the repeat gets the
 * original result; if it rolled back, the repeat proceeds as the first.
 */
export async function claimIdempotencyKey(
  tx: EntityManager,
  scope: string,
  key: string,
  hash: string,
): Promise<IdempotencyClaim> {
  checkIdempotencyKey(key);
  const inserted = await runSql<{ scope: string }>(
    tx,
    'INSERT INTO idempotency_key (scope, key, request_hash) VALUES (?, ?, ?) ON CONFLICT (scope, key) DO NOTHING RETURNING scope',
    [scope, key, hash],
  );
  if (inserted.length > 0) return { fresh: true };
  const resultId = await earlierResult(tx, scope, key, hash);
  if (resultId === undefined) throw idempotencyKeyReused();
  return { fresh: false, resultId };
}

/** Refuses a key that is empty or too long. */
export function checkIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BusinessRuleError(
      UserErrorCode.INVALID_INPUT,
      `An idempotency key has 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      ['input', 'idempotencyKey'],
    );
  }
}

/** What a database function raises for a key used before with other input. */
export const IDEMPOTENCY_KEY_REUSED_SQLSTATE = 'BD002';

export function idempotencyKeyReused(): BusinessRuleError {
  return new BusinessRuleError(
    UserErrorCode.IDEMPOTENCY_KEY_REUSED,
    'This idempotency key was already used with different input',
    ['input', 'idempotencyKey'],
  );
}

/** The result a committed earlier request with this key and the same input produced, if any. */
export async function earlierResult(
  em: EntityManager,
  scope: string,
  key: string,
  hash: string,
): Promise<string | undefined> {
  const [earlier] = await runSql<{ request_hash: string; result_id: string | null }>(
    em,
    'SELECT request_hash, result_id FROM idempotency_key WHERE scope = ? AND key = ?',
    [scope, key],
  );
  return earlier?.request_hash === hash && earlier.result_id !== null
    ? earlier.result_id
    : undefined;
}

/** Records what the claimed key produced, in the same transaction. */
export async function completeIdempotencyKey(
  tx: EntityManager,
  scope: string,
  key: string,
  resultId: number | string,
): Promise<void> {
  await runSql(tx, 'UPDATE idempotency_key SET result_id = ? WHERE scope = ? AND key = ?', [
    String(resultId),
    scope,
    key,
  ]);
}
