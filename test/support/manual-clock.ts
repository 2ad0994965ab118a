import type { Clock } from '../../src/modules/common/clock';

/** A clock the test moves by hand (SLA deadlines, breaches, metrics). */
export class ManualClock implements Clock {
  private current: Date;

  constructor(start: string | Date = new Date()) {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: string | Date): void {
    this.current = new Date(at);
  }

  advance(minutes: number): void {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
  }
}
