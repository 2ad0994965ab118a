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
import { productRows } from '../catalog/catalog.reads';
import { ProductObject } from '../catalog/catalog.types';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import { journalEntryRows } from '../ledger/ledger.reads';
import { JournalEntryObject } from '../ledger/ledger.types';
import { Asset, AssetType } from './asset.entity';
import { assetRows } from './assets.reads';
import { AssetObject, ASSET_MANAGERS, ASSET_READERS } from './assets.types';
import { MaintenancePlan, WorkOrder, WorkOrderPart, WorkOrderStatus } from './maintenance.entity';
import {
  maintenancePlanList,
  maintenancePlanRows,
  partsOfWorkOrder,
  plansOfAsset,
  plansOfType,
  standingOfPlan,
  workOrderPage,
  workOrdersOfAsset,
} from './maintenance.reads';
import {
  CancelWorkOrderInput,
  CompleteWorkOrderInput,
  CreateMaintenancePlanInput,
  CreateWorkOrderInput,
  MaintenancePlanObject,
  MaintenancePlanPayload,
  RunMaintenanceSchedulerInput,
  RunMaintenanceSchedulerPayload,
  StartWorkOrderInput,
  UpdateMaintenancePlanInput,
  WorkOrderConnection,
  WorkOrderFilter,
  WorkOrderObject,
  WorkOrderPartObject,
  WorkOrderPayload,
} from './maintenance.types';

const READ = Permissions.assets.read;
const MANAGE = Permissions.assets.manage;

registerNodeType({
  typeName: 'MaintenancePlan',
  entity: MaintenancePlan,
  roles: READ,
  load: (context, id) => readById(context, MaintenancePlan, id),
});
registerNodeType({
  typeName: 'WorkOrder',
  entity: WorkOrder,
  roles: READ,
  load: (context, id) => readById(context, WorkOrder, id),
});

const workOrderId = (id: string) => parseGlobalId(id, 'WorkOrder', 'input.workOrderId');

