import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar, DecimalScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { ProductObject } from '../catalog/catalog.types';
import { EmployeeObject } from '../employees/employee.types';
import { JournalEntryObject, VendorObject } from '../ledger/ledger.types';
import { PurchaseOrderOrigin, PurchaseOrderStatus } from './purchase-order.entity';
import { HistoryEntry } from '../../events/history.types';

export const PURCHASING_READERS = 'Requires one of: ACCOUNTANT, FULFILLMENT, REPORTING, ADMIN.';

registerEnumType(PurchaseOrderStatus, {
  name: 'PurchaseOrderStatus',
  description:
    'Where a purchase order is: DRAFT → APPROVED → PARTIALLY_RECEIVED → RECEIVED → CLOSED, or CANCELLED.',
  valuesConfig: {
    DRAFT: {
      description:
        'Not yet ordered: above PO_APPROVAL_THRESHOLD, or proposed by replenishment. Waits for approvePurchaseOrder.',
    },
    APPROVED: { description: 'Ordered (and mailed to the vendor); nothing received yet.' },
    PARTIALLY_RECEIVED: { description: 'Some of what was ordered arrived.' },
    RECEIVED: {
      description:
        'Every line arrived in full. More may still arrive, within the receipt tolerance.',
    },
    CLOSED: {
      description:
        'No more deliveries expected (closed short with a reason when some never came). Bills may still arrive.',
    },
    CANCELLED: { description: 'Withdrawn before anything arrived.' },
  },
});

registerEnumType(PurchaseOrderOrigin, {
  name: 'PurchaseOrderOrigin',
  description: 'Who proposed a purchase order.',
  valuesConfig: {
    MANUAL: { description: 'Someone created it.' },
    REPLENISHMENT: { description: 'The replenishment run proposed it from the reorder rules.' },
  },
});

@ObjectType('ReplenishmentProposal', {
  description:
    'Why replenishment proposed a line: the quantities it saw. proposed = maximum − (onHand − reserved + onOrder).',
})
export class ReplenishmentProposalObject {
  @Field(() => CalendarDateScalar, { description: 'The day of the run.' })
  asOf!: string;

  @Field(() => Int, { description: 'Units on hand.' })
  onHand!: number;

  @Field(() => Int, { description: 'Units reserved for orders.' })
  reserved!: number;

  @Field(() => Int, { description: 'Units on other open purchase orders, not yet received.' })
  onOrder!: number;

  @Field(() => Int, { description: "The rule's minimum." })
  minimum!: number;

  @Field(() => Int, { description: "The rule's maximum." })
  maximum!: number;

  @Field(() => Int, { description: 'Units proposed.' })
  proposed!: number;
}

@ObjectType('PurchaseOrderLine', { description: 'One product on a purchase order.' })
export class PurchaseOrderLineObject {
  @Field(() => ProductObject, { description: 'What is bought.' })
  product!: unknown;

  @Field(() => Int, { description: 'Units ordered.' })
  quantity!: number;

  @Field(() => Int, { description: 'Units accepted into stock so far.' })
  receivedQuantity!: number;

  @Field(() => Int, {
    description: 'Units that arrived damaged or wrong and were not taken into stock.',
  })
  rejectedQuantity!: number;

  @Field(() => Int, { description: "Units on the vendor's bills so far." })
  billedQuantity!: number;

  @Field(() => Money, { description: 'The agreed price per unit.' })
  unitCost!: Money;

  @Field(() => Money, { description: 'quantity × unitCost.' })
  amount!: Money;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: "When this line is expected (the order's expected date unless set).",
  })
  expectedDate!: string | null;

  @Field(() => ReplenishmentProposalObject, {
    nullable: true,
    description: 'Why replenishment proposed it; null for lines people wrote.',
  })
  proposal!: ReplenishmentProposalObject | null;
}

