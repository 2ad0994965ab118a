import {
  ArrayMaxSize,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar, DecimalScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { CustomerObject } from '../customers/customer.types';
import { EmployeeObject } from '../employees/employee.types';
import { AccountType, CashFlowActivity, CashFlowSection, NormalBalance } from './ledger.entity';
import { BillMatchStatus } from './bill-match';
import { SettlementStatus } from './receivables.entity';

registerEnumType(AccountType, {
  name: 'AccountType',
  description: 'The kind of an account, which decides its normal balance and its statement.',
  valuesConfig: {
    ASSET: {
      description: 'What the company owns (cash, receivables, inventory). Normal balance: debit.',
    },
    LIABILITY: {
      description: 'What the company owes (payables, payroll liabilities). Normal balance: credit.',
    },
    EQUITY: { description: "The owners' stake. Normal balance: credit." },
    REVENUE: { description: 'Income from sales. Normal balance: credit.' },
    EXPENSE: { description: 'Costs (goods sold, salaries, operations). Normal balance: debit.' },
  },
});

registerEnumType(NormalBalance, {
  name: 'NormalBalance',
  description: 'The side on which an account normally carries its balance.',
  valuesConfig: {
    DEBIT: { description: 'Debits increase it (assets, expenses).' },
    CREDIT: { description: 'Credits increase it (liabilities, equity, revenue).' },
  },
});

registerEnumType(CashFlowSection, {
  name: 'CashFlowSection',
  description:
    "Where a balance-sheet account's movements go in the cash flow statement. Revenue and expense accounts take none: they count through net income.",
  valuesConfig: {
    CASH: {
      description:
        'The account is cash (a till, a bank account): its change is what the statement explains (opening and closing cash).',
    },
    OPERATING: {
      description:
        'Working capital: receivables, inventory, payables, payroll liabilities. Its change adjusts net income.',
    },
    INVESTING: { description: 'Long-term assets such as equipment, and investments.' },
    FINANCING: { description: "Loans and the owners' equity." },
  },
});

registerEnumType(CashFlowActivity, {
  name: 'CashFlowActivity',
  description: 'The section of a cash flow statement a row belongs to.',
  valuesConfig: {
    OPERATING: { description: 'Cash from operations: net income and working-capital changes.' },
    INVESTING: { description: 'Cash spent on or received from long-term assets.' },
    FINANCING: { description: 'Cash from or to lenders and owners.' },
  },
});

registerEnumType(SettlementStatus, {
  name: 'SettlementStatus',
  description: 'How much of an invoice or bill has been paid.',
  valuesConfig: {
    OPEN: { description: 'Nothing paid yet.' },
    PARTIALLY_PAID: { description: 'Part paid; some is still due.' },
    PAID: { description: 'Paid in full.' },
  },
});

const ACCOUNTANT_ONLY = 'Requires one of: ACCOUNTANT, ADMIN.';

@ObjectType('Account', {
  implements: Node,
  description: `An account of the chart of accounts. ${ACCOUNTANT_ONLY}`,
})
export class AccountObject extends Node {
  @Field(() => String, { description: 'The account code, such as "1100".' })
  code!: string;

  @Field(() => String, { description: 'The account name, such as "Accounts Receivable".' })
  name!: string;

  @Field(() => AccountType, { description: 'What kind of account it is.' })
  type!: AccountType;

  @Field(() => NormalBalance, { description: 'The side on which it normally carries its balance.' })
  normalBalance!: NormalBalance;

  @Field(() => CashFlowSection, {
    nullable: true,
    description:
      'Its section of the cash flow statement; null for revenue and expense accounts, and for a balance-sheet account not yet classified (which the statement refuses to leave out once it moves: `UNCLASSIFIED_ACCOUNT`).',
  })
  cashFlowSection!: CashFlowSection | null;

  @Field(() => Money, {
    description:
      "The balance in the account's natural sign (positive on its normal side), as of a date.",
  })
  balance!: Money;
}

export const AccountConnection = Connection(AccountObject, 'Account', 'account');

@ObjectType('JournalLine', {
  description: 'One line of a journal entry: a debit or a credit to one account.',
})
export class JournalLineObject {
  @Field(() => AccountObject, { description: 'The account.' })
  account!: unknown;

  @Field(() => Money, { description: 'The debit amount (zero on a credit line).' })
  debit!: Money;

  @Field(() => Money, { description: 'The credit amount (zero on a debit line).' })
  credit!: Money;

  @Field(() => String, { nullable: true, description: 'A note on this line.' })
  memo!: string | null;

  @Field(() => Money, {
    description:
      "The account's balance after this line in posting order (debits minus credits): the audit chain.",
  })
  balanceAfter!: Money;

  @Field(() => Money, {
    description:
      "The account's running balance after this line in date order, in its natural sign.",
  })
  runningBalance!: Money;

  @Field(() => CustomerObject, {
    nullable: true,
    description: 'The customer of a receivable line.',
  })
  customer!: unknown;
}

@ObjectType('JournalEntry', {
  implements: Node,
  description: `A posted, immutable journal entry. ${ACCOUNTANT_ONLY}`,
})
export class JournalEntryObject extends Node {
  @Field(() => Int, { description: 'Entry number: without gaps, in posting order.' })
  number!: number;

  @Field(() => CalendarDateScalar, { description: 'The accounting date.' })
  date!: string;

  @Field(() => String, { nullable: true, description: 'What the entry is for.' })
  memo!: string | null;

  @Field(() => String, {
    description:
      'What produced it: MANUAL, INVOICE, PAYMENT, BILL, BILL_PAYMENT, PAYROLL or REVERSAL.',
  })
  source!: string;

  @Field(() => [JournalLineObject], { description: 'The lines, in the order given.' })
  lines!: unknown[];

  @Field(() => JournalEntryObject, { nullable: true, description: 'The entry this one reverses.' })
  reversalOf!: unknown;

  @Field(() => JournalEntryObject, {
    nullable: true,
    description: 'The entry that reversed this one.',
  })
  reversedBy!: unknown;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'Who posted it; null for the system.',
  })
  createdBy!: unknown;

  @Field(() => Date, { description: 'When it was posted.' })
  createdAt!: Date;
}

