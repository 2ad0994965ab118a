import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { needleRegex } from '../common/erasure-text';

/**
 * Erasure in bank statements (the caller's transaction): lines whose counterparty is the party
 * (the name, compared case-insensitively) lose the counterparty's name, and any remittance text
 * naming them has the name replaced. Amounts, dates, accounts and matches stay. Answers how many
 * lines changed.
 */
export async function scrubCounterparty(
  tx: EntityManager,
  name: string,
  needles: readonly string[],
  replacement: string,
): Promise<number> {
  const regex = needleRegex(needles);
  const rows = await runSql<{ id: string }>(
    tx,
    `UPDATE bank_statement_line
        SET counterparty_name = CASE WHEN lower(counterparty_name) = lower(?)
                                       OR (?::text IS NOT NULL AND counterparty_name ~* ?)
                                     THEN NULL ELSE counterparty_name END,
            remittance = CASE WHEN ?::text IS NOT NULL AND remittance ~* ?
                              THEN regexp_replace(remittance, ?, ?, 'gi') ELSE remittance END
      WHERE lower(counterparty_name) = lower(?)
         OR (?::text IS NOT NULL AND (counterparty_name ~* ? OR remittance ~* ?))
      RETURNING id`,
    [
      name,
      regex,
      regex ?? '',
      regex,
      regex ?? '',
      regex ?? '',
      replacement,
      name,
      regex,
      regex ?? '',
      regex ?? '',
    ],
  );
  return rows.length;
}
