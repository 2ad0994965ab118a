import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

const DECIMAL_PATTERN = /^-?\d{1,18}(\.\d{1,18})?$/;

function invalid(scalar: string, message: string): GraphQLError {
  return new GraphQLError(`${scalar}: ${message}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL_PATTERN.test(value)) {
    throw invalid('Decimal', 'expected a decimal number as a string, such as "1234.50"');
  }
  return value;
}

/**
 * Exact decimal numbers as strings ("1234.50"), so money never passes through a float.
 * How many decimals an amount may have is a business rule, checked by the service.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description:
    'An exact decimal number written as a string, such as "1234.50" or "-3". Never a float: money amounts are sent and received as Decimal strings.',
  serialize: (value) => {
    if (typeof value === 'string') return value;
    throw invalid('Decimal', 'cannot serialize a non-string value');
  },
  parseValue: parseDecimal,
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING)
      throw invalid('Decimal', 'expected a string literal such as "12.50"');
    return parseDecimal(ast.value);
  },
});

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar day written as YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    year >= 1900 &&
    year <= 9999
  );
}

function parseCalendarDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw invalid('Date', 'expected a calendar date written as YYYY-MM-DD');
  }
  return value;
}

/** Accounting dates: a calendar day with no time and no time zone. */
export const CalendarDateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description:
    'A calendar day written as YYYY-MM-DD (ISO 8601), with no time and no time zone; used for accounting dates.',
  serialize: (value) => {
    if (typeof value === 'string' && isCalendarDate(value)) return value;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    throw invalid('Date', 'cannot serialize this value as a date');
  },
  parseValue: parseCalendarDate,
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING)
      throw invalid('Date', 'expected a string literal such as "2026-01-31"');
    return parseCalendarDate(ast.value);
  },
});

/** Instants in ISO-8601 UTC. */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  description:
    'An instant in time, written in ISO 8601 in UTC, such as "2026-11-22T08:30:00.000Z".',
});
