import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { raw } from '@mikro-orm/core';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Info,
} from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import type { RequestContext } from '../context';
import { parseGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { CalendarDateScalar, DecimalScalar } from '../../graphql/scalars';
import { asQueryInput, toPayload } from '../../graphql/user-error';
import { Permissions } from '../auth/permissions';
import type { Customer } from '../customers/customer.entity';
import { likePattern, refuseInput } from '../common/input-rules';
import { percentFromBasisPoints } from '../common/money';
import { CustomerObject } from '../customers/customer.types';
import { EmployeeObject } from '../employees/employee.types';
import type { Order } from '../orders/order.entity';
import { OrderObject } from '../orders/order.types';
import { Account, CASH_FLOW_ACCOUNT_TYPES, JournalEntry, JournalLine } from './ledger.entity';
import { Bill, Invoice, Payment, Vendor } from './receivables.entity';
import type { AgingRow } from './receivables.service';
import {
  naturalBalance,
  previousPeriod,
  UnclassifiedAccountsError,
  type CashFlowResult,
  type SectionRow,
} from './statements.service';
import {
  AccountConnection,
  AccountFilter,
  AccountObject,
  AgingTotals,
  ApAging,
  ArAging,
  BalanceSheet,
  BillConnection,
  BillObject,
  CashFlowStatement,
  ClosePeriodInput,
  ClosePeriodPayload,
  CreateAccountInput,
  CreateAccountPayload,
  CreateVendorInput,
  CreateVendorPayload,
  IncomeStatement,
  InvoiceConnection,
  InvoiceFilter,
  InvoiceObject,
  JournalEntryConnection,
  JournalEntryFilter,
  JournalEntryObject,
  JournalLineObject,
  ApproveBillVarianceInput,
  ApproveBillVariancePayload,
  BillVarianceApproval,
  PayBillInput,
  PayBillPayload,
  PaymentObject,
  PostJournalEntryInput,
  PostJournalEntryPayload,
  RecordBillInput,
  RecordBillPayload,
  RecordPaymentInput,
  RecordPaymentPayload,
  ReverseJournalEntryInput,
  SendInvoiceInput,
  SendInvoicePayload,
  ReverseJournalEntryPayload,
  SetAccountCashFlowSectionInput,
  SetAccountCashFlowSectionPayload,
  TrialBalance,
  UpdateVendorInput,
  UpdateVendorPayload,
  VendorConnection,
  VendorObject,
} from './ledger.types';
import { readById, readRoot, Reads, ReadsKeyOnly, type RowOf, type Row } from '../../read';
import { creditorReference } from './payment-reference';
import {
  accountNetAsOf,
  accountPage,
  balanceOfCustomer,
  billPage,
  invoiceOfOrder,
  invoicePage,
  invoicesOfCustomer,
  journalEntryPage,
  linesOfEntry,
  reversalOfEntry,
  runningBalanceOfLine,
  vendorPage,
} from './ledger.reads';
import { orderRows } from '../orders/order.reads';
import { employeeRows } from '../employees/employee.reads';
import { customerRows } from '../customers/customer.reads';

const LEDGER = Permissions.ledger.read;
const RECEIVABLES = Permissions.receivables.read;

for (const [typeName, entity, roles] of [
  ['Account', Account, LEDGER],
  ['JournalEntry', JournalEntry, LEDGER],
  ['Vendor', Vendor, Permissions.vendors.read],
  ['Bill', Bill, LEDGER],
  ['Invoice', Invoice, RECEIVABLES],
] as const) {
  registerNodeType({
    typeName,
    entity,
    roles,
    load: (context, id) => readById<{ id: number }>(context, entity, id),
  });
}

function agingBuckets(row: AgingRow) {
  return {
    current: Money.fromMinor(row.currentMinor),
    days1To30: Money.fromMinor(row.days1to30Minor),
    days31To60: Money.fromMinor(row.days31to60Minor),
    days61To90: Money.fromMinor(row.days61to90Minor),
    over90: Money.fromMinor(row.over90Minor),
    total: Money.fromMinor(row.totalMinor),
  };
}

function agingTotals(rows: AgingRow[]): AgingTotals {
  const sum = (pick: (row: AgingRow) => bigint) =>
    rows.reduce((total, row) => total + pick(row), 0n);
  return agingBuckets({
    partyId: 0,
    currentMinor: sum((r) => r.currentMinor),
    days1to30Minor: sum((r) => r.days1to30Minor),
    days31to60Minor: sum((r) => r.days31to60Minor),
    days61to90Minor: sum((r) => r.days61to90Minor),
    over90Minor: sum((r) => r.over90Minor),
    totalMinor: sum((r) => r.totalMinor),
  });
}

/** Statement rows for GraphQL: each account with its balance as Money. */
function statementRows(rows: readonly SectionRow[]) {
  return rows.map((row) => ({ account: row.account, balance: Money.fromMinor(row.balanceMinor) }));
}

/** A cash flow statement for GraphQL; `previous` is resolved only when asked. */
function cashFlowView(statement: CashFlowResult): CashFlowStatement {
  return {
    from: statement.from,
    to: statement.to,
    netIncome: Money.fromMinor(statement.netIncomeMinor),
    operating: Money.fromMinor(statement.operatingMinor),
    investing: Money.fromMinor(statement.investingMinor),
    financing: Money.fromMinor(statement.financingMinor),
    netChange: Money.fromMinor(statement.netChangeMinor),
    openingCash: Money.fromMinor(statement.openingCashMinor),
    closingCash: Money.fromMinor(statement.closingCashMinor),
    proofDifference: Money.fromMinor(statement.proofDifferenceMinor),
    rows: statement.rows.map((row) => ({
      section: row.section,
      label: row.label,
      account: row.account,
      amount: Money.fromMinor(row.amountMinor),
    })),
    cashAccounts: statement.cashAccounts.map((cash) => ({
      account: cash.account,
      opening: Money.fromMinor(cash.openingMinor),
      closing: Money.fromMinor(cash.closingMinor),
    })),
  };
}

/**
 * The statement for a period, as GraphQL answers it: a bad period is BAD_USER_INPUT, and
 * unclassified accounts that moved are an error with code UNCLASSIFIED_ACCOUNT whose `accounts`
 * lists their codes (clients switch on both).
 */
async function cashFlowFor(
  context: RequestContext,
  from: string,
  to: string,
): Promise<CashFlowStatement> {
  try {
    return cashFlowView(
      await asQueryInput(() => context.services.statements.cashFlowStatement(context, from, to)),
    );
  } catch (error) {
    if (error instanceof UnclassifiedAccountsError) {
      throw new GraphQLError(error.message, {
        extensions: {
          code: 'UNCLASSIFIED_ACCOUNT',
          accounts: error.codes,
          from: error.period.from,
          to: error.period.to,
        },
      });
    }
    throw error;
  }
}

function accountById(context: RequestContext, id: number) {
  return readById(context, Account, id);
}

@Resolver(() => AccountObject)
export class AccountResolver extends NodeResolver(AccountObject, 'Account') {
  @Authorized(...LEDGER)
  @Query(() => AccountConnection, { description: 'The chart of accounts, by code.' })
  accounts(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => AccountFilter, { nullable: true, description: 'Which accounts to list.' })
    filter: AccountFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const where: Record<string, unknown> = {};
    if (filter?.type) where.type = filter.type;
    if (filter?.search?.trim()) {
      const pattern = likePattern(filter.search);
      where.$or = [{ code: { $ilike: pattern } }, { name: { $ilike: pattern } }];
    }
    if (filter?.cashFlowSection) where.cashFlowSection = filter.cashFlowSection;
    if (filter?.unclassified != null) {
      const unclassified = { cashFlowSection: null, type: { $in: [...CASH_FLOW_ACCOUNT_TYPES] } };
      where.$and = [filter.unclassified ? unclassified : { $not: unclassified }];
    }
    return accountPage(context, where, args);
  }

  @Authorized(...LEDGER)
  @Query(() => AccountObject, { nullable: true, description: 'One account by ID.' })
  account(
    @Arg('id', () => ID, { description: 'The account ID.' }) id: string,
    @Ctx() context: RequestContext,
  ) {
    return accountById(context, parseGlobalId(id, 'Account'));
  }

  @Authorized(...Permissions.ledger.post)
  @Mutation(() => CreateAccountPayload, {
    description: 'Adds an account to the chart (`CODE_TAKEN` when the code is in use).',
  })
  createAccount(
    @Arg('input', () => CreateAccountInput, { description: 'The new account.' })
    input: CreateAccountInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() => context.services.ledger.createAccount(context, viewer, input));
  }

  @Authorized(...Permissions.ledger.post)
  @Mutation(() => SetAccountCashFlowSectionPayload, {
    description:
      "Sets an asset, liability or equity account's section of the cash flow statement (`INVALID_INPUT` for a revenue or expense account).",
  })
  setAccountCashFlowSection(
    @Arg('input', () => SetAccountCashFlowSectionInput, {
      description: 'The account and its section.',
    })
    input: SetAccountCashFlowSectionInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const accountId = parseGlobalId(input.accountId, 'Account', 'input.accountId');
    return toPayload(() =>
      context.services.ledger.setCashFlowSection(context, viewer, accountId, input.section),
    );
  }

  @FieldResolver(() => Money, {
    description:
      "The balance in the account's natural sign (positive on its normal side), as of a date.",
  })
  async balance(
    @Root() account: Row<Account>,
    @Arg('asOf', () => CalendarDateScalar, {
      nullable: true,
      description: 'Count postings dated on or before this day; every posting when omitted.',
    })
    asOf: string | null,
    @Ctx() context: RequestContext,
  ): Promise<Money> {
    if (!asOf) return Money.fromMinor(naturalBalance(account.normalBalance, account.balanceMinor));
    const net = await accountNetAsOf.load(context, { accountId: account.id, asOf });
    return Money.fromMinor(naturalBalance(account.normalBalance, net));
  }
}

