import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
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
import { billRows, vendorRows } from '../ledger/ledger.reads';
import { BillObject, VendorObject } from '../ledger/ledger.types';
import type { Employee } from '../employees/employee.entity';
import type { ChecklistItem } from '../people/checklist.entity';
import { ChecklistItemObject } from '../people/checklist.types';
import { hasAnyRole } from '../common/viewer';
import {
  Asset,
  AssetAssignment,
  AssetAssignmentLine,
  AssetAudit,
  ServiceContract,
} from './asset.entity';
import {
  assetPage,
  assetsDueForAuditBy,
  assetsHeldBy,
  assetsWithWarrantyEnding,
  assetRows,
  assetsOfContract,
  assetOfChecklistItem,
  linesOfAssignment,
  serviceContractList,
  custodyTermsRows,
  assignmentsOfEmployee,
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
  AcceptAssetsInput,
  AssetAssignmentPayload,
  AssetPayload,
  AssetReasonInput,
  CheckInAssetInput,
  CheckOutAssetsInput,
  CustodyTermsObject,
  MarkAssetFoundInput,
  RecordAssetAuditInput,
  RecordAssetAuditPayload,
  SetCustodyTermsInput,
  SetCustodyTermsPayload,
  UpdateAssetInput,
  ASSET_MANAGERS,
  ASSET_READERS,
  CreateAssetInput,
  CreateServiceContractInput,
  ServiceContractPayload,
  SetServiceContractAssetsInput,
  ServiceContractObject,
} from './assets.types';

