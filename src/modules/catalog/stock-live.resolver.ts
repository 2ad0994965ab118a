import { IsOptional, IsString } from 'class-validator';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  ID,
  InputType,
  Int,
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
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import { ProductObject } from './catalog.types';
import { Product } from './product.entity';

/** How a product's stock on hand changed: the stock events of the event log. */
export enum StockEventType {
  STOCK_ADJUSTED = 'STOCK_ADJUSTED',
  STOCK_RECEIVED = 'STOCK_RECEIVED',
  STOCK_ISSUED = 'STOCK_ISSUED',
}

registerEnumType(StockEventType, {
  name: 'StockEventType',
  description: "How a product's stock on hand changed.",
  valuesConfig: {
    STOCK_ADJUSTED: { description: 'Someone adjusted it (adjustStock), with a reason.' },
    STOCK_RECEIVED: {
      description: 'A delivery against a purchase order was received into stock (receiveGoods).',
    },
    STOCK_ISSUED: {
      description:
        'Parts were taken out of stock for a maintenance work order (completeWorkOrder).',
    },
  },
});

const EVENT_TYPES = new Set<string>(Object.values(StockEventType));

@InputType({ description: 'Which products to follow.' })
export class StockEventFilter {
  @Field(() => ID, { nullable: true, description: 'Just this product.' })
  @IsOptional()
  @IsString()
  productId?: string | null;
}

@ObjectType({
  description:
    "A committed change to a product's stock on hand, delivered live: stock readers see deliveries the moment they are received. Resume after a disconnect with `after: <cursor>`.",
})
export class StockEvent {
  @Field(() => String, {
    description:
      'The position of this event; pass it as `after` to resume without a gap or a duplicate.',
  })
  cursor!: string;

  @Field(() => StockEventType, { description: 'What happened.' })
  type!: StockEventType;

  @Field(() => Date, { description: 'When the change committed.' })
  occurredAt!: Date;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who did it.' })
  actor!: unknown;

  @Field(() => ProductObject, { description: 'The product as it is now.' })
  product!: unknown;

  @Field(() => Int, { description: 'Units added to on hand (negative: taken off).' })
  quantityDelta!: number;

  @Field(() => Int, { description: 'Units on hand right after this change.' })
  onHand!: number;

  @Field(() => Int, { description: 'Units reserved for orders right after this change.' })
  reserved!: number;

  @Field(() => Int, { description: 'onHand − reserved right after this change.' })
  available!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'Why it was adjusted (STOCK_ADJUSTED) or taken out (STOCK_ISSUED); null otherwise.',
  })
  reason!: string | null;

  /**
   * The purchase order of a STOCK_RECEIVED event, for the `purchaseOrder` field that purchasing
   * adds (its readers only).
   */
  purchaseOrderId!: number | null;
}

interface StockEventArgs {
  filter?: StockEventFilter | null;
  after?: string | null;
}

const READ = Permissions.catalog.read;

function stockEventFeed({
  args,
  context,
}: SubscribeResolverData<unknown, StockEventArgs, RequestContext>): LiveFeed<RequestContext> {
  requireLiveRole(context, READ);
  const productId = args.filter?.productId
    ? parseGlobalId(args.filter.productId, 'Product', 'filter.productId')
    : null;
  return new LiveFeed({
    kind: 'stockEvents',
    context,
    after: parseCursor(args.after),
    accepts: (event) =>
      event.streamType === 'Product' &&
      EVENT_TYPES.has(event.type) &&
      (productId === null || Number(event.streamId) === productId),
    select: (event, eventContext) => {
      requireLiveRole(eventContext, READ);
      return { root: event };
    },
  });
}

@Resolver(() => StockEvent)
export class StockLiveResolver {
  @Authorized(...READ)
  @Subscription(() => StockEvent, {
    description:
      'Stock changes as they commit: adjustments, goods received from vendors and parts taken for maintenance. With `after`, first every event missed since that cursor, then live ones. A cursor older than the retained history ends with RESYNC_REQUIRED. Requires one of: SUPPORT_AGENT, SUPPORT_LEAD, FULFILLMENT, ACCOUNTANT, REPORTING, ADMIN.',
    subscribe: stockEventFeed,
  })
  stockEvents(
    @Root() event: CommittedEvent,
    @Arg('filter', () => StockEventFilter, {
      nullable: true,
      description: 'Which products to follow; all when omitted.',
    })
    _filter: StockEventFilter | null,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The cursor of the last event seen: replay everything after it first.',
    })
    _after: string | null,
    @Ctx() context: RequestContext,
  ): StockEvent {
    const payload = event.payload as {
      quantityDelta?: number;
      onHand?: number | string;
      reserved?: number | string;
      reason?: string;
      purchaseOrderId?: number;
    };
    const onHand = Number(payload.onHand ?? 0);
    const reserved = Number(payload.reserved ?? 0);
    return {
      cursor: String(event.seq),
      type: event.type as StockEventType,
      occurredAt: event.occurredAt,
      actor: employeeRows.byId(context, event.actorId),
      product: readById(context, Product, Number(event.streamId)),
      quantityDelta: Number(payload.quantityDelta ?? 0),
      onHand,
      reserved,
      available: onHand - reserved,
      reason: payload.reason ?? null,
      purchaseOrderId: typeof payload.purchaseOrderId === 'number' ? payload.purchaseOrderId : null,
    };
  }
}
