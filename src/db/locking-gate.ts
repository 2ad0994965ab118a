import { availableParallelism } from 'node:os';

/**
 * How many statements that take locks outside a transaction (`runLockingSql`: placing an order,
 * posting an entry) run in PostgreSQL at once. The rest wait their turn in the server.
 *
 * Why: those statements queue on the same few rows and locks (stock levels, the entry counter,
 * the event log's commit order), and each lock is held until its commit. With sixteen of them in
 * PostgreSQL on two cores, the one holding the lock is often not running: the others, woken to
 * check, take the CPU it needs to commit. Waiting in the server costs a promise. Measured on
 * 2 cores, 16 clients through the API, against no gate: `postJournalEntry` 1,033 → 1,587/s and
 * `placeOrder` 1,157 → 1,340/s with three at once (two and four did a little less). pgbench's
 * own clients showed the same curve on these statements: 1,800 tps with 16 at once, 2,500 with 2.
 */
export const LOCKING_STATEMENTS_AT_ONCE = availableParallelism() + 1;

/**
 * A statement that has waited this long for its turn runs anyway: when the running ones are stuck
 * behind a lock a long transaction holds, the others are not held up behind them.
 */
export const OVERTAKE_AFTER_MS = 250;

/** Beyond the usual number, at most this many run at once while the usual ones are stuck. */
export const LOCKING_STATEMENTS_AT_MOST = 16;

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
  /** Waited its OVERTAKE_AFTER_MS while `atMost` were running: starts as soon as one ends. */
  overdue: boolean;
}

/**
 * Admits at most `usual` jobs at once, in arrival order; one that has waited `overtakeAfterMs`
 * runs anyway, up to `atMost` at once.
 */
export class LockingGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly usual = LOCKING_STATEMENTS_AT_ONCE,
    private readonly atMost = LOCKING_STATEMENTS_AT_MOST,
    private readonly overtakeAfterMs = OVERTAKE_AFTER_MS,
  ) {}

  /** Jobs running now (for tests and metrics). */
  get active(): number {
    return this.running;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running < this.usual) this.running += 1;
    else await this.turn();
    try {
      return await job();
    } finally {
      this.running -= 1;
      this.admitNext();
    }
  }

  /** Resolves once the job may start (counted as running by then). */
  private turn(): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          this.running += 1;
          resolve();
        },
        timer: setTimeout(() => {
          waiter.overdue = true;
          if (this.running >= this.atMost) return;
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          waiter.start();
        }, this.overtakeAfterMs),
        overdue: false,
      };
      this.waiting.push(waiter);
    });
  }

  private admitNext(): void {
    const next = this.waiting[0];
    if (!next) return;
    if (this.running < this.usual || (next.overdue && this.running < this.atMost)) {
      this.waiting.shift();
      next.start();
    }
  }
}
