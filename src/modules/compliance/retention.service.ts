import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/transaction';
import { AuditKind, AuditResult, pruneAuditTrail, recordAudit } from '../../events/audit-trail';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import { integerInRange } from '../common/input-rules';
import type { RequestScope } from '../common/scope';
import type { CustomerService } from '../customers/customer.service';
import type { RecruitingService } from '../people/recruiting.service';
import type { LegalHoldService } from './legal-hold.service';
import { type RetentionClass, retentionClasses } from './retention-classes';
import { RetentionAction, RetentionPolicy, RetentionRecordClass } from './retention-policy.entity';

/** Records purged per transaction by a retention run. */
export const RETENTION_BATCH = 200;

/** The audit record's action for a retention batch. */
export const RETENTION_AUDIT_ACTION = 'compliance.retention';

/** How many sample items a preview shows. */
const SAMPLE_SIZE = 10;

/** What the dry run saw: the settings it was made for. */
export function fingerprint(policy: Pick<RetentionPolicy, 'keepDays' | 'action'>): string {
  return `${policy.keepDays}:${policy.action}`;
}

/** A dry run's answer. */
export interface RetentionPreview {
  recordClass: RetentionRecordClass;
  cutoff: Date;
  /** How many records the run would purge now (held ones excluded). */
  count: number;
  /** The first few, labelled without personal data. */
  sample: string[];
  /** The ids the run would purge (tests compare them with the run's). */
  ids: number[];
  /** Held records left out. */
  held: number;
  /** What the action cannot do to some records, and why. */
  note: string | null;
}

/** What a run did. */
export interface RetentionRunResult {
  recordClass: RetentionRecordClass;
  deleted: number;
  anonymised: number;
  /** Skipped: under a legal hold. */
  held: number;
  batches: number;
  /** The ids purged, in order. */
  ids: number[];
}

export interface RetentionPolicyChange {
  recordClass: RetentionRecordClass;
  keepDays: number;
  action: RetentionAction;
  enabled: boolean;
}

/**
 * Retention: a policy per class of records (retention-classes.ts) with a period and an action,
 * enabled only after a dry run of exactly its settings; the dry run and the run use the same
 * query; the run goes in batches of RETENTION_BATCH, each its own transaction that locks the
 * candidates (SKIP LOCKED), locks their legal holds, skips the held, purges and records a SYSTEM
 * audit entry with the counts.
 */
export class RetentionService {
  readonly classes: Record<RetentionRecordClass, RetentionClass>;

  constructor(
    customers: CustomerService,
    recruiting: RecruitingService,
    private readonly legalHolds: LegalHoldService,
    private readonly clock: Clock,
  ) {
    this.classes = retentionClasses(customers, recruiting);
  }

  /** Every policy, in the order of the classes. */
  async policies({ em }: RequestScope): Promise<RetentionPolicy[]> {
    const rows = await em.find(RetentionPolicy, {}, { refresh: true });
    const order = Object.values(RetentionRecordClass);
    return rows.sort((a, b) => order.indexOf(a.recordClass) - order.indexOf(b.recordClass));
  }

  async setPolicy(
    { em }: RequestScope,
    change: RetentionPolicyChange,
  ): Promise<{ retentionPolicy: RetentionPolicy }> {
    const definition = this.classes[change.recordClass];
    const keepDays = integerInRange(
      change.keepDays,
      ['input', 'keepDays'],
      definition.minDays,
      definition.maxDays,
    );
    if (!definition.actions.includes(change.action))
      refuse(
        UserErrorCode.INVALID_INPUT,
        `${change.recordClass} allows only ${definition.actions.join(' or ')}`,
        ['input', 'action'],
      );
    return inTransaction(em, async (tx) => {
      const policy = await this.lockPolicy(tx, change.recordClass);
      policy.keepDays = keepDays;
      policy.action = change.action;
      if (change.enabled && policy.previewedFingerprint !== fingerprint(policy))
        refuse(
          UserErrorCode.PREVIEW_REQUIRED,
          `Preview ${change.recordClass} with ${keepDays} days and ${change.action} before enabling it`,
          ['input', 'enabled'],
        );
      // A change of period or action that was not previewed leaves the policy disabled.
      policy.enabled = change.enabled && policy.previewedFingerprint === fingerprint(policy);
      policy.updatedAt = this.clock.now();
      await tx.flush();
      return { retentionPolicy: policy };
    });
  }

