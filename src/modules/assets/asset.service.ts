import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, isUniqueViolation } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import { addMonths } from '../common/calendar-dates';
import type { Clock } from '../common/clock';
import { BusinessRuleError, refuse, UserErrorCode } from '../common/errors';
import {
  integerInRange,
  nonNegativeAmount,
  optionalText,
  requiredText,
} from '../common/input-rules';
import { formatMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { Bill } from '../ledger/receivables.entity';
import type { ReceivablesService } from '../ledger/receivables.service';
import type { PurchaseOrderService } from '../purchasing/purchase-order.service';
import { Asset, AssetStatus, AssetType, DATA_BEARING_TYPES } from './asset.entity';
import { allows, type AssetAction } from './asset-process';

export interface AssetDraft {
  tag: string;
  type: AssetType;
  model: string;
  serialNumber?: string | null;
  location?: string | null;
  dataBearing?: boolean | null;
  purchaseDate?: string | null;
  cost?: string | null;
  warrantyEnd?: string | null;
  warrantyMonths?: number | null;
  billId?: number | null;
  productId?: number | null;
  auditIntervalDays?: number | null;
  notes?: string | null;
}

export interface AssetChanges {
  expectedVersion?: number | null;
  model?: string | null;
  serialNumber?: string | null;
  location?: string | null;
  notes?: string | null;
  dataBearing?: boolean | null;
  warrantyEnd?: string | null;
  auditIntervalDays?: number | null;
}

/** Where an asset's purchase date and cost come from: the input, or a bill in the books. */
interface Purchase {
  purchaseDate: string | null;
  costMinor: bigint | null;
  bill: Bill | null;
  purchaseBillLineId: number | null;
}

const field = (...path: string[]) => ['input', ...path];

function optionalDate(value: string | null | undefined, path: string[]): string | null {
  if (value == null) return null;
  if (!isCalendarDate(value)) refuse(UserErrorCode.INVALID_INPUT, 'Not a date (YYYY-MM-DD)', path);
  return value;
}

/**
 * Assets and their status. The rules a maintainer must keep:
 * - what each status allows is `asset-process.ts`, and every status change goes through this
 *   service, which locks the asset rows in id order first;
 * - every change writes an `Asset` event in its transaction (`Asset.history`);
 * - an asset bought through purchasing takes its purchase date and cost from its bill (and the
 *   bill's purchase order line): no more assets name a bill line than the units it billed.
 */
export class AssetService {
  constructor(
    private readonly receivables: ReceivablesService,
    private readonly purchaseOrders: PurchaseOrderService,
    private readonly clock: Clock,
  ) {}

  async createAsset(
    { em }: RequestScope,
    viewer: Viewer,
    draft: AssetDraft,
  ): Promise<{ asset: Asset }> {
    const tag = requiredText(draft.tag, field('tag'), 100);
    const model = requiredText(draft.model, field('model'), 200);
    const serialNumber = optionalText(draft.serialNumber, field('serialNumber'), 200);
    const location = optionalText(draft.location, field('location'), 200);
    const notes = optionalText(draft.notes, field('notes'), 4000);
    const auditIntervalDays =
      draft.auditIntervalDays == null
        ? 365
        : integerInRange(draft.auditIntervalDays, field('auditIntervalDays'), 1, 3660);
    if (draft.warrantyEnd != null && draft.warrantyMonths != null)
      refuse(
        UserErrorCode.INVALID_INPUT,
        'Give warrantyEnd or warrantyMonths, not both',
        field('warrantyMonths'),
      );
    try {
      return await inTransaction(em, async (tx) => {
        if (await tx.count(Asset, { tag })) throw tagTaken(tag);
        const purchase = await this.purchaseOf(tx, draft);
        const warrantyEnd =
          draft.warrantyMonths != null
            ? addMonths(
                purchase.purchaseDate ??
                  refuse(
                    UserErrorCode.INVALID_INPUT,
                    'warrantyMonths counts from the purchase date: give one (or a bill)',
                    field('warrantyMonths'),
                  ),
                integerInRange(draft.warrantyMonths, field('warrantyMonths'), 1, 240),
              )
            : optionalDate(draft.warrantyEnd, field('warrantyEnd'));
        const asset = tx.create(Asset, {
          tag,
          type: draft.type,
          model,
          serialNumber,
          location,
          dataBearing: draft.dataBearing ?? DATA_BEARING_TYPES.has(draft.type),
          purchaseDate: purchase.purchaseDate,
          costMinor: purchase.costMinor,
          warrantyEnd,
          bill: purchase.bill,
          purchaseBillLineId: purchase.purchaseBillLineId,
          auditIntervalDays,
          notes,
          createdAt: this.clock.now(),
          updatedAt: this.clock.now(),
        });
        await tx.flush();
        await this.recordHistory(tx, asset.id, 'CREATED', viewer.employeeId, {
          tag,
          type: draft.type,
          model,
          serialNumber,
          location,
          cost: purchase.costMinor === null ? null : formatMinorUnits(purchase.costMinor),
          billId: purchase.bill?.id ?? null,
        });
        return { asset };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'asset_tag_unique')) throw tagTaken(tag);
      if (isUniqueViolation(error, 'asset_serial_unique'))
        refuse(
          UserErrorCode.INVALID_INPUT,
          `Another ${model} has serial number ${serialNumber}`,
          field('serialNumber'),
        );
      throw error;
    }
  }

  /**
   * Changes what is known about an asset (not its status, custody or purchase, which have their
   * own operations). `expectedVersion`, when given, refuses a change over someone else's
   * (`STALE_ASSET`).
   */
  async updateAsset(
    { em }: RequestScope,
    viewer: Viewer,
    assetId: number,
    changes: AssetChanges,
  ): Promise<{ asset: Asset }> {
    return inTransaction(em, async (tx) => {
      const [asset] = await this.lockAssets(tx, [assetId], field('assetId'));
      this.requireAllowed(asset, 'edit', field('assetId'));
      if (changes.expectedVersion != null && changes.expectedVersion !== asset.version)
        refuse(
          UserErrorCode.STALE_ASSET,
          `${asset.tag} changed since version ${changes.expectedVersion} (now ${asset.version})`,
          field('expectedVersion'),
        );
      const changed: Record<string, unknown> = {};
      const set = <K extends keyof Asset>(key: K, value: Asset[K]) => {
        if (asset[key] === value) return;
        asset[key] = value;
        changed[key as string] = value;
      };
      if (changes.model != null) set('model', requiredText(changes.model, field('model'), 200));
      if (changes.serialNumber !== undefined)
        set('serialNumber', optionalText(changes.serialNumber, field('serialNumber'), 200));
      if (changes.location !== undefined)
        set('location', optionalText(changes.location, field('location'), 200));
      if (changes.notes !== undefined)
        set('notes', optionalText(changes.notes, field('notes'), 4000));
      if (changes.dataBearing != null) set('dataBearing', changes.dataBearing);
      if (changes.warrantyEnd !== undefined)
        set('warrantyEnd', optionalDate(changes.warrantyEnd, field('warrantyEnd')));
      if (changes.auditIntervalDays != null)
        set(
          'auditIntervalDays',
          integerInRange(changes.auditIntervalDays, field('auditIntervalDays'), 1, 3660),
        );
      if (Object.keys(changed).length === 0) return { asset };
      this.touch(asset);
      try {
        await tx.flush();
      } catch (error) {
        if (isUniqueViolation(error, 'asset_serial_unique'))
          refuse(
            UserErrorCode.INVALID_INPUT,
            `Another ${asset.model} has serial number ${asset.serialNumber}`,
            field('serialNumber'),
          );
        throw error;
      }
      await this.recordHistory(tx, asset.id, 'UPDATED', viewer.employeeId, changed);
      return { asset };
    });
  }

  /** An asset that exists, read (not locked) for another module; NOT_FOUND names the field. */
  async requireAsset(tx: EntityManager, assetId: number, path: string[] | null): Promise<Asset> {
    const asset = await tx.findOne(Asset, { id: assetId });
    if (!asset) refuse(UserErrorCode.NOT_FOUND, 'No such asset', path);
    return asset;
  }

  /**
   * Locks assets in id order (the one order every writer uses) and returns them in the order
   * asked; a missing one is NOT_FOUND naming its position.
   */
  async lockAssets(tx: EntityManager, assetIds: number[], path: string[]): Promise<Asset[]> {
    const unique = [...new Set(assetIds)];
    if (unique.length !== assetIds.length)
      refuse(UserErrorCode.INVALID_INPUT, 'An asset is named twice', path);
    const locked = await tx.find(
      Asset,
      { id: { $in: unique } },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
    );
    const byId = new Map(locked.map((asset) => [asset.id, asset]));
    return assetIds.map(
      (id, index) =>
        byId.get(id) ?? refuse(UserErrorCode.NOT_FOUND, 'No such asset', [...path, String(index)]),
    );
  }

  /** Refuses an action the asset's status does not allow (ASSET_UNAVAILABLE). */
  requireAllowed(asset: Asset, action: AssetAction, path: string[] | null): void {
    if (!allows(asset.status, action))
      refuse(
        UserErrorCode.ASSET_UNAVAILABLE,
        `${asset.tag} is ${asset.status}: it cannot ${ACTION_WORDS[action]}`,
        path,
      );
  }

  /**
   * Maintenance begins on an asset (a work order started): a shelf asset goes IN_MAINTENANCE; an
   * assigned one is serviced where it is and keeps its status. Answers whether it left service.
   */
  async startMaintenance(
    tx: EntityManager,
    assetId: number,
    actorId: number | null,
    payload: Record<string, unknown>,
  ): Promise<boolean> {
    const [asset] = await this.lockAssets(tx, [assetId], field('assetId'));
    if (asset.status === AssetStatus.ASSIGNED) return false;
    this.requireAllowed(asset, 'startMaintenance', field('assetId'));
    this.changeStatus(asset, AssetStatus.IN_MAINTENANCE);
    await tx.flush();
    await this.recordHistory(tx, asset.id, 'MAINTENANCE_STARTED', actorId, payload);
    return true;
  }

  /** Maintenance ends: an asset IN_MAINTENANCE goes back IN_STOCK (others keep their status). */
  async endMaintenance(
    tx: EntityManager,
    assetId: number,
    actorId: number | null,
    payload: Record<string, unknown>,
  ): Promise<void> {
    const [asset] = await this.lockAssets(tx, [assetId], field('assetId'));
    if (asset.status !== AssetStatus.IN_MAINTENANCE) return;
    this.changeStatus(asset, AssetStatus.IN_STOCK);
    await tx.flush();
    await this.recordHistory(tx, asset.id, 'MAINTENANCE_ENDED', actorId, payload);
  }

  /** Writes an event on the asset's stream: what `Asset.history` shows, in commit order. */
  recordHistory(
    tx: EntityManager,
    assetId: number,
    type: string,
    actorId: number | null,
    payload: Record<string, unknown>,
  ): Promise<void> {
    return recordEvent(tx, { streamType: 'Asset', streamId: assetId, type, payload, actorId });
  }

  /** Sets a new status, bumping the version and the change time. */
  changeStatus(asset: Asset, status: AssetStatus): void {
    asset.status = status;
    this.touch(asset);
  }

  touch(asset: Asset): void {
    asset.version += 1;
    asset.updatedAt = this.clock.now();
  }

  /** Purchase date and cost: from the bill (and its line) when one is named, else the input. */
  private async purchaseOf(tx: EntityManager, draft: AssetDraft): Promise<Purchase> {
    const typedDate = optionalDate(draft.purchaseDate, field('purchaseDate'));
    const typedCost = draft.cost == null ? null : nonNegativeAmount(draft.cost, field('cost'));
    if (draft.billId == null) {
      if (draft.productId != null)
        refuse(UserErrorCode.INVALID_INPUT, 'productId names a line of a bill', field('productId'));
      return {
        purchaseDate: typedDate,
        costMinor: typedCost,
        bill: null,
        purchaseBillLineId: null,
      };
    }
    const bill = await this.receivables.findBill(tx, draft.billId);
    if (!bill) refuse(UserErrorCode.NOT_FOUND, 'No such bill', field('billId'));
    const lines = await this.purchaseOrders.billLines(tx, bill.id);
    let costMinor = bill.amountMinor;
    let purchaseBillLineId: number | null = null;
    if (lines.length > 0) {
      const candidates =
        draft.productId == null
          ? lines
          : lines.filter((line) => line.productId === draft.productId);
      if (candidates.length !== 1)
        refuse(
          UserErrorCode.INVALID_INPUT,
          candidates.length === 0
            ? 'The bill has no line of that product'
            : 'The bill has several lines: name the product (productId)',
          field('productId'),
        );
      const [line] = candidates;
      // Lock the bill line's assets so concurrent creations count each other.
      await tx.execute('SELECT pg_advisory_xact_lock(?, ?)', [BILL_LINE_LOCK, line.id]);
      const taken = await tx.count(Asset, { purchaseBillLineId: line.id });
      if (taken >= line.quantity)
        refuse(
          UserErrorCode.INVALID_INPUT,
          `Every unit of that bill line (${line.quantity}) is already an asset`,
          field('billId'),
        );
      costMinor = line.unitCostMinor;
      purchaseBillLineId = line.id;
    } else {
      if (draft.productId != null)
        refuse(
          UserErrorCode.INVALID_INPUT,
          'The bill has no purchase order lines',
          field('productId'),
        );
      await tx.execute('SELECT pg_advisory_xact_lock(?, ?)', [BILL_LOCK, bill.id]);
      if (await tx.count(Asset, { bill: bill.id }))
        refuse(
          UserErrorCode.INVALID_INPUT,
          'A bill without lines buys one asset, and it is already recorded',
          field('billId'),
        );
    }
    if (typedDate !== null && typedDate !== bill.billDate)
      refuse(
        UserErrorCode.INVALID_INPUT,
        `The purchase date is the bill's date, ${bill.billDate}`,
        field('purchaseDate'),
      );
    if (typedCost !== null && typedCost !== costMinor)
      refuse(
        UserErrorCode.INVALID_INPUT,
        `The cost is the bill's, ${formatMinorUnits(costMinor)}`,
        field('cost'),
      );
    return { purchaseDate: bill.billDate, costMinor, bill, purchaseBillLineId };
  }
}

/** Advisory lock namespaces: assets made from one bill line, or from one bill without lines. */
const BILL_LINE_LOCK = 0x61737401;
const BILL_LOCK = 0x61737402;

const ACTION_WORDS: Record<AssetAction, string> = {
  checkOut: 'be checked out',
  checkIn: 'be checked in',
  startMaintenance: 'go into maintenance',
  endMaintenance: 'come back from maintenance',
  retire: 'be retired',
  markLost: 'be reported lost',
  markFound: 'be found',
  audit: 'be audited',
  edit: 'be changed',
};

function tagTaken(tag: string): BusinessRuleError {
  return new BusinessRuleError(
    UserErrorCode.TAG_TAKEN,
    `Another asset has tag ${tag}`,
    field('tag'),
  );
}
