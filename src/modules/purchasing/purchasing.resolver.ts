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
import { toPayload } from '../../graphql/user-error';
import { readById, readRoot, Reads, ReadsKeyOnly, type RowOf } from '../../read';
import { Permissions } from '../auth/permissions';
import { productRows } from '../catalog/catalog.reads';
import { ProductObject } from '../catalog/catalog.types';
import { percentFromBasisPoints } from '../common/money';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import { journalEntryRows, vendorRows } from '../ledger/ledger.reads';
import { BillObject, JournalEntryObject, VendorObject } from '../ledger/ledger.types';
import type { Bill } from '../ledger/receivables.entity';
import {
  GoodsReceipt,
  GoodsReceiptLine,
  PurchaseBillLine,
  PurchaseOrder,
  PurchaseOrderLine,
} from './purchase-order.entity';
import { hasDocument } from './purchase-order-document';
import {
  linesOfPurchaseOrder,
  linesOfReceipt,
  purchaseOrderLineRows,
  purchaseOrderPage,
  purchaseLinesOfBill,
  purchaseOrderRows,
  receiptsOfPurchaseOrder,
} from './purchasing.reads';
import {
  BillPurchaseLineObject,
  CancelPurchaseOrderInput,
  ClosePurchaseOrderInput,
  CreatePurchaseOrderInput,
  CreatePurchaseOrderPayload,
  GoodsReceiptLineObject,
  GoodsReceiptObject,
  PurchaseOrderConnection,
  PurchaseOrderFilter,
  PurchaseOrderIdInput,
  PurchaseOrderLineObject,
  PurchaseOrderObject,
  PurchaseOrderPayload,
  PURCHASING_READERS,
  ReceiveGoodsInput,
  ReceiveGoodsPayload,
  SendPurchaseOrderInput,
  SendPurchaseOrderPayload,
  UpdatePurchaseOrderInput,
} from './purchasing.types';
const READ = Permissions.purchasing.read;
const ORDER = Permissions.purchasing.order;

registerNodeType({
  typeName: 'PurchaseOrder',
  entity: PurchaseOrder,
  roles: READ,
  load: (context, id) => readById(context, PurchaseOrder, id),
});
registerNodeType({
  typeName: 'GoodsReceipt',
  entity: GoodsReceipt,
  roles: READ,
  load: (context, id) => readById(context, GoodsReceipt, id),
});

