import type { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EventDispatcher } from './event-dispatcher';
import type { PresenceHub } from './presence';

/** Live-delivery metrics: subscribers, events delivered and the lag from commit to delivery. */
export class RealtimeMetrics {
  readonly subscribers: Gauge<'kind'>;
  readonly delivered: Counter<'kind'>;
  readonly lag: Histogram<'kind'>;

  constructor(registry: Registry) {
    this.subscribers = new Gauge({
      name: 'backdesk_subscriptions',
      help: 'Open GraphQL subscriptions, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.delivered = new Counter({
      name: 'backdesk_events_delivered_total',
      help: 'Events sent to subscribers, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.lag = new Histogram({
      name: 'backdesk_event_delivery_lag_seconds',
      help: 'Time from an event being recorded to its delivery to subscribers (one observation per result written to a group of subscribers that share it).',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30],
      registers: [registry],
    });
  }
}

/** What live subscriptions need, shared by every request of the process. */
export interface Realtime {
  orm: MikroORM;
  dispatcher: EventDispatcher;
  presence: PresenceHub;
  metrics: RealtimeMetrics;
  /** Events buffered for one subscriber before it is dropped as too slow. */
  maxQueued: number;
}
