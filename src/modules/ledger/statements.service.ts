import type { EntityManager } from '@mikro-orm/postgresql';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import {
  Account,
  AccountType,
  CashFlowActivity,
  CashFlowSection,
  NormalBalance,
} from './ledger.entity';
import { isCalendarDate } from '../../graphql/scalars';
import { addDays, daysBetween } from '../common/calendar-dates';
import { runSql } from '../../db/sql';
import { rowMapper, selectListOf } from '../../read';
import type { RequestScope } from '../common/scope';

export interface AccountTotals {
  /** The account itself (a plain row), so a statement needs no second read to name it. */
  account: Account;
  /** Debits minus credits. */
  netMinor: bigint;
}

/** An account's row with its net over the period (`net`). */
type TotalsRow = Record<string, unknown> & { net: string };

/** One account in a statement section, in the account's own sign. */
export interface SectionRow {
  account: Account;
  balanceMinor: bigint;
}

/** A balance in the account's own sign: positive when it sits on its normal side. */
export function naturalBalance(normalBalance: NormalBalance, netMinor: bigint): bigint {
  return normalBalance === NormalBalance.DEBIT ? netMinor : -netMinor;
}

/** The accounts of one type, each balance in the account's own sign. */
function section(totals: readonly AccountTotals[], type: AccountType): SectionRow[] {
  return totals
    .filter((t) => t.account.type === type)
    .map((t) => ({
      account: t.account,
      balanceMinor: naturalBalance(t.account.normalBalance, t.netMinor),
    }));
}

const sumOf = (rows: readonly SectionRow[]) =>
  rows.reduce((total, row) => total + row.balanceMinor, 0n);

/** One line of a cash flow statement: net income, or a non-cash account's effect on cash. */
export interface CashFlowRow {
  section: CashFlowActivity;
  label: string;
  /** Null for the net income row. */
  account: Account | null;
  /** Its effect on cash: positive when it brought cash in. */
  amountMinor: bigint;
}

/** A cash account's balance (debits minus credits) the day before the period and at its end. */
export interface CashAccountBalance {
  account: Account;
  openingMinor: bigint;
  closingMinor: bigint;
}

/** A cash flow statement (indirect method) for [from, to], in minor units. */
export interface CashFlowResult {
  from: string;
  to: string;
  netIncomeMinor: bigint;
  operatingMinor: bigint;
  investingMinor: bigint;
  financingMinor: bigint;
  netChangeMinor: bigint;
  openingCashMinor: bigint;
  closingCashMinor: bigint;
  /** netChange − (closingCash − openingCash): zero when every moving account is classified. */
  proofDifferenceMinor: bigint;
  rows: CashFlowRow[];
  cashAccounts: CashAccountBalance[];
}

/**
 * Balance-sheet accounts without a cash flow section that moved in the period. The statement
 * refuses to leave them out silently (the error ERPNext's report makes): the resolver turns this
 * into a GraphQL error with `extensions.code = "UNCLASSIFIED_ACCOUNT"` naming each code.
 */
export class UnclassifiedAccountsError extends Error {
  readonly codes: string[];

  constructor(
    accounts: readonly Pick<Account, 'code' | 'name'>[],
    readonly period: { from: string; to: string },
  ) {
    super(
      `Balance-sheet accounts without a cash flow section moved between ${period.from} and ${period.to}: ` +
        `${accounts.map((a) => `${a.code} ${a.name}`).join(', ')}. Classify them (setAccountCashFlowSection) and ask again.`,
    );
    this.name = 'UnclassifiedAccountsError';
    this.codes = accounts.map((a) => a.code);
  }
}

/** The period of equal length that ends the day before `from` (a statement's comparison). */
export function previousPeriod(period: { from: string; to: string }): { from: string; to: string } {
  const days = daysBetween(period.from, period.to) + 1;
  return { from: addDays(period.from, -days), to: addDays(period.from, -1) };
}

/** An account's row with what the cash flow statement needs of its lines. */
type CashFlowSqlRow = Record<string, unknown> & {
  opening: string;
  movement: string;
  moved: boolean;
};

const ACTIVITY_OF: Partial<Record<CashFlowSection, CashFlowActivity>> = {
  [CashFlowSection.OPERATING]: CashFlowActivity.OPERATING,
  [CashFlowSection.INVESTING]: CashFlowActivity.INVESTING,
  [CashFlowSection.FINANCING]: CashFlowActivity.FINANCING,
};

const ACTIVITY_ORDER = [
  CashFlowActivity.OPERATING,
  CashFlowActivity.INVESTING,
  CashFlowActivity.FINANCING,
];

export interface TrialBalanceRow {
  account: Account;
  debitMinor: bigint;
  creditMinor: bigint;
}

/**
 * Balances and statements, computed in SQL: one grouped scan of the account/date index, never the
 * lines in Node. "As of now" reads each account's maintained balance instead.
 */