@Resolver(() => PurchaseOrderObject)
export class PurchaseOrderResolver extends NodeResolver(PurchaseOrderObject, 'PurchaseOrder') {
  @Authorized(...READ)
  @Query(() => PurchaseOrderConnection, {
    description: `Purchase orders, newest first. ${PURCHASING_READERS}`,
  })
  purchaseOrders(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => PurchaseOrderFilter, {
      nullable: true,
      description: 'Which orders; all when omitted.',
    })
    filter: PurchaseOrderFilter | null,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where: Record<string, unknown> = {};
    if (filter?.vendorId)
      where.vendor = parseGlobalId(filter.vendorId, 'Vendor', 'filter.vendorId');
    if (filter?.status?.length) where.status = { $in: filter.status };
    if (filter?.origin) where.origin = filter.origin;
    return purchaseOrderPage(context, where, args, info);
  }

  @Authorized(...READ)
  @Query(() => PurchaseOrderObject, {
    nullable: true,
    description: 'One purchase order by ID; null if there is none.',
  })
  purchaseOrder(
    @Arg('id', () => ID, { description: 'The purchase order ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(
      context,
      info,
      PurchaseOrder,
      'PurchaseOrder',
      parseGlobalId(id, 'PurchaseOrder'),
    );
  }

  @Authorized(...ORDER)
  @Mutation(() => CreatePurchaseOrderPayload, {
    description:
      "Orders from a vendor, with the vendor's tolerances. At or under PO_APPROVAL_THRESHOLD it is APPROVED at once (and mailed to the vendor); above it, a DRAFT for approvePurchaseOrder. Requires one of: ACCOUNTANT, FULFILLMENT, ADMIN.",
  })
  createPurchaseOrder(
    @Arg('input', () => CreatePurchaseOrderInput, { description: 'The order.' })
    input: CreatePurchaseOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const vendorId = parseGlobalId(input.vendorId, 'Vendor', 'input.vendorId');
    const lines = input.lines.map((line, index) => ({
      ...line,
      productId: parseGlobalId(line.productId, 'Product', `input.lines.${index}.productId`),
    }));
    return toPayload(() =>
      context.services.purchaseOrders.createPurchaseOrder(context, viewer, {
        ...input,
        vendorId,
        lines,
      }),
    );
  }

  @Authorized(...ORDER)
  @Mutation(() => PurchaseOrderPayload, {
    description:
      "Changes a DRAFT's lines, expected date or note (`INVALID_TRANSITION` once approved). A replenishment draft someone changed becomes theirs (origin MANUAL): later runs leave it alone and count it as on order. Requires one of: ACCOUNTANT, FULFILLMENT, ADMIN.",
  })
  updatePurchaseOrder(
    @Arg('input', () => UpdatePurchaseOrderInput, { description: 'The draft and its changes.' })
    input: UpdatePurchaseOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const purchaseOrderId = parseGlobalId(
      input.purchaseOrderId,
      'PurchaseOrder',
      'input.purchaseOrderId',
    );
    const lines = input.lines?.map((line, index) => ({
      ...line,
      productId: parseGlobalId(line.productId, 'Product', `input.lines.${index}.productId`),
    }));
    return toPayload(() =>
      context.services.purchaseOrders.updatePurchaseOrder(context, viewer, {
        ...input,
        purchaseOrderId,
        lines,
      }),
    );
  }

  @Authorized(...ORDER)
  @Mutation(() => PurchaseOrderPayload, {
    description:
      'DRAFT → APPROVED, and mails it to the vendor. Above PO_APPROVAL_THRESHOLD only an ADMIN or ACCOUNTANT may (`APPROVAL_REQUIRED`). Requires one of: ACCOUNTANT, FULFILLMENT, ADMIN.',
  })
  approvePurchaseOrder(
    @Arg('input', () => PurchaseOrderIdInput, { description: 'The draft.' })
    input: PurchaseOrderIdInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.purchaseOrderId, 'PurchaseOrder', 'input.purchaseOrderId');
    return toPayload(() =>
      context.services.purchaseOrders.approvePurchaseOrder(context, viewer, id),
    );
  }

  @Authorized(...ORDER)
  @Mutation(() => PurchaseOrderPayload, {
    description:
      'DRAFT or APPROVED → CANCELLED, before anything arrived (otherwise close it). Requires one of: ACCOUNTANT, FULFILLMENT, ADMIN.',
  })
  cancelPurchaseOrder(
    @Arg('input', () => CancelPurchaseOrderInput, { description: 'The order and why.' })
    input: CancelPurchaseOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.purchaseOrderId, 'PurchaseOrder', 'input.purchaseOrderId');
    return toPayload(() =>
      context.services.purchaseOrders.cancelPurchaseOrder(context, viewer, id, input.reason),
    );
  }

  @Authorized(...ORDER)
  @Mutation(() => PurchaseOrderPayload, {
    description:
      'APPROVED, PARTIALLY_RECEIVED or RECEIVED → CLOSED: no more deliveries expected. Closing short needs a reason. Bills for what arrived are still taken. Requires one of: ACCOUNTANT, FULFILLMENT, ADMIN.',
  })
  closePurchaseOrder(
    @Arg('input', () => ClosePurchaseOrderInput, { description: 'The order and why.' })
    input: ClosePurchaseOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const given = input.id ?? input.purchaseOrderId;
    const id = parseGlobalId(
      given ?? '',
      'PurchaseOrder',
      input.id ? 'input.id' : 'input.purchaseOrderId',
    );
    return toPayload(() =>
      context.services.purchaseOrders.closePurchaseOrder(context, viewer, id, input.reason),
    );
  }

  @Authorized(...Permissions.purchasing.receive)
  @Mutation(() => ReceiveGoodsPayload, {
    description:
      'Records a delivery: accepted units go into stock at once (available to orders) and are posted Dr 1200 Inventory / Cr 2150 Goods received not invoiced at PO cost; rejected units are recorded apart. A line takes at most its quantity plus the receipt tolerance (`RECEIPT_TOLERANCE_EXCEEDED`). Idempotent by key. Requires one of: FULFILLMENT, ADMIN.',
  })
  receiveGoods(
    @Arg('input', () => ReceiveGoodsInput, { description: 'The delivery.' })
    input: ReceiveGoodsInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const purchaseOrderId = parseGlobalId(
      input.purchaseOrderId,
      'PurchaseOrder',
      'input.purchaseOrderId',
    );
    const lines = input.lines.map((line, index) => ({
      ...line,
      productId: parseGlobalId(line.productId, 'Product', `input.lines.${index}.productId`),
    }));
    return toPayload(() =>
      context.services.purchaseOrders.receiveGoods(context, viewer, {
        ...input,
        purchaseOrderId,
        lines,
      }),
    );
  }

  @Authorized(...Permissions.purchasing.send)
  @Mutation(() => SendPurchaseOrderPayload, {
    description:
      'Emails an approved purchase order to its vendor with its PDF now: the first time (a vendor without an address then), or again as a new email (`NOT_FOUND`, `INVALID_TRANSITION` for a draft or cancelled order, `NO_EMAIL_ADDRESS`). Requires one of: ACCOUNTANT, FULFILLMENT, ADMIN.',
  })
  sendPurchaseOrder(
    @Arg('input', () => SendPurchaseOrderInput, { description: 'The purchase order.' })
    input: SendPurchaseOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.purchaseOrderId, 'PurchaseOrder', 'input.purchaseOrderId');
    return toPayload(() => context.services.purchaseOrderSending.sendNow(context, viewer, id));
  }

  @Authorized(...READ)
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Where its PDF (as mailed to the vendor) downloads: a path on this server, signed for 15 minutes; it also answers a bearer token that may read purchase orders. Null until it is approved.',
  })
  @Reads(PurchaseOrder, 'approvedAt')
  pdfUrl(
    @Root() order: RowOf<PurchaseOrder, 'approvedAt'>,
    @Ctx() context: RequestContext,
  ): string | null {
    return hasDocument(order) ? context.services.purchaseOrderDocuments.pdfUrl(order.id) : null;
  }

  @FieldResolver(() => VendorObject, { description: 'Who we buy from.' })
  @Reads(PurchaseOrder, 'vendor')
  vendor(@Root() order: RowOf<PurchaseOrder, 'vendor'>, @Ctx() context: RequestContext) {
    return vendorRows.of(context, order.vendor);
  }

  @FieldResolver(() => [PurchaseOrderLineObject], {
    description: 'What is ordered, in line order.',
  })
  @ReadsKeyOnly()
  lines(@Root() order: RowOf<PurchaseOrder>, @Ctx() context: RequestContext) {
    return linesOfPurchaseOrder(context, order);
  }

  @FieldResolver(() => Money, { description: 'Sum of quantity × unit cost over the lines.' })
  @Reads(PurchaseOrder, 'totalMinor')
  total(@Root() order: RowOf<PurchaseOrder, 'totalMinor'>): Money {
    return Money.fromMinor(order.totalMinor);
  }

  @FieldResolver(() => String, {
    description: 'Units may be received up to each line’s quantity plus this percentage of it.',
  })
  @Reads(PurchaseOrder, 'receiptToleranceBasisPoints')
  receiptTolerancePercent(
    @Root() order: RowOf<PurchaseOrder, 'receiptToleranceBasisPoints'>,
  ): string {
    return percentFromBasisPoints(order.receiptToleranceBasisPoints);
  }

  @FieldResolver(() => String, { description: 'The price tolerance, in percent of a line.' })
  @Reads(PurchaseOrder, 'priceToleranceBasisPoints')
  priceTolerancePercent(@Root() order: RowOf<PurchaseOrder, 'priceToleranceBasisPoints'>): string {
    return percentFromBasisPoints(order.priceToleranceBasisPoints);
  }

  @FieldResolver(() => Money, { description: 'The price tolerance as an amount per bill line.' })
  @Reads(PurchaseOrder, 'priceToleranceAmountMinor')
  priceToleranceAmount(@Root() order: RowOf<PurchaseOrder, 'priceToleranceAmountMinor'>): Money {
    return Money.fromMinor(order.priceToleranceAmountMinor);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who created it.' })
  @Reads(PurchaseOrder, 'createdById')
  createdBy(@Root() order: RowOf<PurchaseOrder, 'createdById'>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, order.createdById);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who approved it.' })
  @Reads(PurchaseOrder, 'approvedById')
  approvedBy(@Root() order: RowOf<PurchaseOrder, 'approvedById'>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, order.approvedById);
  }

  @FieldResolver(() => [GoodsReceiptObject], { description: 'Its deliveries, oldest first.' })
  @ReadsKeyOnly()
  receipts(@Root() order: RowOf<PurchaseOrder>, @Ctx() context: RequestContext) {
    return receiptsOfPurchaseOrder.load(context, order.id);
  }

  @FieldResolver(() => [HistoryEntry], {
    description: 'Everything that happened to it, oldest first, with who and when.',
  })
  @ReadsKeyOnly()
  history(@Root() order: RowOf<PurchaseOrder>, @Ctx() context: RequestContext) {
    return loadHistory(context, 'PurchaseOrder', order.id);
  }
}

