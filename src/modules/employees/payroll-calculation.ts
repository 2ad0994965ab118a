/**
 * Payroll arithmetic, exact to the cent: no floats. A day's pay is the annual salary in effect
 * that day / 12 / the number of days in that month, so a full month pays exactly annual / 12 and
 * joiners, leavers and mid-month raises are prorated by day.
 */

export interface SalaryStep {
  effectiveFrom: string;
  annualMinor: bigint;
}

const DAY_MS = 86_400_000;
/** A common denominator for every month length (28..31), so day fractions add exactly. */
const MONTH_LCM = 28n * 29n * 30n * 31n;

function daysInMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

/** Rounds a non-negative fraction to the nearest whole number, halves up. */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (2n * denominator);
}

export interface GrossPay {
  grossMinor: bigint;
  daysWorked: number;
}

/** Gross pay for the days of [periodStart, periodEnd] on which the employee was employed. */
export function grossPay(
  periodStart: string,
  periodEnd: string,
  employment: { hireDate: string; terminationDate: string | null },
  salaries: readonly SalaryStep[],
): GrossPay {
  const steps = [...salaries].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const first = periodStart > employment.hireDate ? periodStart : employment.hireDate;
  const last =
    employment.terminationDate && employment.terminationDate < periodEnd
      ? employment.terminationDate
      : periodEnd;
  let numerator = 0n;
  let daysWorked = 0;
  for (
    let time = Date.parse(`${first}T00:00:00Z`);
    time <= Date.parse(`${last}T00:00:00Z`);
    time += DAY_MS
  ) {
    const day = new Date(time).toISOString().slice(0, 10);
    let annual: bigint | undefined;
    for (const step of steps) if (step.effectiveFrom <= day) annual = step.annualMinor;
    daysWorked += 1;
    if (annual === undefined) continue; // no salary set yet on that day
    numerator += annual * (MONTH_LCM / BigInt(daysInMonth(new Date(time))));
  }
  return { grossMinor: roundHalfUp(numerator, 12n * MONTH_LCM), daysWorked };
}

/** Withholding at a flat rate in basis points (2000 = 20%), rounded to the cent. */
export function withholding(grossMinor: bigint, rateBasisPoints: number): bigint {
  return roundHalfUp(grossMinor * BigInt(rateBasisPoints), 10_000n);
}
