import { ArrayMaxSize, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar, DecimalScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';
import {
  AccountObject,
  BillObject,
  InvoiceObject,
  JournalEntryObject,
} from '../ledger/ledger.types';
import { BankLineStatus, BankMatchKind, BankRuleDirection } from './bank.entity';
import { DirectCashFlowCategory } from './direct-cash-flow';

const READERS = 'Requires one of: ACCOUNTANT, REPORTING, ADMIN.';

export enum BankStatementFormat {
  CAMT053 = 'CAMT053',
  OFX = 'OFX',
  CSV = 'CSV',
}

export enum BankLineDirection {
  CREDIT = 'CREDIT',
  DEBIT = 'DEBIT',
}

export enum CsvDateFormat {
  ISO = 'YYYY-MM-DD',
  DOTTED_DAY_FIRST = 'DD.MM.YYYY',
  SLASHED_DAY_FIRST = 'DD/MM/YYYY',
  SLASHED_MONTH_FIRST = 'MM/DD/YYYY',
}

registerEnumType(BankStatementFormat, {
  name: 'BankStatementFormat',
  description: 'The file formats a bank statement is imported from.',
  valuesConfig: {
    CAMT053: { description: 'ISO 20022 camt.053 (versions 001.02, 001.04 and 001.08).' },
    OFX: { description: 'Open Financial Exchange: 1.x (SGML) and 2.x (XML).' },
    CSV: { description: "A bank's CSV export, read with a saved column mapping (`csvMappingId`)." },
  },
});

registerEnumType(BankLineStatus, {
  name: 'BankLineStatus',
  description: 'How much of a bank line is matched to the books.',
  valuesConfig: {
    UNMATCHED: { description: 'Nothing matched yet.' },
    PARTIAL: { description: 'Part matched; some is still open.' },
    MATCHED: { description: 'Matched in full.' },
  },
});

registerEnumType(BankLineDirection, {
  name: 'BankLineDirection',
  description: 'Which way the money moved on the bank account.',
  valuesConfig: {
    CREDIT: { description: 'Money in.' },
    DEBIT: { description: 'Money out.' },
  },
});

registerEnumType(BankMatchKind, {
  name: 'BankMatchKind',
  description: 'What a part of a bank line was matched to.',
  valuesConfig: {
    INVOICE: { description: 'A customer invoice, paid by a receipt the match recorded.' },
    BILL: { description: 'A vendor bill, paid by the match.' },
    JOURNAL_ENTRY: {
      description: 'An entry already in the books (a payment recorded by hand, payroll).',
    },
    RULE: { description: "Booked by one of the accountant's rules." },
    ACCOUNT: { description: 'Booked by hand to a ledger account.' },
  },
});

registerEnumType(BankRuleDirection, {
  name: 'BankRuleDirection',
  description: 'Which lines a bank rule applies to.',
  valuesConfig: {
    CREDIT: { description: 'Money in only.' },
    DEBIT: { description: 'Money out only.' },
    ANY: { description: 'Both.' },
  },
});

registerEnumType(CsvDateFormat, {
  name: 'CsvDateFormat',
  description: 'How dates are written in a CSV export.',
  valuesConfig: {
    ISO: { description: '2026-12-31' },
    DOTTED_DAY_FIRST: { description: '31.12.2026' },
    SLASHED_DAY_FIRST: { description: '31/12/2026' },
    SLASHED_MONTH_FIRST: { description: '12/31/2026' },
  },
});

@ObjectType('BankAccount', {
  implements: Node,
  description: `A bank account of the company, tied to a cash account of the ledger. ${READERS}`,
})
export class BankAccountObject extends Node {
  @Field(() => String, { description: 'Its name, such as "Operating account".' })
  name!: string;

  @Field(() => AccountObject, { description: 'The ledger account that mirrors it.' })
  ledgerAccount!: unknown;

  @Field(() => String, { description: 'The ISO 4217 currency of the account.' })
  currency!: string;

  @Field(() => String, { nullable: true, description: 'The IBAN, in electronic format.' })
  iban!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The account number, where there is no IBAN (or besides it).',
  })
  accountNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'The US ABA routing number.' })
  routingNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'The BIC of the bank.' })
  bic!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The ACH company identification, for NACHA files.',
  })
  achCompanyId!: string | null;

  @Field(() => Money, {
    nullable: true,
    description:
      "The last imported statement's closing balance: where the next statement must open. Null before the first.",
  })
  statementBalance!: Money | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'The last day the imported statements cover.',
  })
  statementDate!: string | null;

  @Field(() => Money, { description: "The ledger account's balance (in the books' currency)." })
  ledgerBalance!: Money;

  @Field(() => Int, { description: 'Lines not yet matched in full.' })
  openLineCount!: number;
}