@Resolver(() => JournalEntryObject)
export class JournalEntryResolver extends NodeResolver(JournalEntryObject, 'JournalEntry') {
  @Authorized(...LEDGER)
  @Query(() => JournalEntryConnection, {
    description: 'Journal entries, newest first (by date, then number).',
  })
  journalEntries(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => JournalEntryFilter, {
      nullable: true,
      description: 'Which entries to list.',
    })
    filter: JournalEntryFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const accountId = filter?.accountId
      ? parseGlobalId(filter.accountId, 'Account', 'filter.accountId')
      : null;
    // Built per query: a raw SQL fragment can be used by one query only (the page, then the count).
    const where = () => {
      const conditions: Record<string, unknown> = {};
      const date: Record<string, string> = {};
      if (filter?.from) date.$gte = filter.from;
      if (filter?.to) date.$lte = filter.to;
      if (Object.keys(date).length) conditions.date = date;
      if (accountId !== null) {
        const onAccount = (alias: string) =>
          `exists (select 1 from journal_line l where l.entry_id = ${alias}.id and l.account_id = ${accountId})`;
        conditions[raw(onAccount)] = true;
      }
      return conditions;
    };
    return journalEntryPage(context, where, args);
  }

  @Authorized(...LEDGER)
  @Query(() => JournalEntryObject, { nullable: true, description: 'One journal entry by ID.' })
  journalEntry(
    @Arg('id', () => ID, { description: 'The entry ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(context, info, JournalEntry, 'JournalEntry', parseGlobalId(id, 'JournalEntry'));
  }

  @Authorized(...Permissions.ledger.post)
  @Mutation(() => PostJournalEntryPayload, {
    description:
      'Posts a balanced journal entry (`UNBALANCED`, `PERIOD_CLOSED`). Posted entries never change.',
  })
  postJournalEntry(
    @Arg('input', () => PostJournalEntryInput, { description: 'The entry.' })
    input: PostJournalEntryInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const lines = input.lines.map((line, index) => ({
      accountId: parseGlobalId(line.accountId, 'Account', `input.lines.${index}.accountId`),
      debit: line.debit,
      credit: line.credit,
      memo: line.memo,
    }));
    return toPayload(() =>
      context.services.ledger.postManualEntry(context, viewer, { ...input, lines }),
    );
  }

  @Authorized(...Permissions.ledger.post)
  @Mutation(() => ReverseJournalEntryPayload, {
    description: 'Posts the mirror image of a manual entry, once (`ALREADY_REVERSED`).',
  })
  reverseJournalEntry(
    @Arg('input', () => ReverseJournalEntryInput, { description: 'The entry to reverse.' })
    input: ReverseJournalEntryInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const entryId = parseGlobalId(input.entryId, 'JournalEntry', 'input.entryId');
    return toPayload(() =>
      context.services.ledger.reverse(context, viewer, entryId, input.memo, input.date),
    );
  }

  @Authorized(...Permissions.ledger.post)
  @Mutation(() => ClosePeriodPayload, {
    description:
      'Closes the books through a date: later postings on or before it are refused (`PERIOD_CLOSED`).',
  })
  closePeriod(
    @Arg('input', () => ClosePeriodInput, { description: 'The last closed day.' })
    input: ClosePeriodInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.ledger.closePeriod(context, viewer, input.closedThrough),
    );
  }

  @Authorized(...LEDGER)
  @Query(() => CalendarDateScalar, {
    nullable: true,
    description: 'The last day of the closed period; null when nothing is closed.',
  })
  booksClosedThrough(@Ctx() context: RequestContext) {
    return context.services.ledger.closedThrough(context);
  }

  @Authorized(...LEDGER)
  @Query(() => TrialBalance, {
    description: "Every account's debit or credit balance as of a date.",
  })
  async trialBalance(
    @Arg('asOf', () => CalendarDateScalar, {
      nullable: true,
      description: 'The date; every posting when omitted.',
    })
    asOf: string | null,
    @Ctx() context: RequestContext,
  ): Promise<TrialBalance> {
    const result = await context.services.statements.trialBalance(context, asOf);
    return {
      asOf,
      rows: result.rows.map((row) => ({
        account: row.account,
        debit: Money.fromMinor(row.debitMinor),
        credit: Money.fromMinor(row.creditMinor),
      })),
      totalDebit: Money.fromMinor(result.totalDebitMinor),
      totalCredit: Money.fromMinor(result.totalCreditMinor),
      balanced: result.totalDebitMinor === result.totalCreditMinor,
    };
  }

  @Authorized(...LEDGER)
  @Query(() => BalanceSheet, { description: 'Assets, liabilities and equity as of a date.' })
  async balanceSheet(
    @Arg('asOf', () => CalendarDateScalar, {
      nullable: true,
      description: 'The date; every posting when omitted.',
    })
    asOf: string | null,
    @Ctx() context: RequestContext,
  ): Promise<BalanceSheet> {
    const sheet = await context.services.statements.balanceSheet(context, asOf);
    return {
      asOf,
      assets: statementRows(sheet.assets),
      liabilities: statementRows(sheet.liabilities),
      equity: statementRows(sheet.equity),
      totalAssets: Money.fromMinor(sheet.totalAssetsMinor),
      totalLiabilities: Money.fromMinor(sheet.totalLiabilitiesMinor),
      totalEquity: Money.fromMinor(sheet.totalEquityMinor),
      currentEarnings: Money.fromMinor(sheet.currentEarningsMinor),
      totalLiabilitiesAndEquity: Money.fromMinor(
        sheet.totalLiabilitiesMinor + sheet.totalEquityMinor + sheet.currentEarningsMinor,
      ),
    };
  }

  @Authorized(...LEDGER)
  @Query(() => IncomeStatement, { description: 'Revenue, expenses and net income over a period.' })
  incomeStatement(
    @Arg('from', () => CalendarDateScalar, { description: 'First day.' }) from: string,
    @Arg('to', () => CalendarDateScalar, { description: 'Last day.' }) to: string,
    @Ctx() context: RequestContext,
  ): Promise<IncomeStatement> {
    return asQueryInput(async () => {
      const statement = await context.services.statements.incomeStatement(context, from, to);
      return {
        from,
        to,
        revenue: statementRows(statement.revenue),
        expenses: statementRows(statement.expenses),
        totalRevenue: Money.fromMinor(statement.totalRevenueMinor),
        totalExpenses: Money.fromMinor(statement.totalExpensesMinor),
        netIncome: Money.fromMinor(statement.netIncomeMinor),
      };
    });
  }

  @FieldResolver(() => [JournalLineObject], { description: 'The lines, in the order given.' })
  lines(@Root() entry: Row<JournalEntry>, @Ctx() context: RequestContext) {
    return linesOfEntry.load(context, entry.id);
  }

  @FieldResolver(() => JournalEntryObject, {
    nullable: true,
    description: 'The entry this one reverses.',
  })
  reversalOf(@Root() entry: Row<JournalEntry>, @Ctx() context: RequestContext) {
    return entry.reversalOfId === null ? null : readById(context, JournalEntry, entry.reversalOfId);
  }

  @FieldResolver(() => JournalEntryObject, {
    nullable: true,
    description: 'The entry that reversed this one.',
  })
  reversedBy(@Root() entry: Row<JournalEntry>, @Ctx() context: RequestContext) {
    return reversalOfEntry.load(context, entry.id);
  }

  @FieldResolver(() => EmployeeObject, {
    nullable: true,
    description: 'Who posted it; null for the system.',
  })
  createdBy(@Root() entry: Row<JournalEntry>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, entry.createdById);
  }
}

