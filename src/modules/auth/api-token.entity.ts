import {
  BigIntType,
  Entity,
  Enum,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Employee } from '../employees/employee.entity';
import { Role } from '../common/role';

/** A long-lived token for tools. Only a SHA-256 hash of the secret is stored. */
@Entity({ tableName: 'api_token' })
export class ApiToken {
  [OptionalProps]?: 'roles' | 'createdAt' | 'lastUsedAt' | 'revokedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', hidden: true })
  @Unique({ name: 'api_token_hash_unique' })
  tokenHash!: string;

  /** The first characters of the secret, so people can tell their tokens apart. */
  @Property({ type: 'text' })
  prefix!: string;

  @Enum({ items: () => Role, array: true, type: 'text[]' })
  roles: Role[] = [];

  /** The administrator who created it; the token stops working when they leave. */
  @ManyToOne(() => Employee, { deleteRule: 'restrict' })
  createdBy!: Employee;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
