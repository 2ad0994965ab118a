import {
  BigIntType,
  Check,
  Entity,
  Enum,
  Index,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';

/**
 * A bank account of the company, tied to one cash account of the ledger: what the bank says
 * (statements) is reconciled against what that ledger account holds.
 */
@Entity({ tableName: 'bank_account' })
export class BankAccount {
  [OptionalProps]?:
    | 'iban'
    | 'accountNumber'
    | 'routingNumber'
    | 'bic'
    | 'achCompanyId'
    | 'createdAt'
    | 'closingBalanceMinor'
    | 'closingDate';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'bank_account_name_unique' })
  name!: string;

  /** The ledger account (an ASSET classified CASH) that mirrors it; one bank account each. */
  @Property({ type: new BigIntType('number') })
  @Unique({ name: 'bank_account_ledger_account_unique' })
  ledgerAccountId!: number;

  /** ISO 4217. */
  @Property({ type: 'text' })
  currency!: string;

  /** Electronic format: upper case, no spaces; validated (checksum and country length). */
  @Property({ type: 'text', nullable: true })
  @Unique({ name: 'bank_account_iban_unique' })
  iban: string | null = null;

  @Property({ type: 'text', nullable: true })
  accountNumber: string | null = null;

  /** US ABA routing number (9 digits, checksum) for ACH files. */
  @Property({ type: 'text', nullable: true })
  routingNumber: string | null = null;

  @Property({ type: 'text', nullable: true })
  bic: string | null = null;

  /** The ACH company identification (10 characters) when it pays through NACHA files. */
  @Property({ type: 'text', nullable: true })
  achCompanyId: string | null = null;

  /** The last imported statement's closing balance: where the next statement must open. */
  @Property({ type: new BigIntType('bigint'), nullable: true })
  closingBalanceMinor: bigint | null = null;

  /** The last imported statement's last day. */
  @Property({ type: 'date', nullable: true })
  closingDate: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A file as it was imported: kept byte for byte, for the auditor. */
@Entity({ tableName: 'bank_statement_file' })
export class BankStatementFile {
  [OptionalProps]?: 'importedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: new BigIntType('number') })
  bankAccountId!: number;

  @Property({ type: 'text' })
  format!: string;

  /** Lowercase hex. */
  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: 'bytea', lazy: true })
  content!: Buffer;

  @Property({ type: new BigIntType('number'), nullable: true })
  importedById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  importedAt: Date = new Date();
}

/**
 * One statement of a bank account: it opens where the previous one closed, and holds the lines
 * that were new when it was imported.
 */
@Entity({ tableName: 'bank_statement' })
@Index({ name: 'bank_statement_account_idx', properties: ['bankAccountId', 'id'] })
@Unique({ name: 'bank_statement_external_unique', properties: ['bankAccountId', 'externalId'] })
export class BankStatement {
  [OptionalProps]?: 'importedAt' | 'matchedMinor' | 'matchedLineCount';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: new BigIntType('number') })
  bankAccountId!: number;

  @Property({ type: new BigIntType('number') })
  fileId!: number;

  /** The bank's statement id (CAMT `Stmt/Id`); null for formats without one. */
  @Property({ type: 'text', nullable: true })
  externalId!: string | null;

  @Property({ type: 'text' })
  format!: string;

  @Property({ type: new BigIntType('bigint') })
  openingBalanceMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  closingBalanceMinor!: bigint;

  @Property({ type: 'date', nullable: true })
  fromDate!: string | null;

  @Property({ type: 'date', nullable: true })
  toDate!: string | null;

  @Property({ type: 'integer' })
  lineCount!: number;

  /** Sum of the lines' amounts (signed). */
  @Property({ type: new BigIntType('bigint') })
  linesTotalMinor!: bigint;

  /** Sum of what is matched on its lines (signed): opening + this is the cleared balance. */
  @Property({ type: new BigIntType('bigint') })
  matchedMinor: bigint = 0n;

  /** Lines fully matched. */
  @Property({ type: 'integer' })
  matchedLineCount: number = 0;

  /** What the file broke and how it was decided, in words for the bookkeeper. */
  @Property({ type: 'text[]' })
  warnings!: string[];

  @Property({ type: new BigIntType('number'), nullable: true })
  importedById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  importedAt: Date = new Date();
}