/** A look-ahead in days, 0 to 3660; anything else is malformed input. */
function daysAhead(days: number): number {
  if (!Number.isInteger(days) || days < 0 || days > 3660)
    throw new GraphQLError('withinDays is 0 to 3660', {
      extensions: { code: 'BAD_USER_INPUT', field: ['withinDays'] },
    });
  return days;
}

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

  @Authorized(...MANAGE)
  @Mutation(() => AssetPayload, {
    description: `Changes what is known about an asset: model, serial number, location, notes, warranty, audit interval (\`STALE_ASSET\` with an old expectedVersion). ${ASSET_MANAGERS}`,
  })
  updateAsset(
    @Arg('input', () => UpdateAssetInput, { description: 'The asset and its changes.' })
    input: UpdateAssetInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const assetId = parseGlobalId(input.assetId, 'Asset', 'input.assetId');
    return toPayload(() => context.services.assets.updateAsset(context, viewer, assetId, input));
  }

  @Authorized(...MANAGE)
  @Mutation(() => AssetAssignmentPayload, {
    description: `Hands IN_STOCK assets to an active employee (who accepts them once, with acceptAssets) or places them at a location. Assets are locked in id order; one that is not IN_STOCK is \`ASSET_UNAVAILABLE\`, and of concurrent check-outs of one asset exactly one succeeds. ${ASSET_MANAGERS}`,
  })
  checkOutAssets(
    @Arg('input', () => CheckOutAssetsInput, { description: 'The assets and who takes them.' })
    input: CheckOutAssetsInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const assetIds = input.assetIds.map((id, index) =>
      parseGlobalId(id, 'Asset', `input.assetIds.${index}`),
    );
    const employeeId = input.employeeId
      ? parseGlobalId(input.employeeId, 'Employee', 'input.employeeId')
      : null;
    return toPayload(() =>
      context.services.custody.checkOut(context, viewer, { ...input, assetIds, employeeId }),
    );
  }

  @Authorized()
  @Mutation(() => AssetAssignmentPayload, {
    description:
      'The employee accepts the assets of a check-out, once for the batch, and the custody terms it names; the acceptance keeps the hash of the text they saw (`NOT_FOUND`, `INVALID_TRANSITION`, `INVALID_INPUT`). Only the employee who takes them.',
  })
  acceptAssets(
    @Arg('input', () => AcceptAssetsInput, { description: 'The check-out.' })
    input: AcceptAssetsInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.assignmentId, 'AssetAssignment', 'input.assignmentId');
    return toPayload(() =>
      context.services.custody.accept(context, viewer, id, input.termsSha256 ?? null),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => AssetPayload, {
    description: `An ASSIGNED asset comes back IN_STOCK, with its condition; one that holds data needs the wipe attestation (\`dataWiped: true\`). A leaving employee's offboarding item for it is done. ${ASSET_MANAGERS}`,
  })
  checkInAsset(
    @Arg('input', () => CheckInAssetInput, { description: 'The asset and how it came back.' })
    input: CheckInAssetInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const assetId = parseGlobalId(input.assetId, 'Asset', 'input.assetId');
    return toPayload(() =>
      context.services.custody.checkIn(context, viewer, { ...input, assetId }),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => AssetPayload, {
    description: `The asset is missing: LOST, its check-out ends, and a leaving employee's offboarding stops waiting for it. ${ASSET_MANAGERS}`,
  })
  reportAssetLost(
    @Arg('input', () => AssetReasonInput, { description: 'The asset and what happened.' })
    input: AssetReasonInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const assetId = parseGlobalId(input.assetId, 'Asset', 'input.assetId');
    return toPayload(() =>
      context.services.custody.markLost(context, viewer, assetId, input.reason),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => AssetPayload, {
    description: `A LOST asset turned up: back IN_STOCK. ${ASSET_MANAGERS}`,
  })
  markAssetFound(
    @Arg('input', () => MarkAssetFoundInput, { description: 'The asset and where it is.' })
    input: MarkAssetFoundInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const assetId = parseGlobalId(input.assetId, 'Asset', 'input.assetId');
    return toPayload(() =>
      context.services.custody.markFound(context, viewer, assetId, input.location ?? null),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => AssetPayload, {
    description: `Takes an asset out of use for good (RETIRED is final); an assigned one is checked in first. ${ASSET_MANAGERS}`,
  })
  retireAsset(
    @Arg('input', () => AssetReasonInput, { description: 'The asset and why.' })
    input: AssetReasonInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const assetId = parseGlobalId(input.assetId, 'Asset', 'input.assetId');
    return toPayload(() => context.services.custody.retire(context, viewer, assetId, input.reason));
  }

  @Authorized(...MANAGE)
  @Mutation(() => RecordAssetAuditPayload, {
    description: `Records that you saw an asset somewhere (its location becomes that): an audit. ${ASSET_MANAGERS}`,
  })
  recordAssetAudit(
    @Arg('input', () => RecordAssetAuditInput, { description: 'What you saw.' })
    input: RecordAssetAuditInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const assetId = parseGlobalId(input.assetId, 'Asset', 'input.assetId');
    return toPayload(() => context.services.custody.audit(context, viewer, { ...input, assetId }));
  }

  @Authorized(...READ)
  @Query(() => [AssetObject], {
    description: `Assets in use whose warranty ends within the next \`withinDays\` days (today included), soonest first; at most 500. ${ASSET_READERS}`,
  })
  warrantiesExpiring(
    @Arg('withinDays', () => Int, { description: 'How many days ahead, 0 to 3660.' })
    withinDays: number,
    @Ctx() context: RequestContext,
  ) {
    const from = context.services.custody.today();
    return assetsWithWarrantyEnding(context, from, addDays(from, daysAhead(withinDays)));
  }

  @Authorized(...READ)
  @Query(() => [AssetObject], {
    description: `Assets in use due for audit by today plus \`withinDays\` (default 0: due now), most overdue first; at most 500. ${ASSET_READERS}`,
  })
  assetsDueForAudit(
    @Arg('withinDays', () => Int, {
      defaultValue: 0,
      description: 'How many days ahead, 0 to 3660.',
    })
    withinDays: number,
    @Ctx() context: RequestContext,
  ) {
    return assetsDueForAuditBy(
      context,
      addDays(context.services.custody.today(), daysAhead(withinDays)),
    );
  }

  @Authorized()
  @Query(() => [AssetObject], { description: 'The assets you hold, by tag.' })
  myAssets(@Ctx() context: RequestContext) {
    return assetsHeldBy.load(context, signedIn(context).employeeId);
  }

  @Authorized()
  @Query(() => [AssetAssignmentObject], {
    description:
      'Your check-outs, newest first (at most 200): those waiting for your acceptance when `pendingOnly`.',
  })
  myAssetAssignments(
    @Arg('pendingOnly', () => Boolean, {
      defaultValue: false,
      description: 'Only those you have not accepted yet.',
    })
    pendingOnly: boolean,
    @Ctx() context: RequestContext,
  ) {
    return assignmentsOfEmployee(context, signedIn(context).employeeId, pendingOnly);
  }

  @Authorized()
  @Query(() => CustodyTermsObject, {
    description: 'The custody terms in force: what an employee accepts with their equipment.',
  })
  custodyTerms(@Ctx() context: RequestContext) {
    return context.services.custody.currentTerms(context);
  }

  @Authorized(...MANAGE)
  @Mutation(() => SetCustodyTermsPayload, {
    description: `Writes new custody terms (the next version), in force for later check-outs; earlier acceptances keep theirs. ${ASSET_MANAGERS}`,
  })
  setCustodyTerms(
    @Arg('input', () => SetCustodyTermsInput, { description: 'The text.' })
    input: SetCustodyTermsInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() => context.services.custody.setTerms(context, viewer, input.text));
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
    return assignmentRows.byId(context, asset.assignmentId);
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

registerNodeType({
  typeName: 'AssetAssignment',
  entity: AssetAssignment,
  roles: READ,
  load: (context, id) => readById(context, AssetAssignment, id),
});
registerNodeType({
  typeName: 'ServiceContract',
  entity: ServiceContract,
  roles: READ,
  load: (context, id) => readById(context, ServiceContract, id),
});

@Resolver(() => AssetAssignmentObject)
export class AssetAssignmentResolver extends NodeResolver(
  AssetAssignmentObject,
  'AssetAssignment',
) {
  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who holds the assets.' })
  @Reads(AssetAssignment, 'employee')
  employee(@Root() assignment: RowOf<AssetAssignment, 'employee'>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, assignment.employee);
  }

  @FieldResolver(() => CustodyTermsObject, {
    nullable: true,
    description: 'The terms the employee accepts (null for a location).',
  })
  @Reads(AssetAssignment, 'termsVersion')
  terms(
    @Root() assignment: RowOf<AssetAssignment, 'termsVersion'>,
    @Ctx() context: RequestContext,
  ) {
    return assignment.termsVersion === null
      ? null
      : custodyTermsRows.byVersion(context, assignment.termsVersion);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who checked them out.' })
  @Reads(AssetAssignment, 'checkedOutById')
  checkedOutBy(
    @Root() assignment: RowOf<AssetAssignment, 'checkedOutById'>,
    @Ctx() context: RequestContext,
  ) {
    return employeeRows.byId(context, assignment.checkedOutById);
  }

  @FieldResolver(() => [AssetAssignmentLineObject], {
    description: 'The assets, in check-out order.',
  })
  @ReadsKeyOnly()
  lines(@Root() assignment: RowOf<AssetAssignment>, @Ctx() context: RequestContext) {
    return linesOfAssignment.load(context, assignment.id);
  }
}

@Resolver(() => AssetAssignmentLineObject)
export class AssetAssignmentLineResolver {
  @FieldResolver(() => AssetObject, { description: 'The asset.' })
  asset(@Root() line: AssetAssignmentLine, @Ctx() context: RequestContext) {
    return assetRows.of(context, line.asset);
  }

  @FieldResolver(() => AssetAssignmentObject, { description: 'The check-out it belongs to.' })
  assignment(@Root() line: AssetAssignmentLine, @Ctx() context: RequestContext) {
    return assignmentRows.of(context, line.assignment);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who checked it in.' })
  checkedInBy(@Root() line: AssetAssignmentLine, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, line.checkedInById);
  }
}

@Resolver(() => ServiceContractObject)
export class ServiceContractResolver extends NodeResolver(
  ServiceContractObject,
  'ServiceContract',
) {
  @Authorized(...READ)
  @Query(() => [ServiceContractObject], {
    description: `Service contracts, latest ending first: a vendor's, or those in force on a day. ${ASSET_READERS}`,
  })
  serviceContracts(
    @Arg('vendorId', () => ID, { nullable: true, description: "Only this vendor's." })
    vendorId: string | null,
    @Arg('activeOn', () => CalendarDateScalar, {
      nullable: true,
      description: 'Only those covering this day.',
    })
    activeOn: string | null,
    @Ctx() context: RequestContext,
  ) {
    const where: Record<string, unknown> = {};
    if (vendorId) where.vendor = parseGlobalId(vendorId, 'Vendor', 'vendorId');
    if (activeOn)
      Object.assign(where, { startsOn: { $lte: activeOn }, endsOn: { $gte: activeOn } });
    return serviceContractList(context, where);
  }

  @Authorized(...MANAGE)
  @Mutation(() => ServiceContractPayload, {
    description: `Records a vendor's service contract over some assets (\`INVALID_INPUT\`, \`NOT_FOUND\`). ${ASSET_MANAGERS}`,
  })
  createServiceContract(
    @Arg('input', () => CreateServiceContractInput, { description: 'The contract.' })
    input: CreateServiceContractInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.serviceContracts.createServiceContract(context, viewer, {
        ...input,
        vendorId: parseGlobalId(input.vendorId, 'Vendor', 'input.vendorId'),
        assetIds: input.assetIds.map((id, index) =>
          parseGlobalId(id, 'Asset', `input.assetIds.${index}`),
        ),
      }),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => ServiceContractPayload, {
    description: `Replaces the assets a service contract covers. ${ASSET_MANAGERS}`,
  })
  setServiceContractAssets(
    @Arg('input', () => SetServiceContractAssetsInput, { description: 'The contract and assets.' })
    input: SetServiceContractAssetsInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.serviceContracts.setServiceContractAssets(
        context,
        viewer,
        parseGlobalId(input.serviceContractId, 'ServiceContract', 'input.serviceContractId'),
        input.assetIds.map((id, index) => parseGlobalId(id, 'Asset', `input.assetIds.${index}`)),
      ),
    );
  }

  @FieldResolver(() => VendorObject, { description: 'Who provides the service.' })
  @Reads(ServiceContract, 'vendor')
  vendor(@Root() contract: RowOf<ServiceContract, 'vendor'>, @Ctx() context: RequestContext) {
    return vendorRows.of(context, contract.vendor);
  }

  @FieldResolver(() => Money, { description: 'What it costs over its term.' })
  @Reads(ServiceContract, 'costMinor')
  cost(@Root() contract: RowOf<ServiceContract, 'costMinor'>): Money {
    return Money.fromMinor(contract.costMinor);
  }

  @FieldResolver(() => Boolean, { description: 'Whether today falls within its dates.' })
  @Reads(ServiceContract, 'startsOn', 'endsOn')
  active(
    @Root() contract: RowOf<ServiceContract, 'startsOn' | 'endsOn'>,
    @Ctx() context: RequestContext,
  ): boolean {
    const day = context.services.custody.today();
    return contract.startsOn <= day && day <= contract.endsOn;
  }

  @FieldResolver(() => [AssetObject], { description: 'The assets it covers, by tag.' })
  @ReadsKeyOnly()
  async assets(@Root() contract: RowOf<ServiceContract>, @Ctx() context: RequestContext) {
    const links = await assetsOfContract.load(context, contract.id);
    return links.map((link) => link.asset);
  }
}

@Resolver(() => EmployeeObject)
export class EmployeeAssetsResolver {
  @FieldResolver(() => [AssetObject], {
    nullable: true,
    description: `The assets they hold, by tag; null for viewers who may not see it. ${ASSET_READERS} Employees see their own.`,
  })
  @ReadsKeyOnly()
  assets(@Root() employee: RowOf<Employee>, @Ctx() context: RequestContext) {
    const viewer = signedIn(context);
    if (viewer.employeeId !== employee.id && !hasAnyRole(viewer, READ)) return null;
    return assetsHeldBy.load(context, employee.id);
  }
}

@Resolver(() => ChecklistItemObject)
export class ChecklistItemAssetResolver {
  @FieldResolver(() => AssetObject, {
    nullable: true,
    description:
      'The asset this item waits for (offboarding: one item per asset the employee holds, done by checking it in); null otherwise.',
  })
  @ReadsKeyOnly()
  asset(@Root() item: RowOf<ChecklistItem>, @Ctx() context: RequestContext) {
    return assetOfChecklistItem.load(context, item.id);
  }
}
