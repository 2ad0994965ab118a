import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { CalendarDateScalar } from '../../graphql/scalars';
import { EmployeeObject } from '../employees/employee.types';
import {
  AccountObject,
  BillObject,
  CashFlowStatement,
  InvoiceObject,
  JournalEntryObject,
} from '../ledger/ledger.types';
import { signedIn } from '../../graphql/auth-checker';
import { parseGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { readById, Reads, ReadsKeyOnly, type Row, type RowOf } from '../../read';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import {
  accountNetAsOf,
  accountRows,
  billRows,
  invoiceRows,
  journalEntryRows,
} from '../ledger/ledger.reads';
import { naturalBalance } from '../ledger/statements.service';
import type { MatchDraft } from './reconciliation.service';
import {
  BankAccount,
  BankMatch,
  BankRule,
  BankStatement,
  BankStatementLine,
  CsvMappingRecord,
} from './bank.entity';
import {
  bankAccountList,
  bankRuleList,
  bankStatementLinePage,
  bankStatementPage,
  csvMappingList,
  matchesOfLine,
  openLinesOfAccount,
  suggestionsOfLine,
} from './banking.reads';
import {
  AutoReconcileBankStatementInput,
  AutoReconcileBankStatementPayload,
  BankAccountObject,
  BankLineDirection,
  BankLineMatchObject,
  BankLinePayload,
  BankMatchInput,
  BankMatchSuggestionObject,
  BankRuleObject,
  BankStatementConnection,
  BankStatementFilter,
  BankStatementLineConnection,
  BankStatementLineFilter,
  BankStatementLineObject,
  BankStatementObject,
  CreateBankAccountInput,
  CreateBankAccountPayload,
  CreateBankRuleInput,
  CreateBankRulePayload,
  CreateCsvMappingInput,
  CreateCsvMappingPayload,
  CsvMappingObject,
  DirectCashFlowObject,
  ImportBankStatementInput,
  ImportBankStatementPayload,
  ReconcileBankLineInput,
  UnreconcileBankLineInput,
} from './banking.types';
import type { MatchSuggestion } from './match-suggestions';

const READ = Permissions.banking.read;
const WRITE = Permissions.banking.write;

for (const [typeName, entity] of [
  ['BankAccount', BankAccount],
  ['BankStatement', BankStatement],
  ['BankStatementLine', BankStatementLine],
  ['BankLineMatch', BankMatch],
  ['BankRule', BankRule],
  ['CsvMapping', CsvMappingRecord],
] as const) {
  registerNodeType({
    typeName,
    entity,
    roles: READ,
    load: (context, id) => readById<{ id: number }>(context, entity, id),
  });
}

/** The currency of a bank account's amounts (its own, not necessarily the books'). */
async function currencyOf(context: RequestContext, bankAccountId: number): Promise<string> {
  const account = await readById(context, BankAccount, bankAccountId);
  return account?.currency ?? '';
}

/** Global IDs of a match's target, as the services take them. */
function matchDraft(match: BankMatchInput, index: number): MatchDraft {
  const field = (name: string) => `input.matches.${index}.${name}`;
  const id = (value: string | null | undefined, type: string, name: string) =>
    value == null ? null : parseGlobalId(value, type, field(name));
  return {
    invoiceId: id(match.invoiceId, 'Invoice', 'invoiceId'),
    billId: id(match.billId, 'Bill', 'billId'),
    journalEntryId: id(match.journalEntryId, 'JournalEntry', 'journalEntryId'),
    ruleId: id(match.ruleId, 'BankRule', 'ruleId'),
    accountId: id(match.accountId, 'Account', 'accountId'),
    amount: match.amount,
  };
}

@Resolver(() => BankAccountObject)
export class BankAccountResolver extends NodeResolver(BankAccountObject, 'BankAccount') {
  @Authorized(...READ)
  @Query(() => [BankAccountObject], { description: 'The bank accounts, by name.' })
  bankAccounts(@Ctx() context: RequestContext) {
    return bankAccountList(context);
  }

  @Authorized(...WRITE)
  @Mutation(() => CreateBankAccountPayload, {
    description:
      'Adds a bank account tied to a ledger asset account, which becomes a cash account of the cash-flow statement.',
  })
  createBankAccount(
    @Arg('input', () => CreateBankAccountInput, { description: 'The new bank account.' })
    input: CreateBankAccountInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const ledgerAccountId = parseGlobalId(
      input.ledgerAccountId,
      'Account',
      'input.ledgerAccountId',
    );
    return toPayload(() =>
      context.services.banking.createBankAccount(context, viewer, { ...input, ledgerAccountId }),
    );
  }

  @FieldResolver(() => AccountObject, { description: 'The ledger account that mirrors it.' })
  @Reads(BankAccount, 'ledgerAccountId')
  ledgerAccount(
    @Root() account: RowOf<BankAccount, 'ledgerAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    return accountRows.byId(context, account.ledgerAccountId);
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description: "The last imported statement's closing balance. Null before the first.",
  })
  @Reads(BankAccount, 'closingBalanceMinor', 'currency')
  statementBalance(@Root() account: RowOf<BankAccount, 'closingBalanceMinor' | 'currency'>) {
    return account.closingBalanceMinor === null
      ? null
      : Money.fromMinor(account.closingBalanceMinor, account.currency);
  }

  @FieldResolver(() => CalendarDateScalar, {
    nullable: true,
    description: 'The last day the statements cover.',
  })
  @Reads(BankAccount, 'closingDate')
  statementDate(@Root() account: RowOf<BankAccount, 'closingDate'>) {
    return account.closingDate;
  }

  @FieldResolver(() => Money, { description: "The ledger account's balance." })
  @Reads(BankAccount, 'ledgerAccountId')
  async ledgerBalance(
    @Root() account: RowOf<BankAccount, 'ledgerAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    const ledgerAccount = await accountRows.byId(context, account.ledgerAccountId);
    if (!ledgerAccount) return Money.fromMinor(0n);
    const net = await accountNetAsOf.load(context, {
      accountId: ledgerAccount.id,
      asOf: '9999-12-31',
    });
    return Money.fromMinor(naturalBalance(ledgerAccount.normalBalance, net));
  }

  @FieldResolver(() => Int, { description: 'Lines not yet matched in full.' })
  @ReadsKeyOnly()
  openLineCount(@Root() account: RowOf<BankAccount>, @Ctx() context: RequestContext) {
    return openLinesOfAccount.load(context, account.id);
  }
}