export enum BankLineStatus {
  UNMATCHED = 'UNMATCHED',
  PARTIAL = 'PARTIAL',
  MATCHED = 'MATCHED',
}

/**
 * One booked movement on a statement. `amountMinor` is signed (money in positive). `identity` is
 * the bank's reference for it (or a hash of its content), unique per bank account: importing the
 * same entry again adds nothing. `matchedMinor` (same sign) never exceeds the amount.
 */
@Entity({ tableName: 'bank_statement_line' })
@Unique({ name: 'bank_statement_line_identity_unique', properties: ['bankAccountId', 'identity'] })
@Index({ name: 'bank_statement_line_statement_idx', properties: ['statementId', 'lineNo'] })
@Index({
  name: 'bank_statement_line_open_idx',
  expression:
    'create index "bank_statement_line_open_idx" on "bank_statement_line" ("bank_account_id", "id") where "status" <> \'MATCHED\'',
})
@Check({
  name: 'bank_statement_line_matched_check',
  expression:
    '(amount_minor >= 0 and matched_minor >= 0 and matched_minor <= amount_minor) or (amount_minor < 0 and matched_minor >= amount_minor and matched_minor <= 0)',
})
export class BankStatementLine {
  [OptionalProps]?: 'status' | 'matchedMinor';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: new BigIntType('number') })
  statementId!: number;

  @Property({ type: new BigIntType('number') })
  bankAccountId!: number;

  /** Its place in the statement, from 1. */
  @Property({ type: 'integer' })
  lineNo!: number;

  @Property({ type: 'text' })
  identity!: string;

  /** The booking date. */
  @Property({ type: 'date' })
  bookingDate!: string;

  @Property({ type: 'date', nullable: true })
  valueDate!: string | null;

  @Property({ type: new BigIntType('bigint') })
  amountMinor!: bigint;

  @Property({ type: 'text', nullable: true })
  bankReference!: string | null;

  @Property({ type: 'text', nullable: true })
  reference!: string | null;

  @Property({ type: 'text', nullable: true })
  counterpartyName!: string | null;

  @Property({ type: 'text', nullable: true })
  counterpartyAccount!: string | null;

  @Property({ type: 'text', nullable: true })
  remittance!: string | null;

  @Property({ type: 'text', nullable: true })
  bankTransactionCode!: string | null;

  @Enum({ items: () => BankLineStatus, type: 'text' })
  status: BankLineStatus = BankLineStatus.UNMATCHED;

  @Property({ type: new BigIntType('bigint') })
  matchedMinor: bigint = 0n;
}

export enum BankMatchKind {
  INVOICE = 'INVOICE',
  BILL = 'BILL',
  JOURNAL_ENTRY = 'JOURNAL_ENTRY',
  RULE = 'RULE',
  ACCOUNT = 'ACCOUNT',
}

/**
 * A part of a bank line matched to its counterpart in the books. `amountMinor` has the line's
 * sign. `clearedLineId` is the journal line on the bank's ledger account that this match clears
 * (made by the match for invoices, bills, rules and accounts; an existing one for journal entries).
 * Undoing keeps the row, with who, when and why.
 */
