import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';

/**
 * Erasure of a customer's orders (the caller's transaction): the orders stay (the books rely on
 * them: numbers, lines, totals, shipments), but their free text goes: the note and the
 * cancellation reason. Answers the orders' numbers.
 */
export async function clearCustomerOrderText(
  tx: EntityManager,
  customerId: number,
): Promise<string[]> {
  const rows = await runSql<{ number: string }>(
    tx,
    `UPDATE "order" SET note = NULL, cancel_reason = NULL WHERE customer_id = ?
     RETURNING number`,
    [customerId],
  );
  return rows.map((row) => row.number).sort();
}