@Resolver(() => BankStatementObject)
export class BankStatementResolver extends NodeResolver(BankStatementObject, 'BankStatement') {
  @Authorized(...READ)
  @Query(() => BankStatementConnection, { description: 'Imported bank statements, newest first.' })
  bankStatements(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => BankStatementFilter, {
      nullable: true,
      description: 'Which statements to list.',
    })
    filter: BankStatementFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const where = filter?.bankAccountId
      ? {
          bankAccountId: parseGlobalId(filter.bankAccountId, 'BankAccount', 'filter.bankAccountId'),
        }
      : {};
    return bankStatementPage(context, where, args);
  }

  @Authorized(...WRITE)
  @Mutation(() => ImportBankStatementPayload, {
    description:
      'Imports a statement file (camt.053, OFX or CSV). Entries imported before are skipped; a file that cannot be read, or that does not continue the last statement, writes nothing.',
  })
  async importBankStatement(
    @Arg('input', () => ImportBankStatementInput, { description: 'The file.' })
    input: ImportBankStatementInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const bankAccountId = parseGlobalId(input.bankAccountId, 'BankAccount', 'input.bankAccountId');
    const csvMappingId = input.csvMappingId
      ? parseGlobalId(input.csvMappingId, 'CsvMapping', 'input.csvMappingId')
      : null;
    return toPayload(async () => {
      const result = await context.services.statementImport.importStatement(context, viewer, {
        bankAccountId,
        format: input.format,
        content: input.content,
        csvMappingId,
      });
      return { ...result, statement: result.statements[0] ?? null };
    });
  }

  @FieldResolver(() => BankAccountObject, { description: 'Whose statement it is.' })
  @Reads(BankStatement, 'bankAccountId')
  bankAccount(
    @Root() statement: RowOf<BankStatement, 'bankAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    return readById(context, BankAccount, statement.bankAccountId);
  }

  @FieldResolver(() => Money, { description: 'The balance it opens at.' })
  @Reads(BankStatement, 'openingBalanceMinor', 'bankAccountId')
  async openingBalance(
    @Root() statement: RowOf<BankStatement, 'openingBalanceMinor' | 'bankAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    return Money.fromMinor(
      statement.openingBalanceMinor,
      await currencyOf(context, statement.bankAccountId),
    );
  }

  @FieldResolver(() => Money, { description: 'The balance it closes at.' })
  @Reads(BankStatement, 'closingBalanceMinor', 'bankAccountId')
  async closingBalance(
    @Root() statement: RowOf<BankStatement, 'closingBalanceMinor' | 'bankAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    return Money.fromMinor(
      statement.closingBalanceMinor,
      await currencyOf(context, statement.bankAccountId),
    );
  }

  @FieldResolver(() => Money, {
    description: 'The opening balance plus everything matched on its lines.',
  })
  @Reads(BankStatement, 'openingBalanceMinor', 'matchedMinor', 'bankAccountId')
  async clearedBalance(
    @Root()
    statement: RowOf<BankStatement, 'openingBalanceMinor' | 'matchedMinor' | 'bankAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    return Money.fromMinor(
      statement.openingBalanceMinor + statement.matchedMinor,
      await currencyOf(context, statement.bankAccountId),
    );
  }

  @FieldResolver(() => Money, { description: 'Closing balance less cleared balance.' })
  @Reads(
    BankStatement,
    'openingBalanceMinor',
    'closingBalanceMinor',
    'matchedMinor',
    'bankAccountId',
  )
  async difference(
    @Root()
    statement: RowOf<
      BankStatement,
      'openingBalanceMinor' | 'closingBalanceMinor' | 'matchedMinor' | 'bankAccountId'
    >,
    @Ctx() context: RequestContext,
  ) {
    return Money.fromMinor(
      statement.closingBalanceMinor - statement.openingBalanceMinor - statement.matchedMinor,
      await currencyOf(context, statement.bankAccountId),
    );
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether the closing balance equals the cleared balance.',
  })
  @Reads(BankStatement, 'openingBalanceMinor', 'closingBalanceMinor', 'matchedMinor')
  reconciled(
    @Root()
    statement: RowOf<BankStatement, 'openingBalanceMinor' | 'closingBalanceMinor' | 'matchedMinor'>,
  ) {
    return statement.closingBalanceMinor === statement.openingBalanceMinor + statement.matchedMinor;
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who imported it.' })
  @Reads(BankStatement, 'importedById')
  importedBy(
    @Root() statement: RowOf<BankStatement, 'importedById'>,
    @Ctx() context: RequestContext,
  ) {
    return employeeRows.byId(context, statement.importedById);
  }
}

