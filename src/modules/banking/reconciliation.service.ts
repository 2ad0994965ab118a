import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { optionalText, positiveAmount } from '../common/input-rules';
import { absMinor, BOOK_CURRENCY, formatMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { LedgerService } from '../ledger/ledger.service';
import { today } from '../common/calendar-dates';
import type { ReceivablesService } from '../ledger/receivables.service';
import {
  BankAccount,
  BankLineStatus,
  BankMatch,
  BankMatchKind,
  BankRule,
  BankStatementLine,
} from './bank.entity';

/** One part of a bank line and what it pays or books, as the client sends it. */
export interface MatchDraft {
  invoiceId?: number | null;
  billId?: number | null;
  journalEntryId?: number | null;
  ruleId?: number | null;
  accountId?: number | null;
  /** Unsigned Decimal: the line's sign applies. */
  amount: string;
}

interface PlannedMatch {
  kind: BankMatchKind;
  targetId: number;
  /** Unsigned. */
  amountMinor: bigint;
  field: string[];
}

const TARGETS = [
  ['invoiceId', BankMatchKind.INVOICE],
  ['billId', BankMatchKind.BILL],
  ['journalEntryId', BankMatchKind.JOURNAL_ENTRY],
  ['ruleId', BankMatchKind.RULE],
  ['accountId', BankMatchKind.ACCOUNT],
] as const;

function lineStatus(amountMinor: bigint, matchedMinor: bigint): BankLineStatus {
  if (matchedMinor === 0n) return BankLineStatus.UNMATCHED;
  return matchedMinor === amountMinor ? BankLineStatus.MATCHED : BankLineStatus.PARTIAL;
}

/**
 * Reconciliation: a bank line is matched, in parts, to what it pays in the books. Invariants, each
 * held by the database:
 * - the parts never add up to more than the line (a check on `bank_statement_line`);
 * - each journal line on a bank's ledger account is cleared at most once in total
 *   (`journal_line_clearing`);
 * - a customer receipt is recorded through `ReceivablesService.receivePayment` (the path of
 *   `recordPayment`), a bill is paid through `payBillIn` (the path of `payBill`), so the documents
 *   and the ledger never disagree;
 * - undoing keeps every match, with who, when and why, and reverses what the match posted.
 */
export class ReconciliationService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly receivables: ReceivablesService,
  ) {}

  async reconcileLine(
    { em }: RequestScope,
    viewer: Viewer,
    input: { lineId: number; matches: MatchDraft[] },
  ): Promise<{ line: BankStatementLine }> {
    const planned = this.plan(input.matches);
    return inTransaction(em, async (tx) => ({
      line: await this.reconcileIn(tx, viewer.employeeId, input.lineId, planned),
    }));
  }

  /** Checks the drafts' shape: one target each, a positive amount. */
  plan(drafts: readonly MatchDraft[]): PlannedMatch[] {
    if (drafts.length === 0 || drafts.length > 100)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Give between 1 and 100 matches', [
        'input',
        'matches',
      ]);
    return drafts.map((draft, index) => {
      const field = ['input', 'matches', String(index)];
      const targets = TARGETS.filter(([key]) => draft[key] != null);
      if (targets.length !== 1)
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          'Each match names exactly one of invoiceId, billId, journalEntryId, ruleId or accountId',
          field,
        );
      const [key, kind] = targets[0];
      return {
        kind,
        targetId: draft[key] as number,
        amountMinor: positiveAmount(draft.amount, [...field, 'amount']),
        field: [...field, key],
      };
    });
  }

  /** Matches parts of one line, in the caller's transaction. */
  async reconcileIn(
    tx: EntityManager,
    actorId: number | null,
    lineId: number,
    planned: readonly PlannedMatch[],
  ): Promise<BankStatementLine> {
    const line = await tx.findOne(
      BankStatementLine,
      { id: lineId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!line)
      throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such bank statement line', [
        'input',
        'lineId',
      ]);
    const account = await tx.findOneOrFail(BankAccount, { id: line.bankAccountId });
    if (account.currency !== BOOK_CURRENCY)
      throw new BusinessRuleError(
        UserErrorCode.CURRENCY_MISMATCH,
        `The bank account is in ${account.currency} and the books in ${BOOK_CURRENCY}: its lines cannot be matched to the books`,
        ['input', 'lineId'],
      );
    const sign = line.amountMinor < 0n ? -1n : 1n;
    const openMinor = absMinor(line.amountMinor - line.matchedMinor);
    const total = planned.reduce((sum, part) => sum + part.amountMinor, 0n);
    if (total > openMinor)
      throw new BusinessRuleError(
        UserErrorCode.MATCH_EXCEEDS_LINE,
        `The matches add up to ${formatMinorUnits(total)}, but only ${formatMinorUnits(openMinor)} is open on the line`,
        ['input', 'matches'],
      );
    const moneyIn = sign > 0n;
    const context = { tx, actorId, line, account, moneyIn };
    const matches: BankMatch[] = [];
    matches.push(...(await this.payInvoices(context, planned)));
    for (const part of planned) {
      if (part.kind === BankMatchKind.BILL) matches.push(await this.payBill(context, part));
      if (part.kind === BankMatchKind.JOURNAL_ENTRY)
        matches.push(await this.clearEntry(context, part));
      if (part.kind === BankMatchKind.RULE || part.kind === BankMatchKind.ACCOUNT)
        matches.push(await this.book(context, part));
    }
    const wasMatched = line.status === BankLineStatus.MATCHED;
    line.matchedMinor += sign * total;
    line.status = lineStatus(line.amountMinor, line.matchedMinor);
    await tx.flush();
    await this.moveStatement(tx, line.statementId, sign * total, wasMatched, line.status);
    await recordEvent(tx, {
      streamType: 'BankStatementLine',
      streamId: line.id,
      type: 'RECONCILED',
      payload: {
        matches: matches.map((m) => ({ id: m.id, kind: m.kind, amount: m.amountMinor.toString() })),
        status: line.status,
      },
      actorId,
    });
    return line;
  }

  /** Invoices are paid by one receipt per customer, applied exactly as matched. */
  private async payInvoices(
    context: ReconcileContext,
    planned: readonly PlannedMatch[],
  ): Promise<BankMatch[]> {
    const parts = planned.filter((part) => part.kind === BankMatchKind.INVOICE);
    if (parts.length === 0) return [];
    const { tx, line, account } = context;
    if (!context.moneyIn)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'Money out cannot pay an invoice; match it to a bill, an entry or a rule',
        parts[0].field,
      );
    const customerOf = await this.receivables.customersOfInvoices(
      tx,
      parts.map((p) => p.targetId),
    );
    const byCustomer = new Map<number, PlannedMatch[]>();
    for (const part of parts) {
      const customerId = customerOf.get(part.targetId);
      if (customerId === undefined)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such invoice', part.field);
      byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), part]);
    }
    const matches: BankMatch[] = [];
    for (const [customerId, group] of byCustomer) {
      const amountMinor = group.reduce((sum, part) => sum + part.amountMinor, 0n);
      const receipt = await this.receivables.receivePayment(tx, {
        customerId,
        amountMinor,
        receivedOn: line.bookingDate,
        reference: line.reference ?? line.bankReference,
        cashAccountId: account.ledgerAccountId,
        allocations: group.map((part) => ({
          invoiceId: part.targetId,
          amountMinor: part.amountMinor,
          field: part.field,
        })),
        actorId: context.actorId,
      });
      const clearedLineId = await this.clearPosted(context, receipt.journalEntryId, amountMinor);
      for (const part of group)
        matches.push(
          this.recordMatch(context, part, {
            journalEntryId: receipt.journalEntryId,
            posted: true,
            clearedLineId,
            invoiceId: part.targetId,
          }),
        );
      await this.learnCounterparty(tx, line, { customerId, vendorId: null });
    }
    await tx.flush();
    return matches;
  }

  private async payBill(context: ReconcileContext, part: PlannedMatch): Promise<BankMatch> {
    const { tx, line, account } = context;
    if (context.moneyIn)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'Money in cannot pay a bill; match it to an invoice, an entry or a rule',
        part.field,
      );
    const paid = await this.receivables.payBillIn(tx, {
      billId: part.targetId,
      amountMinor: part.amountMinor,
      paidOn: line.bookingDate,
      cashAccountId: account.ledgerAccountId,
      actorId: context.actorId,
      field: part.field,
      amountField: [...part.field.slice(0, -1), 'amount'],
    });
    const clearedLineId = await this.clearPosted(context, paid.journalEntryId, part.amountMinor);
    await this.learnCounterparty(tx, line, { customerId: null, vendorId: paid.bill.vendor.id });
    const match = this.recordMatch(context, part, {
      journalEntryId: paid.journalEntryId,
      posted: true,
      clearedLineId,
      billId: part.targetId,
    });
    await tx.flush();
    return match;
  }

  /**
   * Books a line with no counterpart in the books (a fee, interest) to a rule's account or one
   * the accountant names: money in Dr bank / Cr that account, money out the other way.
   */
  private async book(context: ReconcileContext, part: PlannedMatch): Promise<BankMatch> {
    const { tx, line, account } = context;
    let accountId = part.targetId;
    let memo: string | null = null;
    let ruleId: number | null = null;
    if (part.kind === BankMatchKind.RULE) {
      const rule = await tx.findOne(BankRule, { id: part.targetId });
      if (!rule)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such bank rule', part.field);
      accountId = rule.accountId;
      memo = rule.memo;
      ruleId = rule.id;
    }
    if (accountId === account.ledgerAccountId)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        "A line cannot be booked to its own bank's ledger account",
        part.field,
      );
    const description = [line.counterpartyName, line.remittance ?? line.reference]
      .filter(Boolean)
      .join(': ');
    const bank = account.ledgerAccountId;
    const entry = await this.ledger.post(tx, {
      date: line.bookingDate,
      memo:
        memo ??
        `Bank line ${line.bookingDate}${description ? ` (${description.slice(0, 200)})` : ''}`,
      source: 'BANK',
      actorId: context.actorId,
      lines: context.moneyIn
        ? [
            { accountId: bank, debitMinor: part.amountMinor, creditMinor: 0n },
            { accountId, debitMinor: 0n, creditMinor: part.amountMinor },
          ]
        : [
            { accountId, debitMinor: part.amountMinor, creditMinor: 0n },
            { accountId: bank, debitMinor: 0n, creditMinor: part.amountMinor },
          ],
    });
    const clearedLineId = await this.clearPosted(context, entry.id, part.amountMinor);
    const match = this.recordMatch(context, part, {
      journalEntryId: entry.id,
      posted: true,
      clearedLineId,
      ruleId,
      accountId,
    });
    await tx.flush();
    return match;
  }

  /**
   * Clears (part of) an entry already in the books, such as a payment recorded by hand or a
   * payroll run: one of its lines on the bank's ledger account, on the line's side, with room.
   */
  private async clearEntry(context: ReconcileContext, part: PlannedMatch): Promise<BankMatch> {
    const { tx, account } = context;
    const side = context.moneyIn ? 'debit_minor' : 'credit_minor';
    const candidates = await runSql<{ id: string; amount: string }>(
      tx,
      `SELECT l.id, l.${side} AS amount FROM journal_line l
        WHERE l.entry_id = ? AND l.account_id = ? AND l.${side} > 0
        ORDER BY l.line_no`,
      [part.targetId, account.ledgerAccountId],
    );
    if (candidates.length === 0)
      throw new BusinessRuleError(
        UserErrorCode.NOT_FOUND,
        `That entry has no ${context.moneyIn ? 'debit' : 'credit'} to this bank's ledger account`,
        part.field,
      );
    for (const candidate of candidates) {
      if (await this.clear(tx, Number(candidate.id), BigInt(candidate.amount), part.amountMinor)) {
        const match = this.recordMatch(context, part, {
          journalEntryId: part.targetId,
          posted: false,
          clearedLineId: Number(candidate.id),
        });
        await tx.flush();
        return match;
      }
    }
    throw new BusinessRuleError(
      UserErrorCode.ALREADY_CLEARED,
      `That entry's bank line has less than ${formatMinorUnits(part.amountMinor)} left to clear`,
      part.field,
    );
  }

  /** Clears the bank-account line of an entry the match just posted: all of it. */
  private async clearPosted(
    context: ReconcileContext,
    journalEntryId: number,
    amountMinor: bigint,
  ): Promise<number> {
    const side = context.moneyIn ? 'debit_minor' : 'credit_minor';
    const [posted] = await runSql<{ id: string }>(
      context.tx,
      `SELECT id FROM journal_line WHERE entry_id = ? AND account_id = ? AND ${side} = ? ORDER BY line_no LIMIT 1`,
      [journalEntryId, context.account.ledgerAccountId, amountMinor.toString()],
    );
    const lineId = Number(posted.id);
    await this.clear(context.tx, lineId, amountMinor, amountMinor);
    return lineId;
  }

  /**
   * Adds to what is cleared of a journal line; false when that would clear more than the line.
   * The row's check constraint is the rule; the conditional update keeps it a refusal, not an error.
   */
  private async clear(
    tx: EntityManager,
    journalLineId: number,
    lineMinor: bigint,
    amountMinor: bigint,
  ): Promise<boolean> {
    const rows = await runSql<{ journal_line_id: string }>(
      tx,
      `INSERT INTO journal_line_clearing (journal_line_id, line_minor, cleared_minor)
       VALUES (?, ?, ?)
       ON CONFLICT (journal_line_id) DO UPDATE
          SET cleared_minor = journal_line_clearing.cleared_minor + excluded.cleared_minor
        WHERE journal_line_clearing.cleared_minor + excluded.cleared_minor <= journal_line_clearing.line_minor
       RETURNING journal_line_id`,
      [journalLineId, lineMinor.toString(), amountMinor.toString()],
    );
    return rows.length === 1;
  }

  private recordMatch(
    context: ReconcileContext,
    part: PlannedMatch,
    made: {
      journalEntryId: number;
      posted: boolean;
      clearedLineId: number;
      invoiceId?: number;
      billId?: number;
      ruleId?: number | null;
      accountId?: number;
    },
  ): BankMatch {
    const sign = context.moneyIn ? 1n : -1n;
    return context.tx.create(BankMatch, {
      lineId: context.line.id,
      kind: part.kind,
      amountMinor: sign * part.amountMinor,
      invoiceId: made.invoiceId ?? null,
      billId: made.billId ?? null,
      ruleId: made.ruleId ?? null,
      accountId: made.accountId ?? null,
      journalEntryId: made.journalEntryId,
      posted: made.posted,
      clearedLineId: made.clearedLineId,
      createdById: context.actorId,
    });
  }

  /** Remembers whose account the line came from, for the next line from it. */
  private async learnCounterparty(
    tx: EntityManager,
    line: BankStatementLine,
    party: { customerId: number | null; vendorId: number | null },
  ): Promise<void> {
    if (!line.counterpartyAccount) return;
    await runSql(
      tx,
      `INSERT INTO bank_counterparty (account, customer_id, vendor_id) VALUES (?, ?, ?)
       ON CONFLICT (account) DO UPDATE SET customer_id = coalesce(excluded.customer_id, bank_counterparty.customer_id),
                                           vendor_id = coalesce(excluded.vendor_id, bank_counterparty.vendor_id)`,
      [line.counterpartyAccount, party.customerId, party.vendorId],
    );
  }

  /** Keeps the statement's matched total and count of fully matched lines. */
  private async moveStatement(
    tx: EntityManager,
    statementId: number,
    matchedDelta: bigint,
    wasMatched: boolean,
    status: BankLineStatus,
  ): Promise<void> {
    const isMatched = status === BankLineStatus.MATCHED;
    await runSql(
      tx,
      `UPDATE bank_statement SET matched_minor = matched_minor + ?,
              matched_line_count = matched_line_count + ? WHERE id = ?`,
      [matchedDelta.toString(), (isMatched ? 1 : 0) - (wasMatched ? 1 : 0), statementId],
    );
  }

  /**
   * Undoes every match of a line: what the matches posted is reversed (the payment taken back from
   * its invoices, the bill open again, the booking mirrored), what they cleared is uncleared, and
   * each match keeps who undid it, when and why.
   */
  async unreconcileLine(
    { em }: RequestScope,
    viewer: Viewer,
    input: { lineId: number; reason?: string | null },
  ): Promise<{ line: BankStatementLine }> {
    const reason = optionalText(input.reason, ['input', 'reason'], 500);
    return inTransaction(em, async (tx) => {
      const line = await tx.findOne(
        BankStatementLine,
        { id: input.lineId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!line)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such bank statement line', [
          'input',
          'lineId',
        ]);
      const matches = await tx.find(
        BankMatch,
        { lineId: line.id, undoneAt: null },
        { orderBy: { id: 'asc' } },
      );
      if (matches.length === 0)
        throw new BusinessRuleError(UserErrorCode.NOT_RECONCILED, 'The line has no matches', [
          'input',
          'lineId',
        ]);
      const date = today() > line.bookingDate ? today() : line.bookingDate;
      const memo = `Bank match undone${reason ? `: ${reason}` : ''}`;
      const reversals = new Map<number, number>();
      for (const match of matches) {
        if (match.posted && !reversals.has(match.journalEntryId)) {
          const reversal = { date, memo, actorId: viewer.employeeId };
          const undone =
            match.kind === BankMatchKind.INVOICE
              ? await this.receivables.reversePayment(tx, match.journalEntryId, reversal)
              : match.kind === BankMatchKind.BILL
                ? await this.receivables.reverseBillPayment(tx, match.journalEntryId, reversal)
                : await this.ledger.postMirror(tx, match.journalEntryId, reversal);
          reversals.set(
            match.journalEntryId,
            'journalEntryId' in undone ? undone.journalEntryId : undone.id,
          );
        }
        await runSql(
          tx,
          'UPDATE journal_line_clearing SET cleared_minor = cleared_minor - ? WHERE journal_line_id = ?',
          [absMinor(match.amountMinor).toString(), match.clearedLineId],
        );
        match.undoneAt = new Date();
        match.undoneById = viewer.employeeId;
        match.undoReason = reason;
        match.undoEntryId = reversals.get(match.journalEntryId) ?? null;
      }
      const wasMatched = line.status === BankLineStatus.MATCHED;
      const undoneMinor = line.matchedMinor;
      line.matchedMinor = 0n;
      line.status = BankLineStatus.UNMATCHED;
      await tx.flush();
      await this.moveStatement(tx, line.statementId, -undoneMinor, wasMatched, line.status);
      await recordEvent(tx, {
        streamType: 'BankStatementLine',
        streamId: line.id,
        type: 'UNRECONCILED',
        payload: { matches: matches.map((m) => m.id), reason },
        actorId: viewer.employeeId,
      });
      return { line };
    });
  }
}

interface ReconcileContext {
  tx: EntityManager;
  actorId: number | null;
  line: BankStatementLine;
  account: BankAccount;
  moneyIn: boolean;
}
