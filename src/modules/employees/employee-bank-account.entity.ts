import {
  BigIntType,
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { Employee } from './employee.entity';

/** How an employee is paid: an IBAN (SEPA files) or a US routing and account number (NACHA). */
export enum EmployeeBankAccountKind {
  IBAN = 'IBAN',
  US_ACH = 'US_ACH',
}

/** The kind of a US account, which decides the NACHA transaction code (22 or 32). */
export enum AchAccountType {
  CHECKING = 'CHECKING',
  SAVINGS = 'SAVINGS',
}

/**
 * Where an employee's pay goes, effective-dated: every change is a new row, and the account in
 * force on a day is the latest (by `effectiveFrom`, then id) that starts on or before it. Rows are
 * never updated nor deleted: payment file items point at the row they paid. Full numbers never
 * leave the server except inside a payment file.
 */
@Entity({ tableName: 'employee_bank_account' })
@Index({
  name: 'employee_bank_account_employee_idx',
  properties: ['employee', 'effectiveFrom', 'id'],
})
@Check({
  name: 'employee_bank_account_details_check',
  expression:
    "(kind = 'IBAN' and iban is not null and routing_number is null and account_number is null and account_type is null) or (kind = 'US_ACH' and iban is null and bic is null and routing_number is not null and account_number is not null and account_type is not null)",
})
export class EmployeeBankAccount {
  [OptionalProps]?: 'iban' | 'bic' | 'routingNumber' | 'accountNumber' | 'accountType';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Employee, { deleteRule: 'restrict' })
  employee!: Employee;

  @Enum({ items: () => EmployeeBankAccountKind, type: 'text' })
  kind!: EmployeeBankAccountKind;

  /** The account holder's name, as the bank knows it. */
  @Property({ type: 'text' })
  holderName!: string;

  /** Electronic format (upper case, no spaces), checksum-validated. */
  @Property({ type: 'text', nullable: true })
  iban: string | null = null;

  @Property({ type: 'text', nullable: true })
  bic: string | null = null;

  /** US ABA routing number (nine digits with its check digit). */
  @Property({ type: 'text', nullable: true })
  routingNumber: string | null = null;

  /** US account number, 4 to 17 digits. */
  @Property({ type: 'text', nullable: true })
  accountNumber: string | null = null;

  @Enum({ items: () => AchAccountType, type: 'text', nullable: true })
  accountType: AchAccountType | null = null;

  @Property({ type: 'date' })
  effectiveFrom!: string;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