@ObjectType('PurchaseOrder', {
  implements: Node,
  description: `An order to a vendor. ${PURCHASING_READERS}`,
})
export class PurchaseOrderObject extends Node {
  @Field(() => String, { description: 'Order number, such as PO-000042.' })
  number!: string;

  @Field(() => PurchaseOrderStatus, { description: 'Where it is.' })
  status!: PurchaseOrderStatus;

  @Field(() => PurchaseOrderOrigin, { description: 'Who proposed it.' })
  origin!: PurchaseOrderOrigin;

  @Field(() => VendorObject, { description: 'Who we buy from.' })
  vendor!: unknown;

  @Field(() => [PurchaseOrderLineObject], { description: 'What is ordered, in line order.' })
  lines!: unknown[];

  @Field(() => Money, { description: 'Sum of quantity × unit cost over the lines.' })
  total!: Money;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'When the goods are expected.' })
  expectedDate!: string | null;

  @Field(() => String, { nullable: true, description: 'A note for the vendor.' })
  note!: string | null;

  @Field(() => DecimalScalar, {
    description:
      'Units may be received up to each line’s quantity plus this percentage of it, such as "10.00" (from the vendor when the order was made).',
  })
  receiptTolerancePercent!: string;

  @Field(() => DecimalScalar, {
    description:
      'A billed line matches when its price variance is within the greater of this percentage of its ordered amount…',
  })
  priceTolerancePercent!: string;

  @Field(() => Money, { description: '…and this amount, per bill line.' })
  priceToleranceAmount!: Money;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'Who created it (null: replenishment).',
  })
  createdBy!: unknown;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who approved it.' })
  approvedBy!: unknown;

  @Field(() => Date, { nullable: true, description: 'When it was approved.' })
  approvedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why it was closed short or cancelled.',
  })
  closedReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was closed or cancelled.' })
  closedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When it was emailed to the vendor; null until then, or when the vendor has no email address.',
  })
  sentAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Where its PDF (as mailed to the vendor) downloads: a path on this server, signed for 15 minutes; it also answers a bearer token that may read purchase orders. Null until it is approved. Requires one of: ACCOUNTANT, FULFILLMENT, REPORTING, ADMIN.',
  })
  pdfUrl!: string | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => [GoodsReceiptObject], { description: 'Its deliveries, oldest first.' })
  receipts!: unknown[];

  @Field(() => [HistoryEntry], {
    description: 'Everything that happened to it, oldest first (from the event log).',
  })
  history!: unknown[];
}

export const PurchaseOrderConnection = Connection(
  PurchaseOrderObject,
  'PurchaseOrder',
  'purchase order',
);

@ObjectType('GoodsReceiptLine', { description: 'What one delivery took in of one product.' })
export class GoodsReceiptLineObject {
  @Field(() => ProductObject, { description: 'The product.' })
  product!: unknown;

  @Field(() => Int, { description: 'Units accepted into stock.' })
  quantity!: number;

  @Field(() => Int, { description: 'Units refused (damaged or wrong): not stocked, not posted.' })
  rejectedQuantity!: number;

  @Field(() => String, { nullable: true, description: 'Why units were refused.' })
  rejectionReason!: string | null;
}

@ObjectType('GoodsReceipt', {
  implements: Node,
  description: `A delivery from a vendor against a purchase order. ${PURCHASING_READERS}`,
})
export class GoodsReceiptObject extends Node {
  @Field(() => PurchaseOrderObject, { description: 'The order delivered against.' })
  purchaseOrder!: unknown;

  @Field(() => CalendarDateScalar, { description: 'When it arrived (the posting date).' })
  receivedOn!: string;

  @Field(() => String, { nullable: true, description: 'A note, such as the delivery note number.' })
  note!: string | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who received it.' })
  receivedBy!: unknown;

  @Field(() => [GoodsReceiptLineObject], { description: 'What arrived, per product.' })
  lines!: unknown[];

