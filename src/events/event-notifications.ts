import { Client } from 'pg';
import type { Logger } from 'pino';

export const EVENT_CHANNEL = 'backdesk_events';

export interface CommittedEvent {
  seq: number;
  streamType: string;
  streamId: string;
  type: string;
  payload: Record<string, unknown>;
}

interface EventRow {
  seq: string;
  stream_type: string;
  stream_id: string;
  type: string;
  payload: Record<string, unknown>;
}

/**
 * Hears about committed events as they commit: one dedicated connection LISTENs on the channel the
 * event trigger notifies, reads each announced row and hands it to the handlers. If the connection
 * drops it reconnects, and `onReconnect` lets handlers re-check what they may have missed.
 */
export class EventNotifications {
  private client: Client | undefined;
  private stopped = false;
  private readonly handlers = new Set<(event: CommittedEvent) => void>();
  private readonly reconnectHandlers = new Set<() => void>();

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  onEvent(handler: (event: CommittedEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onReconnect(handler: () => void): void {
    this.reconnectHandlers.add(handler);
  }

  async start(): Promise<void> {
    const client = new Client({
      connectionString: this.connectionString,
      application_name: 'backdesk-listener',
    });
    client.on('notification', (message) => {
      if (message.channel === EVENT_CHANNEL && message.payload)
        void this.deliver(client, Number(message.payload));
    });
    client.on('error', (error) =>
      this.logger.warn({ err: error }, 'event listener connection failed'),
    );
    client.on('end', () => {
      if (this.stopped) return;
      setTimeout(() => void this.restart(), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${EVENT_CHANNEL}`);
    this.client = client;
  }

  private async restart(): Promise<void> {
    try {
      await this.start();
      for (const handler of this.reconnectHandlers) handler();
    } catch (error) {
      this.logger.warn({ err: error }, 'event listener could not reconnect; retrying');
      if (!this.stopped) setTimeout(() => void this.restart(), 2000).unref();
    }
  }

  private async deliver(client: Client, seq: number): Promise<void> {
    if (!Number.isSafeInteger(seq) || this.handlers.size === 0) return;
    try {
      const { rows } = await client.query<EventRow>(
        'SELECT seq, stream_type, stream_id, type, payload FROM event WHERE seq = $1',
        [seq],
      );
      for (const row of rows) {
        const event = {
          seq: Number(row.seq),
          streamType: row.stream_type,
          streamId: row.stream_id,
          type: row.type,
          payload: row.payload,
        };
        for (const handler of this.handlers) handler(event);
      }
    } catch (error) {
      this.logger.warn({ err: error, seq }, 'could not read an announced event');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }
}
