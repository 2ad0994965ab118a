import {
  BigIntType,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { Employee } from '../employees/employee.entity';

/** What a legal hold may be placed on. */
export enum LegalHoldTargetType {
  CUSTOMER = 'CUSTOMER',
  EMPLOYEE = 'EMPLOYEE',
  TICKET = 'TICKET',
}

/**
 * A legal hold: while it is active (not released), retention and erasure leave its target alone.
 * A hold on a customer covers the customer's tickets, orders and invoices too; a hold on an
 * employee covers what is held about them. Holds are never deleted, only released, so the record
 * of who held what, and why, stays.
 */
@Entity({ tableName: 'legal_hold' })
@Index({ name: 'legal_hold_target_idx', properties: ['targetType', 'targetId', 'id'] })
export class LegalHold {
  [OptionalProps]?: 'releasedAt' | 'releasedById' | 'releaseReason' | 'placedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Enum({ items: () => LegalHoldTargetType, type: 'text' })
  targetType!: LegalHoldTargetType;

  /** The held record's id (a customer's, an employee's or a ticket's). */
  @Property({ type: new BigIntType('number') })
  targetId!: number;

  /** Why it is held: the matter, the case number. */
  @Property({ type: 'text' })
  reason!: string;

  @ManyToOne(() => Employee, { fieldName: 'placed_by_id', deleteRule: 'restrict' })
  placedBy!: Employee;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  placedAt: Date = new Date();

  @Property({ type: new BigIntType('number'), nullable: true })
  releasedById: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  releasedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  releaseReason: string | null = null;
}
