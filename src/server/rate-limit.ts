/**
 * Fixed-window request counters, per key (a token, an IP, an IP and a login email). In memory,
 * per instance: each instance enforces the limit on the traffic it serves.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly windowMs: number) {
    this.sweeper = setInterval(() => this.sweep(), windowMs);
    this.sweeper.unref();
  }

  /** Counts one hit; returns the seconds to wait when the key is over its limit, else 0. */
  hit(key: string, limit: number, now = Date.now()): number {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > limit ? Math.ceil((window.start + this.windowMs - now) / 1000) : 0;
  }

  private sweep(now = Date.now()): void {
    for (const [key, window] of this.windows)
      if (now - window.start >= this.windowMs) this.windows.delete(key);
  }

  stop(): void {
    clearInterval(this.sweeper);
  }
}
