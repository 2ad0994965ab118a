/**
 * The company's book currency (BOOKS_CURRENCY): every amount of the ledger is in it, stored as
 * integer minor units (cents). Set once at start (`useBookCurrency`), before any request: the
 * books cannot change currency while they hold amounts.
 */
export let BOOK_CURRENCY = 'USD';

export function useBookCurrency(code: string): void {
  BOOK_CURRENCY = code;
}
const MINOR_DIGITS = 2;
const MINOR_PER_UNIT = 10n ** BigInt(MINOR_DIGITS);

/** |minor|. */
export function absMinor(minor: bigint): bigint {
  return minor < 0n ? -minor : minor;
}

/** 123456n → "1234.56 USD": an amount of the books, as documents print it. */
export function formatBookAmount(minor: bigint): string {
  return `${formatMinorUnits(minor)} ${BOOK_CURRENCY}`;
}

/** 123456n → "1234.56"; -5n → "-0.05". */
export function formatMinorUnits(minor: bigint): string {
  const negative = minor < 0n;
  const absolute = negative ? -minor : minor;
  const units = absolute / MINOR_PER_UNIT;
  const cents = (absolute % MINOR_PER_UNIT).toString().padStart(MINOR_DIGITS, '0');
  return `${negative ? '-' : ''}${units}.${cents}`;
}

/** 1000 basis points → "10.00" (percent, two decimals). */
export function percentFromBasisPoints(basisPoints: number): string {
  return formatMinorUnits(BigInt(basisPoints));
}

export type MinorUnitsResult =
  | { ok: true; minor: bigint }
  | { ok: false; reason: 'format' | 'precision' | 'negative' | 'zero' | 'too_large' };

const MAX_MINOR = 10n ** 15n; // ten trillion in major units: far beyond any single posting

/**
 * Parses a Decimal string into minor units without ever using a float. Refuses more decimals than
 * the currency has, and (unless allowed) negative and zero amounts.
 */
export function parseMinorUnits(
  decimal: string,
  options: { allowNegative?: boolean; allowZero?: boolean } = {},
): MinorUnitsResult {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!match) return { ok: false, reason: 'format' };
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > MINOR_DIGITS && /[1-9]/.test(fraction.slice(MINOR_DIGITS)))
    return { ok: false, reason: 'precision' };
  const cents = fraction.slice(0, MINOR_DIGITS).padEnd(MINOR_DIGITS, '0');
  let minor = BigInt(whole) * MINOR_PER_UNIT + BigInt(cents);
  if (sign) minor = -minor;
  if (minor < 0n && !options.allowNegative) return { ok: false, reason: 'negative' };
  if (minor === 0n && !options.allowZero) return { ok: false, reason: 'zero' };
  if (minor >= MAX_MINOR || minor <= -MAX_MINOR) return { ok: false, reason: 'too_large' };
  return { ok: true, minor };
}
