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
import { BillMatchStatus } from './bill-match';

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
@Check({
  name: 'vendor_tolerance_check',
  expression:
    'receipt_tolerance_basis_points >= 0 and receipt_tolerance_basis_points <= 10000 and price_tolerance_basis_points >= 0 and price_tolerance_basis_points <= 10000 and price_tolerance_amount_minor >= 0',
})
export class Vendor {
  [OptionalProps]?:
    | 'email'
    | 'paymentTermsDays'
    | 'receiptToleranceBasisPoints'
    | 'priceToleranceBasisPoints'
    | 'priceToleranceAmountMinor'
    | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'vendor_name_unique' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  email: string | null = null;

  @Property({ type: 'integer' })
  paymentTermsDays: number = 30;

  /**
   * Purchasing's default tolerances for this vendor's orders (copied onto each order): units may
   * be received up to the ordered quantity plus this share (1000 = 10%)…
   */
  @Property({ type: 'integer', default: 1000 })
  receiptToleranceBasisPoints: number = 1000;

  /** …and a billed price matches within the greater of this share (500 = 5%)… */
  @Property({ type: 'integer', default: 500 })
  priceToleranceBasisPoints: number = 500;

  /** …and this amount per bill line, in minor units. */
  @Property({ type: new BigIntType('bigint'), default: 500 })
  priceToleranceAmountMinor: bigint = 500n;

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
  [OptionalProps]?:
    | 'status'
    | 'amountPaidMinor'
    | 'memo'
    | 'matchStatus'
    | 'matchExceptions'
    | 'varianceApprovedById'
    | 'varianceApprovedAt'
    | 'varianceApprovalReason'
    | 'createdAt';

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

  /** How it compares with its purchase order (NONE: it has none). */
  @Enum({ items: () => BillMatchStatus, type: 'text', default: BillMatchStatus.NONE })
  matchStatus: BillMatchStatus = BillMatchStatus.NONE;

  /** Why an EXCEPTION bill did not match, one reason per line at fault. */
  @Property({ type: 'text[]', default: '{}' })
  matchExceptions: string[] = [];

  /** Who let an EXCEPTION bill be paid (`approveBillVariance`), when, and why. */
  @Property({ type: new BigIntType('number'), nullable: true })
  varianceApprovedById: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  varianceApprovedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  varianceApprovalReason: string | null = null;

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
