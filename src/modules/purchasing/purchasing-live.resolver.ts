import { IsOptional, IsString } from 'class-validator';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import type { CommittedEvent } from '../../events/event-dispatcher';
import { LiveFeed } from '../../events/live-feed';
import { parseCursor, requireLiveRole } from '../../events/live-stream';
import { parseGlobalId } from '../../graphql/global-id';
import { readById } from '../../read';
import { StockEvent } from '../catalog/stock-live.resolver';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import { GoodsReceipt, PurchaseOrder, PurchaseOrderStatus } from './purchase-order.entity';
import { GoodsReceiptObject, PurchaseOrderObject, PURCHASING_READERS } from './purchasing.types';
import { purchaseOrderRows } from './purchasing.reads';

/** What happened to a purchase order: the types of its events in the event log. */
export enum PurchaseOrderEventType {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  APPROVED = 'APPROVED',
  LINES_PROPOSED = 'LINES_PROPOSED',
  SENT = 'SENT',
  SEND_SKIPPED = 'SEND_SKIPPED',
  GOODS_RECEIVED = 'GOODS_RECEIVED',
  BILLED = 'BILLED',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(PurchaseOrderEventType, {
  name: 'PurchaseOrderEventType',
  description: 'What happened to a purchase order.',
  valuesConfig: {
    CREATED: { description: 'It was made (by someone, or proposed by replenishment).' },
    UPDATED: {
      description:
        "Someone changed the draft's lines, expected date or note (updatePurchaseOrder).",
    },
    APPROVED: { description: 'DRAFT → APPROVED: it is ordered.' },
    LINES_PROPOSED: { description: 'Replenishment changed the lines of its draft.' },
    SENT: { description: 'It was emailed to the vendor with its PDF (or emailed again).' },
    SEND_SKIPPED: {
      description: 'It was not emailed: the vendor has no email address (sendPurchaseOrder).',
    },
    GOODS_RECEIVED: { description: 'A delivery arrived (`receipt`); stock rose at once.' },
    BILLED: { description: "A vendor's bill was matched against it." },
    CLOSED: { description: 'No more deliveries are expected.' },
    CANCELLED: { description: 'It was withdrawn before anything arrived.' },
  },
});

const EVENT_TYPES = new Set<string>(Object.values(PurchaseOrderEventType));

@InputType({ description: 'Which purchase orders to follow.' })
export class PurchaseOrderEventFilter {
  @Field(() => ID, { nullable: true, description: 'Just this purchase order.' })
  @IsOptional()
  @IsString()
  purchaseOrderId?: string | null;

  @Field(() => ID, { nullable: true, description: "This vendor's purchase orders." })
  @IsOptional()
  @IsString()
  vendorId?: string | null;
}

@ObjectType({
  description: `A committed change to a purchase order, delivered live: order consoles see deliveries as they are received. Resume after a disconnect with \`after: <cursor>\`. ${PURCHASING_READERS}`,
})
export class PurchaseOrderEvent {
  @Field(() => String, {
    description:
      'The position of this event; pass it as `after` to resume without a gap or a duplicate.',
  })
  cursor!: string;

  @Field(() => PurchaseOrderEventType, { description: 'What happened.' })
  type!: PurchaseOrderEventType;

  @Field(() => Date, { description: 'When the change committed.' })
  occurredAt!: Date;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'Who did it (null: the system, such as replenishment or the mail job).',
  })
  actor!: unknown;

  @Field(() => PurchaseOrderObject, { description: 'The purchase order as it is now.' })
  purchaseOrder!: unknown;

  @Field(() => PurchaseOrderStatus, {
    nullable: true,
    description: 'The status before, when the event changed it (null otherwise).',
  })
  fromStatus!: PurchaseOrderStatus | null;

  @Field(() => PurchaseOrderStatus, {
    nullable: true,
    description:
      'The status after, when the event changed it (DRAFT for CREATED; null when it did not change).',
  })
  toStatus!: PurchaseOrderStatus | null;

  @Field(() => GoodsReceiptObject, {
    nullable: true,
    description: 'The delivery, for GOODS_RECEIVED (null otherwise).',
  })
  receipt!: unknown;
}