@ObjectType('BankStatement', {
  implements: Node,
  description: `One statement of a bank account: it opens where the previous one closed. ${READERS}`,
})
export class BankStatementObject extends Node {
  @Field(() => BankAccountObject, { description: 'Whose statement it is.' })
  bankAccount!: unknown;

  @Field(() => String, {
    nullable: true,
    description: "The bank's statement id (camt.053 `Stmt/Id`).",
  })
  externalId!: string | null;

  @Field(() => BankStatementFormat, { description: 'The format it was imported from.' })
  format!: BankStatementFormat;

  @Field(() => Money, { description: 'The balance it opens at.' })
  openingBalance!: Money;

  @Field(() => Money, { description: 'The balance it closes at, as the bank states it.' })
  closingBalance!: Money;

  @Field(() => Money, {
    description:
      'The opening balance plus everything matched on its lines: equals the closing balance once reconciled.',
  })
  clearedBalance!: Money;

  @Field(() => Money, {
    description: 'Closing balance less cleared balance: zero when reconciled.',
  })
  difference!: Money;

  @Field(() => Boolean, { description: 'Whether the closing balance equals the cleared balance.' })
  reconciled!: boolean;

  @Field(() => Int, {
    description: 'How many lines it holds (the entries new when it was imported).',
  })
  lineCount!: number;

  @Field(() => Int, { description: 'How many of them are matched in full.' })
  matchedLineCount!: number;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'The first day it covers.' })
  fromDate!: string | null;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'The last day it covers.' })
  toDate!: string | null;

  @Field(() => [String], {
    description:
      'What the file broke and how it was decided (accepted with a warning), in words for the bookkeeper.',
  })
  warnings!: string[];

  @Field(() => Date, { description: 'When it was imported.' })
  importedAt!: Date;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who imported it.' })
  importedBy!: unknown;
}

export const BankStatementConnection = Connection(
  BankStatementObject,
  'BankStatement',
  'bank statement',
);

@ObjectType('BankMatchSuggestion', {
  description:
    'A ranked guess at what a bank line pays: one of invoice, bill, journalEntry or rule.',
})
export class BankMatchSuggestionObject {
  @Field(() => Int, {
    description:
      'How sure, 0–100: 100 our payment reference, 90 a document number in the text, 85 a known payer account with the exact amount, 75 the payer name with the exact amount, 70/60 an uncleared entry of that amount near the date, 55 a known payer, 50 a rule, 40 the amount alone.',
  })
  score!: number;

  @Field(() => String, { description: 'Why, in words.' })
  reason!: string;

  @Field(() => Money, { description: 'What the match would take of the line.' })
  amount!: Money;

  @Field(() => InvoiceObject, { nullable: true, description: 'The invoice it would pay.' })
  invoice!: unknown;

  @Field(() => BillObject, { nullable: true, description: 'The bill it would pay.' })
  bill!: unknown;

  @Field(() => JournalEntryObject, {
    nullable: true,
    description: 'The entry already in the books it would clear.',
  })
  journalEntry!: unknown;

  @Field(() => BankRuleObject, { nullable: true, description: 'The rule that would book it.' })
  rule!: unknown;
}

@ObjectType('BankLineMatch', {
  implements: Node,
  description:
    'A part of a bank line matched to the books, kept after it is undone (with who, when and why).',
})
export class BankLineMatchObject extends Node {
  @Field(() => BankMatchKind, { description: 'What it was matched to.' })
  kind!: BankMatchKind;

  @Field(() => Money, { description: "The part of the line, in the line's sign." })
  amount!: Money;

  @Field(() => InvoiceObject, { nullable: true, description: 'The invoice it paid.' })
  invoice!: unknown;

  @Field(() => BillObject, { nullable: true, description: 'The bill it paid.' })
  bill!: unknown;

  @Field(() => JournalEntryObject, {
    description:
      'The entry it cleared, or the entry it posted (the receipt, the bill payment, the booking).',
  })
  journalEntry!: unknown;