@Resolver(() => BankStatementLineObject)
export class BankStatementLineResolver extends NodeResolver(
  BankStatementLineObject,
  'BankStatementLine',
) {
  @Authorized(...READ)
  @Query(() => BankStatementLineConnection, {
    description: 'Bank statement lines, in the order they were imported.',
  })
  bankStatementLines(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => BankStatementLineFilter, {
      nullable: true,
      description: 'Which lines to list.',
    })
    filter: BankStatementLineFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const where: Record<string, unknown> = {};
    if (filter?.bankAccountId)
      where.bankAccountId = parseGlobalId(
        filter.bankAccountId,
        'BankAccount',
        'filter.bankAccountId',
      );
    if (filter?.statementId)
      where.statementId = parseGlobalId(filter.statementId, 'BankStatement', 'filter.statementId');
    if (filter?.status?.length) where.status = { $in: filter.status };
    return bankStatementLinePage(context, where, args);
  }

  @Authorized(...WRITE)
  @Mutation(() => BankLinePayload, {
    description:
      'Matches a bank line, in parts, to invoices (a receipt is recorded), bills (they are paid), entries already in the books, rules or accounts.',
  })
  reconcileBankLine(
    @Arg('input', () => ReconcileBankLineInput, { description: 'The line and its matches.' })
    input: ReconcileBankLineInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const lineId = parseGlobalId(input.lineId, 'BankStatementLine', 'input.lineId');
    const matches = input.matches.map(matchDraft);
    return toPayload(() =>
      context.services.reconciliation.reconcileLine(context, viewer, { lineId, matches }),
    );
  }

  @Authorized(...WRITE)
  @Mutation(() => BankLinePayload, {
    description:
      "Undoes a bank line's matches: what they posted is reversed, and each keeps who undid it, when and why.",
  })
  unreconcileBankLine(
    @Arg('input', () => UnreconcileBankLineInput, { description: 'The line.' })
    input: UnreconcileBankLineInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const lineId = parseGlobalId(input.lineId, 'BankStatementLine', 'input.lineId');
    return toPayload(() =>
      context.services.reconciliation.unreconcileLine(context, viewer, {
        lineId,
        reason: input.reason,
      }),
    );
  }

  @Authorized(...WRITE)
  @Mutation(() => AutoReconcileBankStatementPayload, {
    description:
      'Matches the next open lines of a statement (`first`, after `after`) whose best suggestion is sure enough and unambiguous, for their whole amount; `hasMore` says whether to call again with `after: lastLine.id`.',
  })
  async autoReconcileBankStatement(
    @Arg('input', () => AutoReconcileBankStatementInput, { description: 'The statement.' })
    input: AutoReconcileBankStatementInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const statementId = parseGlobalId(input.statementId, 'BankStatement', 'input.statementId');
    return toPayload(async () => {
      const result = await context.services.banking.autoReconcile(context, viewer, {
        statementId,
        minimumScore: input.minimumScore,
        first: input.first,
        afterLineId: input.after
          ? parseGlobalId(input.after, 'BankStatementLine', 'input.after')
          : null,
      });
      return {
        ...result,
        statement: await readById(context, BankStatement, statementId),
        lastLine:
          result.lastLineId === null
            ? null
            : await readById(context, BankStatementLine, result.lastLineId),
      };
    });
  }

  @FieldResolver(() => BankStatementObject, { description: 'The statement it is on.' })
  @Reads(BankStatementLine, 'statementId')
  statement(@Root() line: RowOf<BankStatementLine, 'statementId'>, @Ctx() context: RequestContext) {
    return readById(context, BankStatement, line.statementId);
  }

  @FieldResolver(() => BankAccountObject, { description: 'The bank account.' })
  @Reads(BankStatementLine, 'bankAccountId')
  bankAccount(
    @Root() line: RowOf<BankStatementLine, 'bankAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    return readById(context, BankAccount, line.bankAccountId);
  }

  @FieldResolver(() => CalendarDateScalar, { description: 'The booking date.' })
  @Reads(BankStatementLine, 'bookingDate')
  date(@Root() line: RowOf<BankStatementLine, 'bookingDate'>) {
    return line.bookingDate;
  }

  @FieldResolver(() => Money, { description: 'Signed: money in positive, money out negative.' })
  @Reads(BankStatementLine, 'amountMinor', 'bankAccountId')
  async amount(
    @Root() line: RowOf<BankStatementLine, 'amountMinor' | 'bankAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    return Money.fromMinor(line.amountMinor, await currencyOf(context, line.bankAccountId));
  }

  @FieldResolver(() => BankLineDirection, {
    description: 'CREDIT (money in) or DEBIT (money out).',
  })
  @Reads(BankStatementLine, 'amountMinor')
  direction(@Root() line: RowOf<BankStatementLine, 'amountMinor'>) {
    return line.amountMinor < 0n ? BankLineDirection.DEBIT : BankLineDirection.CREDIT;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The counterparty as the bank names it.',
  })
  @Reads(BankStatementLine, 'counterpartyName')
  counterparty(@Root() line: RowOf<BankStatementLine, 'counterpartyName'>) {
    return line.counterpartyName;
  }

  @FieldResolver(() => Money, { description: 'What is matched (signed like the amount).' })
  @Reads(BankStatementLine, 'matchedMinor', 'bankAccountId')
  async matchedAmount(
    @Root() line: RowOf<BankStatementLine, 'matchedMinor' | 'bankAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    return Money.fromMinor(line.matchedMinor, await currencyOf(context, line.bankAccountId));
  }

  @FieldResolver(() => Money, { description: 'What is still open (signed like the amount).' })
  @Reads(BankStatementLine, 'amountMinor', 'matchedMinor', 'bankAccountId')
  async openAmount(
    @Root() line: RowOf<BankStatementLine, 'amountMinor' | 'matchedMinor' | 'bankAccountId'>,
    @Ctx() context: RequestContext,
  ) {
    return Money.fromMinor(
      line.amountMinor - line.matchedMinor,
      await currencyOf(context, line.bankAccountId),
    );
  }

  @FieldResolver(() => [BankLineMatchObject], { description: 'Its matches, undone ones included.' })
  @ReadsKeyOnly()
  matches(@Root() line: RowOf<BankStatementLine>, @Ctx() context: RequestContext) {
    return matchesOfLine.load(context, line.id);
  }

  @FieldResolver(() => [BankMatchSuggestionObject], { description: 'Ranked guesses, best first.' })
  @ReadsKeyOnly()
  suggestions(@Root() line: RowOf<BankStatementLine>, @Ctx() context: RequestContext) {
    return suggestionsOfLine.load(context, line.id);
  }
}

