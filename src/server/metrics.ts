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
   * Statements that take locks outside a transaction (`runLockingSql`, on the locking pipeline of
   * src/db/statement-pipeline.ts), read when scraped: how many run in PostgreSQL (one per
   * connection at most) and how many wait behind them. A queue that stays long says the writes
   * are waiting on each other's locks, or on a long transaction's.
   */
  watchLockingStatements(pipeline: {
    readonly inFlight: number;
    readonly busyConnections: number;
  }): void {
    new Gauge({
      name: 'backdesk_locking_statements',
      help: 'Statements that take locks outside a transaction, by state: running in PostgreSQL, or waiting behind one that is.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const running = pipeline.busyConnections;
        this.set({ state: 'running' }, running);
        this.set({ state: 'waiting' }, pipeline.inFlight - running);
      },
    });
  }

  /**
   * Jobs by queue and state, read from the queue when scraped (failed ones are those that used up
   * their retries), and every failed run as it happens.
   */
  watchJobs(jobs: {
    stateCounts(): Promise<{ name: string; state: string; count: number }[]>;
    onFailure(listener: (name: string) => void): void;
  }): void {
    new Gauge({
      name: 'backdesk_jobs',
      help: 'Jobs held by the queue, by job name and state (created, retry, active, completed, cancelled, failed).',
      labelNames: ['name', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await jobs.stateCounts().catch(() => []))
          this.set({ name: row.name, state: row.state }, row.count);
      },
    });
    const failures = new Counter({
      name: 'backdesk_job_failures_total',
      help: 'Job runs that threw, by job name (each retry counts).',
      labelNames: ['name'] as const,
      registers: [this.registry],
    });
    jobs.onFailure((name) => failures.inc({ name }));
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