@Resolver(() => MaintenancePlanObject)
export class MaintenancePlanResolver extends NodeResolver(
  MaintenancePlanObject,
  'MaintenancePlan',
) {
  @Authorized(...READ)
  @Query(() => [MaintenancePlanObject], {
    description: `Maintenance plans, by name. ${ASSET_READERS}`,
  })
  async maintenancePlans(
    @Arg('assetId', () => ID, {
      nullable: true,
      description: "Only the plans covering this asset: its own and its type's.",
    })
    assetId: string | null,
    @Arg('assetType', () => AssetType, {
      nullable: true,
      description: 'Only the plans of this type of assets.',
    })
    assetType: AssetType | null,
    @Arg('active', () => Boolean, {
      nullable: true,
      description: 'Only active (true) or inactive (false) plans.',
    })
    active: boolean | null,
    @Ctx() context: RequestContext,
  ) {
    const where: Record<string, unknown>[] = [];
    if (assetId) {
      const asset = await assetRows.byId(context, parseGlobalId(assetId, 'Asset', 'assetId'));
      if (!asset) return [];
      where.push({ $or: [{ asset: asset.id }, { assetType: asset.type }] });
    }
    if (assetType) where.push({ assetType });
    if (active != null) where.push({ active });
    return maintenancePlanList(context, where.length > 0 ? { $and: where } : {});
  }

  @Authorized(...READ)
  @Query(() => MaintenancePlanObject, {
    nullable: true,
    description: 'One maintenance plan by ID; null if none.',
  })
  maintenancePlan(
    @Arg('id', () => ID, { description: 'The plan ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(
      context,
      info,
      MaintenancePlan,
      'MaintenancePlan',
      parseGlobalId(id, 'MaintenancePlan'),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => MaintenancePlanPayload, {
    description: `Plans recurring maintenance of an asset, or of every asset of a type (each on its own schedule): by an RRULE from startsOn, or every intervalDays from the last completion. The daily scheduler opens the work orders. ${ASSET_MANAGERS}`,
  })
  createMaintenancePlan(
    @Arg('input', () => CreateMaintenancePlanInput, { description: 'The plan.' })
    input: CreateMaintenancePlanInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.maintenance.createMaintenancePlan(context, viewer, {
        ...input,
        assetId: input.assetId ? parseGlobalId(input.assetId, 'Asset', 'input.assetId') : null,
      }),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => MaintenancePlanPayload, {
    description: `Renames a plan, changes its instructions or estimate, or deactivates it (active: false) and back. ${ASSET_MANAGERS}`,
  })
  updateMaintenancePlan(
    @Arg('input', () => UpdateMaintenancePlanInput, { description: 'The plan and its changes.' })
    input: UpdateMaintenancePlanInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.maintenance.updateMaintenancePlan(context, viewer, {
        ...input,
        maintenancePlanId: parseGlobalId(
          input.maintenancePlanId,
          'MaintenancePlan',
          'input.maintenancePlanId',
        ),
      }),
    );
  }

  @FieldResolver(() => AssetObject, {
    nullable: true,
    description: 'The one asset it covers (null when it covers a type).',
  })
  @Reads(MaintenancePlan, 'asset')
  asset(@Root() plan: RowOf<MaintenancePlan, 'asset'>, @Ctx() context: RequestContext) {
    return assetRows.of(context, plan.asset);
  }

  @FieldResolver(() => CalendarDateScalar, {
    nullable: true,
    description:
      'The earliest next due day over the assets in service it covers (null when none is waiting: an ended RRULE, or an interval plan whose work orders are open).',
  })
  @ReadsKeyOnly()
  async nextDueOn(
    @Root() plan: RowOf<MaintenancePlan>,
    @Ctx() context: RequestContext,
  ): Promise<string | null> {
    return (await standingOfPlan.load(context, plan.id)).nextDueOn;
  }

  @FieldResolver(() => CalendarDateScalar, {
    nullable: true,
    description: 'When one of its work orders was last completed.',
  })
  @ReadsKeyOnly()
  async lastCompletedOn(
    @Root() plan: RowOf<MaintenancePlan>,
    @Ctx() context: RequestContext,
  ): Promise<string | null> {
    return (await standingOfPlan.load(context, plan.id)).lastCompletedOn;
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who made it.' })
  @Reads(MaintenancePlan, 'createdById')
  createdBy(@Root() plan: RowOf<MaintenancePlan, 'createdById'>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, plan.createdById);
  }

  @FieldResolver(() => [HistoryEntry], {
    description: 'Everything that happened to it, oldest first, with who and when.',
  })
  @ReadsKeyOnly()
  history(@Root() plan: RowOf<MaintenancePlan>, @Ctx() context: RequestContext) {
    return loadHistory(context, 'MaintenancePlan', plan.id);
  }
}

@Resolver(() => WorkOrderObject)
export class WorkOrderResolver extends NodeResolver(WorkOrderObject, 'WorkOrder') {
  @Authorized(...READ)
  @Query(() => WorkOrderConnection, { description: `Work orders, newest first. ${ASSET_READERS}` })
  workOrders(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => WorkOrderFilter, {
      nullable: true,
      description: 'Which work orders; all when omitted.',
    })
    filter: WorkOrderFilter | null,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where: Record<string, unknown> = {};
    if (filter?.status?.length) where.status = { $in: filter.status };
    if (filter?.assetId) where.asset = parseGlobalId(filter.assetId, 'Asset', 'filter.assetId');
    if (filter?.planId)
      where.plan = parseGlobalId(filter.planId, 'MaintenancePlan', 'filter.planId');
    return workOrderPage(context, where, args, info);
  }

  @Authorized(...READ)
  @Query(() => WorkOrderObject, {
    nullable: true,
    description: 'One work order by ID; null if none.',
  })
  workOrder(
    @Arg('id', () => ID, { description: 'The work order ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(context, info, WorkOrder, 'WorkOrder', parseGlobalId(id, 'WorkOrder'));
  }

  @Authorized(...MANAGE)
  @Mutation(() => WorkOrderPayload, {
    description: `Opens a work order by hand on an asset in service (after an IT ticket, say), on no plan. ${ASSET_MANAGERS}`,
  })
  createWorkOrder(
    @Arg('input', () => CreateWorkOrderInput, { description: 'The work order.' })
    input: CreateWorkOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.maintenance.createWorkOrder(context, viewer, {
        ...input,
        assetId: parseGlobalId(input.assetId, 'Asset', 'input.assetId'),
      }),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => WorkOrderPayload, {
    description: `OPEN → IN_PROGRESS: a shelf asset goes IN_MAINTENANCE; an assigned one is serviced where it is and stays ASSIGNED (\`ASSET_UNAVAILABLE\` for a RETIRED or LOST one). ${ASSET_MANAGERS}`,
  })
  startWorkOrder(
    @Arg('input', () => StartWorkOrderInput, { description: 'The work order.' })
    input: StartWorkOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.maintenance.startWorkOrder(context, viewer, workOrderId(input.workOrderId)),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => WorkOrderPayload, {
    description: `OPEN or IN_PROGRESS → DONE, in one transaction: the parts leave stock at their cost (never below what is reserved: \`INSUFFICIENT_STOCK\` naming the line, and nothing is written), labour is costed at MAINTENANCE_LABOUR_RATE, and the total is posted Dr 6150 Maintenance Expense / Cr 1200 Inventory and Cr 6000 Salaries Expense. The asset comes back from maintenance; an interval plan's next due day counts from today. ${ASSET_MANAGERS}`,
  })
  completeWorkOrder(
    @Arg('input', () => CompleteWorkOrderInput, { description: 'What the work took.' })
    input: CompleteWorkOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.maintenance.completeWorkOrder(context, viewer, {
        ...input,
        workOrderId: workOrderId(input.workOrderId),
        parts: (input.parts ?? []).map((part, index) => ({
          quantity: part.quantity,
          productId: parseGlobalId(part.productId, 'Product', `input.parts.${index}.productId`),
        })),
      }),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => WorkOrderPayload, {
    description: `OPEN or IN_PROGRESS → CANCELLED; the asset comes back from maintenance, and an interval plan's next due day counts from today. ${ASSET_MANAGERS}`,
  })
  cancelWorkOrder(
    @Arg('input', () => CancelWorkOrderInput, { description: 'The work order and why.' })
    input: CancelWorkOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.maintenance.cancelWorkOrder(context, viewer, {
        workOrderId: workOrderId(input.workOrderId),
        reason: input.reason,
      }),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => RunMaintenanceSchedulerPayload, {
    description: `Runs the maintenance scheduler now (it also runs daily): for each active plan and asset in service with an occurrence due, opens a work order for the latest one and notes the earlier ones as skipped, or notes them on the work order already open. A second run on the same day changes nothing. ${ASSET_MANAGERS}`,
  })
  async runMaintenanceScheduler(
    @Arg('input', () => RunMaintenanceSchedulerInput, {
      nullable: true,
      description: 'The day to run for (today by default).',
    })
    input: RunMaintenanceSchedulerInput | null,
    @Ctx() context: RequestContext,
  ) {
    signedIn(context);
    return toPayload(async () => {
      const run = await context.services.maintenance.runScheduler(context, {
        asOf: input?.asOf,
      });
      return { workOrders: run.opened, notedWorkOrders: run.noted };
    });
  }

  @FieldResolver(() => AssetObject, { description: 'The asset worked on.' })
  @Reads(WorkOrder, 'asset')
  asset(@Root() workOrder: RowOf<WorkOrder, 'asset'>, @Ctx() context: RequestContext) {
    return assetRows.of(context, workOrder.asset);
  }

  @FieldResolver(() => MaintenancePlanObject, {
    nullable: true,
    description: 'The plan that opened it (null: opened by hand).',
  })
  @Reads(WorkOrder, 'plan')
  plan(@Root() workOrder: RowOf<WorkOrder, 'plan'>, @Ctx() context: RequestContext) {
    return maintenancePlanRows.of(context, workOrder.plan);
  }

  @FieldResolver(() => [WorkOrderPartObject], {
    description: 'Parts taken from stock (at completion).',
  })
  @ReadsKeyOnly()
  parts(@Root() workOrder: RowOf<WorkOrder>, @Ctx() context: RequestContext) {
    return partsOfWorkOrder.load(context, workOrder.id);
  }

  @FieldResolver(() => Money, {
    description: 'labourMinutes at the internal labour rate (MAINTENANCE_LABOUR_RATE per hour).',
  })
  @Reads(WorkOrder, 'labourCostMinor')
  labourCost(@Root() workOrder: RowOf<WorkOrder, 'labourCostMinor'>): Money {
    return Money.fromMinor(workOrder.labourCostMinor);
  }

  @FieldResolver(() => Money, { description: 'The parts at their cost when taken.' })
  @Reads(WorkOrder, 'partsCostMinor')
  partsCost(@Root() workOrder: RowOf<WorkOrder, 'partsCostMinor'>): Money {
    return Money.fromMinor(workOrder.partsCostMinor);
  }

  @FieldResolver(() => Money, { description: 'labourCost + partsCost.' })
  @Reads(WorkOrder, 'labourCostMinor', 'partsCostMinor')
  totalCost(@Root() workOrder: RowOf<WorkOrder, 'labourCostMinor' | 'partsCostMinor'>): Money {
    return Money.fromMinor(workOrder.labourCostMinor + workOrder.partsCostMinor);
  }

  @Authorized(...Permissions.ledger.read)
  @FieldResolver(() => JournalEntryObject, {
    nullable: true,
    description:
      'Dr 6150 Maintenance Expense / Cr 1200 Inventory (parts) and Cr 6000 Salaries Expense (internal labour); null until done, or when it cost nothing. Requires one of: ACCOUNTANT, ADMIN.',
  })
  @Reads(WorkOrder, 'journalEntryId')
  journalEntry(
    @Root() workOrder: RowOf<WorkOrder, 'journalEntryId'>,
    @Ctx() context: RequestContext,
  ) {
    return journalEntryRows.byId(context, workOrder.journalEntryId);
  }

  @FieldResolver(() => EmployeeObject, {
    nullable: true,
    description: 'Who opened it (null: the scheduler).',
  })
  @Reads(WorkOrder, 'openedById')
  openedBy(@Root() workOrder: RowOf<WorkOrder, 'openedById'>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, workOrder.openedById);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who started it.' })
  @Reads(WorkOrder, 'startedById')
  startedBy(@Root() workOrder: RowOf<WorkOrder, 'startedById'>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, workOrder.startedById);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who completed it.' })
  @Reads(WorkOrder, 'completedById')
  completedBy(
    @Root() workOrder: RowOf<WorkOrder, 'completedById'>,
    @Ctx() context: RequestContext,
  ) {
    return employeeRows.byId(context, workOrder.completedById);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who cancelled it.' })
  @Reads(WorkOrder, 'cancelledById')
  cancelledBy(
    @Root() workOrder: RowOf<WorkOrder, 'cancelledById'>,
    @Ctx() context: RequestContext,
  ) {
    return employeeRows.byId(context, workOrder.cancelledById);
  }

  @FieldResolver(() => [HistoryEntry], {
    description: 'Everything that happened to it, oldest first, with who and when.',
  })
  @ReadsKeyOnly()
  history(@Root() workOrder: RowOf<WorkOrder>, @Ctx() context: RequestContext) {
    return loadHistory(context, 'WorkOrder', workOrder.id);
  }
}

@Resolver(() => WorkOrderPartObject)
export class WorkOrderPartResolver {
  @FieldResolver(() => ProductObject, { description: 'The product taken.' })
  @Reads(WorkOrderPart, 'product')
  product(@Root() part: RowOf<WorkOrderPart, 'product'>, @Ctx() context: RequestContext) {
    return productRows.of(context, part.product);
  }

  @FieldResolver(() => Money, { description: "The product's cost per unit when it was taken." })
  @Reads(WorkOrderPart, 'unitCostMinor')
  unitCost(@Root() part: RowOf<WorkOrderPart, 'unitCostMinor'>): Money {
    return Money.fromMinor(part.unitCostMinor);
  }

  @FieldResolver(() => Money, { description: 'quantity × unitCost.' })
  @Reads(WorkOrderPart, 'quantity', 'unitCostMinor')
  amount(@Root() part: RowOf<WorkOrderPart, 'quantity' | 'unitCostMinor'>): Money {
    return Money.fromMinor(BigInt(part.quantity) * part.unitCostMinor);
  }
}

/** What maintenance adds to assets: their work orders and the plans that cover them. */
@Resolver(() => AssetObject)
export class AssetMaintenanceResolver {
  @FieldResolver(() => WorkOrderConnection, { description: 'Its work orders, newest first.' })
  @ReadsKeyOnly()
  workOrders(
    @Root() asset: RowOf<Asset>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('status', () => [WorkOrderStatus], {
      nullable: true,
      description: 'Only work orders in one of these statuses.',
    })
    status: WorkOrderStatus[] | null,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where = status?.length ? { status: { $in: status } } : {};
    return workOrdersOfAsset(context, asset.id, where, args, info);
  }

  @FieldResolver(() => [MaintenancePlanObject], {
    description: 'The maintenance plans covering it: its own, then those of its type.',
  })
  @Reads(Asset, 'type')
  async maintenancePlans(@Root() asset: RowOf<Asset, 'type'>, @Ctx() context: RequestContext) {
    const [own, ofType] = await Promise.all([
      plansOfAsset.load(context, asset.id),
      plansOfType.load(context, asset.type),
    ]);
    return [...own, ...ofType];
  }
}