export const JournalEntryConnection = Connection(
  JournalEntryObject,
  'JournalEntry',
  'journal entry',
);

@ObjectType({
  description: 'One account in the trial balance: its balance on the debit or the credit side.',
})
export class TrialBalanceRow {
  @Field(() => AccountObject, { description: 'The account.' })
  account!: unknown;

  @Field(() => Money, { description: 'The balance when it is a debit balance, otherwise zero.' })
  debit!: Money;

  @Field(() => Money, { description: 'The balance when it is a credit balance, otherwise zero.' })
  credit!: Money;
}

@ObjectType({
  description: `Every account's balance as of a date; total debits equal total credits. ${ACCOUNTANT_ONLY}`,
})
export class TrialBalance {
  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'The date; null means every posting so far.',
  })
  asOf!: string | null;

  @Field(() => [TrialBalanceRow], { description: 'One row per account, by code.' })
  rows!: TrialBalanceRow[];

  @Field(() => Money, { description: 'Sum of the debit column.' })
  totalDebit!: Money;

  @Field(() => Money, { description: 'Sum of the credit column.' })
  totalCredit!: Money;

  @Field(() => Boolean, {
    description: 'Whether total debits equal total credits (always true for this ledger).',
  })
  balanced!: boolean;
}

@ObjectType({ description: "An account and its balance in the account's natural sign." })
export class AccountBalance {
  @Field(() => AccountObject, { description: 'The account.' })
  account!: unknown;

  @Field(() => Money, { description: 'Its balance (positive on its normal side).' })
  balance!: Money;
}

@ObjectType({ description: `Assets, liabilities and equity as of a date. ${ACCOUNTANT_ONLY}` })
export class BalanceSheet {
  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'The date; null means every posting so far.',
  })
  asOf!: string | null;

  @Field(() => [AccountBalance], { description: 'Asset accounts.' })
  assets!: AccountBalance[];

  @Field(() => [AccountBalance], { description: 'Liability accounts.' })
  liabilities!: AccountBalance[];

  @Field(() => [AccountBalance], { description: 'Equity accounts.' })
  equity!: AccountBalance[];

  @Field(() => Money, { description: 'Sum of the assets.' })
  totalAssets!: Money;

  @Field(() => Money, { description: 'Sum of the liabilities.' })
  totalLiabilities!: Money;

  @Field(() => Money, { description: 'Sum of the equity accounts.' })
  totalEquity!: Money;

  @Field(() => Money, {
    description: 'Revenue minus expenses to date, not yet closed into equity.',
  })
  currentEarnings!: Money;

  @Field(() => Money, {
    description: 'Liabilities + equity + current earnings: equals total assets.',
  })
  totalLiabilitiesAndEquity!: Money;
}

