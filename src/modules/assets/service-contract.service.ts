import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import { nonNegativeAmount, optionalText } from '../common/input-rules';
import { formatMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { ReceivablesService } from '../ledger/receivables.service';
import { ServiceContract, ServiceContractAsset } from './asset.entity';
import type { AssetService } from './asset.service';

export interface ServiceContractDraft {
  name?: string | null;
  vendorId: number;
  reference?: string | null;
  description?: string | null;
  startsOn: string;
  endsOn: string;
  cost: string;
  assetIds: number[];
}

const field = (...path: string[]) => ['input', ...path];

function date(value: string, path: string[]): string {
  if (!isCalendarDate(value)) refuse(UserErrorCode.INVALID_INPUT, 'Not a date (YYYY-MM-DD)', path);
  return value;
}

/**
 * Vendors' service contracts over assets (many to many). A contract's assets are replaced as a
 * whole; an asset may be under several contracts, and a retired asset stays on the contracts that
 * covered it.
 */
export class ServiceContractService {
  constructor(
    private readonly assets: AssetService,
    private readonly receivables: ReceivablesService,
    private readonly clock: Clock,
  ) {}

  async createServiceContract(
    { em }: RequestScope,
    viewer: Viewer,
    draft: ServiceContractDraft,
  ): Promise<{ serviceContract: ServiceContract }> {
    const typedName = optionalText(draft.name, field('name'), 200);
    const reference = optionalText(draft.reference, field('reference'), 200);
    const description = optionalText(draft.description, field('description'), 4000);
    const startsOn = date(draft.startsOn, field('startsOn'));
    const endsOn = date(draft.endsOn, field('endsOn'));
    if (endsOn < startsOn)
      refuse(UserErrorCode.INVALID_INPUT, 'A contract ends on or after it starts', field('endsOn'));
    const costMinor = nonNegativeAmount(draft.cost, field('cost'));
    return inTransaction(em, async (tx) => {
      const vendor = await this.receivables.findVendor(tx, draft.vendorId);
      if (!vendor) refuse(UserErrorCode.NOT_FOUND, 'No such vendor', field('vendorId'));
      const name = typedName ?? `${vendor.name}, ${startsOn} to ${endsOn}`;
      const serviceContract = tx.create(ServiceContract, {
        name,
        vendor,
        reference,
        description,
        startsOn,
        endsOn,
        costMinor,
        createdById: viewer.employeeId,
        createdAt: this.clock.now(),
      });
      await tx.flush();
      await this.cover(tx, viewer, serviceContract, draft.assetIds);
      await recordEvent(tx, {
        streamType: 'ServiceContract',
        streamId: serviceContract.id,
        type: 'CREATED',
        payload: {
          name,
          vendorId: vendor.id,
          startsOn,
          endsOn,
          cost: formatMinorUnits(costMinor),
          assetIds: draft.assetIds,
        },
        actorId: viewer.employeeId,
      });
      return { serviceContract };
    });
  }

  /** Replaces the assets a contract covers. */
  async setServiceContractAssets(
    { em }: RequestScope,
    viewer: Viewer,
    contractId: number,
    assetIds: number[],
  ): Promise<{ serviceContract: ServiceContract }> {
    return inTransaction(em, async (tx) => {
      const serviceContract = await tx.findOne(
        ServiceContract,
        { id: contractId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!serviceContract)
        refuse(UserErrorCode.NOT_FOUND, 'No such service contract', field('serviceContractId'));
      // Plain ids, not entities: the links are deleted and written again in this transaction.
      const before = (
        await tx.execute<{ asset_id: string }[]>(
          'DELETE FROM service_contract_asset WHERE contract_id = ? RETURNING asset_id',
          [contractId],
        )
      ).map((row) => Number(row.asset_id));
      for (const assetId of before)
        if (!assetIds.includes(assetId))
          await this.assets.recordHistory(tx, assetId, 'CONTRACT_REMOVED', viewer.employeeId, {
            serviceContractId: contractId,
          });
      const added = assetIds.filter((id) => !before.includes(id));
      await this.cover(tx, viewer, serviceContract, assetIds, new Set(added));
      await recordEvent(tx, {
        streamType: 'ServiceContract',
        streamId: contractId,
        type: 'ASSETS_CHANGED',
        payload: { assetIds },
        actorId: viewer.employeeId,
      });
      return { serviceContract };
    });
  }

  /** Links the assets (checked to exist) and notes each newly covered one in its history. */
  private async cover(
    tx: EntityManager,
    viewer: Viewer,
    serviceContract: ServiceContract,
    assetIds: number[],
    announce: ReadonlySet<number> = new Set(assetIds),
  ): Promise<void> {
    if (assetIds.length > 1000)
      refuse(
        UserErrorCode.INVALID_INPUT,
        'A contract covers at most 1,000 assets',
        field('assetIds'),
      );
    const assets = await this.assets.lockAssets(tx, assetIds, field('assetIds'));
    for (const asset of assets)
      tx.create(ServiceContractAsset, { contract: serviceContract, asset });
    await tx.flush();
    for (const asset of assets)
      if (announce.has(asset.id))
        await this.assets.recordHistory(tx, asset.id, 'CONTRACT_ADDED', viewer.employeeId, {
          serviceContractId: serviceContract.id,
          name: serviceContract.name,
          endsOn: serviceContract.endsOn,
        });
  }
}
