import { ArrayMaxSize, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { HistoryEntry } from '../../events/history.types';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { ProductObject } from '../catalog/catalog.types';
import { CustomerObject } from '../customers/customer.types';
import { EmployeeObject } from '../employees/employee.types';
import { OrderStatus } from './order.entity';

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description:
    'Where an order is in fulfilment: PLACED → PICKING → PACKED → SHIPPED → DELIVERED, or CANCELLED before shipping.',
  valuesConfig: {
    PLACED: { description: 'Accepted; its stock is reserved.' },
    PICKING: { description: 'Being picked in the warehouse.' },
    PACKED: { description: 'Packed and waiting for the carrier.' },
    SHIPPED: {
      description: 'Handed to the carrier; stock left the warehouse and the invoice was issued.',
    },
    DELIVERED: { description: 'Delivered to the customer. Final.' },
    CANCELLED: { description: 'Cancelled before shipping; its reservations were released. Final.' },
  },
});

@ObjectType('OrderLine', {
  description: 'One product on an order, at the price it had when the order was placed.',
})
export class OrderLineObject {
  @Field(() => ProductObject, { description: 'The product.' })
  product!: unknown;

  @Field(() => Int, { description: 'Units ordered.' })
  quantity!: number;

  @Field(() => Money, { description: 'Price per unit when the order was placed.' })
  unitPrice!: Money;

  @Field(() => Money, { description: 'Quantity × unit price.' })
  total!: Money;
}

@ObjectType('Order', { implements: Node, description: "A customer's order and its fulfilment." })
export class OrderObject extends Node {
  @Field(() => String, { description: 'Human-readable order number, such as SO-000042.' })
  number!: string;

  @Field(() => OrderStatus, { description: 'Where the order is in fulfilment.' })
  status!: OrderStatus;

  @Field(() => [OrderStatus], { description: 'The statuses this order may move to next.' })
  nextStates!: OrderStatus[];

  @Field(() => CustomerObject, { description: 'Who ordered.' })
  customer!: unknown;

  @Field(() => [OrderLineObject], { description: 'What was ordered, in the order given.' })
  lines!: OrderLineObject[];

  @Field(() => Money, { description: 'Sum of the line totals.' })
  total!: Money;

  @Field(() => String, { nullable: true, description: 'A note from whoever placed it.' })
  note!: string | null;

  @Field(() => String, { nullable: true, description: 'Carrier, once shipped.' })
  carrier!: string | null;

  @Field(() => String, { nullable: true, description: 'Carrier tracking number, once shipped.' })
  trackingNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was cancelled.' })
  cancelReason!: string | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'The employee who placed it.' })
  placedBy!: unknown;

  @Field(() => Date, { description: 'When it was placed.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When it last changed.' })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it shipped.' })
  shippedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was delivered.' })
  deliveredAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was cancelled.' })
  cancelledAt!: Date | null;

  @Field(() => [HistoryEntry], {
    description: 'Every recorded change, oldest first, with who and when.',
  })
  history!: HistoryEntry[];
}

export const OrderConnection = Connection(OrderObject, 'Order', 'order');

@InputType({ description: 'Which orders to list.' })
export class OrderFilter {
  @Field(() => [OrderStatus], {
    nullable: true,
    description: 'Only orders in one of these statuses.',
  })
  @IsOptional()
  @ArrayMaxSize(6)
  status?: OrderStatus[] | null;

  @Field(() => ID, { nullable: true, description: "Only this customer's orders." })
  @IsOptional()
  @IsString()
  customerId?: string | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'Placed on or after this day (UTC).',
  })
  @IsOptional()
  from?: string | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'Placed on or before this day (UTC).',
  })
  @IsOptional()
  to?: string | null;
}

@InputType({ description: 'One line of a new order.' })
export class OrderLineInput {
  @Field(() => ID, { description: 'The product.' })
  @IsString()
  productId!: string;

  @Field(() => Int, { description: 'Units, from 1 to 10,000.' })
  quantity!: number;
}

@InputType({ description: 'A new order.' })
export class PlaceOrderInput {
  @Field(() => ID, { description: 'Who orders.' })
  @IsString()
  customerId!: string;

  @Field(() => [OrderLineInput], { description: 'What they order (1 to 100 lines).' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(100)
  lines!: OrderLineInput[];

  @Field(() => String, { nullable: true, description: 'A note for the warehouse.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Makes retries safe: the same key with the same input returns the first order; with other input it is refused.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

/** The input of a transition that needs nothing but the order: `StartPickingInput`, ... */
function orderIdInput(name: string, description: string) {
  @InputType(name, { description })
  class OrderIdInput {
    @Field(() => ID, { description: 'The order.' })
    @IsString()
    orderId!: string;
  }
  return OrderIdInput;
}

export const StartPickingInput = orderIdInput(
  'StartPickingInput',
  'The placed order whose picking starts.',
);
export const PackOrderInput = orderIdInput(
  'PackOrderInput',
  'The order being picked that is now packed.',
);
export const DeliverOrderInput = orderIdInput(
  'DeliverOrderInput',
  'The shipped order that reached the customer.',
);
export type OrderIdInput = InstanceType<typeof StartPickingInput>;

@InputType({ description: 'The order to ship, and how.' })
export class ShipOrderInput {
  @Field(() => ID, { description: 'The order.' })
  @IsString()
  orderId!: string;

  @Field(() => String, { description: 'The carrier, such as "DHL".' })
  @IsString()
  @MaxLength(100)
  carrier!: string;

  @Field(() => String, { description: "The carrier's tracking number." })
  @IsString()
  @MaxLength(100)
  trackingNumber!: string;
}

@InputType({ description: 'The order to cancel, and why.' })
export class CancelOrderInput {
  @Field(() => ID, { description: 'The order.' })
  @IsString()
  orderId!: string;

  @Field(() => String, { description: 'Why, for the record and the customer.' })
  @IsString()
  @MaxLength(1000)
  reason!: string;
}

/** Every order mutation returns the order and its user errors, in a payload named after it. */
function orderPayload(mutation: string, refusals: string) {
  const name = `${mutation[0].toUpperCase()}${mutation.slice(1)}Payload`;
  @ObjectType(name, { description: `The result of \`${mutation}\`.` })
  class OrderPayload {
    @Field(() => OrderObject, {
      nullable: true,
      description: 'The order as it is now; null when refused.',
    })
    order?: unknown;

    @Field(() => [UserError], { description: `Why it was refused (${refusals}).` })
    userErrors!: UserError[];
  }
  return OrderPayload;
}

const TRANSITION_REFUSALS = '`INVALID_TRANSITION`, `NOT_FOUND`';
export const PlaceOrderPayload = orderPayload(
  'placeOrder',
  '`OUT_OF_STOCK`, `NOT_FOUND`, `PRODUCT_UNAVAILABLE`, `CUSTOMER_INACTIVE`, `IDEMPOTENCY_KEY_REUSED`, `INVALID_INPUT`',
);
export const StartPickingPayload = orderPayload('startPicking', TRANSITION_REFUSALS);
export const PackOrderPayload = orderPayload('packOrder', TRANSITION_REFUSALS);
export const ShipOrderPayload = orderPayload(
  'shipOrder',
  `${TRANSITION_REFUSALS}, \`INVALID_INPUT\``,
);
export const DeliverOrderPayload = orderPayload('deliverOrder', TRANSITION_REFUSALS);
export const CancelOrderPayload = orderPayload(
  'cancelOrder',
  `${TRANSITION_REFUSALS}, \`INVALID_INPUT\``,
);
