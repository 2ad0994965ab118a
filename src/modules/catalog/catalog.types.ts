import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { DecimalScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';
import { StockMovementKind } from './product.entity';

registerEnumType(StockMovementKind, {
  name: 'StockMovementKind',
  description: 'Why stock changed.',
  valuesConfig: {
    ADJUSTMENT: { description: 'Units received, counted or written off by hand (`adjustStock`).' },
    RESERVATION: { description: 'Units reserved for a placed order.' },
    RELEASE: { description: 'A reservation released by a cancelled order.' },
    SHIPMENT: { description: 'Units that left the warehouse with a shipped order.' },
    RECEIPT: { description: 'Units a vendor delivered against a purchase order (`receiveGoods`).' },
    MAINTENANCE: {
      description: 'Parts taken out of stock for a maintenance work order (`completeWorkOrder`).',
    },
  },
});

@ObjectType({ description: 'Stock of a product, in units.' })
export class Stock {
  @Field(() => Int, { description: 'Units in the warehouse.' })
  onHand!: number;

  @Field(() => Int, { description: 'Units promised to placed orders that have not shipped.' })
  reserved!: number;

  @Field(() => Int, { description: 'Units that can still be ordered: on hand minus reserved.' })
  available!: number;
}

@ObjectType('Product', { implements: Node, description: 'Something we sell, with its stock.' })
export class ProductObject extends Node {
  @Field(() => String, { description: 'Stock-keeping unit: unique, upper-case.' })
  sku!: string;

  @Field(() => String, { description: 'Product name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Longer description.' })
  description!: string | null;

  @Field(() => Money, { description: 'Selling price per unit.' })
  price!: Money;

  @Field(() => Money, {
    description: 'What a unit costs us (posted to cost of goods sold when shipped).',
  })
  cost!: Money;

  @Field(() => Boolean, { description: 'Whether it can be ordered.' })
  active!: boolean;

  @Field(() => Stock, { description: 'Units on hand, reserved and available.' })
  stock!: Stock;

  @Field(() => Date, { description: 'When the product was created.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the product was last changed.' })
  updatedAt!: Date;
}

export const ProductConnection = Connection(ProductObject, 'Product', 'product');

@ObjectType('StockMovement', {
  description: 'One change of stock: who, when, why and by how much.',
})
export class StockMovementObject {
  @Field(() => StockMovementKind, { description: 'Why stock changed.' })
  kind!: StockMovementKind;

  @Field(() => Int, { description: 'Change of on-hand units.' })
  onHandDelta!: number;

  @Field(() => Int, { description: 'Change of reserved units.' })
  reservedDelta!: number;

  @Field(() => String, { nullable: true, description: 'The reason given for an adjustment.' })
  reason!: string | null;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'Who made the change; null for the system.',
  })
  actor!: unknown;

  @Field(() => Date, { description: 'When it happened.' })
  createdAt!: Date;
}

@InputType({ description: 'Which products to list.' })
export class ProductFilter {
  @Field(() => String, { nullable: true, description: 'Matches SKU or name, case-insensitively.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only active (true) or inactive (false) products.',
  })
  @IsOptional()
  active?: boolean | null;
}

@InputType({ description: 'A new product.' })
export class CreateProductInput {
  @Field(() => String, {
    description: 'Stock-keeping unit: letters, digits, dots, dashes, underscores; unique.',
  })
  @IsString()
  @MaxLength(64)
  sku!: string;

  @Field(() => String, { description: 'Product name.' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => DecimalScalar, { description: 'Selling price per unit, such as "19.99".' })
  price!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Cost per unit; 0 when omitted.' })
  @IsOptional()
  cost?: string | null;

  @Field(() => String, { nullable: true, description: 'Longer description.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string | null;

  @Field(() => Int, { nullable: true, description: 'Units on hand to start with; 0 when omitted.' })
  @IsOptional()
  initialStock?: number | null;
}

@InputType({ description: 'Changes to a product; omitted fields stay as they are.' })
export class UpdateProductInput {
  @Field(() => ID, { description: 'The product to change.' })
  @IsString()
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'New price (orders already placed keep theirs).',
  })
  @IsOptional()
  price?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'New cost per unit.' })
  @IsOptional()
  cost?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'New description; an empty string clears it.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether it can be ordered.' })
  @IsOptional()
  active?: boolean | null;
}

@InputType({ description: 'A change of on-hand stock.' })
export class AdjustStockInput {
  @Field(() => ID, { description: 'The product.' })
  @IsString()
  productId!: string;

  @Field(() => Int, {
    description: 'Units to add (received) or remove (negative: written off, lost).',
  })
  quantityDelta!: number;

  @Field(() => String, {
    description: 'Why, for the record (such as "Received PO 1042" or "Damaged in transit").',
  })
  @IsString()
  @MaxLength(500)
  reason!: string;
}

@ObjectType({ description: 'The result of `createProduct`.' })
export class CreateProductPayload {
  @Field(() => ProductObject, {
    nullable: true,
    description: 'The new product; null when refused.',
  })
  product?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`SKU_TAKEN`, `INVALID_INPUT`).' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `updateProduct`.' })
export class UpdateProductPayload {
  @Field(() => ProductObject, {
    nullable: true,
    description: 'The changed product; null when refused.',
  })
  product?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`NOT_FOUND`, `INVALID_INPUT`).' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `adjustStock`.' })
export class AdjustStockPayload {
  @Field(() => ProductObject, {
    nullable: true,
    description: 'The product with its new stock; null when refused.',
  })
  product?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INSUFFICIENT_STOCK`, `NOT_FOUND`, `INVALID_INPUT`).',
  })
  userErrors!: UserError[];
}