@ObjectType({ description: `Revenue and expenses over a period. ${ACCOUNTANT_ONLY}` })
export class IncomeStatement {
  @Field(() => CalendarDateScalar, { description: 'First day.' })
  from!: string;

  @Field(() => CalendarDateScalar, { description: 'Last day.' })
  to!: string;

  @Field(() => [AccountBalance], { description: 'Revenue accounts and what each earned.' })
  revenue!: AccountBalance[];

  @Field(() => [AccountBalance], { description: 'Expense accounts and what each cost.' })
  expenses!: AccountBalance[];

  @Field(() => Money, { description: 'Sum of revenue.' })
  totalRevenue!: Money;

  @Field(() => Money, { description: 'Sum of expenses.' })
  totalExpenses!: Money;

  @Field(() => Money, { description: 'Revenue minus expenses.' })
  netIncome!: Money;
}

@ObjectType({ description: 'One line of a cash flow statement.' })
export class CashFlowRowObject {
  @Field(() => CashFlowActivity, { description: 'The section it belongs to.' })
  section!: CashFlowActivity;

  @Field(() => String, {
    description: 'What it is: "Net income", or the account\'s code and name.',
  })
  label!: string;

  @Field(() => AccountObject, {
    nullable: true,
    description: 'The balance-sheet account whose change it is; null for the net income row.',
  })
  account!: unknown;

  @Field(() => Money, {
    description:
      'Its effect on cash in the period: positive brought cash in (net income, a liability that grew, an asset that shrank), negative used it. For an account: minus the change in its debit balance.',
  })
  amount!: Money;
}

@ObjectType({
  description: 'A cash account (section CASH) at the start and the end of the period.',
})
export class CashFlowCashAccount {
  @Field(() => AccountObject, { description: 'The cash account.' })
  account!: unknown;

  @Field(() => Money, {
    description: 'Its debit balance at the end of the day before the period.',
  })
  opening!: Money;

  @Field(() => Money, { description: 'Its debit balance at the end of the last day.' })
  closing!: Money;
}

@ObjectType('CashFlowStatement', {
  description:
    'Where cash came from and went over a period, by the indirect method: net income, adjusted by the change of each classified balance-sheet account. Requires one of: ACCOUNTANT, REPORTING, ADMIN.',
})
export class CashFlowStatement {
  // The direct view (cash in and out from reconciled bank lines) belongs to banking: it adds a
  // `direct` field here with its own field resolver in src/modules/banking/, reading `from` and
  // `to` of this object.

  @Field(() => CalendarDateScalar, { description: 'First day of the period.' })
  from!: string;

  @Field(() => CalendarDateScalar, { description: 'Last day of the period.' })
  to!: string;

  @Field(() => Money, {
    description: 'Revenue minus expenses of the period (also the first OPERATING row).',
  })
  netIncome!: Money;

  @Field(() => Money, { description: 'Net cash from operating activities (sum of its rows).' })
  operating!: Money;

  @Field(() => Money, { description: 'Net cash from investing activities (sum of its rows).' })
  investing!: Money;

  @Field(() => Money, { description: 'Net cash from financing activities (sum of its rows).' })
  financing!: Money;

  @Field(() => Money, { description: 'operating + investing + financing.' })
  netChange!: Money;

  @Field(() => Money, {
    description: 'The cash accounts together at the end of the day before the period.',
  })
  openingCash!: Money;

  @Field(() => Money, { description: 'The cash accounts together at the end of the period.' })
  closingCash!: Money;

  @Field(() => Money, {
    description:
      'The proof: netChange − (closingCash − openingCash). Zero when the statement is right.',
  })
  proofDifference!: Money;

  @Field(() => [CashFlowRowObject], {
    description:
      'The rows, OPERATING first (net income, then accounts by code), then INVESTING and FINANCING. An account has a row when it had postings in the period.',
  })
  rows!: CashFlowRowObject[];