@Resolver(() => CashFlowStatement)
export class CashFlowResolver {
  @Authorized(...Permissions.ledger.cashFlow)
  @Query(() => CashFlowStatement, {
    description:
      'The cash flow statement for a period, by the indirect method, with its proof (`proofDifference` is zero when it is right). A balance-sheet account without a cash flow section that moved in the period is an error with code UNCLASSIFIED_ACCOUNT (`extensions.accounts` lists the codes); a period the wrong way round is BAD_USER_INPUT.',
  })
  cashFlowStatement(
    @Arg('from', () => CalendarDateScalar, { description: 'First day of the period.' })
    from: string,
    @Arg('to', () => CalendarDateScalar, { description: 'Last day of the period.' }) to: string,
    @Ctx() context: RequestContext,
  ): Promise<CashFlowStatement> {
    return cashFlowFor(context, from, to);
  }

  @FieldResolver(() => CashFlowStatement, {
    nullable: true,
    description:
      'The same statement for the period of equal length that ends the day before `from`, for comparison; computed only when asked. Null with an error (such as UNCLASSIFIED_ACCOUNT) when that period cannot be stated.',
  })
  previous(
    @Root() statement: CashFlowStatement,
    @Ctx() context: RequestContext,
  ): Promise<CashFlowStatement> {
    const period = previousPeriod(statement);
    return cashFlowFor(context, period.from, period.to);
  }
}