@Resolver(() => PurchaseOrderLineObject)
export class PurchaseOrderLineResolver {
  @FieldResolver(() => ProductObject, { description: 'What is bought.' })
  @Reads(PurchaseOrderLine, 'product')
  product(@Root() line: RowOf<PurchaseOrderLine, 'product'>, @Ctx() context: RequestContext) {
    return productRows.of(context, line.product);
  }

  @FieldResolver(() => Money, { description: 'The agreed price per unit.' })
  @Reads(PurchaseOrderLine, 'unitCostMinor')
  unitCost(@Root() line: RowOf<PurchaseOrderLine, 'unitCostMinor'>): Money {
    return Money.fromMinor(line.unitCostMinor);
  }

  @FieldResolver(() => Money, { description: 'quantity × unitCost.' })
  @Reads(PurchaseOrderLine, 'quantity', 'unitCostMinor')
  amount(@Root() line: RowOf<PurchaseOrderLine, 'quantity' | 'unitCostMinor'>): Money {
    return Money.fromMinor(BigInt(line.quantity) * line.unitCostMinor);
  }
}

@Resolver(() => GoodsReceiptObject)
export class GoodsReceiptResolver extends NodeResolver(GoodsReceiptObject, 'GoodsReceipt') {
  @FieldResolver(() => PurchaseOrderObject, { description: 'The order delivered against.' })
  @Reads(GoodsReceipt, 'purchaseOrder')
  purchaseOrder(
    @Root() receipt: RowOf<GoodsReceipt, 'purchaseOrder'>,
    @Ctx() context: RequestContext,
  ) {
    return purchaseOrderRows.of(context, receipt.purchaseOrder);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who received it.' })
  @Reads(GoodsReceipt, 'receivedById')
  receivedBy(@Root() receipt: RowOf<GoodsReceipt, 'receivedById'>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, receipt.receivedById);
  }