export class StatementsService {
  /** Debits minus credits per account, for lines dated within [from, to] (either end open). */
  async accountTotals(
    em: EntityManager,
    range: { from?: string | null; to?: string | null },
  ): Promise<AccountTotals[]> {
    let rows: TotalsRow[];
    const columns = selectListOf(em, Account, 'a');
    if (!range.from && !range.to) {
      rows = await runSql<TotalsRow>(
        em,
        `SELECT ${columns}, a.balance_minor AS net FROM account a ORDER BY a.code`,
      );
    } else {
      rows = await runSql<TotalsRow>(
        em,
        `SELECT ${columns}, coalesce(t.net, 0) AS net
           FROM account a
           LEFT JOIN (
             SELECT account_id, sum(debit_minor) - sum(credit_minor) AS net
               FROM journal_line
              WHERE (?::date IS NULL OR entry_date >= ?::date) AND (?::date IS NULL OR entry_date <= ?::date)
              GROUP BY account_id
           ) t ON t.account_id = a.id
          ORDER BY a.code`,
        [range.from ?? null, range.from ?? null, range.to ?? null, range.to ?? null],
      );
    }
    const toAccount = rowMapper(em, Account);
    return rows.map((row) => ({ account: toAccount(row), netMinor: BigInt(row.net) }));
  }

  /** Debits minus credits of some accounts as of a date (batched for `Account.balance(asOf)`). */
  async netAsOf(
    em: EntityManager,
    accountIds: readonly number[],
    asOf: string,
  ): Promise<Map<number, bigint>> {
    const rows = await runSql<{ account_id: string; net: string }>(
      em,
      `SELECT account_id, sum(debit_minor) - sum(credit_minor) AS net FROM journal_line
        WHERE account_id = ANY(?) AND entry_date <= ? GROUP BY account_id`,
      [accountIds, asOf],
    );
    return new Map(rows.map((row) => [Number(row.account_id), BigInt(row.net)]));
  }

  async trialBalance(
    { em }: RequestScope,
    asOf: string | null,
  ): Promise<{ rows: TrialBalanceRow[]; totalDebitMinor: bigint; totalCreditMinor: bigint }> {
    const totals = await this.accountTotals(em, { to: asOf });
    const rows = totals.map((t) => ({
      account: t.account,
      debitMinor: t.netMinor > 0n ? t.netMinor : 0n,
      creditMinor: t.netMinor < 0n ? -t.netMinor : 0n,
    }));
    return {
      rows,
      totalDebitMinor: rows.reduce((sum, row) => sum + row.debitMinor, 0n),
      totalCreditMinor: rows.reduce((sum, row) => sum + row.creditMinor, 0n),
    };
  }

  /** Assets = liabilities + equity + current earnings (revenue − expenses not yet closed to equity). */
  async balanceSheet({ em }: RequestScope, asOf: string | null) {
    const totals = await this.accountTotals(em, { to: asOf });
    const assets = section(totals, AccountType.ASSET);
    const liabilities = section(totals, AccountType.LIABILITY);
    const equity = section(totals, AccountType.EQUITY);
    const currentEarningsMinor =
      sumOf(section(totals, AccountType.REVENUE)) - sumOf(section(totals, AccountType.EXPENSE));
    return {
      assets,
      liabilities,
      equity,
      totalAssetsMinor: sumOf(assets),
      totalLiabilitiesMinor: sumOf(liabilities),
      totalEquityMinor: sumOf(equity),
      currentEarningsMinor,
    };
  }

