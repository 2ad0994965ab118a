import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The process's Prometheus metrics, served at /metrics. */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'backdesk_graphql_requests_total',
    help: 'GraphQL operations served, by operation name, type and outcome.',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'backdesk_graphql_request_duration_seconds',
    help: 'Time to serve a GraphQL operation, by operation name and type.',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webSockets = new Gauge({
    name: 'backdesk_websocket_connections',
    help: 'Open GraphQL WebSocket connections.',
    registers: [this.registry],
  });

  private readonly seenOperations = new Set<string>();

  /**
   * Statements that take locks outside a transaction (`src/db/locking-gate.ts`): how many run in
   * PostgreSQL and how many wait their turn in the server, read when scraped. A queue that stays
   * long says the writes are waiting on each other's locks.
   */
  watchLockingGate(gate: { readonly active: number; readonly queued: number }): void {
    new Gauge({
      name: 'backdesk_locking_statements',
      help: 'Statements that take locks outside a transaction, by state: running in PostgreSQL, or waiting their turn in the server.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        this.set({ state: 'running' }, gate.active);
        this.set({ state: 'waiting' }, gate.queued);
      },
    });
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'backdesk_' });
  }

  /** Operation names come from clients: keep the label set bounded. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'invalid';
    if (!this.seenOperations.has(name)) {
      if (this.seenOperations.size >= MAX_OPERATION_LABELS) return 'other';
      this.seenOperations.add(name);
    }
    return name;
  }
}

const MAX_OPERATION_LABELS = 500;
