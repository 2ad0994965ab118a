import { IsOptional, IsString } from 'class-validator';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
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
import type { RequestContext } from '../context';
import { parseGlobalId } from '../../graphql/global-id';
import { Permissions } from '../auth/permissions';
import { EmployeeObject } from '../employees/employee.types';
import { Order, OrderStatus } from './order.entity';
import { OrderObject } from './order.types';
import { readById } from '../../read';
import { employeeRows } from '../employees/employee.reads';

export enum OrderEventType {
  PLACED = 'PLACED',
  STATUS_CHANGED = 'STATUS_CHANGED',
}

registerEnumType(OrderEventType, {
  name: 'OrderEventType',
  description: 'What happened to an order.',
  valuesConfig: {
    PLACED: { description: 'It was placed (stock reserved).' },
    STATUS_CHANGED: { description: 'It moved along fulfilment, or was cancelled.' },
  },
});

@InputType({ description: 'Which orders to follow.' })
export class OrderEventFilter {
  @Field(() => ID, { nullable: true, description: 'Just this order.' })
  @IsOptional()
  @IsString()
  orderId?: string | null;

  @Field(() => ID, { nullable: true, description: "This customer's orders." })
  @IsOptional()
  @IsString()
  customerId?: string | null;
}

@ObjectType({
  description:
    'A committed change to an order, delivered live. Resume after a disconnect with `after: <cursor>`.',
})
export class OrderEvent {
  @Field(() => String, {
    description:
      'The position of this event; pass it as `after` to resume without a gap or a duplicate.',
  })
  cursor!: string;

  @Field(() => OrderEventType, { description: 'What happened.' })
  type!: OrderEventType;

  @Field(() => Date, { description: 'When the change committed.' })
  occurredAt!: Date;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who did it.' })
  actor!: unknown;

  @Field(() => OrderObject, { description: 'The order as it is now.' })
  order!: unknown;

  @Field(() => OrderStatus, {
    nullable: true,
    description: 'The status before (null when placed).',
  })
  fromStatus!: OrderStatus | null;

  @Field(() => OrderStatus, { description: 'The status after.' })
  toStatus!: OrderStatus;
}

interface OrderEventArgs {
  filter?: OrderEventFilter | null;
  after?: string | null;
}

const READ = Permissions.orders.read;

function orderEventFeed({
  args,
  context,
}: SubscribeResolverData<unknown, OrderEventArgs, RequestContext>): LiveFeed<RequestContext> {
  requireLiveRole(context, READ);
  const orderId = args.filter?.orderId
    ? parseGlobalId(args.filter.orderId, 'Order', 'filter.orderId')
    : null;
  const customerId = args.filter?.customerId
    ? parseGlobalId(args.filter.customerId, 'Customer', 'filter.customerId')
    : null;
  return new LiveFeed({
    kind: 'orderEvents',
    context,
    after: parseCursor(args.after),
    accepts: (event) =>
      event.streamType === 'Order' &&
      (orderId === null || Number(event.streamId) === orderId) &&
      (customerId === null || event.payload.customerId === customerId),
    select: (event, eventContext) => {
      requireLiveRole(eventContext, READ);
      return { root: event };
    },
  });
}

@Resolver(() => OrderEvent)
export class OrderLiveResolver {
  @Authorized(...READ)
  @Subscription(() => OrderEvent, {
    description:
      'Order changes as they commit. With `after`, first every event missed since that cursor, then live ones. Requires one of: SUPPORT_AGENT, SUPPORT_LEAD, FULFILLMENT, ACCOUNTANT, REPORTING, ADMIN.',
    subscribe: orderEventFeed,
  })
  orderEvents(
    @Root() event: CommittedEvent,
    @Arg('filter', () => OrderEventFilter, {
      nullable: true,
      description: 'Which orders to follow; all when omitted.',
    })
    _filter: OrderEventFilter | null,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The cursor of the last event seen: replay everything after it first.',
    })
    _after: string | null,
    @Ctx() context: RequestContext,
  ): OrderEvent {
    const payload = event.payload as { from?: OrderStatus; to?: OrderStatus; status?: OrderStatus };
    return {
      cursor: String(event.seq),
      type: event.type as OrderEventType,
      occurredAt: event.occurredAt,
      actor: employeeRows.byId(context, event.actorId),
      order: readById(context, Order, Number(event.streamId)),
      fromStatus: payload.from ?? null,
      toStatus: payload.to ?? payload.status ?? OrderStatus.PLACED,
    };
  }
}
