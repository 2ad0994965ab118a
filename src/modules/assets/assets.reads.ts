import type { FilterQuery } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import {
  defineGroupLoader,
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