interface PurchaseOrderEventArgs {
  filter?: PurchaseOrderEventFilter | null;
  after?: string | null;
}

const READ = Permissions.purchasing.read;

function purchaseOrderEventFeed({
  args,
  context,
}: SubscribeResolverData<
  unknown,
  PurchaseOrderEventArgs,
  RequestContext
>): LiveFeed<RequestContext> {
  requireLiveRole(context, READ);
  const purchaseOrderId = args.filter?.purchaseOrderId
    ? parseGlobalId(args.filter.purchaseOrderId, 'PurchaseOrder', 'filter.purchaseOrderId')
    : null;
  const vendorId = args.filter?.vendorId
    ? parseGlobalId(args.filter.vendorId, 'Vendor', 'filter.vendorId')
    : null;
  return new LiveFeed({
    kind: 'purchaseOrderEvents',
    context,
    after: parseCursor(args.after),
    accepts: (event) =>
      event.streamType === 'PurchaseOrder' &&
      EVENT_TYPES.has(event.type) &&
      (purchaseOrderId === null || Number(event.streamId) === purchaseOrderId),
    select: (event, eventContext) => {
      requireLiveRole(eventContext, READ);
      if (vendorId === null) return { root: event };
      // An order's vendor never changes; the orders of a pass are read in one batch.
      return readById(eventContext, PurchaseOrder, Number(event.streamId)).then((order) =>
        order?.vendor.id === vendorId ? { root: event } : null,
      );
    },
  });
}

@Resolver(() => PurchaseOrderEvent)
export class PurchasingLiveResolver {
  @Authorized(...READ)
  @Subscription(() => PurchaseOrderEvent, {
    description: `Purchase order changes as they commit (approvals, mailings, deliveries, bills, closing). With \`after\`, first every event missed since that cursor, then live ones. A cursor older than the retained history ends with RESYNC_REQUIRED. ${PURCHASING_READERS}`,
    subscribe: purchaseOrderEventFeed,
  })
  purchaseOrderEvents(
    @Root() event: CommittedEvent,
    @Arg('filter', () => PurchaseOrderEventFilter, {
      nullable: true,
      description: 'Which purchase orders to follow; all when omitted.',
    })
    _filter: PurchaseOrderEventFilter | null,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The cursor of the last event seen: replay everything after it first.',
    })
    _after: string | null,
    @Ctx() context: RequestContext,
  ): PurchaseOrderEvent {
    const payload = event.payload as {
      from?: PurchaseOrderStatus;
      to?: PurchaseOrderStatus;
      receiptId?: number;
    };
    const created = event.type === PurchaseOrderEventType.CREATED;
    return {
      cursor: String(event.seq),
      type: event.type as PurchaseOrderEventType,
      occurredAt: event.occurredAt,
      actor: employeeRows.byId(context, event.actorId),
      purchaseOrder: readById(context, PurchaseOrder, Number(event.streamId)),
      fromStatus: payload.from ?? null,
      toStatus: payload.to ?? (created ? PurchaseOrderStatus.DRAFT : null),
      receipt:
        typeof payload.receiptId === 'number'
          ? readById(context, GoodsReceipt, payload.receiptId)
          : null,
    };
  }
}

/** What purchasing adds to stock events: the order a delivery was received against. */
@Resolver(() => StockEvent)
export class StockEventPurchasingResolver {
  @Authorized(...READ)
  @FieldResolver(() => PurchaseOrderObject, {
    nullable: true,
    description:
      'The purchase order delivered against (STOCK_RECEIVED; null otherwise). Requires one of: ACCOUNTANT, FULFILLMENT, REPORTING, ADMIN.',
  })
  purchaseOrder(@Root() event: StockEvent, @Ctx() context: RequestContext) {
    return purchaseOrderRows.byId(context, event.purchaseOrderId);
  }
}
