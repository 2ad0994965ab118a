import type { EntityManager } from '@mikro-orm/postgresql';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { Account, AccountType, NormalBalance } from './ledger.entity';
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
