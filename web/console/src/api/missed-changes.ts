/** A change the console received after reconnecting that was committed while it was offline. */
export interface MissedChange {
  /** Unique among the list (the event cursor and where it was seen). */
  key: string;
  /** When it was committed (ISO-8601). */
  occurredAt: string;
  /** What happened, in a sentence. */
  text: string;
  /** The console path that shows it, when there is one. */
  path?: string;
  /**
   * Told by the feed that knows most about it (the open ticket's, with the message itself):
   * replaces what a queue's feed said about the same event.
   */
  detailed?: boolean;
}

/**
 * What the console missed while disconnected, gathered from every live feed as it replays after a
 * reconnect, and shown until the agent dismisses it. Several feeds can replay one event (a queue
 * and the open ticket): it is listed once.
 */
export class MissedChanges {
  private items: readonly MissedChange[] = [];
  private readonly listeners = new Set<() => void>();

  readonly watch = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): readonly MissedChange[] => this.items;

  add(change: MissedChange): void {
    const known = this.items.find((item) => item.key === change.key);
    if (known && (known.detailed || !change.detailed)) return;
    this.items = [...this.items.filter((item) => item !== known), change].sort((a, b) =>
      a.occurredAt.localeCompare(b.occurredAt),
    );
    this.notify();
  }

  clear(): void {
    this.items = [];
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