  @Field(() => [CashFlowCashAccount], {
    description: 'Each cash account (section CASH) with its opening and closing balance, by code.',
  })
  cashAccounts!: CashFlowCashAccount[];

  @Field(() => CashFlowStatement, {
    nullable: true,
    description:
      'The same statement for the period of equal length that ends the day before `from`, for comparison; computed only when asked. Null with an error (such as UNCLASSIFIED_ACCOUNT) when that period cannot be stated.',
  })
  previous?: CashFlowStatement | null;
}

@ObjectType('Invoice', {
  implements: Node,
  description: 'An invoice issued to a customer when their order shipped.',
})
export class InvoiceObject extends Node {
  @Field(() => String, { description: 'Invoice number, such as INV-000042.' })
  number!: string;

  @Field(() => String, {
    description:
      'The payment reference printed on the invoice: the ISO 11649 creditor reference of its number (RF…). A bank line that carries it is matched to this invoice first.',
  })
  paymentReference!: string;

  @Field(() => CustomerObject, { description: 'Who is billed.' })
  customer!: unknown;

  @Field(() => SettlementStatus, { description: 'How much has been paid.' })
  status!: SettlementStatus;

  @Field(() => Money, { description: 'The invoiced amount.' })
  total!: Money;

  @Field(() => Money, { description: 'What has been paid.' })
  amountPaid!: Money;

  @Field(() => Money, { description: 'What is still due.' })
  amountDue!: Money;

  @Field(() => Date, { description: 'When it was issued.' })
  issuedAt!: Date;

  @Field(() => CalendarDateScalar, { description: 'The invoice date.' })
  issueDate!: string;

  @Field(() => CalendarDateScalar, { description: 'When payment is due.' })
  dueDate!: string;

  @Field(() => Date, {
    nullable: true,
    description:
      'When it was first emailed to the customer with its PDF; null while unsent (such as a customer without an email address). A resend keeps this first time.',
  })
  sentAt!: Date | null;

  @Field(() => String, {
    description:
      'Where its PDF downloads: a path on this server, signed for 15 minutes (it also answers a bearer token that may read invoices). Requires one of: ACCOUNTANT, REPORTING, SUPPORT_AGENT, SUPPORT_LEAD, ADMIN.',
  })
  pdfUrl!: string;
}

export const InvoiceConnection = Connection(InvoiceObject, 'Invoice', 'invoice');

@ObjectType('Vendor', {
  implements: Node,
  description:
    'Someone we buy from, and on what terms. Requires one of: ACCOUNTANT, FULFILLMENT, REPORTING, ADMIN.',
})
export class VendorObject extends Node {
  @Field(() => String, { description: 'Vendor name (unique).' })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Email address: approved purchase orders are mailed here (none: not mailed).',
  })
  email!: string | null;

  @Field(() => Int, { description: 'Days between a bill and its due date, by default.' })
  paymentTermsDays!: number;

  @Field(() => DecimalScalar, {
    description:
      'Units may be received up to each line’s quantity plus this percentage of it, such as "10.00" (default). Copied onto each purchase order when it is made.',
  })
  receiptTolerancePercent!: string;

  @Field(() => DecimalScalar, {
    description:
      'A billed line matches when its price variance is within the greater of this percentage of its ordered amount ("5.00" by default)… Copied onto each purchase order when it is made.',
  })
  priceTolerancePercent!: string;

  @Field(() => Money, {
    description:
      '…and this amount, per bill line (5.00 by default). Copied onto each purchase order when it is made.',
  })
  priceToleranceAmount!: Money;
}

export const VendorConnection = Connection(VendorObject, 'Vendor', 'vendor');

registerEnumType(BillMatchStatus, {
  name: 'BillMatchStatus',
  description: "A bill's three-way match against its purchase order and what was received.",
  valuesConfig: {
    NONE: { description: 'It bills no purchase order.' },
    MATCHED: {
      description: 'Every line is within what was received and within the price tolerance.',
    },
    EXCEPTION: {
      description:
        'A line bills more than was received, or a price outside the tolerance: payBill refuses it (`MATCH_EXCEPTION`) until approveBillVariance.',
    },
  },
});

@ObjectType({ description: "Who accepted a bill's match exception, and why." })
export class BillVarianceApproval {
  @Field(() => EmployeeObject, { nullable: true, description: 'Who approved it.' })
  approvedBy!: unknown;