  @Field(() => AccountObject, {
    nullable: true,
    description: 'The account a rule or the accountant booked it to.',
  })
  account!: unknown;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'Who matched it; null for the system.',
  })
  createdBy!: unknown;

  @Field(() => Date, { description: 'When it was matched.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was undone; null while it stands.' })
  undoneAt!: Date | null;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who undid it.' })
  undoneBy!: unknown;

  @Field(() => String, { nullable: true, description: 'Why it was undone.' })
  undoReason!: string | null;

  @Field(() => JournalEntryObject, {
    nullable: true,
    description: 'The reversal posted when it was undone.',
  })
  undoEntry!: unknown;
}

@ObjectType('BankStatementLine', {
  implements: Node,
  description: `One booked movement on a bank statement. ${READERS}`,
})
export class BankStatementLineObject extends Node {
  @Field(() => BankStatementObject, { description: 'The statement it is on.' })
  statement!: unknown;

  @Field(() => BankAccountObject, { description: 'The bank account.' })
  bankAccount!: unknown;

  @Field(() => CalendarDateScalar, { description: 'The booking date.' })
  date!: string;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'The value date.' })
  valueDate!: string | null;

  @Field(() => Money, {
    description: 'Signed: money in positive, money out negative, in the account currency.',
  })
  amount!: Money;

  @Field(() => BankLineDirection, { description: 'CREDIT (money in) or DEBIT (money out).' })
  direction!: BankLineDirection;

  @Field(() => String, {
    nullable: true,
    description: 'Who paid us, or whom we paid, as the bank names them.',
  })
  counterparty!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The counterparty's account (IBAN or number).",
  })
  counterpartyAccount!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The payment reference (structured creditor reference or end-to-end id).',
  })
  reference!: string | null;

  @Field(() => String, { nullable: true, description: "The bank's own reference for the entry." })
  bankReference!: string | null;

  @Field(() => String, { nullable: true, description: 'The remittance text.' })
  remittance!: string | null;

  @Field(() => String, { nullable: true, description: "The bank's transaction code." })
  bankTransactionCode!: string | null;

  @Field(() => BankLineStatus, { description: 'How much of it is matched.' })
  status!: BankLineStatus;

  @Field(() => Money, { description: 'What is matched (signed like the amount).' })
  matchedAmount!: Money;

  @Field(() => Money, { description: 'What is still open (signed like the amount).' })
  openAmount!: Money;

  @Field(() => [BankLineMatchObject], {
    description: 'Its matches, undone ones included, oldest first.',
  })
  matches!: unknown[];

  @Field(() => [BankMatchSuggestionObject], {
    description:
      'Ranked guesses at what the open part pays, best first (at most 5); empty once matched.',
  })
  suggestions!: unknown[];
}

export const BankStatementLineConnection = Connection(
  BankStatementLineObject,
  'BankStatementLine',
  'bank statement line',
);

@ObjectType('BankRule', {
  implements: Node,
  description: `A rule that books bank lines with no counterpart in the books (bank fees, interest). ${READERS}`,
})
export class BankRuleObject extends Node {
  @Field(() => String, { description: 'Its name.' })
  name!: string;

  @Field(() => Int, { description: 'Lower numbers are tried first.' })
  priority!: number;

  @Field(() => BankAccountObject, {
    nullable: true,
    description: "Only this bank account's lines; any when null.",
  })
  bankAccount!: unknown;

  @Field(() => BankRuleDirection, { description: 'Money in, money out, or both.' })
  direction!: BankRuleDirection;

  @Field(() => String, {
    nullable: true,
    description:
      'Text looked for (case-insensitive) in the counterparty, reference and remittance.',
  })
  textContains!: string | null;

  @Field(() => Money, {
    nullable: true,
    description: 'The smallest amount (unsigned) it applies to.',
  })
  minAmount!: Money | null;

  @Field(() => Money, {
    nullable: true,
    description: 'The largest amount (unsigned) it applies to.',
  })
  maxAmount!: Money | null;

  @Field(() => AccountObject, {
    description: 'The account it books to, such as 6100 for bank fees.',
  })
  account!: unknown;

  @Field(() => String, { nullable: true, description: 'The memo of the entries it posts.' })
  memo!: string | null;

  @Field(() => Boolean, { description: 'Whether it is applied.' })
  enabled!: boolean;
}

