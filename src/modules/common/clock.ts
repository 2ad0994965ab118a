/** Where services read the time, so tests can move it (SLA clocks, payroll dates). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