@Resolver(() => JournalLineObject)
export class JournalLineResolver {
  @FieldResolver(() => AccountObject, { description: 'The account.' })
  account(@Root() line: Row<JournalLine>, @Ctx() context: RequestContext) {
    return accountById(context, line.account.id);
  }

  @FieldResolver(() => Money, { description: 'The debit amount (zero on a credit line).' })
  debit(@Root() line: Row<JournalLine>): Money {
    return Money.fromMinor(line.debitMinor);
  }

  @FieldResolver(() => Money, { description: 'The credit amount (zero on a debit line).' })
  credit(@Root() line: Row<JournalLine>): Money {
    return Money.fromMinor(line.creditMinor);
  }

  @FieldResolver(() => Money, {
    description:
      "The account's balance after this line in posting order (debits minus credits): the audit chain.",
  })
  balanceAfter(@Root() line: Row<JournalLine>): Money {
    return Money.fromMinor(line.balanceAfterMinor);
  }

  @FieldResolver(() => Money, {
    description:
      "The account's running balance after this line in date order, in its natural sign.",
  })
  async runningBalance(
    @Root() line: Row<JournalLine>,
    @Ctx() context: RequestContext,
  ): Promise<Money> {
    return Money.fromMinor(await runningBalanceOfLine.load(context, line.id));
  }

