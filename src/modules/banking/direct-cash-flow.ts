import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { BOOK_CURRENCY } from '../common/money';

export enum DirectCashFlowCategory {
  CUSTOMER_RECEIPTS = 'CUSTOMER_RECEIPTS',
  VENDOR_PAYMENTS = 'VENDOR_PAYMENTS',
  BOOKED = 'BOOKED',
  RECORDED_ENTRIES = 'RECORDED_ENTRIES',
}

export interface DirectCashFlowRow {
  category: DirectCashFlowCategory;
  /** The account booked to (BOOKED), or the source of the entries cleared (RECORDED_ENTRIES). */
  accountId: number | null;
  source: string | null;
  /** Signed: money in positive. */
  amountMinor: bigint;
}

export interface DirectCashFlow {
  rows: DirectCashFlowRow[];
  receiptsMinor: bigint;
  paymentsMinor: bigint;
  /** What the period's bank lines hold that is not matched yet: outside the rows above. */
  unreconciledMinor: bigint;
}

/**
 * The direct view of the cash-flow statement: cash in and out of the books-currency bank
 * accounts over a period, from what their lines (booked in the period) are matched to. Matches
 * undone do not count; what is not matched yet is shown apart (`unreconciledMinor`).
 */
export async function directCashFlow(
  em: EntityManager,
  from: string,
  to: string,
): Promise<DirectCashFlow> {
  // One row per category, and per account (bookings) or source (entries already in the books).
  const matched = await runSql<{
    category: DirectCashFlowCategory;
    account_id: string | null;
    source: string | null;
    amount: string;
    inflow: string;
    outflow: string;
  }>(
    em,
    `SELECT CASE m.kind WHEN 'INVOICE' THEN 'CUSTOMER_RECEIPTS' WHEN 'BILL' THEN 'VENDOR_PAYMENTS'
                        WHEN 'JOURNAL_ENTRY' THEN 'RECORDED_ENTRIES' ELSE 'BOOKED' END AS category,
            CASE WHEN m.kind IN ('RULE', 'ACCOUNT') THEN m.account_id END AS account_id,
            CASE WHEN m.kind = 'JOURNAL_ENTRY' THEN e.source END AS source,
            sum(m.amount_minor) AS amount,
            coalesce(sum(m.amount_minor) FILTER (WHERE m.amount_minor > 0), 0) AS inflow,
            coalesce(sum(m.amount_minor) FILTER (WHERE m.amount_minor < 0), 0) AS outflow
       FROM bank_match m
       JOIN bank_statement_line l ON l.id = m.line_id
       JOIN bank_account b ON b.id = l.bank_account_id
       JOIN journal_entry e ON e.id = m.journal_entry_id
      WHERE m.undone_at IS NULL AND l.booking_date BETWEEN ?::date AND ?::date AND b.currency = ?
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3`,
    [from, to, BOOK_CURRENCY],
  );
  const [open] = await runSql<{ amount: string }>(
    em,
    `SELECT coalesce(sum(l.amount_minor - l.matched_minor), 0) AS amount
       FROM bank_statement_line l JOIN bank_account b ON b.id = l.bank_account_id
      WHERE l.booking_date BETWEEN ?::date AND ?::date AND b.currency = ?`,
    [from, to, BOOK_CURRENCY],
  );
  const sum = (pick: (row: (typeof matched)[number]) => string) =>
    matched.reduce((total, row) => total + BigInt(pick(row)), 0n);
  return {
    rows: matched.map((row) => ({
      category: row.category,
      accountId: row.account_id === null ? null : Number(row.account_id),
      source: row.source,
      amountMinor: BigInt(row.amount),
    })),
    receiptsMinor: sum((row) => row.inflow),
    paymentsMinor: sum((row) => row.outflow),
    unreconciledMinor: BigInt(open.amount),
  };
}
