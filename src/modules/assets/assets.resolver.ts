import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { loadHistory } from '../../events/history';
import { HistoryEntry } from '../../events/history.types';
import { signedIn } from '../../graphql/auth-checker';
import { parseGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { CalendarDateScalar } from '../../graphql/scalars';
import { toPayload } from '../../graphql/user-error';
import { readById, readRoot, Reads, ReadsKeyOnly, type RowOf } from '../../read';
import { Permissions } from '../auth/permissions';
import { addDays } from '../common/calendar-dates';
import { likePattern } from '../common/input-rules';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import { billRows } from '../ledger/ledger.reads';
import { BillObject } from '../ledger/ledger.types';
import { Asset, AssetAudit } from './asset.entity';
import {
  assetPage,
  assignmentRows,
  auditsOfAsset,
  contractsOfAsset,
  custodyOfAsset,
} from './assets.reads';
import {
  AssetAssignmentLineObject,
  AssetAssignmentObject,
  AssetAuditObject,
  AssetConnection,
  AssetFilter,
  AssetObject,
  AssetPayload,
  ASSET_MANAGERS,
  ASSET_READERS,
  CreateAssetInput,
  ServiceContractObject,
} from './assets.types';

const READ = Permissions.assets.read;
const MANAGE = Permissions.assets.manage;

registerNodeType({
  typeName: 'Asset',
  entity: Asset,
  roles: READ,
  load: (context, id) => readById(context, Asset, id),
});

@Resolver(() => AssetObject)
export class AssetResolver extends NodeResolver(AssetObject, 'Asset') {
  @Authorized(...READ)
  @Query(() => AssetConnection, { description: `Assets, by tag. ${ASSET_READERS}` })
  assets(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => AssetFilter, {
      nullable: true,
      description: 'Which assets; all when omitted.',
    })
    filter: AssetFilter | null,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where: Record<string, unknown> = {};
    if (filter?.status?.length) where.status = { $in: filter.status };
    if (filter?.type) where.type = filter.type;
    if (filter?.assigneeId)
      where.assignee = parseGlobalId(filter.assigneeId, 'Employee', 'filter.assigneeId');
    if (filter?.search?.trim()) {
      const pattern = likePattern(filter.search);
      where.$or = ['tag', 'model', 'serialNumber', 'location'].map((property) => ({
        [property]: { $ilike: pattern },
      }));
    }
    return assetPage(context, where, args, info);
  }

  @Authorized(...READ)
  @Query(() => AssetObject, { nullable: true, description: 'One asset by ID; null if none.' })
  asset(
    @Arg('id', () => ID, { description: 'The asset ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(context, info, Asset, 'Asset', parseGlobalId(id, 'Asset'));
  }

  @Authorized(...MANAGE)
  @Mutation(() => AssetPayload, {
    description: `Records an asset, IN_STOCK. With billId its purchase date and cost come from the bill (and its purchase order line), so they agree with the books. ${ASSET_MANAGERS}`,
  })
  createAsset(
    @Arg('input', () => CreateAssetInput, { description: 'The asset.' }) input: CreateAssetInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.assets.createAsset(context, viewer, {
        ...input,
        billId: input.billId ? parseGlobalId(input.billId, 'Bill', 'input.billId') : null,
        productId: input.productId
          ? parseGlobalId(input.productId, 'Product', 'input.productId')
          : null,
      }),
    );
  }

  @FieldResolver(() => EmployeeObject, {
    nullable: true,
    description: 'Who holds it (null when in stock or checked out to a location).',
  })
  @Reads(Asset, 'assignee')
  assignee(@Root() asset: RowOf<Asset, 'assignee'>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, asset.assignee);
  }

  @FieldResolver(() => Money, { nullable: true, description: 'What it cost.' })
  @Reads(Asset, 'costMinor')
  cost(@Root() asset: RowOf<Asset, 'costMinor'>): Money | null {
    return asset.costMinor === null ? null : Money.fromMinor(asset.costMinor);
  }

  @Authorized(...Permissions.ledger.read)
  @FieldResolver(() => BillObject, {
    nullable: true,
    description: 'The vendor bill it was bought on. Requires one of: ACCOUNTANT, ADMIN.',
  })
  @Reads(Asset, 'bill')
  bill(@Root() asset: RowOf<Asset, 'bill'>, @Ctx() context: RequestContext) {
    return billRows.of(context, asset.bill);
  }

  @FieldResolver(() => CalendarDateScalar, {
    description: 'When it is next due for audit: its last audit (or creation) plus the interval.',
  })
  @Reads(Asset, 'lastAuditedAt', 'createdAt', 'auditIntervalDays')
  auditDueOn(
    @Root() asset: RowOf<Asset, 'lastAuditedAt' | 'createdAt' | 'auditIntervalDays'>,
  ): string {
    const seen = (asset.lastAuditedAt ?? asset.createdAt).toISOString().slice(0, 10);
    return addDays(seen, asset.auditIntervalDays);
  }

  @FieldResolver(() => AssetAssignmentObject, {
    nullable: true,
    description: 'Its open check-out, if it is assigned.',
  })
  @Reads(Asset, 'assignmentId')
  assignment(@Root() asset: RowOf<Asset, 'assignmentId'>, @Ctx() context: RequestContext) {
    return asset.assignmentId === null ? null : assignmentRows.byId(context, asset.assignmentId);
  }

  @FieldResolver(() => [AssetAssignmentLineObject], {
    description: 'Every check-out of it, newest first, with how it came back.',
  })
  @ReadsKeyOnly()
  custody(@Root() asset: RowOf<Asset>, @Ctx() context: RequestContext) {
    return custodyOfAsset.load(context, asset.id);
  }

  @FieldResolver(() => [AssetAuditObject], { description: 'Audits that saw it, newest first.' })
  @ReadsKeyOnly()
  audits(@Root() asset: RowOf<Asset>, @Ctx() context: RequestContext) {
    return auditsOfAsset.load(context, asset.id);
  }

  @FieldResolver(() => [ServiceContractObject], {
    description: 'The service contracts covering it, latest ending first.',
  })
  @ReadsKeyOnly()
  async contracts(@Root() asset: RowOf<Asset>, @Ctx() context: RequestContext) {
    const links = await contractsOfAsset.load(context, asset.id);
    return links.map((link) => link.contract);
  }

  @FieldResolver(() => [HistoryEntry], {
    description: 'Everything that happened to it, oldest first, with who and when.',
  })
  @ReadsKeyOnly()
  history(@Root() asset: RowOf<Asset>, @Ctx() context: RequestContext) {
    return loadHistory(context, 'Asset', asset.id);
  }
}

@Resolver(() => AssetAuditObject)
export class AssetAuditResolver {
  @FieldResolver(() => ID, { description: 'The audit record.' })
  @ReadsKeyOnly()
  id(@Root() audit: RowOf<AssetAudit>): string {
    return String(audit.id);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who saw it.' })
  auditedBy(@Root() audit: AssetAudit, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, audit.auditedById);
  }
}