@Entity({ tableName: 'bank_match' })
@Index({ name: 'bank_match_line_idx', properties: ['lineId', 'id'] })
@Index({ name: 'bank_match_invoice_idx', properties: ['invoiceId'] })
@Index({ name: 'bank_match_bill_idx', properties: ['billId'] })
export class BankMatch {
  [OptionalProps]?: 'createdAt' | 'undoneAt' | 'undoneById' | 'undoReason' | 'undoEntryId';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: new BigIntType('number') })
  lineId!: number;

  @Enum({ items: () => BankMatchKind, type: 'text' })
  kind!: BankMatchKind;

  @Property({ type: new BigIntType('bigint') })
  amountMinor!: bigint;

  @Property({ type: new BigIntType('number'), nullable: true })
  invoiceId!: number | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  billId!: number | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  ruleId!: number | null;

  /** The other account, for rule and account bookings. */
  @Property({ type: new BigIntType('number'), nullable: true })
  accountId!: number | null;

  /** The entry matched, or the entry the match posted (payment, bill payment, booking). */
  @Property({ type: new BigIntType('number') })
  journalEntryId!: number;

  /** Whether the match posted `journalEntryId` itself (undoing then reverses it). */
  @Property({ type: 'boolean' })
  posted!: boolean;

  @Property({ type: new BigIntType('number') })
  clearedLineId!: number;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  undoneAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  undoneById: number | null = null;

  @Property({ type: 'text', nullable: true })
  undoReason: string | null = null;

  /** The reversal the undo posted, when the match had posted an entry. */
  @Property({ type: new BigIntType('number'), nullable: true })
  undoEntryId: number | null = null;
}

/**
 * How much of a journal line on a bank's ledger account is cleared by bank lines. The check is the
 * rule "each ledger line is cleared once": all matches together never clear more than the line.
 */
@Entity({ tableName: 'journal_line_clearing' })
@Check({
  name: 'journal_line_clearing_within_check',
  expression: 'cleared_minor >= 0 and cleared_minor <= line_minor',
})
export class JournalLineClearing {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  journalLineId!: number;

  /** The line's amount, unsigned. */
  @Property({ type: new BigIntType('bigint') })
  lineMinor!: bigint;

  @Property({ type: new BigIntType('bigint') })
  clearedMinor!: bigint;
}

export enum BankRuleDirection {
  CREDIT = 'CREDIT',
  DEBIT = 'DEBIT',
  ANY = 'ANY',
}

/**
 * The accountant's rule for lines with no counterpart in the books (bank fees, interest): when a
 * line matches, it is suggested, and booked, against `accountId`. Lower priority numbers first.
 */
@Entity({ tableName: 'bank_rule' })
export class BankRule {
  [OptionalProps]?: 'createdAt' | 'enabled';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'bank_rule_name_unique' })
  name!: string;

  @Property({ type: 'integer' })
  priority!: number;

  /** Only this bank account's lines; any when null. */
  @Property({ type: new BigIntType('number'), nullable: true })
  bankAccountId!: number | null;

  @Enum({ items: () => BankRuleDirection, type: 'text' })
  direction!: BankRuleDirection;

  /** Case-insensitive text found in the counterparty, reference or remittance. */
  @Property({ type: 'text', nullable: true })
  textContains!: string | null;

  /** Inclusive bounds on the line's unsigned amount. */
  @Property({ type: new BigIntType('bigint'), nullable: true })
  minAmountMinor!: bigint | null;

  @Property({ type: new BigIntType('bigint'), nullable: true })
  maxAmountMinor!: bigint | null;

  @Property({ type: new BigIntType('number') })
  accountId!: number;

  @Property({ type: 'text', nullable: true })
  memo!: string | null;

  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Property({ type: new BigIntType('number'), nullable: true })
  createdById!: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A saved column mapping for a bank's CSV export. */
@Entity({ tableName: 'csv_mapping' })
export class CsvMappingRecord {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'csv_mapping_name_unique' })
  name!: string;

  /** The mapping (`CsvMapping` of formats/statement-file.ts). */
  @Property({ type: 'jsonb' })
  mapping!: Record<string, unknown>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/**
 * A counterparty account seen on a reconciled line, and whom it belongs to: the next line from
 * the same IBAN is suggested for that customer or vendor.
 */
@Entity({ tableName: 'bank_counterparty' })
@Unique({ name: 'bank_counterparty_account_unique', properties: ['account'] })
export class BankCounterparty {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  account!: string;

  @Property({ type: new BigIntType('number'), nullable: true })
  customerId!: number | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  vendorId!: number | null;
}
