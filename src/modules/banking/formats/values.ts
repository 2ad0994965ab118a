/** Small value readers shared by the statement parsers: amounts, dates, text. */
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

/** 123456n → '1234.56' (for messages). */
export function money(minor: bigint): string {
  return formatMinorUnits(minor);
}

/** True when y-m-d is a real calendar day. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2999) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** 'YYYY-MM-DD' from year, month and day strings, or null when that day does not exist. */
export function isoDate(year: string, month: string, day: string): string | null {
  if (!isRealDate(Number(year), Number(month), Number(day))) return null;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
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
    `The entries do not add up to the closing balance: opening balance ${money(opening)} ` +
    `plus the entries (${money(movement)}) gives ${money(computed)}, but the bank's closing ` +
    `balance is ${money(closing)} (difference ${money(closing - computed)}).`
  );
}