@Resolver(() => BankMatchSuggestionObject)
export class BankMatchSuggestionResolver {
  @FieldResolver(() => Money, { description: 'What the match would take of the line.' })
  amount(@Root() suggestion: MatchSuggestion) {
    return Money.fromMinor(suggestion.amountMinor);
  }

  @FieldResolver(() => InvoiceObject, { nullable: true, description: 'The invoice it would pay.' })
  invoice(@Root() suggestion: MatchSuggestion, @Ctx() context: RequestContext) {
    return invoiceRows.byId(context, suggestion.invoiceId);
  }

  @FieldResolver(() => BillObject, { nullable: true, description: 'The bill it would pay.' })
  bill(@Root() suggestion: MatchSuggestion, @Ctx() context: RequestContext) {
    return billRows.byId(context, suggestion.billId);
  }

  @FieldResolver(() => JournalEntryObject, {
    nullable: true,
    description: 'The entry it would clear.',
  })
  journalEntry(@Root() suggestion: MatchSuggestion, @Ctx() context: RequestContext) {
    return journalEntryRows.byId(context, suggestion.journalEntryId);
  }

  @FieldResolver(() => BankRuleObject, {
    nullable: true,
    description: 'The rule that would book it.',
  })
  rule(@Root() suggestion: MatchSuggestion, @Ctx() context: RequestContext) {
    return suggestion.ruleId === null ? null : readById(context, BankRule, suggestion.ruleId);
  }
}