  @FieldResolver(() => [GoodsReceiptLineObject], { description: 'What arrived, per product.' })
  @ReadsKeyOnly()
  lines(@Root() receipt: RowOf<GoodsReceipt>, @Ctx() context: RequestContext) {
    return linesOfReceipt.load(context, receipt.id);
  }

  @Authorized(...Permissions.ledger.read)
  @FieldResolver(() => JournalEntryObject, {
    nullable: true,
    description:
      'Dr 1200 Inventory / Cr 2150 Goods received not invoiced, at PO cost (null when what was accepted cost nothing). Requires one of: ACCOUNTANT, ADMIN.',
  })
  @Reads(GoodsReceipt, 'journalEntryId')
  journalEntry(
    @Root() receipt: RowOf<GoodsReceipt, 'journalEntryId'>,
    @Ctx() context: RequestContext,
  ) {
    return journalEntryRows.byId(context, receipt.journalEntryId);
  }
}

@Resolver(() => GoodsReceiptLineObject)
export class GoodsReceiptLineResolver {
  @FieldResolver(() => ProductObject, { description: 'The product.' })
  @Reads(GoodsReceiptLine, 'purchaseOrderLine')
  async product(
    @Root() line: RowOf<GoodsReceiptLine, 'purchaseOrderLine'>,
    @Ctx() context: RequestContext,
  ) {
    const orderLine = await purchaseOrderLineRows.of(context, line.purchaseOrderLine);
    return orderLine && productRows.of(context, orderLine.product);
  }
}

