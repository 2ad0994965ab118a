import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, isUniqueViolation } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isValidRoutingNumber, validBic, validIban } from '../common/bank-identifiers';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { integerInRange, optionalText, positiveAmount, requiredText } from '../common/input-rules';
import { absMinor, formatMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { LedgerService } from '../ledger/ledger.service';
import {
  BankAccount,
  BankLineStatus,
  BankRule,
  BankRuleDirection,
  BankStatementLine,
  CsvMappingRecord,
} from './bank.entity';
import type { CsvMapping } from './formats/statement-file';
import { directCashFlow, type DirectCashFlow } from './direct-cash-flow';
import { suggestMatches, type MatchSuggestion } from './match-suggestions';
import type { ReconciliationService } from './reconciliation.service';

/** Lines `autoReconcile` matches at once, each in its own transaction. */
const AUTO_RECONCILE_CONCURRENCY = 4;

const field = (...path: string[]) => ['input', ...path];

const CSV_DATE_FORMATS = ['YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY'] as const;

/** Bank accounts, the accountant's rules, CSV mappings, and automatic reconciliation. */
export class BankingService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async createBankAccount(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      name: string;
      ledgerAccountId: number;
      currency: string;
      iban?: string | null;
      accountNumber?: string | null;
      routingNumber?: string | null;
      bic?: string | null;
      achCompanyId?: string | null;
    },
  ): Promise<{ bankAccount: BankAccount }> {
    const name = requiredText(input.name, field('name'), 200);
    const currency = input.currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency))
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'A currency is an ISO 4217 code such as "EUR"',
        field('currency'),
      );
    const iban = input.iban ? validIban(input.iban) : null;
    if (input.iban && iban === null)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `${input.iban} is not a valid IBAN (its length or check digits are wrong)`,
        field('iban'),
      );
    const accountNumber = optionalText(input.accountNumber, field('accountNumber'), 34);
    if (accountNumber !== null && !/^[A-Za-z0-9 -]{4,34}$/.test(accountNumber))
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'An account number has 4 to 34 letters or digits',
        field('accountNumber'),
      );
    if (iban === null && accountNumber === null)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'Give the IBAN or the account number',
        field('iban'),
      );
    const routingNumber = optionalText(input.routingNumber, field('routingNumber'), 9);
    if (routingNumber !== null && !isValidRoutingNumber(routingNumber))
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `${routingNumber} is not a valid ABA routing number (nine digits with a check digit)`,
        field('routingNumber'),
      );
    const bic = input.bic ? validBic(input.bic) : null;
    if (input.bic && bic === null)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `${input.bic} is not a valid BIC`,
        field('bic'),
      );
    const achCompanyId = optionalText(input.achCompanyId, field('achCompanyId'), 10);
    if (achCompanyId !== null && !/^[A-Za-z0-9 ]{10}$/.test(achCompanyId))
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'An ACH company ID has exactly 10 characters',
        field('achCompanyId'),
      );
    const taken = (what: string) =>
      new BusinessRuleError(
        UserErrorCode.NAME_TAKEN,
        `Another bank account has this ${what}`,
        field(what),
      );
    try {
      return await inTransaction(em, async (tx) => {
        await this.ledger.claimForBank(tx, input.ledgerAccountId, viewer.employeeId);
        const bankAccount = tx.create(BankAccount, {
          name,
          ledgerAccountId: input.ledgerAccountId,
          currency,
          iban,
          accountNumber,
          routingNumber,
          bic,
          achCompanyId,
        });
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'BankAccount',
          streamId: bankAccount.id,
          type: 'CREATED',
          payload: { name, currency, ledgerAccountId: input.ledgerAccountId },
          actorId: viewer.employeeId,
        });
        return { bankAccount };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'bank_account_name_unique')) throw taken('name');
      if (isUniqueViolation(error, 'bank_account_iban_unique')) throw taken('iban');
      if (isUniqueViolation(error, 'bank_account_ledger_account_unique'))
        throw taken('ledgerAccountId');
      throw error;
    }
  }

  /** A bank account as it is stored (other modules read paying details through here), or null. */
  findBankAccount(em: EntityManager, id: number): Promise<BankAccount | null> {
    return em.findOne(BankAccount, { id });
  }

  async createBankRule(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      name: string;
      priority?: number | null;
      bankAccountId?: number | null;
      direction?: BankRuleDirection | null;
      textContains?: string | null;
      minAmount?: string | null;
      maxAmount?: string | null;
      accountId: number;
      memo?: string | null;
    },
  ): Promise<{ rule: BankRule }> {
    const name = requiredText(input.name, field('name'), 200);
    const priority = integerInRange(input.priority ?? 100, field('priority'), 0, 10_000);
    const textContains = optionalText(input.textContains, field('textContains'), 200);
    const minAmountMinor = input.minAmount
      ? positiveAmount(input.minAmount, field('minAmount'))
      : null;
    const maxAmountMinor = input.maxAmount
      ? positiveAmount(input.maxAmount, field('maxAmount'))
      : null;
    if (minAmountMinor !== null && maxAmountMinor !== null && minAmountMinor > maxAmountMinor)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'The minimum is above the maximum',
        field('minAmount'),
      );
    if (textContains === null && minAmountMinor === null && maxAmountMinor === null)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'A rule needs a text to look for or an amount range; otherwise it would match every line',
        field('textContains'),
      );
    const memo = optionalText(input.memo, field('memo'), 500);
    const taken = new BusinessRuleError(
      UserErrorCode.NAME_TAKEN,
      `A rule named ${name} exists`,
      field('name'),
    );
    try {
      return await inTransaction(em, async (tx) => {
        await this.ledger.requireAccount(tx, input.accountId, field('accountId'));
        if (
          input.bankAccountId != null &&
          !(await tx.count(BankAccount, { id: input.bankAccountId }))
        )
          throw new BusinessRuleError(
            UserErrorCode.NOT_FOUND,
            'No such bank account',
            field('bankAccountId'),
          );
        if (await tx.count(BankAccount, { ledgerAccountId: input.accountId }))
          throw new BusinessRuleError(
            UserErrorCode.INVALID_INPUT,
            "A rule books to another account than a bank's own",
            field('accountId'),
          );
        const rule = tx.create(BankRule, {
          name,
          priority,
          bankAccountId: input.bankAccountId ?? null,
          direction: input.direction ?? BankRuleDirection.ANY,
          textContains,
          minAmountMinor,
          maxAmountMinor,
          accountId: input.accountId,
          memo,
          createdById: viewer.employeeId,
        });
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'BankRule',
          streamId: rule.id,
          type: 'CREATED',
          payload: { name, accountId: input.accountId },
          actorId: viewer.employeeId,
        });
        return { rule };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'bank_rule_name_unique')) throw taken;
      throw error;
    }
  }

  async createCsvMapping(
    { em }: RequestScope,
    viewer: Viewer,
    input: { name: string } & Partial<CsvMapping>,
  ): Promise<{ csvMapping: CsvMappingRecord }> {
    const name = requiredText(input.name, field('name'), 200);
    const column = (key: keyof CsvMapping) =>
      optionalText(input[key] as string | null | undefined, field(key), 100);
    const mapping: CsvMapping = {
      delimiter: input.delimiter ?? ',',
      hasHeader: input.hasHeader ?? true,
      dateColumn: requiredText(input.dateColumn ?? '', field('dateColumn'), 100),
      dateFormat: input.dateFormat ?? 'YYYY-MM-DD',
      amountColumn: column('amountColumn'),
      creditColumn: column('creditColumn'),
      debitColumn: column('debitColumn'),
      decimalSeparator: input.decimalSeparator ?? '.',
      counterpartyColumn: column('counterpartyColumn'),
      counterpartyAccountColumn: column('counterpartyAccountColumn'),
      referenceColumn: column('referenceColumn'),
      remittanceColumn: column('remittanceColumn'),
      idColumn: column('idColumn'),
      balanceColumn: column('balanceColumn'),
      currency: (input.currency ?? '').trim().toUpperCase(),
    };
    if (mapping.delimiter.length !== 1)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'The delimiter is one character',
        field('delimiter'),
      );
    if (!CSV_DATE_FORMATS.includes(mapping.dateFormat))
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'Unknown date format',
        field('dateFormat'),
      );
    if (!['.', ','].includes(mapping.decimalSeparator))
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'The decimal separator is "." or ","',
        field('decimalSeparator'),
      );
    if (
      (mapping.amountColumn === null) ===
      (mapping.creditColumn === null || mapping.debitColumn === null)
    )
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'Map either a signed amount column, or both a credit and a debit column',
        field('amountColumn'),
      );
    if (!/^[A-Z]{3}$/.test(mapping.currency))
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'The currency is an ISO 4217 code',
        field('currency'),
      );
    const taken = new BusinessRuleError(
      UserErrorCode.NAME_TAKEN,
      `A mapping named ${name} exists`,
      field('name'),
    );
    try {
      return await inTransaction(em, async (tx) => {
        const csvMapping = tx.create(CsvMappingRecord, {
          name,
          mapping: mapping as unknown as Record<string, unknown>,
        });
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'CsvMapping',
          streamId: csvMapping.id,
          type: 'CREATED',
          payload: { name },
          actorId: viewer.employeeId,
        });
        return { csvMapping };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'csv_mapping_name_unique')) throw taken;
      throw error;
    }
  }

  /** The direct cash-flow view of a period (see direct-cash-flow.ts). */
  directCashFlow({ em }: RequestScope, from: string, to: string): Promise<DirectCashFlow> {
    return directCashFlow(em, from, to);
  }

  /** A statement's lines, in order (for the demo seed and scripts). */
  statementLines(em: EntityManager, statementId: number): Promise<BankStatementLine[]> {
    return em.find(BankStatementLine, { statementId }, { orderBy: { lineNo: 'asc' } });
  }

  /** Suggestions for a page of lines (the `suggestions` field's loader). */
  async suggestions(
    em: EntityManager,
    lines: readonly BankStatementLine[],
  ): Promise<Map<number, MatchSuggestion[]>> {
    const accounts = await em.find(BankAccount, {
      id: { $in: [...new Set(lines.map((line) => line.bankAccountId))] },
    });
    const rules = await em.find(
      BankRule,
      { enabled: true },
      { orderBy: { priority: 'asc', id: 'asc' } },
    );
    return suggestMatches(
      em,
      lines,
      rules,
      new Map(accounts.map((account) => [account.id, account.ledgerAccountId])),
    );
  }

  /**
   * Matches the open lines of a statement (the next `first` of them) whose best suggestion scores at least `minimumScore`
   * and is the only one with that score, for its whole open amount. Each line is matched in its
   * own transaction: a line whose match a rule refuses (the invoice was paid meanwhile) stays open
   * and is counted as skipped, and never undoes the others.
   */
  async autoReconcile(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      statementId: number;
      minimumScore?: number | null;
      /** Open lines looked at, at most (one request stays short); 1,000 by default. */
      first?: number | null;
      /** Go on after this line (the `lastLineId` of the call before). */
      afterLineId?: number | null;
    },
  ): Promise<{
    matched: number;
    skipped: number;
    statementId: number;
    lastLineId: number | null;
    hasMore: boolean;
  }> {
    const minimumScore = integerInRange(input.minimumScore ?? 90, field('minimumScore'), 1, 100);
    const first = integerInRange(input.first ?? 1000, field('first'), 1, 10_000);
    const BATCH = 200;
    let afterId = input.afterLineId ?? 0;
    let examined = 0;
    let hasMore = false;
    let matched = 0;
    let skipped = 0;
    if (!(await em.fork().count(BankStatementLine, { statementId: input.statementId })))
      throw new BusinessRuleError(
        UserErrorCode.NOT_FOUND,
        'No such statement, or it has no lines',
        field('statementId'),
      );
    for (;;) {
      const scope = em.fork();
      const wanted = Math.min(BATCH, first - examined);
      const lines = await scope.find(
        BankStatementLine,
        {
          statementId: input.statementId,
          status: { $ne: BankLineStatus.MATCHED },
          id: { $gt: afterId },
        },
        { orderBy: { id: 'asc' }, limit: wanted + 1 },
      );
      hasMore = lines.length > wanted;
      lines.splice(wanted);
      if (lines.length === 0) break;
      examined += lines.length;
      afterId = lines[lines.length - 1].id;
      const suggestions = await this.suggestions(scope, lines);
      const work: { lineId: number; planned: ReturnType<ReconciliationService['plan']> }[] = [];
      for (const line of lines) {
        const [best, second] = suggestions.get(line.id) ?? [];
        const open = line.amountMinor - line.matchedMinor;
        const whole = best && absMinor(open) === best.amountMinor;
        if (!best || best.score < minimumScore || second?.score === best.score || !whole) {
          skipped += 1;
          continue;
        }
        work.push({
          lineId: line.id,
          planned: this.reconciliation.plan([
            {
              invoiceId: best.invoiceId,
              billId: best.billId,
              journalEntryId: best.journalEntryId,
              ruleId: best.ruleId,
              amount: formatMinorUnits(best.amountMinor),
            },
          ]),
        });
      }
      // A few lines at once: each waits mostly on the database. Two lines that pay the same
      // invoice take turns on its row lock, and the second is refused (OVERPAYMENT) and skipped.
      let next = 0;
      const worker = async () => {
        while (next < work.length) {
          const { lineId, planned } = work[next++];
          try {
            await inTransaction(scope.fork(), (tx) =>
              this.reconciliation.reconcileIn(tx, viewer.employeeId, lineId, planned),
            );
            matched += 1;
          } catch (error) {
            if (!(error instanceof BusinessRuleError)) throw error;
            skipped += 1;
          }
        }
      };
      await Promise.all(Array.from({ length: AUTO_RECONCILE_CONCURRENCY }, worker));
      if (!hasMore || examined >= first) break;
    }
    return {
      matched,
      skipped,
      statementId: input.statementId,
      lastLineId: examined > 0 ? afterId : null,
      hasMore,
    };
  }
}
