/** Small value readers shared by the statement parsers: amounts, dates, text. */
import { isCalendarDate } from '../../../graphql/scalars';
import { formatMinorUnits, parseMinorUnits } from '../../common/money';
import { StatementFileError } from './statement-types';

/**
 * An unsigned decimal as the file writes it ('474.4', '01.00', '+5', '.50') → minor units.
 * Refuses more than two decimals unless the extra ones are zeros, naming `where`.
 */
export function unsignedDecimalToMinor(raw: string, where: string, what = 'amount'): bigint {
  const text = raw.trim();
  const match = /^\+?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === '' && (match[2] ?? '') === ''))
    throw new StatementFileError(`${where}: the ${what} "${raw}" is not a number.`, where);
  return toMinor(`${match[1] || '0'}.${match[2] || '0'}`, raw, where, what);
}

/** Turns a plain 'digits.digits' string (optionally with a leading '-') into minor units. */
export function toMinor(plain: string, raw: string, where: string, what = 'amount'): bigint {
  const parsed = parseMinorUnits(plain, { allowNegative: true, allowZero: true });
  if (parsed.ok) return parsed.minor;
  if (parsed.reason === 'precision')
    throw new StatementFileError(
      `${where}: the ${what} "${raw}" has more than 2 decimals; amounts are kept to the cent.`,
      where,
    );
  if (parsed.reason === 'too_large')
    throw new StatementFileError(`${where}: the ${what} "${raw}" is too large.`, where);
  throw new StatementFileError(`${where}: the ${what} "${raw}" is not a number.`, where);
}

/** 'YYYY-MM-DD' from year, month and day strings, or null when that day does not exist. */
export function isoDate(year: string, month: string, day: string): string | null {
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isCalendarDate(date) ? date : null;
}

/** Collapses runs of whitespace (newlines and indentation included) to one space; '' → null. */
export function collapse(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed === '' ? null : collapsed;
}

/** An IBAN is stored uppercase without spaces; other account ids are kept as written (trimmed). */
export function normaliseAccount(raw: string | null): string | null {
  const text = collapse(raw);
  if (text === null) return null;
  const compact = text.replace(/\s+/g, '').toUpperCase();
  return /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact) ? compact : text;
}

/**
 * The warning for a statement whose entries do not lead from the opening to the closing balance.
 * Such statements are accepted (real banks send them); the warning names both figures.
 */
export function addUpWarning(
  opening: bigint | null,
  closing: bigint | null,
  entries: readonly { amountMinor: bigint }[],
): string | null {
  if (opening === null || closing === null) return null;
  const movement = entries.reduce((sum, entry) => sum + entry.amountMinor, 0n);
  const computed = opening + movement;
  if (computed === closing) return null;
  return (
    `The entries do not add up to the closing balance: opening balance ${formatMinorUnits(opening)} ` +
    `plus the entries (${formatMinorUnits(movement)}) gives ${formatMinorUnits(computed)}, but the bank's closing ` +
    `balance is ${formatMinorUnits(closing)} (difference ${formatMinorUnits(closing - computed)}).`
  );
}
