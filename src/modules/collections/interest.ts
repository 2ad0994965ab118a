import { daysBetween } from '../common/calendar-dates';
import type { InterestSegment } from './collections.entity';

/** A payment applied to the invoice: `amountMinor` off what is open from `appliedOn` on. */
export interface AppliedPayment {
  appliedOn: string;
  amountMinor: bigint;
}

export interface InterestComputation {
  segments: InterestSegment[];
  interestMinor: bigint;
}

/** Hundredths of a percent × days in a year: the divisor of the formula below. */
const BASIS_POINT_YEAR = 10_000n * 365n;

/**
 * Interest on an overdue invoice from `from` (the due date, or the day through which interest was
 * last charged) to `to` (the run's day, or the day it was paid in full), per segment between
 * partial payments:
 *
 *   interest = round_half_up( Σ_segments outstanding × rate × days / 365 )
 *
 * where a segment runs from one date to the next payment date (a payment counts from its own
 * day on: the day it arrives is not charged on the amount it paid), `outstanding` is the total
 * less every payment applied on or before the segment's start, `days` = end − start, and `rate`
 * is the level's yearly rate (basis points / 10 000). The sum is exact (integers of cent-days ×
 * basis points) and rounded half-up to the cent once, for the whole invoice and notice.
 */
export function interestOver(
  totalMinor: bigint,
  payments: readonly AppliedPayment[],
  from: string,
  to: string,
  basisPoints: number,
): InterestComputation {
  const segments: InterestSegment[] = [];
  if (to <= from || basisPoints <= 0) return { segments, interestMinor: 0n };
  let outstanding = totalMinor;
  for (const payment of payments) if (payment.appliedOn <= from) outstanding -= payment.amountMinor;
  const inside = payments
    .filter((payment) => payment.appliedOn > from && payment.appliedOn < to)
    .sort((a, b) => a.appliedOn.localeCompare(b.appliedOn));
  let start = from;
  let centDays = 0n;
  const close = (end: string) => {
    const days = daysBetween(start, end);
    if (days > 0 && outstanding > 0n) {
      segments.push({ from: start, to: end, days, outstandingMinor: outstanding.toString() });
      centDays += outstanding * BigInt(days);
    }
    start = end;
  };
  for (const payment of inside) {
    if (payment.appliedOn !== start) close(payment.appliedOn);
    outstanding -= payment.amountMinor;
  }
  close(to);
  const numerator = centDays * BigInt(basisPoints);
  // Half-up for a non-negative quotient: floor((2n + d) / 2d).
  const interestMinor = (2n * numerator + BASIS_POINT_YEAR) / (2n * BASIS_POINT_YEAR);
  return { segments, interestMinor };
}
