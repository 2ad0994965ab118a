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
  Unique,
} from '@mikro-orm/core';
import { Customer } from '../customers/customer.entity';
import { Account } from './ledger.entity';

export enum SettlementStatus {
  OPEN = 'OPEN',
  PARTIALLY_PAID = 'PARTIALLY_PAID',
  PAID = 'PAID',
}

/** An invoice issued to a customer when their order shipped. */
@Entity({ tableName: 'invoice' })
@Index({ name: 'invoice_customer_idx', properties: ['customer', 'issueDate', 'id'] })
@Index({
  name: 'invoice_unsent_idx',
  expression: 'create index "invoice_unsent_idx" on "invoice" ("id") where "sent_at" is null',
})
@Check({
  name: 'invoice_paid_check',
  expression: 'amount_paid_minor >= 0 and amount_paid_minor <= total_minor',
})
export class Invoice {
  [OptionalProps]?: 'status' | 'amountPaidMinor' | 'issuedAt' | 'sentAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'invoice_number_unique' })
  number!: string;

  @ManyToOne(() => Customer, { deleteRule: 'restrict' })
  customer!: Customer;

  /** The shipped order it bills; one invoice per order. */
  @Property({ type: new BigIntType('number'), nullable: true })
  @Unique({ name: 'invoice_order_unique' })
  orderId!: number | null;

  @Enum({ items: () => SettlementStatus, type: 'text' })
  status: SettlementStatus = SettlementStatus.OPEN;

  @Property({ type: new BigIntType('bigint') })
  totalMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  amountPaidMinor: bigint = 0n;

  @Property({ type: 'date' })
  issueDate!: string;

  @Property({ type: 'date' })
  dueDate!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  issuedAt: Date = new Date();

  @Property({ type: new BigIntType('number') })
  journalEntryId!: number;

  /**
   * When it was first emailed to the customer with its PDF (billing.send-invoice); null while
   * unsent. A resend mails it again and keeps this first time.
   */
  @Property({ type: 'timestamptz', nullable: true })
  sentAt: Date | null = null;
}

/** Money received from a customer, applied to their oldest open invoices. */
@Entity({ tableName: 'payment' })
export class Payment {
  [OptionalProps]?: 'createdAt' | 'reference';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Customer, { deleteRule: 'restrict', index: 'payment_customer_idx' })
  customer!: Customer;

  @Property({ type: new BigIntType('bigint') })
  amountMinor!: bigint;

  @Property({ type: 'date' })
  receivedOn!: string;

  @Property({ type: 'text', nullable: true })
  reference: string | null = null;

  @Property({ type: new BigIntType('number') })
  journalEntryId!: number;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

@Entity({ tableName: 'payment_allocation' })
export class PaymentAllocation {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Payment, { deleteRule: 'restrict', index: 'payment_allocation_payment_idx' })
  payment!: Payment;

  @ManyToOne(() => Invoice, { deleteRule: 'restrict', index: 'payment_allocation_invoice_idx' })
  invoice!: Invoice;

  @Property({ type: new BigIntType('bigint') })
  amountMinor!: bigint;

  /** The payment's date, repeated for aging as of a date. */
  @Property({ type: 'date' })
  appliedOn!: string;
}

/** Someone we buy from. */
@Entity({ tableName: 'vendor' })
export class Vendor {
  [OptionalProps]?: 'email' | 'paymentTermsDays' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'vendor_name_unique' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  email: string | null = null;

  @Property({ type: 'integer' })
  paymentTermsDays: number = 30;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A vendor's bill: what we owe, posted Dr expense / Cr accounts payable. */
@Entity({ tableName: 'bill' })
@Index({ name: 'bill_vendor_idx', properties: ['vendor', 'billDate', 'id'] })
@Check({
  name: 'bill_paid_check',
  expression: 'amount_paid_minor >= 0 and amount_paid_minor <= amount_minor',
})
export class Bill {
  [OptionalProps]?: 'status' | 'amountPaidMinor' | 'memo' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'bill_number_unique' })
  number!: string;

  @ManyToOne(() => Vendor, { deleteRule: 'restrict' })
  vendor!: Vendor;

  @ManyToOne(() => Account, { deleteRule: 'restrict', index: 'bill_expense_account_idx' })
  expenseAccount!: Account;

  @Enum({ items: () => SettlementStatus, type: 'text' })
  status: SettlementStatus = SettlementStatus.OPEN;

  @Property({ type: new BigIntType('bigint') })
  amountMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  amountPaidMinor: bigint = 0n;

  @Property({ type: 'date' })
  billDate!: string;

  @Property({ type: 'date' })
  dueDate!: string;

  @Property({ type: 'text', nullable: true })
  memo: string | null = null;

  @Property({ type: new BigIntType('number') })
  journalEntryId!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** One payment of a bill, for AP aging as of a date. */
@Entity({ tableName: 'bill_payment' })
export class BillPayment {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Bill, { deleteRule: 'restrict', index: 'bill_payment_bill_idx' })
  bill!: Bill;

  @Property({ type: new BigIntType('bigint') })
  amountMinor!: bigint;

  @Property({ type: 'date' })
  paidOn!: string;

  @Property({ type: new BigIntType('number') })
  journalEntryId!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