  @Field(() => Date, { description: 'When.' })
  approvedAt!: Date;

  @Field(() => String, { description: 'Why.' })
  reason!: string;
}

@ObjectType('Bill', {
  implements: Node,
  description: `A vendor's bill: what we owe them. ${ACCOUNTANT_ONLY}`,
})
export class BillObject extends Node {
  @Field(() => String, { description: 'Bill number, such as BILL-000007.' })
  number!: string;

  @Field(() => VendorObject, { description: 'Who billed us.' })
  vendor!: unknown;

  @Field(() => AccountObject, { description: 'The expense account it was posted to.' })
  expenseAccount!: unknown;

  @Field(() => SettlementStatus, { description: 'How much has been paid.' })
  status!: SettlementStatus;

  @Field(() => Money, { description: 'The billed amount.' })
  amount!: Money;

  @Field(() => Money, { description: 'What has been paid.' })
  amountPaid!: Money;

  @Field(() => Money, { description: 'What is still due.' })
  amountDue!: Money;

  @Field(() => CalendarDateScalar, { description: 'The bill date.' })
  billDate!: string;

  @Field(() => CalendarDateScalar, { description: 'When payment is due.' })
  dueDate!: string;

  @Field(() => String, { nullable: true, description: 'What it is for.' })
  memo!: string | null;

  @Field(() => BillMatchStatus, {
    description:
      'How it compares with its purchase order: MATCHED, EXCEPTION (not paid until approveBillVariance) or NONE (no purchase order).',
  })
  matchStatus!: BillMatchStatus;

  @Field(() => [String], {
    description: 'Why an EXCEPTION bill did not match, one reason per line at fault.',
  })
  matchExceptions!: string[];

  @Field(() => BillVarianceApproval, {
    nullable: true,
    description: 'Who let an EXCEPTION bill be paid, when and why; null until then.',
  })
  varianceApproval!: unknown;
}

export const BillConnection = Connection(BillObject, 'Bill', 'bill');

@ObjectType('Payment', { description: 'Money received from a customer.' })
export class PaymentObject {
  @Field(() => Money, { description: 'The amount received.' })
  amount!: Money;

  @Field(() => CalendarDateScalar, { description: 'When it was received.' })
  receivedOn!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The reference given, such as a bank transfer id.',
  })
  reference!: string | null;
}

@ObjectType({ description: 'Outstanding amounts by days past due.' })
export class AgingBuckets {
  @Field(() => Money, { description: 'Not yet due.' })
  current!: Money;

  @Field(() => Money, { description: '1 to 30 days past due.' })
  days1To30!: Money;

  @Field(() => Money, { description: '31 to 60 days past due.' })
  days31To60!: Money;

  @Field(() => Money, { description: '61 to 90 days past due.' })
  days61To90!: Money;

  @Field(() => Money, { description: 'More than 90 days past due.' })
  over90!: Money;

  @Field(() => Money, { description: 'All outstanding.' })
  total!: Money;
}

@ObjectType({ description: 'Outstanding amounts across all rows, by days past due.' })
export class AgingTotals extends AgingBuckets {}

@ObjectType({ description: 'What one customer owes, by days past due.' })
export class ArAgingRow extends AgingBuckets {
  @Field(() => CustomerObject, { description: 'The customer.' })
  customer!: unknown;
}

@ObjectType({ description: 'What we owe one vendor, by days past due.' })
export class ApAgingRow extends AgingBuckets {
  @Field(() => VendorObject, { description: 'The vendor.' })
  vendor!: unknown;
}

@ObjectType({
  description: `Receivables aging: open invoice amounts per customer as of a date. ${ACCOUNTANT_ONLY}`,
})
export class ArAging {
  @Field(() => CalendarDateScalar, { description: 'The date.' })
  asOf!: string;

  @Field(() => [ArAgingRow], { description: 'One row per customer who owes something.' })
  rows!: ArAgingRow[];

  @Field(() => AgingTotals, { description: 'Totals per bucket.' })
  totals!: AgingTotals;
}

@ObjectType({
  description: `Payables aging: open bill amounts per vendor as of a date. ${ACCOUNTANT_ONLY}`,
})
export class ApAging {
  @Field(() => CalendarDateScalar, { description: 'The date.' })
  asOf!: string;