  /**
   * The dry run: what a run would purge now, by the same query, without the held records; it
   * records that these settings were previewed, which is what lets the policy be enabled.
   */
  async preview(
    { em }: RequestScope,
    recordClass: RetentionRecordClass,
  ): Promise<RetentionPreview> {
    return inTransaction(em, async (tx) => {
      const policy = await this.lockPolicy(tx, recordClass);
      const definition = this.classes[recordClass];
      const cutoff = this.cutoff(policy);
      const candidates = await definition.candidates(tx, cutoff, 0, null, false);
      const holds = await this.legalHolds.activeHolds(
        tx,
        candidates.flatMap((candidate) => candidate.targets),
      );
      const held = new Set(holds.map((hold) => `${hold.targetType}:${hold.targetId}`));
      const kept = candidates.filter(
        (candidate) => !candidate.targets.some((t) => held.has(`${t.type}:${t.id}`)),
      );
      policy.previewedAt = this.clock.now();
      policy.previewedFingerprint = fingerprint(policy);
      await tx.flush();
      return {
        recordClass,
        cutoff,
        count: kept.length,
        sample: kept.slice(0, SAMPLE_SIZE).map((candidate) => candidate.label),
        ids: kept.map((candidate) => candidate.id),
        held: candidates.length - kept.length,
        note: definition.note?.(policy.action) ?? null,
      };
    });
  }

  /** Applies one policy now, whether enabled or not (`runRetention`, and the job for enabled ones). */
  async run(
    { em }: RequestScope,
    recordClass: RetentionRecordClass,
    actorId: number | null,
  ): Promise<RetentionRunResult> {
    const policy = await em.fork().findOneOrFail(RetentionPolicy, { recordClass });
    const definition = this.classes[recordClass];
    const cutoff = this.cutoff(policy);
    const result: RetentionRunResult = {
      recordClass,
      deleted: 0,
      anonymised: 0,
      held: 0,
      batches: 0,
      ids: [],
    };
    let afterId = 0;
    for (;;) {
      const batch = await inTransaction(em, async (tx) => {
        if (recordClass === RetentionRecordClass.AUDIT_TRAIL) {
          const seqs = await pruneAuditTrail(tx, cutoff, RETENTION_BATCH);
          if (seqs.length > 0)
            await this.audit(tx, recordClass, actorId, { deleted: seqs.length, held: 0 }, seqs);
          return {
            size: seqs.length,
            last: 0,
            purged: seqs,
            held: 0,
            deleted: seqs.length,
            anonymised: 0,
          };
        }
        const candidates = await definition.candidates(tx, cutoff, afterId, RETENTION_BATCH, true);
        if (candidates.length === 0) return null;
        const holds = await this.legalHolds.lockHolds(
          tx,
          candidates.flatMap((candidate) => candidate.targets),
        );
        const held = new Set(holds.map((hold) => `${hold.targetType}:${hold.targetId}`));
        const purge = candidates
          .filter((candidate) => !candidate.targets.some((t) => held.has(`${t.type}:${t.id}`)))
          .map((candidate) => candidate.id);
        const done =
          purge.length > 0
            ? await definition.purge(tx, purge, policy.action, this.clock.now())
            : { deleted: 0, anonymised: 0 };
        const skipped = candidates.length - purge.length;
        await this.audit(tx, recordClass, actorId, { ...done, held: skipped }, purge);
        return {
          size: candidates.length,
          last: candidates[candidates.length - 1].id,
          purged: purge,
          held: skipped,
          ...done,
        };
      });
      if (!batch || batch.size === 0) break;
      result.batches += 1;
      result.deleted += batch.deleted;
      result.anonymised += batch.anonymised;
      result.held += batch.held;
      result.ids.push(...batch.purged);
      afterId = batch.last;
      if (batch.size < RETENTION_BATCH) break;
    }
    return result;
  }

  /** The daily run: every enabled policy, one after another. */
  async runEnabled(scope: RequestScope): Promise<RetentionRunResult[]> {
    const enabled = await scope.em
      .fork()
      .find(RetentionPolicy, { enabled: true }, { orderBy: { id: 'asc' } });
    const results: RetentionRunResult[] = [];
    for (const policy of enabled) results.push(await this.run(scope, policy.recordClass, null));
    return results;
  }

  private cutoff(policy: RetentionPolicy): Date {
    return new Date(this.clock.now().getTime() - policy.keepDays * 86_400_000);
  }

  private async lockPolicy(tx: EntityManager, recordClass: RetentionRecordClass) {
    const policy = await tx.findOne(
      RetentionPolicy,
      { recordClass },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    if (!policy) refuse(UserErrorCode.NOT_FOUND, 'No such retention policy', ['recordClass']);
    return policy;
  }

  private audit(
    tx: EntityManager,
    recordClass: RetentionRecordClass,
    actorId: number | null,
    counts: { deleted?: number; anonymised?: number; held: number },
    ids: readonly number[],
  ): Promise<void> {
    return recordAudit(tx, {
      kind: AuditKind.SYSTEM,
      action: RETENTION_AUDIT_ACTION,
      result: AuditResult.OK,
      actorId,
      detail: { recordClass, ...counts, ids },
    });
  }
}