@ObjectType('CsvMapping', {
  implements: Node,
  description: `A saved column mapping for a bank's CSV export. ${READERS}`,
})
export class CsvMappingObject extends Node {
  @Field(() => String, { description: 'Its name, such as the bank it is for.' })
  name!: string;

  @Field(() => String, {
    description: 'The mapping as JSON (columns, date format, separators, currency).',
  })
  mapping!: string;
}

@InputType({ description: 'A new bank account.' })
export class CreateBankAccountInput {
  @Field(() => String, { description: 'Its name.' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => ID, {
    description: 'The ledger account (an asset) that mirrors it; it is classified as cash.',
  })
  @IsString()
  ledgerAccountId!: string;

  @Field(() => String, { description: 'The ISO 4217 currency.' })
  @IsString()
  @MaxLength(3)
  currency!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The IBAN (validated: length and check digits).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(42)
  iban?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The account number (when there is no IBAN).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(34)
  accountNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'The US ABA routing number (validated).' })
  @IsOptional()
  @IsString()
  @MaxLength(9)
  routingNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'The BIC (validated).' })
  @IsOptional()
  @IsString()
  @MaxLength(11)
  bic?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The ACH company identification (10 characters).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  achCompanyId?: string | null;
}

@ObjectType({ description: 'The result of `createBankAccount`.' })
export class CreateBankAccountPayload {
  @Field(() => BankAccountObject, { nullable: true, description: 'The new bank account.' })
  bankAccount?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `NAME_TAKEN`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A statement file to import.' })
export class ImportBankStatementInput {
  @Field(() => ID, { description: 'The bank account it is for.' })
  @IsString()
  bankAccountId!: string;

  @Field(() => BankStatementFormat, { description: 'The file format.' })
  format!: BankStatementFormat;

  @Field(() => String, {
    description: "The file's text. Larger files (over 1 MB) go to `POST /bank-statements` instead.",
  })
  @IsString()
  content!: string;

  @Field(() => ID, { nullable: true, description: 'The saved column mapping, for CSV.' })
  @IsOptional()
  @IsString()
  csvMappingId?: string | null;
}

@ObjectType({ description: 'The result of `importBankStatement`.' })
export class ImportBankStatementPayload {
  @Field(() => BankStatementObject, {
    nullable: true,
    description: 'The first statement written; null when nothing was new.',
  })
  statement?: unknown;

  @Field(() => [BankStatementObject], {
    nullable: true,
    description: 'Every statement the file added.',
  })
  statements?: unknown[];

  @Field(() => Int, {
    nullable: true,
    description: 'Entries skipped because they were imported before.',
  })
  skippedDuplicates?: number;

  @Field(() => [String], {
    nullable: true,
    description: 'What the file broke that was accepted, and how.',
  })
  warnings?: string[];

  @Field(() => [UserError], {
    description:
      'Why nothing was imported (`MALFORMED_STATEMENT` naming the element or line, `STATEMENT_GAP`, `ACCOUNT_MISMATCH`, `CURRENCY_MISMATCH`, `NOT_FOUND`, `INVALID_INPUT`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'Which statements to list.' })
export class BankStatementFilter {
  @Field(() => ID, { nullable: true, description: "Only this bank account's statements." })
  @IsOptional()
  @IsString()
  bankAccountId?: string | null;
}

@InputType({ description: 'Which bank statement lines to list.' })
export class BankStatementLineFilter {
  @Field(() => ID, { nullable: true, description: "Only this bank account's lines." })
  @IsOptional()
  @IsString()
  bankAccountId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this statement's lines." })
  @IsOptional()
  @IsString()
  statementId?: string | null;

  @Field(() => [BankLineStatus], {
    nullable: true,
    description: 'Only lines in one of these statuses.',
  })
  @IsOptional()
  @ArrayMaxSize(3)
  status?: BankLineStatus[] | null;
}

@InputType({
  description: 'One part of a bank line and what it pays or books: exactly one target.',
})
export class BankMatchInput {
  @Field(() => ID, { nullable: true, description: 'A customer invoice the line (money in) pays.' })
  @IsOptional()
  @IsString()
  invoiceId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A vendor bill the line (money out) pays.' })
  @IsOptional()
  @IsString()
  billId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'An entry already in the books that moved this money.',
  })
  @IsOptional()
  @IsString()
  journalEntryId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A bank rule to book it with.' })
  @IsOptional()
  @IsString()
  ruleId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A ledger account to book it to.' })
  @IsOptional()
  @IsString()
  accountId?: string | null;

  @Field(() => DecimalScalar, {
    description: "How much of the line (unsigned; the line's sign applies).",
  })
  amount!: string;
}

@InputType({ description: 'Matches for one bank line.' })
export class ReconcileBankLineInput {
  @Field(() => ID, { description: 'The line.' })
  @IsString()
  lineId!: string;