  @Field(() => [ApAgingRow], { description: 'One row per vendor we owe.' })
  rows!: ApAgingRow[];

  @Field(() => AgingTotals, { description: 'Totals per bucket.' })
  totals!: AgingTotals;
}

// ---- inputs and payloads ----

@InputType({ description: 'Which accounts to list.' })
export class AccountFilter {
  @Field(() => AccountType, { nullable: true, description: 'Only accounts of this type.' })
  @IsOptional()
  type?: AccountType | null;

  @Field(() => String, { nullable: true, description: 'Matches code or name, case-insensitively.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string | null;

  @Field(() => CashFlowSection, {
    nullable: true,
    description: 'Only accounts in this section of the cash flow statement.',
  })
  @IsOptional()
  cashFlowSection?: CashFlowSection | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: only asset, liability and equity accounts without a cash flow section (the ones to classify); false: every account but those.',
  })
  @IsOptional()
  unclassified?: boolean | null;
}

@InputType({ description: 'Which journal entries to list.' })
export class JournalEntryFilter {
  @Field(() => ID, { nullable: true, description: 'Only entries with a line on this account.' })
  @IsOptional()
  @IsString()
  accountId?: string | null;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'Dated on or after this day.' })
  @IsOptional()
  from?: string | null;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'Dated on or before this day.' })
  @IsOptional()
  to?: string | null;
}

@InputType({ description: 'Which invoices to list.' })
export class InvoiceFilter {
  @Field(() => ID, { nullable: true, description: "Only this customer's invoices." })
  @IsOptional()
  @IsString()
  customerId?: string | null;

  @Field(() => [SettlementStatus], {
    nullable: true,
    description: 'Only invoices in one of these statuses.',
  })
  @IsOptional()
  @ArrayMaxSize(3)
  status?: SettlementStatus[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only invoices already emailed (true) or not yet emailed (false).',
  })
  @IsOptional()
  sent?: boolean | null;
}

@InputType({ description: 'The invoice to email.' })
export class SendInvoiceInput {
  @Field(() => ID, { description: 'The invoice to email to its customer.' })
  @IsString()
  invoiceId!: string;
}

@ObjectType({ description: 'The result of `sendInvoice`.' })
export class SendInvoicePayload {
  @Field(() => InvoiceObject, { nullable: true, description: 'The invoice, with its `sentAt`.' })
  invoice?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`NOT_FOUND`, `NO_EMAIL_ADDRESS`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A new account.' })
export class CreateAccountInput {
  @Field(() => String, { description: 'A unique code of 3 to 10 digits.' })
  @IsString()
  @MaxLength(20)
  code!: string;

  @Field(() => String, { description: 'The account name.' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => AccountType, { description: 'What kind of account it is.' })
  type!: AccountType;

  @Field(() => CashFlowSection, {
    nullable: true,
    description:
      'Its section of the cash flow statement; only asset, liability and equity accounts take one (`INVALID_INPUT` otherwise).',
  })
  @IsOptional()
  cashFlowSection?: CashFlowSection | null;
}

@InputType({ description: "An account's section of the cash flow statement." })
export class SetAccountCashFlowSectionInput {
  @Field(() => ID, { description: 'The account: an asset, liability or equity account.' })
  @IsString()
  accountId!: string;

  @Field(() => CashFlowSection, { description: 'Its section.' })
  section!: CashFlowSection;
}

@InputType({
  description: 'One line of a new journal entry: exactly one of debit and credit, positive.',
})
export class JournalLineInput {
  @Field(() => ID, { description: 'The account.' })
  @IsString()
  accountId!: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'The debit amount, such as "100.00".',
  })
  @IsOptional()
  debit?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The credit amount.' })
  @IsOptional()
  credit?: string | null;