@Resolver(() => BankLineMatchObject)
export class BankLineMatchResolver extends NodeResolver(BankLineMatchObject, 'BankLineMatch') {
  @FieldResolver(() => Money, { description: "The part of the line, in the line's sign." })
  amount(@Root() match: Row<BankMatch>) {
    return Money.fromMinor(match.amountMinor);
  }

  @FieldResolver(() => InvoiceObject, { nullable: true, description: 'The invoice it paid.' })
  invoice(@Root() match: Row<BankMatch>, @Ctx() context: RequestContext) {
    return invoiceRows.byId(context, match.invoiceId);
  }

  @FieldResolver(() => BillObject, { nullable: true, description: 'The bill it paid.' })
  bill(@Root() match: Row<BankMatch>, @Ctx() context: RequestContext) {
    return billRows.byId(context, match.billId);
  }

  @FieldResolver(() => JournalEntryObject, { description: 'The entry it cleared or posted.' })
  journalEntry(@Root() match: Row<BankMatch>, @Ctx() context: RequestContext) {
    return journalEntryRows.byId(context, match.journalEntryId);
  }

  @FieldResolver(() => AccountObject, {
    nullable: true,
    description: 'The account it was booked to.',
  })
  account(@Root() match: Row<BankMatch>, @Ctx() context: RequestContext) {
    return accountRows.byId(context, match.accountId);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who matched it.' })
  createdBy(@Root() match: Row<BankMatch>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, match.createdById);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who undid it.' })
  undoneBy(@Root() match: Row<BankMatch>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, match.undoneById);
  }

  @FieldResolver(() => JournalEntryObject, {
    nullable: true,
    description: 'The reversal posted when it was undone.',
  })
  undoEntry(@Root() match: Row<BankMatch>, @Ctx() context: RequestContext) {
    return journalEntryRows.byId(context, match.undoEntryId);
  }
}