  @FieldResolver(() => CustomerObject, {
    nullable: true,
    description: 'The customer of a receivable line.',
  })
  customer(@Root() line: Row<JournalLine>, @Ctx() context: RequestContext) {
    return customerRows.byId(context, line.customerId);
  }
}

function invoiceWhere(filter: {
  customerId?: number | null;
  status?: string[] | null;
  sent?: boolean | null;
}): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (filter.customerId != null) where.customer = filter.customerId;
  if (filter.status?.length) where.status = { $in: filter.status };
  if (filter.sent != null) where.sentAt = filter.sent ? { $ne: null } : null;
  return where;
}

@Resolver(() => InvoiceObject)
export class InvoiceResolver extends NodeResolver(InvoiceObject, 'Invoice') {
  @Authorized(...RECEIVABLES)
  @Query(() => InvoiceConnection, { description: 'Invoices, newest first.' })
  invoices(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => InvoiceFilter, { nullable: true, description: 'Which invoices to list.' })
    filter: InvoiceFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const customerId = filter?.customerId
      ? parseGlobalId(filter.customerId, 'Customer', 'filter.customerId')
      : null;
    return invoicePage(
      context,
      invoiceWhere({ customerId, status: filter?.status, sent: filter?.sent }),
      args,
    );
  }

  @Authorized(...RECEIVABLES)
  @Query(() => InvoiceObject, { nullable: true, description: 'One invoice by ID.' })
  invoice(
    @Arg('id', () => ID, { description: 'The invoice ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(context, info, Invoice, 'Invoice', parseGlobalId(id, 'Invoice'));
  }

  @Authorized(...Permissions.receivables.recordPayment)
  @Mutation(() => RecordPaymentPayload, {
    description:
      "Records a customer's payment (Dr Cash / Cr AR), applied to their oldest open invoices (`OVERPAYMENT`).",
  })
  async recordPayment(
    @Arg('input', () => RecordPaymentInput, { description: 'The payment.' })
    input: RecordPaymentInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const customerId = parseGlobalId(input.customerId, 'Customer', 'input.customerId');
    return toPayload(async () => {
      const { payment, invoices } = await context.services.receivables.recordPayment(
        context,
        viewer,
        { ...input, customerId },
      );
      return { payment: paymentView(payment), invoices };
    });
  }

  @Authorized(...Permissions.receivables.send)
  @Mutation(() => SendInvoicePayload, {
    description:
      'Emails an invoice to its customer with its PDF now: the first time, or again as a new email (`NOT_FOUND`, `NO_EMAIL_ADDRESS`). Requires one of: ACCOUNTANT, ADMIN.',
  })
  sendInvoice(
    @Arg('input', () => SendInvoiceInput, { description: 'The invoice.' })
    input: SendInvoiceInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const invoiceId = parseGlobalId(input.invoiceId, 'Invoice', 'input.invoiceId');
    return toPayload(async () => ({
      invoice: await context.services.invoiceSending.sendNow(context, viewer, invoiceId),
    }));
  }

  @Authorized(...RECEIVABLES)
  @FieldResolver(() => String, {
    description:
      'Where its PDF downloads: a path on this server, signed for 15 minutes (it also answers a bearer token that may read invoices). Requires one of: ACCOUNTANT, REPORTING, SUPPORT_AGENT, SUPPORT_LEAD, ADMIN.',
  })
  @ReadsKeyOnly()
  pdfUrl(@Root() invoice: RowOf<Invoice>, @Ctx() context: RequestContext): string {
    return context.services.invoiceDocuments.pdfUrl(invoice.id);
  }

  @Authorized(...LEDGER)
  @Query(() => ArAging, {
    description: 'Open invoice amounts per customer as of a date, by days past due.',
  })
  async arAging(
    @Arg('asOf', () => CalendarDateScalar, {
      nullable: true,
      description: 'The date; today when omitted.',
    })
    asOf: string | null,
    @Ctx() context: RequestContext,
  ): Promise<ArAging> {
    const date = asOf ?? new Date().toISOString().slice(0, 10);
    const rows = await context.services.receivables.arAging(context, date);
    return {
      asOf: date,
      rows: rows.map((row) => ({
        customer: customerRows.byId(context, row.partyId),
        ...agingBuckets(row),
      })),
      totals: agingTotals(rows),
    };
  }

  @FieldResolver(() => CustomerObject, { description: 'Who is billed.' })
  customer(@Root() invoice: Row<Invoice>, @Ctx() context: RequestContext) {
    return customerRows.byId(context, invoice.customer.id);
  }

  @FieldResolver(() => String, { description: 'The ISO 11649 creditor reference of its number.' })
  @Reads(Invoice, 'number')
  paymentReference(@Root() invoice: RowOf<Invoice, 'number'>): string {
    return creditorReference(invoice.number);
  }

  @FieldResolver(() => Money, { description: 'The invoiced amount.' })
  total(@Root() invoice: Row<Invoice>): Money {
    return Money.fromMinor(invoice.totalMinor);
  }

  @FieldResolver(() => Money, { description: 'What has been paid.' })
  amountPaid(@Root() invoice: Row<Invoice>): Money {
    return Money.fromMinor(invoice.amountPaidMinor);
  }

  @FieldResolver(() => Money, { description: 'What is still due.' })
  amountDue(@Root() invoice: Row<Invoice>): Money {
    return Money.fromMinor(invoice.totalMinor - invoice.amountPaidMinor);
  }

  @Authorized(...Permissions.orders.read)
  @FieldResolver(() => OrderObject, { nullable: true, description: 'The shipped order it bills.' })
  order(@Root() invoice: Row<Invoice>, @Ctx() context: RequestContext) {
    return orderRows.byId(context, invoice.orderId);
  }
}

function paymentView(payment: Payment): PaymentObject {
  return {
    amount: Money.fromMinor(payment.amountMinor),
    receivedOn: payment.receivedOn,
    reference: payment.reference,
  };
}

@Resolver(() => VendorObject)
export class VendorResolver extends NodeResolver(VendorObject, 'Vendor') {
  @Authorized(...Permissions.vendors.read)
  @Query(() => VendorConnection, {
    description: 'Vendors, by name. Requires one of: ACCOUNTANT, FULFILLMENT, REPORTING, ADMIN.',
  })
  vendors(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() context: RequestContext) {
    return vendorPage(context, args);
  }

  @Authorized(...Permissions.vendors.write)
  @Mutation(() => CreateVendorPayload, {
    description:
      'Adds a vendor with its terms (`NAME_TAKEN` when the name is in use). Tolerances default to 10%, 5% and 5.00. Requires one of: ACCOUNTANT, ADMIN.',
  })
  createVendor(
    @Arg('input', () => CreateVendorInput, { description: 'The new vendor.' })
    input: CreateVendorInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() => context.services.receivables.createVendor(context, viewer, input));
  }

  @Authorized(...Permissions.vendors.write)
  @Mutation(() => UpdateVendorPayload, {
    description:
      "Changes a vendor's name, email or terms; what is omitted stays (`NOT_FOUND`, `NAME_TAKEN`). New tolerances apply to purchase orders made afterwards, never to existing ones. Requires one of: ACCOUNTANT, ADMIN.",
  })
  updateVendor(
    @Arg('input', () => UpdateVendorInput, { description: 'The vendor and its changes.' })
    input: UpdateVendorInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const { vendorId, ...changes } = input;
    const id = parseGlobalId(vendorId, 'Vendor', 'input.vendorId');
    return toPayload(() => context.services.receivables.updateVendor(context, viewer, id, changes));
  }

  @FieldResolver(() => DecimalScalar, {
    description:
      'Units may be received up to each line’s quantity plus this percentage of it, such as "10.00". Copied onto each purchase order when it is made.',
  })
  @Reads(Vendor, 'receiptToleranceBasisPoints')
  receiptTolerancePercent(@Root() vendor: RowOf<Vendor, 'receiptToleranceBasisPoints'>): string {
    return percentFromBasisPoints(vendor.receiptToleranceBasisPoints);
  }

  @FieldResolver(() => DecimalScalar, {
    description:
      'A billed line matches when its price variance is within the greater of this percentage of its ordered amount…',
  })
  @Reads(Vendor, 'priceToleranceBasisPoints')
  priceTolerancePercent(@Root() vendor: RowOf<Vendor, 'priceToleranceBasisPoints'>): string {
    return percentFromBasisPoints(vendor.priceToleranceBasisPoints);
  }

  @FieldResolver(() => Money, { description: '…and this amount, per bill line.' })
  @Reads(Vendor, 'priceToleranceAmountMinor')
  priceToleranceAmount(@Root() vendor: RowOf<Vendor, 'priceToleranceAmountMinor'>): Money {
    return Money.fromMinor(vendor.priceToleranceAmountMinor);
  }

  @Authorized(...LEDGER)
  @Query(() => ApAging, {
    description: 'Open bill amounts per vendor as of a date, by days past due.',
  })
  async apAging(
    @Arg('asOf', () => CalendarDateScalar, {
      nullable: true,
      description: 'The date; today when omitted.',
    })
    asOf: string | null,
    @Ctx() context: RequestContext,
  ): Promise<ApAging> {
    const date = asOf ?? new Date().toISOString().slice(0, 10);
    const rows = await context.services.receivables.apAging(context, date);
    return {
      asOf: date,
      rows: rows.map((row) => ({
        vendor: readById(context, Vendor, row.partyId),
        ...agingBuckets(row),
      })),
      totals: agingTotals(rows),
    };
  }
}