  @Field(() => [BankMatchInput], {
    description: 'The parts; together at most what is open on the line.',
  })
  @ValidateNested({ each: true })
  @ArrayMaxSize(100)
  matches!: BankMatchInput[];
}

@ObjectType({ description: 'The result of `reconcileBankLine` and `unreconcileBankLine`.' })
export class BankLinePayload {
  @Field(() => BankStatementLineObject, { nullable: true, description: 'The line.' })
  line?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`MATCH_EXCEEDS_LINE`, `OVERPAYMENT`, `ALREADY_CLEARED`, `CURRENCY_MISMATCH`, `NOT_RECONCILED`, `PERIOD_CLOSED`, `NOT_FOUND`, `INVALID_INPUT`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'The bank line whose matches to undo.' })
export class UnreconcileBankLineInput {
  @Field(() => ID, { description: 'The line.' })
  @IsString()
  lineId!: string;

  @Field(() => String, { nullable: true, description: 'Why, kept with each match undone.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string | null;
}

@InputType({ description: 'Match a statement automatically from its suggestions.' })
export class AutoReconcileBankStatementInput {
  @Field(() => ID, { description: 'The statement.' })
  @IsString()
  statementId!: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'The lowest score matched (90 by default: our references and document numbers only).',
  })
  @IsOptional()
  minimumScore?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'How many open lines to look at in this call (1,000 by default, at most 10,000).',
  })
  @IsOptional()
  first?: number | null;

  @Field(() => ID, {
    nullable: true,
    description: "Go on after this line: the previous call's `lastLine`.",
  })
  @IsOptional()
  @IsString()
  after?: string | null;
}

@ObjectType({ description: 'The result of `autoReconcileBankStatement`.' })
export class AutoReconcileBankStatementPayload {
  @Field(() => BankStatementObject, { nullable: true, description: 'The statement.' })
  statement?: unknown;

  @Field(() => Int, { nullable: true, description: 'Lines matched in full.' })
  matched?: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Open lines left for the accountant (no suggestion sure enough, or a tie).',
  })
  skipped?: number;

  @Field(() => BankStatementLineObject, {
    nullable: true,
    description: 'The last line looked at: pass it as `after` to go on.',
  })
  lastLine?: unknown;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether open lines are left after `lastLine`.',
  })
  hasMore?: boolean;

  @Field(() => [UserError], { description: 'Why it was refused (`NOT_FOUND`, `INVALID_INPUT`).' })
  userErrors!: UserError[];
}

@InputType({ description: 'A new bank rule.' })
export class CreateBankRuleInput {
  @Field(() => String, { description: 'Its name.' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Lower numbers are tried first (100 by default).',
  })
  @IsOptional()
  priority?: number | null;

  @Field(() => ID, { nullable: true, description: "Only this bank account's lines." })
  @IsOptional()
  @IsString()
  bankAccountId?: string | null;

  @Field(() => BankRuleDirection, {
    nullable: true,
    description: 'Money in, out, or both (ANY by default).',
  })
  @IsOptional()
  direction?: BankRuleDirection | null;

  @Field(() => String, {
    nullable: true,
    description: 'Text to look for in the counterparty, reference and remittance.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  textContains?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The smallest amount (unsigned).' })
  @IsOptional()
  minAmount?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The largest amount (unsigned).' })
  @IsOptional()
  maxAmount?: string | null;

  @Field(() => ID, { description: 'The account to book to, such as 6100 for bank fees.' })
  @IsString()
  accountId!: string;

