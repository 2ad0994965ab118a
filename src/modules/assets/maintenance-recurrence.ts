import { Frequency, RRule, type Options } from 'rrule';
import { addDays } from '../common/calendar-dates';
import { refuse, UserErrorCode } from '../common/errors';

/**
 * When a maintenance plan falls due. A plan recurs on calendar days (UTC, as the books count
 * them), by one of:
 * - an RRULE (RFC 5545, with the `rrule` library) whose DTSTART is the plan's start date: its
 *   occurrences are the due days;
 * - every N days: the first due on the start date, each next one N days after the last work order
 *   was closed (completed or cancelled).
 */
export type Recurrence = { kind: 'rrule'; rule: RRule } | { kind: 'interval'; days: number };

/** The frequencies a plan may use: maintenance is planned in days, never within one. */
const DAY_FREQUENCIES = new Set<Frequency>([
  Frequency.YEARLY,
  Frequency.MONTHLY,
  Frequency.WEEKLY,
  Frequency.DAILY,
]);

/** The numeric parts of a rule and the whole numbers each allows (0 never, where it may be negative). */
const NUMBER_PARTS: readonly { key: keyof Options; name: string; min: number; max: number }[] = [
  { key: 'interval', name: 'INTERVAL', min: 1, max: 1000 },
  { key: 'count', name: 'COUNT', min: 1, max: 100_000 },
  { key: 'bymonth', name: 'BYMONTH', min: 1, max: 12 },
  { key: 'bymonthday', name: 'BYMONTHDAY', min: -31, max: 31 },
  { key: 'byyearday', name: 'BYYEARDAY', min: -366, max: 366 },
  { key: 'byweekno', name: 'BYWEEKNO', min: -53, max: 53 },
  { key: 'bysetpos', name: 'BYSETPOS', min: -366, max: 366 },
];

const dayStart = (day: string) => new Date(`${day}T00:00:00Z`);
const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Checks an RRULE (`FREQ=WEEKLY;BYDAY=MO`, with or without its `RRULE:` prefix) and answers it
 * normalised, without the prefix. Refuses (INVALID_INPUT on `path`, with the parser's reason) a
 * rule the library cannot read, one without a daily or longer FREQ, one with a time of day, a
 * DTSTART or a time zone (the plan's start date is its DTSTART), and one with no occurrence on or
 * after `startsOn`.
 */
export function checkedRrule(text: string, startsOn: string, path: string[]): string {
  const invalid = (reason: string): never =>
    refuse(UserErrorCode.INVALID_INPUT, `Not a valid RRULE: ${reason}`, path);
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '') invalid('it is empty');
  if (/[\r\n]/.test(body) || /^(DTSTART|EXDATE|RDATE)/i.test(body))
    invalid('give the RRULE alone; the plan’s startsOn is its DTSTART');
  let options: Partial<Options>;
  try {
    options = RRule.parseString(body);
  } catch (error) {
    return invalid(error instanceof Error ? error.message : String(error));
  }
  const frequency = options.freq;
  if (frequency === undefined || frequency === null) return invalid('FREQ is required');
  if (!DAY_FREQUENCIES.has(frequency))
    invalid('a plan recurs on days: FREQ is YEARLY, MONTHLY, WEEKLY or DAILY');
  if (options.dtstart || options.tzid)
    invalid('DTSTART and TZID are not taken; the plan’s startsOn is its DTSTART');
  if (options.byhour != null || options.byminute != null || options.bysecond != null)
    invalid('a plan recurs on days: BYHOUR, BYMINUTE and BYSECOND are not taken');
  if (options.byweekday != null) {
    const days = Array.isArray(options.byweekday) ? options.byweekday : [options.byweekday];
    if (days.some((day) => day === null || day === undefined))
      invalid('BYDAY names an unknown day');
  }
  for (const part of NUMBER_PARTS) {
    const value = options[part.key] as unknown;
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (
      values.some(
        (item) =>
          typeof item !== 'number' ||
          !Number.isInteger(item) ||
          item === 0 ||
          item < part.min ||
          item > part.max,
      )
    )
      invalid(`${part.name} takes whole numbers from ${part.min} to ${part.max}, not 0`);
  }
  let first: string | null;
  try {
    first = firstOnOrAfter(ruleOf(options, startsOn), startsOn);
  } catch (error) {
    return invalid(error instanceof Error ? error.message : String(error));
  }
  if (first === null) invalid(`it has no occurrence on or after ${startsOn}`);
  return RRule.optionsToString(options).replace(/^RRULE:/, '');
}

function ruleOf(options: Partial<Options>, startsOn: string): RRule {
  return new RRule({ ...options, dtstart: dayStart(startsOn), tzid: null });
}

/** A plan's recurrence, from what it stores (its RRULE was checked when it was made). */
export function recurrenceOf(plan: {
  rrule: string | null;
  intervalDays: number | null;
  startsOn: string;
}): Recurrence {
  if (plan.rrule !== null)
    return { kind: 'rrule', rule: ruleOf(RRule.parseString(plan.rrule), plan.startsOn) };
  if (plan.intervalDays === null) throw new Error('a maintenance plan has no recurrence');
  return { kind: 'interval', days: plan.intervalDays };
}

/** The rule's first occurrence on or after `day`, or null when it has ended. */
export function firstOnOrAfter(rule: RRule, day: string): string | null {
  const next = rule.after(dayStart(day), true);
  return next === null ? null : dayOf(next);
}

/** The rule's first occurrence after `day` (the next day or later), or null when it has ended. */
export function firstAfter(rule: RRule, day: string): string | null {
  return firstOnOrAfter(rule, addDays(day, 1));
}

/** The rule's occurrences from `from` through `through`, both included, in order. */
export function occurrencesBetween(rule: RRule, from: string, through: string): string[] {
  if (through < from) return [];
  const days = rule
    .between(dayStart(from), dayStart(addDays(through, 1)), true)
    .map(dayOf)
    .filter((day) => day <= through);
  return [...new Set(days)];
}

/**
 * The first due day of an asset that a plan starts covering: the plan's start date; for an asset
 * recorded after it, an RRULE's first occurrence from the day it was recorded, or N days after
 * that day for an interval plan (a new asset is not due at once). Null when the rule has ended.
 */
export function firstDueDay(
  recurrence: Recurrence,
  startsOn: string,
  assetRecordedOn: string,
): string | null {
  if (recurrence.kind === 'interval')
    return assetRecordedOn > startsOn ? addDays(assetRecordedOn, recurrence.days) : startsOn;
  return firstOnOrAfter(recurrence.rule, assetRecordedOn > startsOn ? assetRecordedOn : startsOn);
}
