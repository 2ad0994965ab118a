import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection, Node } from '../../graphql/relay';
import { UserError } from '../../graphql/user-error';
import { CustomerStatus } from './customer.entity';

registerEnumType(CustomerStatus, {
  name: 'CustomerStatus',
  description: 'Whether we still do business with a customer.',
  valuesConfig: {
    ACTIVE: { description: 'A current customer; may place orders.' },
    INACTIVE: { description: 'A former customer; kept for history, may not place orders.' },
  },
});

@ObjectType('Customer', {
  implements: Node,
  description: 'A company or person we sell to and support.',
})
export class CustomerObject extends Node {
  @Field(() => String, { description: 'Name of the person or company.' })
  name!: string;

  @Field(() => String, { description: 'Email address (lower-case, unique).' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Phone number, as given.' })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: 'The company the customer belongs to.' })
  company!: string | null;

  @Field(() => CustomerStatus, { description: 'Whether we still do business with them.' })
  status!: CustomerStatus;

  @Field(() => Int, { description: 'Days between an invoice and its due date.' })
  paymentTermsDays!: number;

  @Field(() => Date, { description: 'When the customer was created.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the customer was last changed.' })
  updatedAt!: Date;
}

export const CustomerConnection = Connection(CustomerObject, 'Customer', 'customer');

@InputType({ description: 'Which customers to list.' })
export class CustomerFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Matches name, email or company, case-insensitively.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string | null;

  @Field(() => CustomerStatus, { nullable: true, description: 'Only customers with this status.' })
  @IsOptional()
  status?: CustomerStatus | null;
}

@InputType({ description: 'A new customer.' })
export class CreateCustomerInput {
  @Field(() => String, { description: 'Name of the person or company (1 to 200 characters).' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => String, { description: 'Email address; unique, compared case-insensitively.' })
  @IsString()
  @MaxLength(320)
  email!: string;

  @Field(() => String, { nullable: true, description: 'Phone number.' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Company name.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  company?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Days between an invoice and its due date (0 to 365; 30 by default).',
  })
  @IsOptional()
  paymentTermsDays?: number | null;
}

@InputType({ description: 'Changes to a customer; omitted fields stay as they are.' })
export class UpdateCustomerInput {
  @Field(() => ID, { description: 'The customer to change.' })
  @IsString()
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New email address (unique).' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'New phone number; an empty string clears it.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'New company; an empty string clears it.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  company?: string | null;

  @Field(() => CustomerStatus, { nullable: true, description: 'New status.' })
  @IsOptional()
  status?: CustomerStatus | null;

  @Field(() => Int, { nullable: true, description: 'New payment terms in days (0 to 365).' })
  @IsOptional()
  paymentTermsDays?: number | null;
}

@ObjectType({ description: 'The result of `createCustomer`.' })
export class CreateCustomerPayload {
  @Field(() => CustomerObject, {
    nullable: true,
    description: 'The new customer; null when refused.',
  })
  customer?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`EMAIL_TAKEN`, `INVALID_INPUT`).' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `updateCustomer`.' })
export class UpdateCustomerPayload {
  @Field(() => CustomerObject, {
    nullable: true,
    description: 'The changed customer; null when refused.',
  })
  customer?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`EMAIL_TAKEN`, `NOT_FOUND`, `INVALID_INPUT`).',
  })
  userErrors!: UserError[];
}
