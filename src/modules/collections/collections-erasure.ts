import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { needleRegex } from '../common/erasure-text';

/**
 * Erasure in collections (the caller's transaction): the customer's dunning notices keep their
 * levels, fees and interest (the books), but their letters lose the party's name, and the
 * customer's dispute reasons (free text) go. Answers the ids of the notices, whose stored PDFs
 * the caller deletes (`dunning-notice:<id>`).
 */
export async function redactCustomerDunning(
  tx: EntityManager,
  customerId: number,
  needles: readonly string[],
  replacement: string,
): Promise<number[]> {
  const regex = needleRegex(needles);
  const notices = await runSql<{ id: string }>(
    tx,
    `UPDATE dunning_notice SET letter_text = CASE WHEN ?::text IS NULL THEN letter_text
                                                   ELSE regexp_replace(letter_text, ?, ?, 'gi') END
      WHERE customer_id = ? RETURNING id`,
    [regex, regex ?? '', replacement, customerId],
  );
  await runSql(
    tx,
    `UPDATE invoice_dunning d SET dispute_reason = NULL FROM invoice i
      WHERE d.invoice_id = i.id AND i.customer_id = ? AND d.dispute_reason IS NOT NULL`,
    [customerId],
  );
  return notices.map((row) => Number(row.id));
}