  @Field(() => JournalEntryObject, {
    nullable: true,
    description:
      'Dr 1200 Inventory / Cr 2150 Goods received not invoiced, at PO cost (null when what was accepted cost nothing). Requires ACCOUNTANT or ADMIN.',
  })
  journalEntry!: unknown;
}

@InputType({ description: 'Which purchase orders.' })
export class PurchaseOrderFilter {
  @Field(() => ID, { nullable: true, description: "This vendor's orders." })
  @IsOptional()
  @IsString()
  vendorId?: string | null;

  @Field(() => [PurchaseOrderStatus], {
    nullable: true,
    description: 'Orders in any of these statuses (a single status is accepted too).',
  })
  @IsOptional()
  status?: PurchaseOrderStatus[] | null;

  @Field(() => PurchaseOrderOrigin, {
    nullable: true,
    description: 'Only manual, or only proposed.',
  })
  @IsOptional()
  origin?: PurchaseOrderOrigin | null;
}

@InputType({ description: 'One product to order.' })
export class PurchaseOrderLineInput {
  @Field(() => ID, { description: 'The product (once per order).' })
  @IsString()
  productId!: string;

  @Field(() => Int, { description: 'Units, 1 to 1,000,000.' })
  @IsInt()
  quantity!: number;

  @Field(() => DecimalScalar, { description: 'The agreed price per unit.' })
  unitCost!: string;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: "When this line is expected, if not the order's date.",
  })
  @IsOptional()
  expectedDate?: string | null;
}

@InputType({ description: 'A new purchase order.' })
export class CreatePurchaseOrderInput {
  @Field(() => ID, { description: 'Who we buy from.' })
  @IsString()
  vendorId!: string;

  @Field(() => [PurchaseOrderLineInput], { description: 'What to order: 1 to 500 lines.' })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  lines!: PurchaseOrderLineInput[];

  @Field(() => CalendarDateScalar, { nullable: true, description: 'When the goods are expected.' })
  @IsOptional()
  expectedDate?: string | null;

