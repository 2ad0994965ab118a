import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { newestEventSeq } from './event-log';
import { runSql } from '../db/sql';

export const EVENT_CHANNEL = 'backdesk_events';
const CATCH_UP_INTERVAL_MS = 1000;
const PAGE = 500;

/** A committed event, as subscribers receive it. */
export interface CommittedEvent {
  seq: number;
  streamType: string;
  streamId: string;
  type: string;
  payload: Record<string, unknown>;
  actorId: number | null;
  occurredAt: Date;
}

/** A row of the event table, as read (bigints as text) or as announced (JSON numbers and text). */
interface EventRow {
  seq: string | number;
  stream_type: string;
  stream_id: string;
  type: string;
  payload: Record<string, unknown>;
  actor_id: string | number | null;
  occurred_at: Date | string;
}

function toEvent(row: EventRow): CommittedEvent {
  return {
    seq: Number(row.seq),
    streamType: row.stream_type,
    streamId: row.stream_id,
    type: row.type,
    payload: row.payload,
    actorId: row.actor_id === null ? null : Number(row.actor_id),
    occurredAt: new Date(row.occurred_at),
  };
}

/**
 * The event a notification announces, or null when it carries only a seq (an event too large for
 * a notification, or one announced before the event migration of 2026-11-30): that one is read.
 */
function announcedEvent(payload: string | undefined): CommittedEvent | null {
  if (!payload?.startsWith('{')) return null;
  return toEvent(JSON.parse(payload) as EventRow);
}

/** Reads committed events after a position, in seq (= commit) order. */
export async function readEvents(
  orm: MikroORM,
  after: number,
  upTo: number | null,
  limit = PAGE,
): Promise<CommittedEvent[]> {
  const rows = await runSql<EventRow>(
    orm.em.fork(),
    `SELECT seq, stream_type, stream_id, type, payload, actor_id, occurred_at FROM event
        WHERE seq > ? ${upTo === null ? '' : 'AND seq <= ?'} ORDER BY seq LIMIT ?`,
    upTo === null ? [after, limit] : [after, upTo, limit],
  );
  return rows.map(toEvent);
}

/**
 * Hands every committed event to this instance's subscribers, in commit order, exactly once.
 *
 * One connection LISTENs. A notification carries the committed event (sql/event_assign_seq.sql),
 * and when it is the very next one after the last delivered seq, it is delivered as it is.
 * Anything else (a seq alone, a gap, a read already under way) makes the reader read everything
 * after the last seq it delivered, so lost, coalesced or reordered notifications lose nothing. A
 * periodic catch-up covers a notification that never came (or a dropped connection). Because seq
 * is assigned at commit under a lock (sql/event_assign_seq.sql), once seq N is visible
 * every smaller seq that will ever exist is visible too: reading "after the last delivered" never
 * skips an event that is still to commit.
 */
export class EventDispatcher {
  private client: Client | undefined;
  private lastSeq = 0;
  private stopped = false;
  private pumping = false;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(event: CommittedEvent) => void>();
  private readonly channelHandlers = new Map<string, (payload: string) => void>();

  constructor(
    private readonly orm: MikroORM,
    private readonly connectionString: string,
    private readonly logger: Logger,
    private readonly catchUpIntervalMs = CATCH_UP_INTERVAL_MS,
  ) {}

  /** The seq of the last event delivered to subscribers. */
  position(): number {
    return this.lastSeq;
  }

  /** Called synchronously, in seq order, for every event after subscription. */
  subscribe(listener: (event: CommittedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Other notification channels sharing the listening connection (presence). */
  /** Must be called before `start()`: the listening connection subscribes to every channel once. */
  onChannel(channel: string, handler: (payload: string) => void): void {
    this.channelHandlers.set(channel, handler);
  }

  async start(): Promise<void> {
    this.lastSeq = await newestEventSeq(this.orm.em.fork());
    await this.connect();
    this.timer = setInterval(() => this.pump(), this.catchUpIntervalMs);
    this.timer.unref();
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.connectionString,
      application_name: 'backdesk-listener',
    });
    client.on('notification', (message) => {
      if (message.channel === EVENT_CHANNEL) this.announced(message.payload);
      else this.channelHandlers.get(message.channel)?.(message.payload ?? '');
    });
    client.on('error', (error) =>
      this.logger.warn({ err: error }, 'event listener connection failed'),
    );
    try {
      await client.connect();
      for (const channel of [EVENT_CHANNEL, ...this.channelHandlers.keys()])
        await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    // Only a connection that was up schedules a reconnect when it drops: one retry at a time.
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.scheduleReconnect(1000);
    });
    this.client = client;
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = undefined;
      try {
        await this.connect();
        this.pump(); // whatever committed while we were away
      } catch (error) {
        this.logger.warn({ err: error }, 'event listener could not reconnect; retrying');
        this.scheduleReconnect(Math.min(delayMs * 2, 30_000));
      }
    }, delayMs);
    this.reconnectTimer.unref();
  }

  /** Delivers an announced event at once when nothing can come before it; otherwise reads. */
  private announced(payload: string | undefined): void {
    const event = this.stopped ? null : announcedEvent(payload);
    if (event && !this.pumping && event.seq === this.lastSeq + 1) this.deliver(event);
    else this.pump();
  }

  private deliver(event: CommittedEvent): void {
    this.lastSeq = event.seq;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error, seq: event.seq }, 'an event subscriber failed');
      }
    }
  }

  /** Reads and delivers everything after the last delivered seq; never two reads at once. */
  pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void (async () => {
      try {
        do {
          this.pumpAgain = false;
          let page: CommittedEvent[];
          do {
            page = await readEvents(this.orm, this.lastSeq, null);
            for (const event of page) this.deliver(event);
          } while (page.length === PAGE && !this.stopped);
        } while (this.pumpAgain && !this.stopped);
      } catch (error) {
        this.logger.warn({ err: error }, 'could not read new events; the catch-up will retry');
      } finally {
        this.pumping = false;
      }
    })();
  }

  /** Sends a notification on another channel (presence), through the pool. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.orm.em.fork().execute('SELECT pg_notify(?, ?)', [channel, payload]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }
}
