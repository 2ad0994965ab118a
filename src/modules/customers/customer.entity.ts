import {
  BigIntType,
  Entity,
  Enum,
  Index,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';

export enum CustomerStatus {
  ACTIVE = 'ACTIVE',
  INACTIVE = 'INACTIVE',
}

/** A company or person we sell to and support. */
@Entity({ tableName: 'customer' })
@Index({ name: 'customer_created_idx', properties: ['createdAt', 'id'] })
export class Customer {
  [OptionalProps]?:
    | 'phone'
    | 'company'
    | 'status'
    | 'paymentTermsDays'
    | 'createdAt'
    | 'updatedAt'
    | 'anonymizedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  name!: string;

  /** Stored lower-cased, so uniqueness is case-insensitive. */
  @Property({ type: 'text' })
  @Unique({ name: 'customer_email_unique' })
  email!: string;

  @Property({ type: 'text', nullable: true })
  phone: string | null = null;

  @Property({ type: 'text', nullable: true })
  company: string | null = null;

  @Enum({ items: () => CustomerStatus, type: 'text' })
  status: CustomerStatus = CustomerStatus.ACTIVE;

  /** Days between an invoice and its due date. */
  @Property({ type: 'integer' })
  paymentTermsDays: number = 30;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** When erasure or retention replaced their name and contact details (null: never). */
  @Property({ type: 'timestamptz', nullable: true })
  anonymizedAt: Date | null = null;
}
