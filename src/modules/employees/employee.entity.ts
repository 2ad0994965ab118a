import {
  BigIntType,
  Entity,
  Enum,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Role } from '../auth/role';

export enum EmployeeStatus {
  ACTIVE = 'ACTIVE',
  ON_LEAVE = 'ON_LEAVE',
  TERMINATED = 'TERMINATED',
}

/** A person who works here and may sign in to Backdesk. */
@Entity({ tableName: 'employee' })
export class Employee {
  [OptionalProps]?: 'title' | 'roles' | 'status' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** Stored lower-cased, so uniqueness is case-insensitive. */
  @Property({ type: 'text' })
  @Unique({ name: 'employee_email_unique' })
  email!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  title: string | null = null;

  /** scrypt hash (see password.ts); never leaves the server. */
  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Enum({ items: () => Role, array: true, type: 'text[]' })
  roles: Role[] = [];

  @Enum({ items: () => EmployeeStatus, type: 'text' })
  status: EmployeeStatus = EmployeeStatus.ACTIVE;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