@Resolver(() => BankRuleObject)
export class BankRuleResolver extends NodeResolver(BankRuleObject, 'BankRule') {
  @Authorized(...READ)
  @Query(() => [BankRuleObject], {
    description: "The accountant's bank rules, in the order they are tried.",
  })
  bankRules(@Ctx() context: RequestContext) {
    return bankRuleList(context);
  }

  @Authorized(...WRITE)
  @Mutation(() => CreateBankRulePayload, {
    description:
      'Adds a rule that books matching bank lines to an account (for example bank fees to 6100).',
  })
  createBankRule(
    @Arg('input', () => CreateBankRuleInput, { description: 'The new rule.' })
    input: CreateBankRuleInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const accountId = parseGlobalId(input.accountId, 'Account', 'input.accountId');
    const bankAccountId = input.bankAccountId
      ? parseGlobalId(input.bankAccountId, 'BankAccount', 'input.bankAccountId')
      : null;
    return toPayload(() =>
      context.services.banking.createBankRule(context, viewer, {
        ...input,
        accountId,
        bankAccountId,
      }),
    );
  }

  @FieldResolver(() => BankAccountObject, {
    nullable: true,
    description: "Only this bank account's lines.",
  })
  bankAccount(@Root() rule: Row<BankRule>, @Ctx() context: RequestContext) {
    return rule.bankAccountId === null ? null : readById(context, BankAccount, rule.bankAccountId);
  }

  @FieldResolver(() => Money, { nullable: true, description: 'The smallest amount.' })
  minAmount(@Root() rule: Row<BankRule>) {
    return rule.minAmountMinor === null ? null : Money.fromMinor(rule.minAmountMinor);
  }

  @FieldResolver(() => Money, { nullable: true, description: 'The largest amount.' })
  maxAmount(@Root() rule: Row<BankRule>) {
    return rule.maxAmountMinor === null ? null : Money.fromMinor(rule.maxAmountMinor);
  }

  @FieldResolver(() => AccountObject, { description: 'The account it books to.' })
  account(@Root() rule: Row<BankRule>, @Ctx() context: RequestContext) {
    return accountRows.byId(context, rule.accountId);
  }
}

@Resolver(() => CsvMappingObject)
export class CsvMappingResolver extends NodeResolver(CsvMappingObject, 'CsvMapping') {
  @Authorized(...READ)
  @Query(() => [CsvMappingObject], { description: 'Saved CSV column mappings, by name.' })
  csvMappings(@Ctx() context: RequestContext) {
    return csvMappingList(context);
  }

  @Authorized(...WRITE)
  @Mutation(() => CreateCsvMappingPayload, { description: "Saves a bank's CSV column mapping." })
  createCsvMapping(
    @Arg('input', () => CreateCsvMappingInput, { description: 'The mapping.' })
    input: CreateCsvMappingInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.banking.createCsvMapping(context, viewer, {
        ...input,
        delimiter: input.delimiter ?? undefined,
        hasHeader: input.hasHeader ?? undefined,
        dateFormat: input.dateFormat ?? undefined,
        decimalSeparator: (input.decimalSeparator ?? undefined) as '.' | ',' | undefined,
      }),
    );
  }

  @FieldResolver(() => String, { description: 'The mapping as JSON.' })
  mapping(@Root() record: Row<CsvMappingRecord>) {
    return JSON.stringify(record.mapping);
  }
}

@Resolver(() => CashFlowStatement)
export class DirectCashFlowResolver {
  @FieldResolver(() => DirectCashFlowObject, {
    description:
      "The direct view: what the books-currency bank accounts' reconciled lines received and paid in the period, by kind; what is not reconciled yet is shown apart.",
  })
  async direct(
    @Root() statement: { from: string; to: string },
    @Ctx() context: RequestContext,
  ): Promise<DirectCashFlowObject> {
    const flow = await context.services.banking.directCashFlow(
      context,
      statement.from,
      statement.to,
    );
    return {
      rows: flow.rows.map((row) => ({
        category: row.category,
        account: accountRows.byId(context, row.accountId),
        source: row.source,
        amount: Money.fromMinor(row.amountMinor),
      })),
      receipts: Money.fromMinor(flow.receiptsMinor),
      payments: Money.fromMinor(flow.paymentsMinor),
      netChange: Money.fromMinor(flow.receiptsMinor + flow.paymentsMinor),
      unreconciled: Money.fromMinor(flow.unreconciledMinor),
    };
  }
}