@Resolver(() => BillObject)
export class BillResolver extends NodeResolver(BillObject, 'Bill') {
  @Authorized(...LEDGER)
  @Query(() => BillConnection, { description: 'Bills, newest first.' })
  bills(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() context: RequestContext) {
    return billPage(context, args);
  }

  @Authorized(...Permissions.ledger.post)
  @Mutation(() => RecordBillPayload, {
    description:
      "Records a vendor's bill. Without a purchase order: Dr the expense account / Cr 2000 Accounts Payable (vendorId, expenseAccountId and amount required). With `purchaseOrderId` and `lines`: matched three ways against what was ordered and received (MATCHED or EXCEPTION), posted Dr 2150 Goods received not invoiced at PO cost, Dr or Cr 5100 Purchase price variance / Cr 2000. Requires one of: ACCOUNTANT, ADMIN.",
  })
  recordBill(
    @Arg('input', () => RecordBillInput, { description: 'The bill.' }) input: RecordBillInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const vendorId = input.vendorId
      ? parseGlobalId(input.vendorId, 'Vendor', 'input.vendorId')
      : null;
    if (input.purchaseOrderId) {
      const purchaseOrderId = parseGlobalId(
        input.purchaseOrderId,
        'PurchaseOrder',
        'input.purchaseOrderId',
      );
      const lines = (input.lines ?? []).map((line, index) => ({
        ...line,
        productId: parseGlobalId(line.productId, 'Product', `input.lines.${index}.productId`),
      }));
      return toPayload(() =>
        context.services.purchaseOrders.recordPurchaseBill(context, viewer, {
          ...input,
          vendorId,
          purchaseOrderId,
          lines,
        }),
      );
    }
    return toPayload(async () => {
      if (vendorId === null)
        refuseInput('Name the vendor (or a purchase order)', ['input', 'vendorId']);
      if (!input.expenseAccountId)
        refuseInput('Name the expense account (or a purchase order)', [
          'input',
          'expenseAccountId',
        ]);
      if (input.amount == null)
        refuseInput('Give the amount (or a purchase order)', ['input', 'amount']);
      if (input.lines?.length)
        refuseInput('Bill lines name products of a purchase order: give purchaseOrderId', [
          'input',
          'lines',
        ]);
      const expenseAccountId = parseGlobalId(
        input.expenseAccountId,
        'Account',
        'input.expenseAccountId',
      );
      return context.services.receivables.recordBill(context, viewer, {
        ...input,
        amount: input.amount,
        vendorId,
        expenseAccountId,
      });
    });
  }

