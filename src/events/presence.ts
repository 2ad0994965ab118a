import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventDispatcher } from './event-dispatcher';

export const PRESENCE_CHANNEL = 'backdesk_presence';
/** A viewer that is not re-announced within this time is gone (a crashed instance, a lost socket). */
export const PRESENCE_TTL_MS = 30_000;
const HEARTBEAT_MS = 10_000;
const SWEEP_MS = 2_000;

export enum PresenceActivity {
  VIEWING = 'VIEWING',
  TYPING_REPLY = 'TYPING_REPLY',
  TYPING_NOTE = 'TYPING_NOTE',
}

export interface PresenceViewer {
  employeeId: number;
  activity: PresenceActivity;
  since: Date;
}

interface Entry extends PresenceViewer {
  instance: string;
  expiresAt: number;
}

interface Announcement {
  instance: string;
  ticketId: number;
  employeeId: number;
  /** null: the viewer left. */
  activity: PresenceActivity | null;
  since: string;
}

/**
 * Who is looking at which ticket, and what they are doing. Ephemeral: kept in memory on every
 * instance, shared over a NOTIFY channel, expired when not re-announced. Never in the event log.
 */
export class PresenceHub {
  private readonly instance = randomUUID();
  /** ticketId → `${instance}:${employeeId}` → entry, from every instance. */
  private readonly tickets = new Map<number, Map<string, Entry>>();
  /** What this instance's sockets hold: (ticket, employee) → how many subscriptions. */
  private readonly local = new Map<
    string,
    { ticketId: number; employeeId: number; count: number; activity: PresenceActivity; since: Date }
  >();
  private readonly watchers = new Map<number, Set<() => void>>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly dispatcher: EventDispatcher,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.dispatcher.onChannel(PRESENCE_CHANNEL, (payload) => this.receive(payload));
    this.timers = [
      setInterval(() => this.heartbeat(), HEARTBEAT_MS),
      setInterval(() => this.sweep(), SWEEP_MS),
    ];
    for (const timer of this.timers) timer.unref();
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  viewers(ticketId: number): PresenceViewer[] {
    const byEmployee = new Map<number, PresenceViewer>();
    for (const entry of this.tickets.get(ticketId)?.values() ?? []) {
      const known = byEmployee.get(entry.employeeId);
      // The same agent on two instances: show the most recent activity.
      if (!known || entry.since > known.since)
        byEmployee.set(entry.employeeId, {
          employeeId: entry.employeeId,
          activity: entry.activity,
          since: entry.since,
        });
    }
    return [...byEmployee.values()].sort((a, b) => a.since.getTime() - b.since.getTime());
  }

  /** Calls `onChange` whenever the viewers of a ticket change; returns the unsubscribe. */
  watch(ticketId: number, onChange: () => void): () => void {
    const set = this.watchers.get(ticketId) ?? new Set();
    set.add(onChange);
    this.watchers.set(ticketId, set);
    return () => {
      set.delete(onChange);
      if (set.size === 0) this.watchers.delete(ticketId);
    };
  }

  /** A subscription starts viewing; returns its leave function. */
  join(ticketId: number, employeeId: number): () => void {
    const key = `${ticketId}:${employeeId}`;
    const held = this.local.get(key);
    if (held) held.count += 1;
    else
      this.local.set(key, {
        ticketId,
        employeeId,
        count: 1,
        activity: PresenceActivity.VIEWING,
        since: new Date(),
      });
    if (!held) this.announce(ticketId, employeeId, PresenceActivity.VIEWING, new Date());
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const entry = this.local.get(key);
      if (!entry) return;
      entry.count -= 1;
      if (entry.count <= 0) {
        this.local.delete(key);
        this.announce(ticketId, employeeId, null, new Date());
      }
    };
  }

  /** Typing a reply, typing a note, or back to viewing. Returns false if the agent is not viewing here. */
  setActivity(ticketId: number, employeeId: number, activity: PresenceActivity): boolean {
    const entry = this.local.get(`${ticketId}:${employeeId}`);
    if (!entry) return false;
    if (entry.activity !== activity) {
      entry.activity = activity;
      entry.since = new Date();
      this.announce(ticketId, employeeId, activity, entry.since);
    }
    return true;
  }

  private announce(
    ticketId: number,
    employeeId: number,
    activity: PresenceActivity | null,
    since: Date,
  ): void {
    const announcement: Announcement = {
      instance: this.instance,
      ticketId,
      employeeId,
      activity,
      since: since.toISOString(),
    };
    // Apply locally at once (own viewers appear without a round trip), then tell the others.
    this.apply(announcement);
    this.dispatcher
      .notify(PRESENCE_CHANNEL, JSON.stringify(announcement))
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'could not announce presence');
      });
  }

  private receive(payload: string): void {
    try {
      const announcement = JSON.parse(payload) as Announcement;
      if (announcement.instance === this.instance) return;
      this.apply(announcement);
    } catch (error) {
      this.logger.warn({ err: error }, 'ignoring a malformed presence announcement');
    }
  }

  private apply(announcement: Announcement): void {
    const key = `${announcement.instance}:${announcement.employeeId}`;
    const entries = this.tickets.get(announcement.ticketId) ?? new Map<string, Entry>();
    const before = entries.get(key);
    if (announcement.activity === null) {
      if (!before) return;
      entries.delete(key);
    } else {
      const since = new Date(announcement.since);
      entries.set(key, {
        instance: announcement.instance,
        employeeId: announcement.employeeId,
        activity: announcement.activity,
        since,
        expiresAt: Date.now() + PRESENCE_TTL_MS,
      });
      if (
        before &&
        before.activity === announcement.activity &&
        before.since.getTime() === since.getTime()
      ) {
        this.tickets.set(announcement.ticketId, entries);
        return; // a heartbeat: nothing visible changed
      }
    }
    if (entries.size === 0) this.tickets.delete(announcement.ticketId);
    else this.tickets.set(announcement.ticketId, entries);
    this.changed(announcement.ticketId);
  }

  private heartbeat(): void {
    for (const entry of this.local.values()) {
      const announcement: Announcement = {
        instance: this.instance,
        ticketId: entry.ticketId,
        employeeId: entry.employeeId,
        activity: entry.activity,
        since: entry.since.toISOString(),
      };
      this.apply(announcement);
      this.dispatcher.notify(PRESENCE_CHANNEL, JSON.stringify(announcement)).catch(() => undefined);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [ticketId, entries] of this.tickets) {
      let removed = false;
      for (const [key, entry] of entries) {
        if (entry.expiresAt < now) {
          entries.delete(key);
          removed = true;
        }
      }
      if (entries.size === 0) this.tickets.delete(ticketId);
      if (removed) this.changed(ticketId);
    }
  }

  private changed(ticketId: number): void {
    for (const watcher of this.watchers.get(ticketId) ?? []) watcher();
  }
}