  async incomeStatement({ em }: RequestScope, from: string, to: string) {
    if (from > to)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, '"from" must not be after "to"', [
        'from',
      ]);
    const totals = await this.accountTotals(em, { from, to });
    const revenue = section(totals, AccountType.REVENUE);
    const expenses = section(totals, AccountType.EXPENSE);
    const totalRevenueMinor = sumOf(revenue);
    const totalExpensesMinor = sumOf(expenses);
    return {
      revenue,
      expenses,
      totalRevenueMinor,
      totalExpensesMinor,
      netIncomeMinor: totalRevenueMinor - totalExpensesMinor,
    };
  }

  /**
   * The cash flow statement for [from, to] by the indirect method, from one grouped scan of the
   * lines (no line reaches Node):
   * - net income is revenue − expenses of the lines dated in the period (the first OPERATING row);
   * - each classified non-cash balance-sheet account adds −(its debits − credits in the period) to
   *   its section: an asset that grew used cash, a liability or equity that grew brought it in;
   * - the CASH accounts give openingCash (their balance the day before `from`) and closingCash (at
   *   `to`).
   * Double entry makes netChange equal closingCash − openingCash when every balance-sheet account
   * that moved is classified; `proofDifference` shows it, and an unclassified one that moved is an
   * `UnclassifiedAccountsError`, never left out. Rules a maintainer must keep: only lines dated on
   * or before `to` are read; lines before `from` only for the CASH accounts.
   */
  async cashFlowStatement({ em }: RequestScope, from: string, to: string): Promise<CashFlowResult> {
    if (!isCalendarDate(from))
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Not a calendar date', ['from']);
    if (!isCalendarDate(to))
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Not a calendar date', ['to']);
    if (from > to)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, '"from" must not be after "to"', [
        'from',
      ]);
    const rows = await runSql<CashFlowSqlRow>(
      em,
      `SELECT ${selectListOf(em, Account, 'a')},
              coalesce(t.opening, 0) AS opening, coalesce(t.movement, 0) AS movement,
              coalesce(t.moved, false) AS moved
         FROM account a
         LEFT JOIN (
           SELECT l.account_id,
                  sum(l.debit_minor - l.credit_minor) FILTER (WHERE l.entry_date < ?::date) AS opening,
                  sum(l.debit_minor - l.credit_minor) FILTER (WHERE l.entry_date >= ?::date) AS movement,
                  bool_or(l.entry_date >= ?::date) AS moved
             FROM journal_line l
            WHERE l.entry_date <= ?::date
              AND (l.entry_date >= ?::date
                   OR l.account_id IN (SELECT c.id FROM account c WHERE c.cash_flow_section = 'CASH'))
            GROUP BY l.account_id
         ) t ON t.account_id = a.id
        ORDER BY a.code`,
      [from, from, from, to, from],
    );
    const toAccount = rowMapper(em, Account);
    let netIncomeMinor = 0n;
    const unclassified: Account[] = [];
    const byActivity = new Map<CashFlowActivity, CashFlowRow[]>(
      ACTIVITY_ORDER.map((activity) => [activity, []]),
    );
    const cashAccounts: CashAccountBalance[] = [];
    for (const row of rows) {
      const account = toAccount(row);
      const movementMinor = BigInt(row.movement);
      if (account.type === AccountType.REVENUE || account.type === AccountType.EXPENSE) {
        netIncomeMinor -= movementMinor;
        continue;
      }
      if (account.cashFlowSection === CashFlowSection.CASH) {
        const openingMinor = BigInt(row.opening);
        cashAccounts.push({ account, openingMinor, closingMinor: openingMinor + movementMinor });
        continue;
      }
      if (!row.moved) continue;
      const activity = account.cashFlowSection ? ACTIVITY_OF[account.cashFlowSection] : undefined;
      if (!activity) {
        unclassified.push(account);
        continue;
      }
      byActivity.get(activity)?.push({
        section: activity,
        label: `${account.code} ${account.name}`,
        account,
        amountMinor: -movementMinor,
      });
    }
    if (unclassified.length) throw new UnclassifiedAccountsError(unclassified, { from, to });
    byActivity.get(CashFlowActivity.OPERATING)?.unshift({
      section: CashFlowActivity.OPERATING,
      label: 'Net income',
      account: null,
      amountMinor: netIncomeMinor,
    });
    const total = (activity: CashFlowActivity) =>
      (byActivity.get(activity) ?? []).reduce((sum, row) => sum + row.amountMinor, 0n);
    const operatingMinor = total(CashFlowActivity.OPERATING);
    const investingMinor = total(CashFlowActivity.INVESTING);
    const financingMinor = total(CashFlowActivity.FINANCING);
    const netChangeMinor = operatingMinor + investingMinor + financingMinor;
    const openingCashMinor = cashAccounts.reduce((sum, cash) => sum + cash.openingMinor, 0n);
    const closingCashMinor = cashAccounts.reduce((sum, cash) => sum + cash.closingMinor, 0n);
    return {
      from,
      to,
      netIncomeMinor,
      operatingMinor,
      investingMinor,
      financingMinor,
      netChangeMinor,
      openingCashMinor,
      closingCashMinor,
      proofDifferenceMinor: netChangeMinor - (closingCashMinor - openingCashMinor),
      rows: ACTIVITY_ORDER.flatMap((activity) => byActivity.get(activity) ?? []),
      cashAccounts,
    };
  }

  /**
   * The running balance of each line's account after that line, in date order (date, entry,
   * line), in the account's natural sign. Computed by a window over the accounts concerned.
   */
  async runningBalances(
    em: EntityManager,
    lineIds: readonly number[],
  ): Promise<Map<number, bigint>> {
    const rows = await em.execute<{ id: string; running: string; normal_balance: NormalBalance }[]>(
      `WITH wanted AS (SELECT id, account_id FROM journal_line WHERE id IN (${lineIds.map(() => '?').join(', ')})),
            running AS (
              SELECT l.id, sum(l.debit_minor - l.credit_minor) OVER (PARTITION BY l.account_id ORDER BY l.entry_date, l.entry_id, l.id) AS running
                FROM journal_line l WHERE l.account_id IN (SELECT account_id FROM wanted)
            )
       SELECT r.id, r.running, a.normal_balance FROM running r
         JOIN wanted w ON w.id = r.id JOIN account a ON a.id = w.account_id`,
      [...lineIds],
    );
    return new Map(
      rows.map((row) => [Number(row.id), naturalBalance(row.normal_balance, BigInt(row.running))]),
    );
  }
}