  @Authorized(...Permissions.purchasing.bill)
  @Mutation(() => ApproveBillVariancePayload, {
    description:
      'Lets a bill whose three-way match found an EXCEPTION be paid, keeping who, when and why. Requires one of: ACCOUNTANT, ADMIN.',
  })
  approveBillVariance(
    @Arg('input', () => ApproveBillVarianceInput, { description: 'The bill and why.' })
    input: ApproveBillVarianceInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const billId = parseGlobalId(input.billId, 'Bill', 'input.billId');
    return toPayload(() =>
      context.services.receivables.approveBillVariance(context, viewer, billId, input.reason),
    );
  }

  @Authorized(...Permissions.ledger.post)
  @Mutation(() => PayBillPayload, {
    description: 'Pays (part of) a bill: Dr 2000 Accounts Payable / Cr 1000 Cash (`OVERPAYMENT`).',
  })
  payBill(
    @Arg('input', () => PayBillInput, { description: 'The payment.' }) input: PayBillInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const billId = parseGlobalId(input.billId, 'Bill', 'input.billId');
    return toPayload(() =>
      context.services.receivables.payBill(context, viewer, { ...input, billId }),
    );
  }

  @FieldResolver(() => VendorObject, { description: 'Who billed us.' })
  vendor(@Root() bill: Row<Bill>, @Ctx() context: RequestContext) {
    return readById(context, Vendor, bill.vendor.id);
  }