  @Field(() => String, { nullable: true, description: 'A note on this line.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  memo?: string | null;
}

@InputType({ description: 'A new journal entry: at least two lines, debits equal to credits.' })
export class PostJournalEntryInput {
  @Field(() => CalendarDateScalar, {
    description: 'The accounting date; must be after the closed period.',
  })
  date!: string;

  @Field(() => String, { nullable: true, description: 'What the entry is for.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  memo?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Makes retries safe: the same key with the same input returns the first entry.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;

  @Field(() => [JournalLineInput], { description: 'The lines (2 to 500).' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(500)
  lines!: JournalLineInput[];
}

@InputType({ description: 'The entry to reverse.' })
export class ReverseJournalEntryInput {
  @Field(() => ID, { description: 'The journal entry.' })
  @IsString()
  entryId!: string;

  @Field(() => String, { nullable: true, description: 'Why; defaults to "Reversal of entry N".' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  memo?: string | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'The date of the reversal; today (or the original date, if later) by default.',
  })
  @IsOptional()
  date?: string | null;
}

@InputType({ description: 'Closes the books through a date.' })
export class ClosePeriodInput {
  @Field(() => CalendarDateScalar, {
    description: 'Nothing may be posted on or before this day afterwards.',
  })
  closedThrough!: string;
}

@InputType({ description: "A customer's payment." })
export class RecordPaymentInput {
  @Field(() => ID, { description: 'Who paid.' })
  @IsString()
  customerId!: string;

  @Field(() => DecimalScalar, { description: 'How much; at most what the customer owes.' })
  amount!: string;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'When it was received; today by default.',
  })
  @IsOptional()
  date?: string | null;

  @Field(() => String, { nullable: true, description: 'A reference, such as a bank transfer id.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Makes retries safe: the same key with the same input records one payment.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'A new vendor.' })
export class CreateVendorInput {
  @Field(() => String, { description: 'Vendor name (unique).' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Email address.' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Days between a bill and its due date (30 by default).',
  })
  @IsOptional()
  paymentTermsDays?: number | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'Receipt tolerance in percent, 0 to 100 with at most two decimals ("10.00" by default).',
  })
  @IsOptional()
  receiptTolerancePercent?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'Price tolerance in percent of a bill line, 0 to 100 with at most two decimals ("5.00" by default).',
  })
  @IsOptional()
  priceTolerancePercent?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Price tolerance as an amount per bill line ("5.00" by default).',
  })
  @IsOptional()
  priceToleranceAmount?: string | null;
}

@InputType({
  description:
    'Changes to a vendor: what is omitted stays. New terms apply to purchase orders made afterwards; existing orders keep theirs.',
})
export class UpdateVendorInput {
  @Field(() => ID, { description: 'The vendor.' })
  @IsString()
  vendorId!: string;

  @Field(() => String, { nullable: true, description: 'New name (unique).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'New email address; null or "" removes it (orders are then not mailed).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Days between a bill and its due date, 0 to 365.',
  })
  @IsOptional()
  paymentTermsDays?: number | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Receipt tolerance in percent, 0 to 100 with at most two decimals.',
  })
  @IsOptional()
  receiptTolerancePercent?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Price tolerance in percent of a bill line, 0 to 100 with at most two decimals.',
  })
  @IsOptional()
  priceTolerancePercent?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Price tolerance as an amount per bill line.',
  })
  @IsOptional()
  priceToleranceAmount?: string | null;
}

@InputType({ description: "A vendor's bill." })
export class RecordBillInput {
  @Field(() => ID, {
    nullable: true,
    description: "Who billed us; with a purchase order, the order's vendor (optional, checked).",
  })
  @IsOptional()
  @IsString()
  vendorId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The expense (or asset) account to debit. Required without a purchase order; with one, the bill clears 2150 Goods received not invoiced instead.',
  })
  @IsOptional()
  @IsString()
  expenseAccountId?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'The billed amount. Required without a purchase order; with one it is the sum of the lines (and, when given, must equal it).',
  })
  @IsOptional()
  amount?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The purchase order billed: the bill is matched three ways against what was ordered and received (`Bill.matchStatus`).',
  })
  @IsOptional()
  @IsString()
  purchaseOrderId?: string | null;

  @Field(() => [BillLineInput], {
    nullable: true,
    description: 'With a purchase order: what is billed, per product of the order.',
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(500)
  lines?: BillLineInput[] | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: "When payment is due; the vendor's terms by default.",
  })
  @IsOptional()
  dueDate?: string | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'The bill date; today by default.',
  })
  @IsOptional()
  billDate?: string | null;

  @Field(() => String, { nullable: true, description: 'What it is for.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  memo?: string | null;

  @Field(() => String, { nullable: true, description: 'Makes retries safe.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'One product a vendor bills against a purchase order line.' })
export class BillLineInput {
  @Field(() => ID, { description: 'The product (a line of the purchase order).' })
  @IsString()
  productId!: string;

  @Field(() => Int, { description: 'Units billed.' })
  @IsInt()
  quantity!: number;

  @Field(() => DecimalScalar, { description: "The vendor's price per unit." })
  unitCost!: string;
}

@InputType({ description: 'Lets an EXCEPTION bill be paid.' })
export class ApproveBillVarianceInput {
  @Field(() => ID, { description: 'The bill.' })
  @IsString()
  billId!: string;

  @Field(() => String, { description: 'Why the variance is accepted (kept with the bill).' })
  @IsString()
  @MaxLength(1000)
  reason!: string;
}

@ObjectType({ description: 'The result of approveBillVariance.' })
export class ApproveBillVariancePayload {
  @Field(() => BillObject, { nullable: true, description: 'The bill, now payable.' })
  bill?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`NOT_FOUND`, `INVALID_TRANSITION`, `INVALID_INPUT`).',
  })
  userErrors!: UserError[];
}

@InputType({ description: 'A payment of a bill.' })
export class PayBillInput {
  @Field(() => ID, { description: 'The bill.' })
  @IsString()
  billId!: string;

  @Field(() => DecimalScalar, { description: 'How much; at most what is due.' })
  amount!: string;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'When it was paid; today by default.',
  })
  @IsOptional()
  date?: string | null;

  @Field(() => String, { nullable: true, description: 'Makes retries safe.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The result of `createAccount`.' })
