import type { FilterQuery } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import { ChecklistItem } from '../people/checklist.entity';
import {
  defineGroupLoader,
  defineLoader,
  readPage,
  readRows,
  rowReader,
  type PageArgs,
  type ReadContext,
} from '../../read';
import {
  Asset,
  AssetAssignment,
  AssetAssignmentLine,
  AssetAudit,
  CustodyTerms,
  ServiceContract,
  ServiceContractAsset,
} from './asset.entity';

/** How assets, their custody, audits and service contracts read. */

export function assetPage(
  context: ReadContext,
  where: FilterQuery<Asset>,
  args: PageArgs,
  info: GraphQLResolveInfo,
) {
  return readPage(context, Asset, where, args, { orderBy: { tag: 'asc', id: 'asc' }, info });
}

/** An assignment's lines in check-out order, each with its asset. */
export const linesOfAssignment = defineGroupLoader<AssetAssignmentLine>(
  'assets.linesOfAssignment',
  (context, assignmentIds) =>
    readRows(context, AssetAssignmentLine, {
      alias: 'l',
      rest: 'WHERE l.assignment_id = ANY(?) ORDER BY l.assignment_id, l.id',
      params: [assignmentIds],
      join: ['asset'],
    }),
  (line) => line.assignment.id,
);

/** Every check-out of an asset, newest first, each with its assignment. */
export const custodyOfAsset = defineGroupLoader<AssetAssignmentLine>(
  'assets.custodyOfAsset',
  (context, assetIds) =>
    readRows(context, AssetAssignmentLine, {
      alias: 'l',
      rest: 'WHERE l.asset_id = ANY(?) ORDER BY l.asset_id, l.id DESC',
      params: [assetIds],
      join: ['assignment'],
    }),
  (line) => line.asset.id,
);

/** An asset's audits, newest first. */
export const auditsOfAsset = defineGroupLoader<AssetAudit>(
  'assets.auditsOfAsset',
  (context, assetIds) =>
    readRows(context, AssetAudit, {
      alias: 'a',
      rest: 'WHERE a.asset_id = ANY(?) ORDER BY a.asset_id, a.id DESC',
      params: [assetIds],
    }),
  (audit) => audit.asset.id,
);

/** The contracts covering an asset, latest ending first. */
export const contractsOfAsset = defineGroupLoader<ServiceContractAsset>(
  'assets.contractsOfAsset',
  (context, assetIds) =>
    readRows(context, ServiceContractAsset, {
      alias: 'ca',
      rest: `JOIN service_contract c ON c.id = ca.contract_id
             WHERE ca.asset_id = ANY(?) ORDER BY ca.asset_id, c.ends_on DESC, c.id DESC`,
      params: [assetIds],
      join: ['contract'],
    }),
  (link) => link.asset.id,
);

/** The assets a contract covers, by tag. */
export const assetsOfContract = defineGroupLoader<ServiceContractAsset>(
  'assets.assetsOfContract',
  (context, contractIds) =>
    readRows(context, ServiceContractAsset, {
      alias: 'ca',
      rest: `JOIN asset a ON a.id = ca.asset_id
             WHERE ca.contract_id = ANY(?) ORDER BY ca.contract_id, a.tag`,
      params: [contractIds],
      join: ['asset'],
    }),
  (link) => link.contract.id,
);

/** The service contracts covering an asset on a day (a ticket's day, for the IT desk). */
export async function contractsCoveringAsset(
  context: ReadContext,
  assetId: number,
  onDate: string,
): Promise<ServiceContract[]> {
  const links = await contractsOfAsset.load(context, assetId);
  return links
    .map((link) => link.contract)
    .filter((contract) => contract.startsOn <= onDate && onDate <= contract.endsOn);
}

/** Service contracts, latest ending first. */
export function serviceContractList(context: ReadContext, where: FilterQuery<ServiceContract>) {
  return context.em.find(ServiceContract, where, { orderBy: { endsOn: 'desc', id: 'desc' } });
}

export const assetRows = rowReader(Asset);
export const assignmentRows = rowReader(AssetAssignment);
export const custodyTermsRows = {
  byVersion: (context: ReadContext, version: number) =>
    context.em.findOne(CustodyTerms, { version }),
};
export const serviceContractRows = rowReader(ServiceContract);

/** Assets still in use whose warranty ends between two days, soonest first (at most 500). */
export function assetsWithWarrantyEnding(context: ReadContext, from: string, to: string) {
  return readRows(context, Asset, {
    alias: 'a',
    rest: `WHERE a.warranty_end BETWEEN ?::date AND ?::date AND a.status NOT IN ('RETIRED', 'LOST')
           ORDER BY a.warranty_end, a.id LIMIT 500`,
    params: [from, to],
  });
}

/**
 * Assets still in use due for audit by a day: last seen (or recorded) plus their interval, most
 * overdue first (at most 500).
 */
export function assetsDueForAuditBy(context: ReadContext, by: string) {
  return readRows(context, Asset, {
    alias: 'a',
    rest: `WHERE a.status NOT IN ('RETIRED', 'LOST')
             AND (coalesce(a.last_audited_at, a.created_at) AT TIME ZONE 'UTC')::date + a.audit_interval_days <= ?::date
           ORDER BY (coalesce(a.last_audited_at, a.created_at) AT TIME ZONE 'UTC')::date + a.audit_interval_days, a.id
           LIMIT 500`,
    params: [by],
  });
}

/** The check-outs of an employee, newest first; only those not accepted yet when asked. */
export function assignmentsOfEmployee(
  context: ReadContext,
  employeeId: number,
  pendingOnly: boolean,
) {
  return context.em.find(
    AssetAssignment,
    {
      employee: employeeId,
      ...(pendingOnly ? { acceptedAt: null, closedAt: null } : {}),
    },
    { orderBy: { id: 'desc' }, limit: 200 },
  );
}

/** The assets an employee holds, by tag. */
export const assetsHeldBy = defineGroupLoader<Asset>(
  'assets.assetsHeldBy',
  (context, employeeIds) =>
    readRows(context, Asset, {
      alias: 'a',
      rest: "WHERE a.assignee_id = ANY(?) AND a.status = 'ASSIGNED' ORDER BY a.assignee_id, a.tag",
      params: [employeeIds],
    }),
  (asset) => (asset.assignee as { id: number }).id,
);

/** The asset a checklist item waits for (offboarding items made by custody); null for others. */
export const assetOfChecklistItem = defineLoader<number, Asset | null>(
  'assets.assetOfChecklistItem',
  async (context, itemIds) => {
    const items = await readRows(context, ChecklistItem, {
      alias: 'i',
      rest: 'WHERE i.id = ANY(?) AND i.asset_id IS NOT NULL',
      params: [itemIds],
    });
    const assetIdOf = new Map(items.map((item) => [item.id, item.assetId]));
    const assets = await Promise.all(
      itemIds.map((id) => {
        const assetId = assetIdOf.get(id);
        return assetId == null ? null : assetRows.byId(context, assetId);
      }),
    );
    return assets;
  },
);
