import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The audit record of the mutation a request is running, written by the first transaction that
 * commits for it, inside that transaction: so a mutation's record commits exactly when its
 * changes do, and is sealed into the audit chain in the same commit (events/audit-trail.ts).
 * The GraphQL layer registers one on the request's entity manager while the mutation runs
 * (server/audit-mutations.ts); `inTransaction` and `runLockingSql` on that entity manager add
 * its statement before they commit. A mutation that commits nothing (refused, forbidden,
 * failed) is recorded by the GraphQL layer afterwards, in a statement of its own.
 */
export interface PendingAudit {
  /**
   * The INSERT recording the mutation as done (`?` values), or undefined when a committed
   * transaction has already written it. `result` is what the transaction returned, which names
   * what it made (the target) when the input does not.
   */
  claim(result: unknown): { sql: string; params: unknown[] } | undefined;
  /** Whether the transaction that wrote the claimed statement committed. */
  settle(committed: boolean): void;
}

const pending = new WeakMap<EntityManager, PendingAudit>();

/**
 * Registers the audit record of the mutation running on `em` until the returned function is
 * called. Answers undefined, registering nothing, when another is pending on the same entity
 * manager (two mutations at once on one WebSocket): that one is recorded afterwards instead.
 */
export function auditWhileRunning(
  em: EntityManager,
  audit: PendingAudit,
): (() => void) | undefined {
  if (pending.has(em)) return undefined;
  pending.set(em, audit);
  return () => pending.delete(em);
}

/** The audit record pending on a request's entity manager, if a mutation is running on it. */
export function pendingAudit(em: EntityManager): PendingAudit | undefined {
  return pending.get(em);
}