  @FieldResolver(() => AccountObject, { description: 'The expense account it was posted to.' })
  expenseAccount(@Root() bill: Row<Bill>, @Ctx() context: RequestContext) {
    return accountById(context, bill.expenseAccount.id);
  }

  @FieldResolver(() => Money, { description: 'The billed amount.' })
  amount(@Root() bill: Row<Bill>): Money {
    return Money.fromMinor(bill.amountMinor);
  }

  @FieldResolver(() => Money, { description: 'What has been paid.' })
  amountPaid(@Root() bill: Row<Bill>): Money {
    return Money.fromMinor(bill.amountPaidMinor);
  }

  @FieldResolver(() => Money, { description: 'What is still due.' })
  amountDue(@Root() bill: Row<Bill>): Money {
    return Money.fromMinor(bill.amountMinor - bill.amountPaidMinor);
  }

  @FieldResolver(() => BillVarianceApproval, {
    nullable: true,
    description: 'Who let an EXCEPTION bill be paid, when and why; null until then.',
  })
  varianceApproval(@Root() bill: Row<Bill>, @Ctx() context: RequestContext) {
    if (bill.varianceApprovedAt === null) return null;
    return {
      approvedBy: employeeRows.byId(context, bill.varianceApprovedById),
      approvedAt: bill.varianceApprovedAt,
      reason: bill.varianceApprovalReason ?? '',
    };
  }
}

/** What the ledger adds to customers and orders: invoices and the receivable balance. */
@Resolver(() => CustomerObject)
export class CustomerLedgerResolver {
  @Authorized(...RECEIVABLES)
  @FieldResolver(() => Money, {
    description:
      'What the customer owes: their receivable balance in the ledger. Requires one of: ACCOUNTANT, REPORTING, SUPPORT_AGENT, SUPPORT_LEAD, ADMIN.',
  })
  @ReadsKeyOnly()
  async balance(@Root() customer: RowOf<Customer>, @Ctx() context: RequestContext): Promise<Money> {
    return Money.fromMinor(await balanceOfCustomer.load(context, customer.id));
  }

  @Authorized(...RECEIVABLES)
  @FieldResolver(() => InvoiceConnection, {
    description:
      "The customer's invoices, newest first. Requires one of: ACCOUNTANT, REPORTING, SUPPORT_AGENT, SUPPORT_LEAD, ADMIN.",
  })
  @ReadsKeyOnly()
  invoices(
    @Root() customer: RowOf<Customer>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => InvoiceFilter, {
      nullable: true,
      description: 'Which invoices (the customer filter is ignored).',
    })
    filter: InvoiceFilter | null,
    @Ctx() context: RequestContext,
  ) {
    return invoicesOfCustomer(
      context,
      customer.id,
      invoiceWhere({ status: filter?.status, sent: filter?.sent }),
      args,
    );
  }
}

@Resolver(() => OrderObject)
export class OrderInvoiceResolver {
  @Authorized(...RECEIVABLES)
  @FieldResolver(() => InvoiceObject, {
    nullable: true,
    description:
      'The invoice issued when the order shipped. Requires one of: ACCOUNTANT, REPORTING, SUPPORT_AGENT, SUPPORT_LEAD, ADMIN.',
  })
  @ReadsKeyOnly()
  invoice(@Root() order: RowOf<Order>, @Ctx() context: RequestContext) {
    return invoiceOfOrder.load(context, order.id);
  }
}