  @Field(() => String, { nullable: true, description: 'A note for the vendor.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string | null;

  @Field(() => String, { nullable: true, description: 'Makes retries safe.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'Changes to a draft purchase order; what is left out stays as it is.' })
export class UpdatePurchaseOrderInput {
  @Field(() => ID, { description: 'The draft.' })
  @IsString()
  purchaseOrderId!: string;

  @Field(() => [PurchaseOrderLineInput], {
    nullable: true,
    description: 'Its lines, all of them (they replace the current ones): 1 to 500.',
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(500)
  lines?: PurchaseOrderLineInput[] | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'When the goods are expected (null clears it).',
  })
  @IsOptional()
  expectedDate?: string | null;

  @Field(() => String, { nullable: true, description: 'A note for the vendor (null clears it).' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string | null;
}

@InputType({ description: 'A purchase order to act on.' })
export class PurchaseOrderIdInput {
  @Field(() => ID, { description: 'The purchase order.' })
  @IsString()
  purchaseOrderId!: string;
}

@InputType({ description: 'A purchase order to cancel.' })
export class CancelPurchaseOrderInput {
  @Field(() => ID, { description: 'The purchase order (nothing received yet).' })
  @IsString()
  purchaseOrderId!: string;

  @Field(() => String, { nullable: true, description: 'Why.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string | null;
}

@InputType({
  description: 'A purchase order to close. Name it by `id` or by `purchaseOrderId` (the same ID).',
})
export class ClosePurchaseOrderInput {
  @Field(() => ID, { nullable: true, description: 'The purchase order.' })
  @IsOptional()
  @IsString()
  id?: string | null;

  @Field(() => ID, { nullable: true, description: 'The purchase order (same as `id`).' })
  @IsOptional()
  @IsString()
  purchaseOrderId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why: required when closing short (a line received less than ordered).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string | null;
}

@InputType({ description: 'What arrived of one product.' })
export class ReceiveGoodsLineInput {
  @Field(() => ID, { description: 'The product (a line of the order).' })
  @IsString()
  productId!: string;

  @Field(() => Int, { description: 'Units accepted into stock (0 or more).' })
  @IsInt()
  quantity!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Units refused, damaged or wrong: recorded apart, never stocked (default 0).',
  })
  @IsOptional()
  @IsInt()
  rejectedQuantity?: number | null;

  @Field(() => String, { nullable: true, description: 'Why units were refused.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  rejectionReason?: string | null;
}

@InputType({ description: 'A delivery against a purchase order.' })
export class ReceiveGoodsInput {
  @Field(() => ID, { description: 'The purchase order.' })
  @IsString()
  purchaseOrderId!: string;

  @Field(() => [ReceiveGoodsLineInput], { description: 'What arrived, per product.' })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  lines!: ReceiveGoodsLineInput[];

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'When it arrived; today by default.',
  })
  @IsOptional()
  receivedOn?: string | null;

  @Field(() => String, { nullable: true, description: 'A note, such as the delivery note number.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Makes retries safe: the same key and input return the first receipt.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of createPurchaseOrder.' })
export class CreatePurchaseOrderPayload {
  @Field(() => PurchaseOrderObject, {
    nullable: true,
    description: 'The new order: APPROVED at or under PO_APPROVAL_THRESHOLD, otherwise DRAFT.',
  })
  purchaseOrder?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `PRODUCT_UNAVAILABLE`, `IDEMPOTENCY_KEY_REUSED`).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of approving, cancelling or closing a purchase order.' })
export class PurchaseOrderPayload {
  @Field(() => PurchaseOrderObject, { nullable: true, description: 'The order as it is now.' })
  purchaseOrder?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`NOT_FOUND`, `INVALID_TRANSITION`, `APPROVAL_REQUIRED`, `INVALID_INPUT`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A purchase order to mail to its vendor.' })
export class SendPurchaseOrderInput {
  @Field(() => ID, {
    description: 'The purchase order (approved, or further along; not cancelled).',
  })
  @IsString()
  purchaseOrderId!: string;
}

@ObjectType({ description: 'The result of sendPurchaseOrder.' })
export class SendPurchaseOrderPayload {
  @Field(() => PurchaseOrderObject, {
    nullable: true,
    description: 'The order as it is now (`sentAt` keeps the first send).',
  })
  purchaseOrder?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`NOT_FOUND`, `INVALID_TRANSITION` for a draft or a cancelled order, `NO_EMAIL_ADDRESS` when the vendor has none).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of receiveGoods.' })
export class ReceiveGoodsPayload {
  @Field(() => PurchaseOrderObject, { nullable: true, description: 'The order as it is now.' })
  purchaseOrder?: unknown;

  @Field(() => GoodsReceiptObject, { nullable: true, description: 'The delivery recorded.' })
  receipt?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`NOT_FOUND`, `INVALID_TRANSITION`, `RECEIPT_TOLERANCE_EXCEEDED`, `INVALID_INPUT`, `PERIOD_CLOSED`, `IDEMPOTENCY_KEY_REUSED`).',
  })
  userErrors!: UserError[];
}

@ObjectType('BillPurchaseLine', {
  description: 'One line of a bill matched to a purchase order line, and what it posted.',
})
export class BillPurchaseLineObject {
  @Field(() => ProductObject, { description: 'The product billed.' })
  product!: unknown;

  @Field(() => Int, { description: 'Units billed.' })
  quantity!: number;

  @Field(() => Money, { description: "The vendor's price per unit." })
  unitCost!: Money;

  @Field(() => Money, {
    description:
      'quantity × the PO unit cost: what it cleared from 2150 Goods received not invoiced.',
  })
  cleared!: Money;

  @Field(() => Money, {
    description: 'quantity × (billed − PO unit cost): posted to 5100 Purchase price variance.',
  })
  variance!: Money;
}
