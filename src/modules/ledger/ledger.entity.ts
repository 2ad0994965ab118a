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

export enum AccountType {
  ASSET = 'ASSET',
  LIABILITY = 'LIABILITY',
  EQUITY = 'EQUITY',
  REVENUE = 'REVENUE',
  EXPENSE = 'EXPENSE',
}

export enum NormalBalance {
  DEBIT = 'DEBIT',
  CREDIT = 'CREDIT',
}

/**
 * Where an account's movements go in the cash flow statement. CASH accounts are the cash itself
 * (their change is what the statement explains); the others are the three activities. Only
 * balance-sheet accounts take one (`CASH_FLOW_ACCOUNT_TYPES`); revenue and expense accounts reach
 * the statement through net income.
 */
export enum CashFlowSection {
  CASH = 'CASH',
  OPERATING = 'OPERATING',
  INVESTING = 'INVESTING',
  FINANCING = 'FINANCING',
}

/** The three activities of a cash flow statement: where a row's amount is shown. */
export enum CashFlowActivity {
  OPERATING = 'OPERATING',
  INVESTING = 'INVESTING',
  FINANCING = 'FINANCING',
}

/** The account types that take a cash flow section (the balance-sheet ones). */
export const CASH_FLOW_ACCOUNT_TYPES: ReadonlySet<AccountType> = new Set([
  AccountType.ASSET,
  AccountType.LIABILITY,
  AccountType.EQUITY,
]);

export const NORMAL_BALANCE: Record<AccountType, NormalBalance> = {
  [AccountType.ASSET]: NormalBalance.DEBIT,
  [AccountType.EXPENSE]: NormalBalance.DEBIT,
  [AccountType.LIABILITY]: NormalBalance.CREDIT,
  [AccountType.EQUITY]: NormalBalance.CREDIT,
  [AccountType.REVENUE]: NormalBalance.CREDIT,
};

/**
 * An account of the chart. `balanceMinor` is debits minus credits of every line ever posted to it,
 * kept current under the account's row lock, so "balance now" is one row read.
 */
@Entity({ tableName: 'account' })
@Check({
  name: 'account_cash_flow_section_type_check',
  expression: "cash_flow_section is null or type = any (array['ASSET', 'LIABILITY', 'EQUITY'])",
})
export class Account {
  [OptionalProps]?: 'balanceMinor' | 'createdAt' | 'cashFlowSection';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'account_code_unique' })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => AccountType, type: 'text' })
  type!: AccountType;

  @Enum({ items: () => NormalBalance, type: 'text' })
  normalBalance!: NormalBalance;

  /** Debits minus credits, all dates. */
  @Property({ type: new BigIntType('bigint') })
  balanceMinor: bigint = 0n;

  /**
   * Its section of the cash flow statement; null for revenue and expense accounts (the database
   * refuses one on them). A balance-sheet account without one may not move in a period the
   * statement covers: the statement refuses to leave it out (`UnclassifiedAccountsError`).
   */
  @Enum({ items: () => CashFlowSection, type: 'text', nullable: true })
  cashFlowSection: CashFlowSection | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/**
 * A posted journal entry. Immutable: triggers refuse UPDATE and DELETE, and a deferred trigger
 * refuses a commit whose lines do not balance. Numbers have no gaps, in posting order.
 */
@Entity({ tableName: 'journal_entry' })
@Index({ name: 'journal_entry_date_idx', properties: ['date', 'id'] })
export class JournalEntry {
  [OptionalProps]?: 'memo' | 'reversalOfId' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: new BigIntType('number') })
  @Unique({ name: 'journal_entry_number_unique' })
  number!: number;

  /** The accounting date (YYYY-MM-DD). */
  @Property({ type: 'date' })
  date!: string;

  @Property({ type: 'text', nullable: true })
  memo: string | null = null;

  /** The entry this one reverses; each entry can be reversed once. */
  @Property({ type: new BigIntType('number'), nullable: true })
  @Unique({ name: 'journal_entry_reversal_unique' })
  reversalOfId: number | null = null;

  /** What produced it: 'MANUAL', 'INVOICE', 'PAYMENT', 'BILL', 'BILL_PAYMENT', 'PAYROLL', 'REVERSAL'. */
  @Property({ type: 'text' })
  source!: string;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

@Entity({ tableName: 'journal_line' })
@Index({ name: 'journal_line_entry_idx', properties: ['entry', 'lineNo'] })
@Index({
  name: 'journal_line_account_date_idx',
  expression:
    'create index "journal_line_account_date_idx" on "journal_line" ("account_id", "entry_date", "entry_id", "id") include ("debit_minor", "credit_minor")',
})
@Index({ name: 'journal_line_customer_idx', properties: ['customerId', 'account'] })
@Index({ name: 'journal_line_vendor_idx', properties: ['vendorId', 'account'] })
@Check({
  name: 'journal_line_one_side_check',
  expression: '(debit_minor > 0 and credit_minor = 0) or (credit_minor > 0 and debit_minor = 0)',
})
export class JournalLine {
  [OptionalProps]?: 'memo' | 'customerId' | 'vendorId';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => JournalEntry, { deleteRule: 'restrict' })
  entry!: JournalEntry;

  @Property({ type: 'integer' })
  lineNo!: number;

  @ManyToOne(() => Account, { deleteRule: 'restrict' })
  account!: Account;

  /** The entry's date, repeated so balances as of a date read one index. */
  @Property({ type: 'date' })
  entryDate!: string;

  @Property({ type: new BigIntType('bigint') })
  debitMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  creditMinor!: bigint;

  /** The account's debits minus credits after this line, in posting order: an auditable chain. */
  @Property({ type: new BigIntType('bigint') })
  balanceAfterMinor!: bigint;

  @Property({ type: 'text', nullable: true })
  memo: string | null = null;

  /** The customer a receivable line belongs to (the AR subledger). */
  @Property({ type: new BigIntType('number'), nullable: true })
  customerId: number | null = null;

  /** The vendor a payable line belongs to (the AP subledger). */
  @Property({ type: new BigIntType('number'), nullable: true })
  vendorId: number | null = null;
}

/** Counters that must not have gaps (entry, invoice and bill numbers): one locked row each. */
@Entity({ tableName: 'ledger_counter' })
export class LedgerCounter {
  @PrimaryKey({ type: 'text' })
  name!: string;

  @Property({ type: new BigIntType('number') })
  value!: number;
}

/** Books closed through `closedThrough`: nothing may be posted on or before it. One row (id 1). */
@Entity({ tableName: 'ledger_settings' })
@Check({ name: 'ledger_settings_single_row', expression: 'id = 1' })
export class LedgerSettings {
  [OptionalProps]?: 'closedThrough';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  @Property({ type: 'date', nullable: true })
  closedThrough: string | null = null;
}
