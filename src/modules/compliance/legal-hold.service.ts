import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, pgArray } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import { optionalText, requiredText } from '../common/input-rules';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { CustomerService } from '../customers/customer.service';
import type { EmployeeService } from '../employees/employee.service';
import type { SupportService } from '../support/support.service';
import { LegalHold, LegalHoldTargetType } from './legal-hold.entity';

/** A record a hold may cover. */
export interface HoldTarget {
  type: LegalHoldTargetType;
  id: number;
}

/** The first key of a target's advisory lock, per type (the second is its id). */
const LOCK_KEY: Record<LegalHoldTargetType, number> = {
  CUSTOMER: 7395101,
  EMPLOYEE: 7395102,
  TICKET: 7395103,
};

/** How a hold is named to whoever it stops: in LEGAL_HOLD messages and erasure's `kept` list. */
export function describeHold(hold: Pick<LegalHold, 'id' | 'targetType' | 'reason'>): string {
  return `legal hold #${hold.id} on this ${hold.targetType.toLowerCase()}: ${hold.reason}`;
}

/**
 * Legal holds. The rule every purge keeps: in the transaction that deletes or anonymises
 * something, call `lockHolds` with every target that covers it (a ticket: the ticket and its
 * customer) before touching it, and leave it if a hold comes back. `lockHolds` takes the same
 * per-target lock as placing a hold, so a hold placed while a purge runs is either seen by the
 * purge or placed after it has committed: never missed.
 */
export class LegalHoldService {
  constructor(
    private readonly customers: CustomerService,
    private readonly employees: EmployeeService,
    private readonly support: SupportService,
    private readonly clock: Clock,
  ) {}

  async placeHold(
    { em }: RequestScope,
    viewer: Viewer,
    target: HoldTarget,
    reasonText: string,
  ): Promise<{ legalHold: LegalHold }> {
    const reason = requiredText(reasonText, ['input', 'reason'], 2000);
    return inTransaction(em, async (tx) => {
      await this.requireTarget(tx, target);
      await this.lockHolds(tx, [target]);
      const legalHold = tx.create(LegalHold, {
        targetType: target.type,
        targetId: target.id,
        reason,
        placedBy: viewer.employeeId,
        placedAt: this.clock.now(),
      });
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'LegalHold',
        streamId: legalHold.id,
        type: 'PLACED',
        payload: { targetType: target.type, targetId: target.id },
        actorId: viewer.employeeId,
      });
      return { legalHold };
    });
  }

  async releaseHold(
    { em }: RequestScope,
    viewer: Viewer,
    holdId: number,
    reasonText: string | null | undefined,
  ): Promise<{ legalHold: LegalHold }> {
    const releaseReason = optionalText(reasonText, ['input', 'reason'], 2000);
    return inTransaction(em, async (tx) => {
      const legalHold = await tx.findOne(
        LegalHold,
        { id: holdId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!legalHold)
        refuse(UserErrorCode.NOT_FOUND, 'No such legal hold', ['input', 'legalHoldId']);
      if (legalHold.releasedAt)
        refuse(UserErrorCode.INVALID_TRANSITION, 'The hold is already released', [
          'input',
          'legalHoldId',
        ]);
      await this.lockHolds(tx, [{ type: legalHold.targetType, id: legalHold.targetId }]);
      legalHold.releasedAt = this.clock.now();
      legalHold.releasedById = viewer.employeeId;
      legalHold.releaseReason = releaseReason;
      await recordEvent(tx, {
        streamType: 'LegalHold',
        streamId: legalHold.id,
        type: 'RELEASED',
        payload: { targetType: legalHold.targetType, targetId: legalHold.targetId },
        actorId: viewer.employeeId,
      });
      return { legalHold };
    });
  }

  /**
   * Locks the targets for this transaction (in a fixed order, so two purges never deadlock) and
   * answers the active holds on any of them, oldest first. Call it inside the purge's
   * transaction, before the purge reads what it deletes.
   */
  async lockHolds(tx: EntityManager, targets: readonly HoldTarget[]): Promise<LegalHold[]> {
    if (targets.length === 0) return [];
    const keys = targets.map((target) => [LOCK_KEY[target.type], target.id % 2147483647]);
    await tx.execute(
      `SELECT pg_advisory_xact_lock(a, b)
         FROM (SELECT DISTINCT a, b FROM unnest(?::int[], ?::int[]) AS k(a, b) ORDER BY a, b) keys`,
      [pgArray(keys.map(([type]) => type)), pgArray(keys.map(([, id]) => id))],
    );
    return this.activeHolds(tx, targets);
  }

  /** The active holds on any of the targets, oldest first (no lock: for previews and lists). */
  activeHolds(tx: EntityManager, targets: readonly HoldTarget[]): Promise<LegalHold[]> {
    if (targets.length === 0) return Promise.resolve([]);
    return tx.find(
      LegalHold,
      {
        releasedAt: null,
        $or: targets.map((target) => ({ targetType: target.type, targetId: target.id })),
      },
      { orderBy: { id: 'asc' } },
    );
  }

  /** Refuses with LEGAL_HOLD, naming the hold, when any of the targets is held. */
  async refuseIfHeld(tx: EntityManager, targets: readonly HoldTarget[]): Promise<void> {
    const [hold] = await this.lockHolds(tx, targets);
    if (hold) refuse(UserErrorCode.LEGAL_HOLD, `Held: ${describeHold(hold)}`);
  }

  private async requireTarget(tx: EntityManager, target: HoldTarget): Promise<void> {
    const field = ['input', 'targetId'];
    if (target.type === LegalHoldTargetType.CUSTOMER)
      await this.customers.requireExisting(tx, target.id, field);
    else if (target.type === LegalHoldTargetType.EMPLOYEE)
      await this.employees.requireExisting(tx, target.id, field);
    else await this.support.requireTicketExists(tx, target.id, field);
  }
}
