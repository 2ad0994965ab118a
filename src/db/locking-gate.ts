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
 * A statement that has run this long is taken to be stuck behind a lock (a long transaction holds
 * it): its place goes to one more, so the others are not held up behind it.
 */
export const STUCK_AFTER_MS = 250;

/** Beyond the usual number, at most this many run at once while some are stuck. */
export const LOCKING_STATEMENTS_AT_MOST = 16;

interface Slot {
  since: number;
}

/**
 * Admits `usual` jobs at once, in arrival order, plus one for each running job that has run
 * `stuckAfterMs` or longer, up to `atMost` at once. Under a heavy load of quick jobs it stays at
 * `usual`: waiting long is no reason to add to the crowd, only a job that does not finish is.
 */
export class LockingGate {
  private readonly running = new Set<Slot>();
  private readonly waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly usual = LOCKING_STATEMENTS_AT_ONCE,
    private readonly atMost = LOCKING_STATEMENTS_AT_MOST,
    private readonly stuckAfterMs = STUCK_AFTER_MS,
  ) {}

  /** Jobs running now. */
  get active(): number {
    return this.running.size;
  }

  /** Jobs waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    const slot =
      this.waiting.length === 0 && this.running.size < this.usual
        ? this.take()
        : await new Promise<Slot>((resolve) => {
            this.waiting.push(() => resolve(this.take()));
            this.admit();
          });
    try {
      return await job();
    } finally {
      this.running.delete(slot);
      this.admit();
    }
  }

  private take(): Slot {
    const slot = { since: performance.now() };
    this.running.add(slot);
    return slot;
  }

  /**
   * Starts waiting jobs while there is room; while some still wait, looks again when the next
   * running one becomes stuck.
   */
  private admit(): void {
    const now = performance.now();
    let stuck = 0;
    let nextStuck = Infinity;
    for (const { since } of this.running) {
      if (now - since >= this.stuckAfterMs) stuck += 1;
      else nextStuck = Math.min(nextStuck, since + this.stuckAfterMs);
    }
    const room = Math.min(this.atMost, this.usual + stuck);
    while (this.waiting.length > 0 && this.running.size < room) this.waiting.shift()?.();
    if (this.waiting.length === 0 || this.timer || nextStuck === Infinity) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.admit();
    }, nextStuck - now);
    this.timer.unref();
  }
}