  @Field(() => String, { nullable: true, description: 'The memo of the entries it posts.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  memo?: string | null;
}

@ObjectType({ description: 'The result of `createBankRule`.' })
export class CreateBankRulePayload {
  @Field(() => BankRuleObject, { nullable: true, description: 'The new rule.' })
  rule?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`, `NOT_FOUND`, `NAME_TAKEN`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: "A bank's CSV export: which column holds what." })
export class CreateCsvMappingInput {
  @Field(() => String, { description: 'Its name.' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => String, { nullable: true, description: 'The delimiter ("," by default).' })
  @IsOptional()
  @IsString()
  @MaxLength(1)
  delimiter?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Whether the first line names the columns (true by default). Columns are then named by header, else by number from 1.',
  })
  @IsOptional()
  hasHeader?: boolean | null;

  @Field(() => String, { description: 'The booking date column.' })
  @IsString()
  @MaxLength(100)
  dateColumn!: string;

  @Field(() => CsvDateFormat, {
    nullable: true,
    description: 'How dates are written (YYYY-MM-DD by default).',
  })
  @IsOptional()
  dateFormat?: CsvDateFormat | null;

  @Field(() => String, {
    nullable: true,
    description: 'A signed amount column (or give credit and debit columns).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  amountColumn?: string | null;

  @Field(() => String, { nullable: true, description: 'The money-in column.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  creditColumn?: string | null;

  @Field(() => String, { nullable: true, description: 'The money-out column.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  debitColumn?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The decimal separator, "." (default) or ",".',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1)
  decimalSeparator?: string | null;

  @Field(() => String, { nullable: true, description: 'The counterparty name column.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  counterpartyColumn?: string | null;

  @Field(() => String, { nullable: true, description: "The counterparty's account column." })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  counterpartyAccountColumn?: string | null;

  @Field(() => String, { nullable: true, description: 'The payment reference column.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  referenceColumn?: string | null;

  @Field(() => String, { nullable: true, description: 'The remittance text column.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  remittanceColumn?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The bank's transaction id column (used to skip duplicates).",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  idColumn?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A running balance column (its last value closes the statement).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  balanceColumn?: string | null;

  @Field(() => String, { description: 'The ISO 4217 currency of the amounts.' })
  @IsString()
  @MaxLength(3)
  currency!: string;
}

@ObjectType({ description: 'The result of `createCsvMapping`.' })
export class CreateCsvMappingPayload {
  @Field(() => CsvMappingObject, { nullable: true, description: 'The new mapping.' })
  csvMapping?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`INVALID_INPUT`, `NAME_TAKEN`).' })
  userErrors!: UserError[];
}

registerEnumType(DirectCashFlowCategory, {
  name: 'DirectCashFlowCategory',
  description: 'What reconciled bank lines paid or received, in the direct cash-flow view.',
  valuesConfig: {
    CUSTOMER_RECEIPTS: { description: 'Customer receipts matched to invoices.' },
    VENDOR_PAYMENTS: { description: 'Vendor bills paid.' },
    BOOKED: { description: 'Booked by a rule or by hand to an account (`account`).' },
    RECORDED_ENTRIES: { description: 'Entries already in the books, by their source (`source`).' },
  },
});

@ObjectType('DirectCashFlowRow', { description: 'One kind of cash movement in the direct view.' })
export class DirectCashFlowRowObject {
  @Field(() => DirectCashFlowCategory, { description: 'What it was.' })
  category!: DirectCashFlowCategory;

  @Field(() => AccountObject, { nullable: true, description: 'The account booked to (BOOKED).' })
  account!: unknown;

  @Field(() => String, {
    nullable: true,
    description: "The cleared entries' source, such as PAYROLL or MANUAL (RECORDED_ENTRIES).",
  })
  source!: string | null;

  @Field(() => Money, { description: 'Signed: money in positive, money out negative.' })
  amount!: Money;
}

@ObjectType('DirectCashFlow', {
  description:
    "The direct view of a period's cash flow: what the books-currency bank accounts' reconciled lines, booked in the period, received and paid.",
})
export class DirectCashFlowObject {
  @Field(() => [DirectCashFlowRowObject], { description: 'By category (and account or source).' })
  rows!: DirectCashFlowRowObject[];

  @Field(() => Money, { description: 'Money in.' })
  receipts!: Money;

  @Field(() => Money, { description: 'Money out (negative).' })
  payments!: Money;

  @Field(() => Money, { description: 'Receipts plus payments.' })
  netChange!: Money;

  @Field(() => Money, {
    description: "What the period's bank lines hold that is not matched yet (not in the rows).",
  })
  unreconciled!: Money;
}
