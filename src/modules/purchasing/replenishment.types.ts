import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CalendarDateScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { ProductObject } from '../catalog/catalog.types';
import { VendorObject } from '../ledger/ledger.types';
import { PURCHASING_READERS, PurchaseOrderObject } from './purchasing.types';

@ObjectType('ReorderRule', {
  description: `How a product is kept in stock: when its position (on hand − reserved + on order) falls below the minimum, replenishment proposes enough to reach the maximum from the vendor. ${PURCHASING_READERS}`,
})
export class ReorderRuleObject {
  @Field(() => ProductObject, { description: 'The product kept in stock.' })
  product!: unknown;

  @Field(() => Int, { description: 'Below this position, replenish.' })
  minimum!: number;

  @Field(() => Int, { description: 'Replenish up to this position.' })
  maximum!: number;

  @Field(() => VendorObject, { description: 'Who the product is bought from.' })
  vendor!: unknown;

  @Field(() => Int, {
    description:
      'Days the vendor takes to deliver: a proposed line is expected this long after the run.',
  })
  leadTimeDays!: number;

  @Field(() => Date, { description: 'When the rule was last set.' })
  updatedAt!: Date;
}

@InputType({ description: "A product's reorder rule (it replaces the product's rule, if any)." })
export class SetReorderRuleInput {
  @Field(() => ID, { description: 'The product (active).' })
  @IsString()
  productId!: string;

  @Field(() => Int, { description: 'Below this position, replenish: 0 to 1,000,000.' })
  @IsInt()
  minimum!: number;

  @Field(() => Int, {
    description: 'Replenish up to this position: 1 to 1,000,000, and at least the minimum.',
  })
  @IsInt()
  maximum!: number;

  @Field(() => ID, { description: 'Who the product is bought from.' })
  @IsString()
  vendorId!: string;

  @Field(() => Int, { description: 'Days the vendor takes to deliver: 0 to 365.' })
  @IsInt()
  leadTimeDays!: number;
}

@ObjectType({ description: 'The result of setReorderRule.' })
export class SetReorderRulePayload {
  @Field(() => ReorderRuleObject, { nullable: true, description: 'The rule as it is now.' })
  reorderRule?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `PRODUCT_UNAVAILABLE`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A product whose reorder rule is removed.' })
export class RemoveReorderRuleInput {
  @Field(() => ID, { description: 'The product.' })
  @IsString()
  productId!: string;
}

@ObjectType({ description: 'The result of removeReorderRule.' })
export class RemoveReorderRulePayload {
  @Field(() => ProductObject, {
    nullable: true,
    description: 'The product, now without a reorder rule.',
  })
  product?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`NOT_FOUND`: the product has no rule).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A replenishment run.' })
export class RunReplenishmentInput {
  @Field(() => CalendarDateScalar, {
    nullable: true,
    description:
      'The day of the run: proposed lines are expected this day plus the lead time. Today by default.',
  })
  @IsOptional()
  asOf?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Makes retries safe: the same key with the same day answers the first run.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of runReplenishment.' })
export class RunReplenishmentPayload {
  @Field(() => [PurchaseOrderObject], {
    nullable: true,
    description:
      'The replenishment drafts the run made, changed or cancelled (nothing left to replenish); empty when every draft already said what the run proposes.',
  })
  purchaseOrders?: unknown[];

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `IDEMPOTENCY_KEY_REUSED`).',
  })
  userErrors!: UserError[];
}