@Resolver(() => BillPurchaseLineObject)
export class BillPurchaseLineResolver {
  @FieldResolver(() => ProductObject, { description: 'The product billed.' })
  @Reads(PurchaseBillLine, 'purchaseOrderLine')
  async product(
    @Root() line: RowOf<PurchaseBillLine, 'purchaseOrderLine'>,
    @Ctx() context: RequestContext,
  ) {
    const orderLine = await purchaseOrderLineRows.of(context, line.purchaseOrderLine);
    return orderLine && productRows.of(context, orderLine.product);
  }

  @FieldResolver(() => Money, { description: "The vendor's price per unit." })
  @Reads(PurchaseBillLine, 'unitCostMinor')
  unitCost(@Root() line: RowOf<PurchaseBillLine, 'unitCostMinor'>): Money {
    return Money.fromMinor(line.unitCostMinor);
  }

  @FieldResolver(() => Money, { description: 'What it cleared from 2150.' })
  @Reads(PurchaseBillLine, 'clearedMinor')
  cleared(@Root() line: RowOf<PurchaseBillLine, 'clearedMinor'>): Money {
    return Money.fromMinor(line.clearedMinor);
  }

  @FieldResolver(() => Money, { description: 'What it posted to 5100.' })
  @Reads(PurchaseBillLine, 'varianceMinor')
  variance(@Root() line: RowOf<PurchaseBillLine, 'varianceMinor'>): Money {
    return Money.fromMinor(line.varianceMinor);
  }
}

/** What purchasing adds to bills: the purchase order billed, and the matched lines. */
@Resolver(() => BillObject)
export class BillPurchasingResolver {
  @FieldResolver(() => PurchaseOrderObject, {
    nullable: true,
    description: 'The purchase order it bills; null for a bill without one.',
  })
  @ReadsKeyOnly()
  async purchaseOrder(@Root() bill: RowOf<Bill>, @Ctx() context: RequestContext) {
    const [first] = await purchaseLinesOfBill.load(context, bill.id);
    if (!first) return null;
    const orderLine = await purchaseOrderLineRows.of(context, first.purchaseOrderLine);
    return orderLine && purchaseOrderRows.of(context, orderLine.purchaseOrder);
  }

  @FieldResolver(() => [BillPurchaseLineObject], {
    description: 'Its lines matched to purchase order lines (empty without a purchase order).',
  })
  @ReadsKeyOnly()
  purchaseLines(@Root() bill: RowOf<Bill>, @Ctx() context: RequestContext) {
    return purchaseLinesOfBill.load(context, bill.id);
  }
}