export class CreateAccountPayload {
  @Field(() => AccountObject, { nullable: true, description: 'The new account.' })
  account?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`CODE_TAKEN`, `INVALID_INPUT`).' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `setAccountCashFlowSection`.' })
export class SetAccountCashFlowSectionPayload {
  @Field(() => AccountObject, { nullable: true, description: 'The account, classified.' })
  account?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`INVALID_INPUT` for a revenue or expense account, `NOT_FOUND`).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `postJournalEntry`.' })
export class PostJournalEntryPayload {
  @Field(() => JournalEntryObject, { nullable: true, description: 'The posted entry.' })
  journalEntry?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`UNBALANCED`, `PERIOD_CLOSED`, `NOT_FOUND`, `INVALID_INPUT`, `IDEMPOTENCY_KEY_REUSED`).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `reverseJournalEntry`.' })
export class ReverseJournalEntryPayload {
  @Field(() => JournalEntryObject, { nullable: true, description: 'The reversing entry.' })
  journalEntry?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`ALREADY_REVERSED`, `PERIOD_CLOSED`, `NOT_FOUND`, `INVALID_INPUT`).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `closePeriod`.' })
export class ClosePeriodPayload {
  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'The books are now closed through this day.',
  })
  closedThrough?: string;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT` for a date before the current close).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `recordPayment`.' })
export class RecordPaymentPayload {
  @Field(() => PaymentObject, { nullable: true, description: 'The payment.' })
  payment?: unknown;

  @Field(() => [InvoiceObject], {
    nullable: true,
    description: 'The invoices it was applied to, oldest first.',
  })
  invoices?: unknown[];

  @Field(() => [UserError], {
    description:
      'Why it was refused (`OVERPAYMENT`, `NOT_FOUND`, `INVALID_INPUT`, `PERIOD_CLOSED`).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `createVendor`.' })
export class CreateVendorPayload {
  @Field(() => VendorObject, { nullable: true, description: 'The new vendor.' })
  vendor?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`NAME_TAKEN`, `INVALID_INPUT`).' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `updateVendor`.' })
export class UpdateVendorPayload {
  @Field(() => VendorObject, { nullable: true, description: 'The vendor as it is now.' })
  vendor?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`NOT_FOUND`, `NAME_TAKEN`, `INVALID_INPUT`).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `recordBill`.' })
export class RecordBillPayload {
  @Field(() => BillObject, { nullable: true, description: 'The bill.' })
  bill?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`NOT_FOUND`, `INVALID_INPUT`, `PERIOD_CLOSED`).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `payBill`.' })
export class PayBillPayload {
  @Field(() => BillObject, { nullable: true, description: 'The bill after the payment.' })
  bill?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`OVERPAYMENT`, `NOT_FOUND`, `INVALID_INPUT`, `PERIOD_CLOSED`).',
  })
  userErrors!: UserError[];
}
