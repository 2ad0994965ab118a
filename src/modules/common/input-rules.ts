import { isEmail } from 'class-validator';
import { refuse, UserErrorCode } from './errors';
import { parseMinorUnits } from './money';

/**
 * Business-level input rules shared by services. A breach is a user error naming the field, so a
 * form can show it next to the input; nothing is written.
 */
/** Refuses a request as INVALID_INPUT, naming the field. */
export function refuseInput(message: string, field: string[]): never {
  return refuse(UserErrorCode.INVALID_INPUT, message, field);
}

/** Trimmed text of 1..max characters. */
export function requiredText(value: string, field: string[], max: number): string {
  const text = value.trim();
  if (text.length === 0) refuseInput('Must not be empty', field);
  if (text.length > max) refuseInput(`At most ${max} characters`, field);
  return text;
}

/** Trimmed optional text; empty becomes null. */
export function optionalText(
  value: string | null | undefined,
  field: string[],
  max: number,
): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > max) refuseInput(`At most ${max} characters`, field);
  return text.length === 0 ? null : text;
}

/** A valid email address, lower-cased. */
export function emailAddress(value: string, field: string[]): string {
  const email = value.trim().toLowerCase();
  if (!isEmail(email) || email.length > 320) refuseInput('Not a valid email address', field);
  return email;
}

export function integerInRange(value: number, field: string[], min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    refuseInput(`Must be a whole number from ${min} to ${max}`, field);
  return value;
}

/** A positive money amount with at most two decimals, in minor units. */
export function positiveAmount(decimal: string, field: string[]): bigint {
  const parsed = parseMinorUnits(decimal);
  if (parsed.ok) return parsed.minor;
  const reasons = {
    format: 'Not a decimal amount',
    precision: 'At most two decimals',
    negative: 'Must be positive',
    zero: 'Must be more than zero',
    too_large: 'Too large',
  } as const;
  return refuseInput(reasons[parsed.reason], field);
}

/** A money amount that may be zero (prices, costs). */
export function nonNegativeAmount(decimal: string, field: string[]): bigint {
  const parsed = parseMinorUnits(decimal, { allowZero: true });
  if (parsed.ok) return parsed.minor;
  return positiveAmount(decimal, field);
}

/**
 * A percentage from 0 to 100 with at most two decimals ("10.00"), in basis points (1000). The
 * inverse of `percentFromBasisPoints`.
 */
export function percentage(decimal: string, field: string[]): number {
  const basisPoints = nonNegativeAmount(decimal, field);
  if (basisPoints > 10_000n) refuseInput('At most 100 percent', field);
  return Number(basisPoints);
}

/** A case-insensitive "contains" pattern for ILIKE, with LIKE wildcards escaped ("50%" finds "50%"). */
export function likePattern(search: string): string {
  return `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
