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
import type { GraphQLResolveInfo } from 'graphql';
import { loadHistory } from '../../events/history';
import { HistoryEntry } from '../../events/history.types';
import { signedIn } from '../../graphql/auth-checker';
import type { RequestContext } from '../context';
import type { Viewer } from '../common/viewer';
import { parseGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { Permissions } from '../auth/permissions';
import type { Customer } from '../customers/customer.entity';
import { CustomerObject } from '../customers/customer.types';
import { EmployeeObject } from '../employees/employee.types';
import { ProductObject } from '../catalog/catalog.types';
import { Order, OrderLine, OrderStatus } from './order.entity';
import { ORDER_TRANSITIONS } from './order-process';
import type { OrderService } from './order.service';
import {
  CancelOrderInput,
  CancelOrderPayload,
  DeliverOrderInput,
  DeliverOrderPayload,
  OrderConnection,
  OrderFilter,
  OrderLineObject,
  OrderObject,
  PackOrderInput,
  PackOrderPayload,
  PlaceOrderInput,
  PlaceOrderPayload,
  ShipOrderInput,
  ShipOrderPayload,
  StartPickingInput,
  StartPickingPayload,
  type OrderIdInput,
} from './order.types';
import { readById, readRoot, Reads, ReadsKeyOnly, type RowOf } from '../../read';
import { linesOf, orderPage, ordersOfCustomer } from './order.reads';
import { employeeRows } from '../employees/employee.reads';
import { productRows } from '../catalog/catalog.reads';
import { customerRows } from '../customers/customer.reads';

registerNodeType({
  typeName: 'Order',
  entity: Order,
  roles: Permissions.orders.read,
  load: (context, id) => readById(context, Order, id),
});

/** Runs an order mutation for the signed-in viewer (roles are checked by `@Authorized`), and shapes its payload. */
function orderMutation(
  context: RequestContext,
  orderId: string,
  action: (service: OrderService, viewer: Viewer, id: number) => Promise<{ order: Order }>,
) {
  const viewer = signedIn(context);
  const id = parseGlobalId(orderId, 'Order', 'input.orderId');
  return toPayload(() => action(context.services.orders, viewer, id));
}

@Resolver(() => OrderObject)
export class OrderResolver extends NodeResolver(OrderObject, 'Order') {
  @Authorized(...Permissions.orders.read)
  @Query(() => OrderConnection, { description: 'Orders, newest first.' })
  orders(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => OrderFilter, { nullable: true, description: 'Which orders to list.' })
    filter: OrderFilter | null,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const customerId = filter?.customerId
      ? parseGlobalId(filter.customerId, 'Customer', 'filter.customerId')
      : null;
    const where = context.services.orders.listWhere({ ...filter, customerId });
    return orderPage(context, where, args, info);
  }

  @Authorized(...Permissions.orders.read)
  @Query(() => OrderObject, {
    nullable: true,
    description: 'One order by ID; null if there is none.',
  })
  order(
    @Arg('id', () => ID, { description: 'The order ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(context, info, Order, 'Order', parseGlobalId(id, 'Order'));
  }

  @Authorized(...Permissions.orders.place)
  @Mutation(() => PlaceOrderPayload, {
    description:
      'Places an order and reserves stock for all lines or none (`OUT_OF_STOCK` names the line).',
  })
  placeOrder(
    @Arg('input', () => PlaceOrderInput, { description: 'The order.' }) input: PlaceOrderInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const customerId = parseGlobalId(input.customerId, 'Customer', 'input.customerId');
    const lines = input.lines.map((line, index) => ({
      productId: parseGlobalId(line.productId, 'Product', `input.lines.${index}.productId`),
      quantity: line.quantity,
    }));
    return toPayload(() =>
      context.services.orders.placeOrder(context, viewer, {
        customerId,
        lines,
        note: input.note,
        idempotencyKey: input.idempotencyKey,
      }),
    );
  }

  @Authorized(...Permissions.orders.fulfil)
  @Mutation(() => StartPickingPayload, { description: 'PLACED → PICKING.' })
  startPicking(
    @Arg('input', () => StartPickingInput, { description: 'The order.' }) input: OrderIdInput,
    @Ctx() context: RequestContext,
  ) {
    return orderMutation(context, input.orderId, (orders, viewer, id) =>
      orders.startPicking(context, viewer, id),
    );
  }

  @Authorized(...Permissions.orders.fulfil)
  @Mutation(() => PackOrderPayload, { description: 'PICKING → PACKED.' })
  packOrder(
    @Arg('input', () => PackOrderInput, { description: 'The order.' }) input: OrderIdInput,
    @Ctx() context: RequestContext,
  ) {
    return orderMutation(context, input.orderId, (orders, viewer, id) =>
      orders.pack(context, viewer, id),
    );
  }

  @Authorized(...Permissions.orders.fulfil)
  @Mutation(() => ShipOrderPayload, {
    description:
      'PACKED → SHIPPED: takes the units off hand and out of reserve, and issues and posts the invoice.',
  })
  shipOrder(
    @Arg('input', () => ShipOrderInput, { description: 'The order and its carrier.' })
    input: ShipOrderInput,
    @Ctx() context: RequestContext,
  ) {
    return orderMutation(context, input.orderId, (orders, viewer, id) =>
      orders.ship(context, viewer, id, input.carrier, input.trackingNumber),
    );
  }

  @Authorized(...Permissions.orders.fulfil)
  @Mutation(() => DeliverOrderPayload, { description: 'SHIPPED → DELIVERED.' })
  deliverOrder(
    @Arg('input', () => DeliverOrderInput, { description: 'The order.' }) input: OrderIdInput,
    @Ctx() context: RequestContext,
  ) {
    return orderMutation(context, input.orderId, (orders, viewer, id) =>
      orders.deliver(context, viewer, id),
    );
  }

  @Authorized(...Permissions.orders.cancel)
  @Mutation(() => CancelOrderPayload, {
    description: 'PLACED, PICKING or PACKED → CANCELLED: releases exactly what was reserved.',
  })
  cancelOrder(
    @Arg('input', () => CancelOrderInput, { description: 'The order and why.' })
    input: CancelOrderInput,
    @Ctx() context: RequestContext,
  ) {
    return orderMutation(context, input.orderId, (orders, viewer, id) =>
      orders.cancel(context, viewer, id, input.reason),
    );
  }

  @FieldResolver(() => [OrderStatus], { description: 'The statuses this order may move to next.' })
  @Reads(Order, 'status')
  nextStates(@Root() order: RowOf<Order, 'status'>): readonly OrderStatus[] {
    return ORDER_TRANSITIONS[order.status];
  }

  @FieldResolver(() => CustomerObject, { description: 'Who ordered.' })
  @Reads(Order, 'customer')
  customer(@Root() order: RowOf<Order, 'customer'>, @Ctx() context: RequestContext) {
    return customerRows.of(context, order.customer);
  }

  @FieldResolver(() => [OrderLineObject], { description: 'What was ordered, in the order given.' })
  @ReadsKeyOnly()
  lines(@Root() order: RowOf<Order>, @Ctx() context: RequestContext) {
    return linesOf(context, order);
  }

  @FieldResolver(() => Money, { description: 'Sum of the line totals.' })
  @Reads(Order, 'totalMinor', 'currency')
  total(@Root() order: RowOf<Order, 'totalMinor' | 'currency'>): Money {
    return Money.fromMinor(order.totalMinor, order.currency);
  }

  @FieldResolver(() => EmployeeObject, {
    nullable: true,
    description: 'The employee who placed it.',
  })
  @Reads(Order, 'placedById')
  placedBy(@Root() order: RowOf<Order, 'placedById'>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, order.placedById);
  }

  @FieldResolver(() => [HistoryEntry], {
    description: 'Every recorded change, oldest first, with who and when.',
  })
  @ReadsKeyOnly()
  history(@Root() order: RowOf<Order>, @Ctx() context: RequestContext) {
    return loadHistory(context, 'Order', order.id);
  }
}

@Resolver(() => OrderLineObject)
export class OrderLineResolver {
  @FieldResolver(() => ProductObject, { description: 'The product.' })
  @Reads(OrderLine, 'product')
  product(@Root() line: RowOf<OrderLine, 'product'>, @Ctx() context: RequestContext) {
    return productRows.of(context, line.product);
  }

  @FieldResolver(() => Money, { description: 'Price per unit when the order was placed.' })
  @Reads(OrderLine, 'unitPriceMinor')
  unitPrice(@Root() line: RowOf<OrderLine, 'unitPriceMinor'>): Money {
    return Money.fromMinor(line.unitPriceMinor);
  }

  @FieldResolver(() => Money, { description: 'Quantity × unit price.' })
  @Reads(OrderLine, 'totalMinor')
  total(@Root() line: RowOf<OrderLine, 'totalMinor'>): Money {
    return Money.fromMinor(line.totalMinor);
  }
}

@Resolver(() => CustomerObject)
export class CustomerOrdersResolver {
  @Authorized(...Permissions.orders.read)
  @FieldResolver(() => OrderConnection, { description: "The customer's orders, newest first." })
  @ReadsKeyOnly()
  orders(
    @Root() customer: RowOf<Customer>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('status', () => [OrderStatus], {
      nullable: true,
      description: 'Only orders in one of these statuses.',
    })
    status: OrderStatus[] | null,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where = context.services.orders.listWhere({ status });
    return ordersOfCustomer(context, customer.id, where, args, info);
  }
}
