import { systemClock, type Clock } from './clock';

/**
 * Calendar dates (`YYYY-MM-DD`, the `Date` scalar) as the books and HR count them: whole days in
 * UTC, with no time of day.
 */

const DAY_MS = 86_400_000;

const dayStart = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Today's calendar date (UTC), by the given clock (the services' injected one; real time by default). */
export function today(clock: Clock = systemClock): string {
  return clock.now().toISOString().slice(0, 10);
}

/** The date `days` after `date` (before, when negative). */
export function addDays(date: string, days: number): string {
  return new Date(dayStart(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Days from one date to another (`to` − `from`; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayStart(to) - dayStart(from)) / DAY_MS);
}

/** The date `months` after `date`; a day past the target month's end becomes its last day. */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${pad(targetYear, 4)}-${pad(targetMonth + 1, 2)}-${pad(Math.min(day, lastDay), 2)}`;
}
