import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, isUniqueViolation } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import { Permissions } from '../auth/permissions';
import { today } from '../common/calendar-dates';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import { optionalText, requiredText } from '../common/input-rules';
import type { RequestScope } from '../common/scope';
import { hasAnyRole, type Viewer } from '../common/viewer';
import type { EmployeeService, TerminationListener } from '../employees/employee.service';
import type { ChecklistService } from '../people/checklist.service';
import {
  Asset,
  AssetAssignment,
  AssetAssignmentLine,
  AssetAudit,
  AssetCondition,
  AssetStatus,
  CustodyTerms,
} from './asset.entity';
import type { AssetAction } from './asset-process';
import type { AssetService } from './asset.service';

export interface CheckOutDraft {
  assetIds: number[];
  employeeId?: number | null;
  location?: string | null;
  expectedReturn?: string | null;
  note?: string | null;
}

export interface CheckInDraft {
  assetId: number;
  condition: AssetCondition;
  dataWiped?: boolean | null;
  wipeMethod?: string | null;
  location?: string | null;
  note?: string | null;
}

export interface AuditDraft {
  assetId: number;
  location: string;
  condition?: AssetCondition | null;
  note?: string | null;
}

const field = (...path: string[]) => ['input', ...path];

/** The title of the offboarding item that waits for one asset to come back. */
export function returnItemTitle(asset: Pick<Asset, 'tag' | 'model'>): string {
  return `Return ${asset.tag} (${asset.model})`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Who holds what. The rules a maintainer must keep:
 * - assets are locked in id order before any custody change; only an IN_STOCK asset is checked
 *   out (ASSET_UNAVAILABLE), and the database keeps one open assignment line per asset, so
 *   concurrent check-outs of one asset see exactly one succeed;
 * - a batch to an employee names the custody terms in force; the employee accepts the batch once,
 *   and the acceptance stores the hash of the text they saw;
 * - a data-bearing asset comes back only with a wipe attestation;
 * - a terminated employee's offboarding checklist gets one blocking item per asset they hold,
 *   done by checking the asset in (or reporting it lost), never by hand; and nothing is checked
 *   out to someone who has left.
 */
export class CustodyService implements TerminationListener {
  constructor(
    private readonly assets: AssetService,
    private readonly employees: EmployeeService,
    private readonly checklists: ChecklistService,
    private readonly clock: Clock,
  ) {}

  /** Today, by the clock (UTC). */
  today(): string {
    return today(this.clock);
  }

  async checkOut(
    { em }: RequestScope,
    viewer: Viewer,
    draft: CheckOutDraft,
  ): Promise<{ assignment: AssetAssignment }> {
    const location = optionalText(draft.location, field('location'), 200);
    const note = optionalText(draft.note, field('note'), 2000);
    if ((draft.employeeId == null) === (location === null))
      refuse(
        UserErrorCode.INVALID_INPUT,
        'Check out to an employee or to a location, one of the two',
        field('employeeId'),
      );
    const expectedReturn = draft.expectedReturn ?? null;
    if (expectedReturn !== null) {
      if (!isCalendarDate(expectedReturn))
        refuse(UserErrorCode.INVALID_INPUT, 'Not a date (YYYY-MM-DD)', field('expectedReturn'));
      if (expectedReturn < today(this.clock))
        refuse(
          UserErrorCode.INVALID_INPUT,
          'The expected return is in the past',
          field('expectedReturn'),
        );
    }
    if (draft.assetIds.length === 0)
      refuse(UserErrorCode.INVALID_INPUT, 'Name at least one asset', field('assetIds'));
    try {
      return await inTransaction(em, async (tx) => {
        let termsVersion: number | null = null;
        if (draft.employeeId != null) {
          const employee = await this.employees.requireExisting(
            tx,
            draft.employeeId,
            field('employeeId'),
          );
          if (employee.status !== 'ACTIVE')
            refuse(
              UserErrorCode.INVALID_INPUT,
              `${employee.name} has left: nothing is checked out to them`,
              field('employeeId'),
            );
          termsVersion = (await this.currentTerms({ em: tx })).version;
        }
        const assets = await this.assets.lockAssets(tx, draft.assetIds, field('assetIds'));
        assets.forEach((asset, index) =>
          this.assets.requireAllowed(asset, 'checkOut', field('assetIds', String(index))),
        );
        const assignment = tx.create(AssetAssignment, {
          employee:
            draft.employeeId == null ? null : this.employees.reference(tx, draft.employeeId),
          location,
          expectedReturn,
          termsVersion,
          checkedOutById: viewer.employeeId,
          checkedOutAt: this.clock.now(),
          note,
        });
        await tx.flush();
        for (const asset of assets) {
          tx.create(AssetAssignmentLine, { assignment, asset });
          asset.assignmentId = assignment.id;
          asset.assignee = assignment.employee;
          if (location !== null) asset.location = location;
          this.assets.changeStatus(asset, AssetStatus.ASSIGNED);
        }
        await tx.flush();
        for (const asset of assets)
          await this.assets.recordHistory(tx, asset.id, 'CHECKED_OUT', viewer.employeeId, {
            assignmentId: assignment.id,
            employeeId: draft.employeeId ?? null,
            location,
            expectedReturn,
          });
        await recordEvent(tx, {
          streamType: 'AssetAssignment',
          streamId: assignment.id,
          type: 'CHECKED_OUT',
          payload: {
            assetIds: assets.map((asset) => asset.id),
            employeeId: draft.employeeId ?? null,
            location,
            expectedReturn,
            termsVersion,
          },
          actorId: viewer.employeeId,
        });
        return { assignment };
      });
    } catch (error) {
      // The last line of defence: a twin check-out that slipped past the locks.
      if (isUniqueViolation(error, 'asset_assignment_line_one_open'))
        refuse(
          UserErrorCode.ASSET_UNAVAILABLE,
          'An asset is already checked out',
          field('assetIds'),
        );
      throw error;
    }
  }

  /** The employee accepts a batch and the terms it names, once. */
  async accept(
    { em }: RequestScope,
    viewer: Viewer,
    assignmentId: number,
    termsSha256: string | null,
  ): Promise<{ assignment: AssetAssignment }> {
    return inTransaction(em, async (tx) => {
      const assignment = await tx.findOne(
        AssetAssignment,
        { id: assignmentId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!assignment || !this.mayRead(viewer, assignment))
        refuse(UserErrorCode.NOT_FOUND, 'No such check-out', field('assignmentId'));
      if (assignment.employee?.id !== viewer.employeeId)
        refuse(
          UserErrorCode.INVALID_INPUT,
          'Only the employee who takes the assets accepts them',
          field('assignmentId'),
        );
      if (assignment.acceptedAt)
        refuse(UserErrorCode.INVALID_TRANSITION, 'Already accepted', field('assignmentId'));
      if (assignment.closedAt)
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          'Every asset of it is back already',
          field('assignmentId'),
        );
      const terms = await tx.findOneOrFail(CustodyTerms, { version: assignment.termsVersion });
      if (termsSha256 != null && termsSha256.toLowerCase() !== terms.sha256)
        refuse(
          UserErrorCode.INVALID_INPUT,
          'These are not the terms of this check-out: reload them',
          field('termsSha256'),
        );
      assignment.acceptedAt = this.clock.now();
      assignment.acceptedTermsSha256 = terms.sha256;
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'AssetAssignment',
        streamId: assignment.id,
        type: 'ACCEPTED',
        payload: { termsVersion: terms.version, termsSha256: terms.sha256 },
        actorId: viewer.employeeId,
      });
      const lines = await tx.find(AssetAssignmentLine, { assignment: assignment.id });
      for (const line of lines)
        await this.assets.recordHistory(tx, line.asset.id, 'ACCEPTED', viewer.employeeId, {
          assignmentId: assignment.id,
          termsVersion: terms.version,
        });
      return { assignment };
    });
  }

  async checkIn(
    { em }: RequestScope,
    viewer: Viewer,
    draft: CheckInDraft,
  ): Promise<{ asset: Asset }> {
    const wipeMethod = optionalText(draft.wipeMethod, field('wipeMethod'), 200);
    const location = optionalText(draft.location, field('location'), 200);
    const note = optionalText(draft.note, field('note'), 2000);
    return this.changeOne(em, viewer, draft.assetId, 'checkIn', async (tx, asset) => {
      if (asset.dataBearing && draft.dataWiped !== true)
        refuse(
          UserErrorCode.INVALID_INPUT,
          `${asset.tag} holds data: attest that it was wiped (dataWiped: true) before it is checked in`,
          field('dataWiped'),
        );
      const line = await this.closeLine(tx, asset, viewer.employeeId, {
        condition: draft.condition,
        dataWiped: asset.dataBearing ? true : (draft.dataWiped ?? null),
        wipeMethod,
        returnNote: note,
      });
      if (location !== null) asset.location = location;
      return {
        event: 'CHECKED_IN',
        payload: {
          assignmentId: line.assignment.id,
          condition: draft.condition,
          dataWiped: line.dataWiped,
          wipeMethod,
          location: asset.location,
        },
      };
    });
  }

  /** An asset is missing: its open assignment (if any) ends, and offboarding stops waiting for it. */
  markLost(
    { em }: RequestScope,
    viewer: Viewer,
    assetId: number,
    reason: string,
  ): Promise<{ asset: Asset }> {
    const why = requiredText(reason, field('reason'), 1000);
    return this.changeOne(em, viewer, assetId, 'markLost', async (tx, asset) => {
      const heldBy = asset.assignee?.id ?? null;
      if (asset.status === AssetStatus.ASSIGNED)
        await this.closeLine(tx, asset, viewer.employeeId, {
          condition: AssetCondition.DAMAGED,
          dataWiped: null,
          wipeMethod: null,
          returnNote: `Reported lost: ${why}`,
        });
      this.assets.changeStatus(asset, AssetStatus.LOST);
      asset.statusReason = why;
      return { event: 'LOST', payload: { reason: why, heldBy } };
    });
  }

  /** A lost asset turns up: back IN_STOCK. */
  markFound(
    { em }: RequestScope,
    viewer: Viewer,
    assetId: number,
    location: string | null,
  ): Promise<{ asset: Asset }> {
    const where = optionalText(location, field('location'), 200);
    return this.changeOne(em, viewer, assetId, 'markFound', (_tx, asset) => {
      this.assets.changeStatus(asset, AssetStatus.IN_STOCK);
      asset.statusReason = 'Found';
      if (where !== null) asset.location = where;
      return Promise.resolve({ event: 'FOUND', payload: { location: asset.location } });
    });
  }

  /** Out of use for good; final. */
  retire(
    { em }: RequestScope,
    viewer: Viewer,
    assetId: number,
    reason: string,
  ): Promise<{ asset: Asset }> {
    const why = requiredText(reason, field('reason'), 1000);
    return this.changeOne(em, viewer, assetId, 'retire', (_tx, asset) => {
      this.assets.changeStatus(asset, AssetStatus.RETIRED);
      asset.statusReason = why;
      return Promise.resolve({ event: 'RETIRED', payload: { reason: why } });
    });
  }

  /** Someone saw the asset somewhere: an audit, which also moves its recorded location there. */
  async audit(
    { em }: RequestScope,
    viewer: Viewer,
    draft: AuditDraft,
  ): Promise<{ asset: Asset; audit: AssetAudit }> {
    const location = requiredText(draft.location, field('location'), 200);
    const note = optionalText(draft.note, field('note'), 2000);
    let audit: AssetAudit | undefined;
    const { asset } = await this.changeOne(em, viewer, draft.assetId, 'audit', async (tx, seen) => {
      const now = this.clock.now();
      audit = tx.create(AssetAudit, {
        asset: seen,
        auditedById: viewer.employeeId,
        auditedAt: now,
        location,
        condition: draft.condition ?? null,
        note,
      });
      const moved = seen.location !== location;
      seen.location = location;
      seen.lastAuditedAt = now;
      this.assets.touch(seen);
      await tx.flush();
      return {
        event: 'AUDITED',
        payload: { auditId: audit.id, location, moved, condition: draft.condition ?? null },
      };
    });
    return { asset, audit: audit as AssetAudit };
  }

  /**
   * One change of one asset, in its own transaction: the asset locked and checked against what
   * its status allows, changed, flushed, and its history event written.
   */
  private changeOne(
    em: EntityManager,
    viewer: Viewer,
    assetId: number,
    action: AssetAction,
    change: (
      tx: EntityManager,
      asset: Asset,
    ) => Promise<{ event: string; payload: Record<string, unknown> }>,
  ): Promise<{ asset: Asset }> {
    return inTransaction(em, async (tx) => {
      const [asset] = await this.assets.lockAssets(tx, [assetId], field('assetId'));
      this.assets.requireAllowed(asset, action, field('assetId'));
      const { event, payload } = await change(tx, asset);
      await tx.flush();
      await this.assets.recordHistory(tx, asset.id, event, viewer.employeeId, payload);
      return { asset };
    });
  }

  /** The custody terms in force: the newest version. */
  async currentTerms({ em }: RequestScope): Promise<CustodyTerms> {
    const [terms] = await em.find(CustodyTerms, {}, { orderBy: { version: 'desc' }, limit: 1 });
    // The migration writes version 1, and versions are never deleted.
    if (!terms) throw new Error('No custody terms');
    return terms;
  }

  /** New custody terms: the next version, in force for later check-outs. */
  async setTerms(
    { em }: RequestScope,
    viewer: Viewer,
    text: string,
  ): Promise<{ terms: CustodyTerms }> {
    const body = requiredText(text, field('text'), 20_000);
    return inTransaction(em, async (tx) => {
      await tx.execute('LOCK TABLE custody_terms IN EXCLUSIVE MODE');
      const current = await this.currentTerms({ em: tx });
      const terms = tx.create(CustodyTerms, {
        version: current.version + 1,
        text: body,
        sha256: sha256Hex(body),
        createdById: viewer.employeeId,
        createdAt: this.clock.now(),
      });
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'CustodyTerms',
        streamId: terms.version,
        type: 'CREATED',
        payload: { sha256: terms.sha256 },
        actorId: viewer.employeeId,
      });
      return { terms };
    });
  }

  /** Whether the viewer may read a check-out: asset readers, and the employee who holds it. */
  mayRead(viewer: Viewer, assignment: Pick<AssetAssignment, 'employee'>): boolean {
    return (
      hasAnyRole(viewer, Permissions.assets.read) || assignment.employee?.id === viewer.employeeId
    );
  }

  /**
   * A leaving employee's offboarding checklist lists each asset they still hold, as a blocking
   * item only a check-in (or a loss report) completes.
   */
  async employeeTerminated(
    tx: EntityManager,
    employeeId: number,
    actorId: number,
    lastDay: string,
  ): Promise<void> {
    const held = await tx.find(
      Asset,
      { assignee: employeeId, status: AssetStatus.ASSIGNED },
      { orderBy: { tag: 'asc' } },
    );
    if (held.length === 0) return;
    await this.checklists.addOffboardingItems(
      tx,
      employeeId,
      lastDay,
      held.map((asset) => ({ title: returnItemTitle(asset), assetId: asset.id })),
      actorId,
    );
  }

  /** Ends an asset's open assignment line; the assignment closes with its last line. */
  private async closeLine(
    tx: EntityManager,
    asset: Asset,
    actorId: number,
    values: Pick<AssetAssignmentLine, 'condition' | 'dataWiped' | 'wipeMethod' | 'returnNote'>,
  ): Promise<AssetAssignmentLine> {
    const line = await tx.findOneOrFail(
      AssetAssignmentLine,
      { asset: asset.id, checkedInAt: null },
      { populate: ['assignment'] },
    );
    const now = this.clock.now();
    Object.assign(line, values, { checkedInAt: now, checkedInById: actorId });
    const holderId = asset.assignee?.id ?? null;
    asset.assignmentId = null;
    asset.assignee = null;
    this.assets.changeStatus(asset, AssetStatus.IN_STOCK);
    await tx.flush();
    const open = await tx.count(AssetAssignmentLine, {
      assignment: line.assignment.id,
      checkedInAt: null,
    });
    if (open === 0) line.assignment.closedAt = now;
    if (holderId !== null) await this.checklists.completeAssetItem(tx, holderId, asset.id, actorId);
    return line;
  }
}
