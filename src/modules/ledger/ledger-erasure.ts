import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { needleRegex } from '../common/erasure-text';

/** A customer's invoice as erasure lists it: no personal data. */
export interface InvoiceRef {
  id: number;
  number: string;
}

/** The customer's invoices, by number. */
export async function invoicesOfCustomer(
  tx: EntityManager,
  customerId: number,
): Promise<InvoiceRef[]> {
  const rows = await runSql<{ id: string; number: string }>(
    tx,
    'SELECT id, number FROM invoice WHERE customer_id = ? ORDER BY number',
    [customerId],
  );
  return rows.map((row) => ({ id: Number(row.id), number: row.number }));
}

/** How many payments the customer made (kept: the books). */
export async function paymentCountOfCustomer(
  tx: EntityManager,
  customerId: number,
): Promise<number> {
  const [row] = await runSql<{ count: number }>(
    tx,
    'SELECT count(*)::int AS count FROM payment WHERE customer_id = ?',
    [customerId],
  );
  return row.count;
}

/**
 * Erasure in the books (the caller's transaction): the amounts, accounts, dates and numbers of
 * journal entries, invoices and payments never change, so the trial balance cannot; but a memo
 * or a payment reference that names the party (`Payment from <name>`) has the name replaced by
 * `replacement`. The journal's immutability trigger lets exactly this through: an UPDATE that
 * changes nothing but `memo`, while `backdesk.ledger_redaction` is on for the transaction
 * (sql/ledger_refuse_change.sql). Answers how many memos and references changed.
 */
export async function redactPartyInBooks(
  tx: EntityManager,
  needles: readonly string[],
  replacement: string,
): Promise<number> {
  const regex = needleRegex(needles);
  if (regex === null) return 0;
  await runSql(tx, "SELECT set_config('backdesk.ledger_redaction', 'on', true)");
  const entries = await runSql<{ id: string }>(
    tx,
    `UPDATE journal_entry SET memo = regexp_replace(memo, ?, ?, 'gi') WHERE memo ~* ? RETURNING id`,
    [regex, replacement, regex],
  );
  const lines = await runSql<{ id: string }>(
    tx,
    `UPDATE journal_line SET memo = regexp_replace(memo, ?, ?, 'gi') WHERE memo ~* ? RETURNING id`,
    [regex, replacement, regex],
  );
  const payments = await runSql<{ id: string }>(
    tx,
    `UPDATE payment SET reference = regexp_replace(reference, ?, ?, 'gi')
        WHERE reference ~* ? RETURNING id`,
    [regex, replacement, regex],
  );
  await runSql(tx, "SELECT set_config('backdesk.ledger_redaction', 'off', true)");
  return entries.length + lines.length + payments.length;
}
