/**
 * A worker thread of the live benchmark (live.ts): holds a share of the subscribers, each its own
 * graphql-ws client on its own WebSocket, and stamps every event the moment its `next` arrives.
 *
 * Spreading the subscribers over a few threads keeps one client event loop from serialising the
 * whole fan-out: a committed event reaches every subscriber at nearly the same moment, and a
 * thread can only stamp its messages one after the other. Each thread measures its own
 * event-loop delay so the report shows how much of the latency the client itself could add.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface LiveWorkerData {
  wsUrl: string;
  token: string;
  query: string;
  variables: Record<string, unknown>;
  /** Global index of this worker's first subscriber. */
  firstIndex: number;
  subscribers: number;
  /** Connections opened at once; the next batch starts when this one is subscribed. */
  batch: number;
}

export type ToWorker =
  | { type: 'connect' }
  | { type: 'start' }
  | { type: 'progress' }
  /** The records since the last `collect` (a warm-up's, then the run's). */
  | { type: 'collect' }
  | { type: 'close' };

export interface CloseCount {
  code: number;
  reason: string;
  count: number;
}

export type FromWorker =
  | { type: 'connected'; connected: number; failed: number; errors: string[]; ms: number }
  | { type: 'progress'; received: number }
  | {
      type: 'records';
      /** Triples (subscriber index, event seq, receive time in ms since the epoch). */
      records: Float64Array;
      count: number;
      /** Results that carried errors or no ticketEvents. */
      errors: number;
      errorSamples: string[];
      /** Events that arrived with a seq lower than one the subscriber had already seen. */
      outOfOrder: number;
      /** Subscriptions that ended (error or complete) before the end of the run. */
      ended: number;
      /** Sockets that closed before the end of the run, by close code. */
      closes: CloseCount[];
      /** This thread's event-loop delay since `start`, in ms. */
      loopDelay: { p50: number; p99: number; max: number };
    }
  | { type: 'closed' };

interface TicketEventData {
  ticketEvents?: { cursor: string } | null;
}

class Records {
  private data = new Float64Array(3 * 65_536);
  count = 0;

  push(subscriber: number, seq: number, receivedAt: number): void {
    if (3 * (this.count + 1) > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const at = 3 * this.count;
    this.data[at] = subscriber;
    this.data[at + 1] = seq;
    this.data[at + 2] = receivedAt;
    this.count += 1;
  }

  /** The records so far; the next `take` starts after them. */
  take(): { records: Float64Array; count: number } {
    const taken = { records: this.data.slice(0, 3 * this.count), count: this.count };
    this.count = 0;
    return taken;
  }
}

function runWorker(data: LiveWorkerData): void {
  const port = parentPort;
  if (!port) throw new Error('live-client.ts runs as a worker thread');
  const records = new Records();
  const clients: Client[] = [];
  const lastSeq = new Float64Array(data.subscribers);
  const closes = new Map<string, CloseCount>();
  const errorSamples = new Set<string>();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let errors = 0;
  let outOfOrder = 0;
  let ended = 0;
  let closing = false;

  const noteError = (message: string) => {
    errors += 1;
    if (errorSamples.size < 5) errorSamples.add(message);
  };

  /** Opens one subscriber; resolves once the server acknowledged the connection. */
  const open = (local: number): Promise<void> => {
    const index = data.firstIndex + local;
    return new Promise<void>((resolve, reject) => {
      let connected = false;
      const client = createClient({
        url: data.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${data.token}` },
        lazy: true,
        retryAttempts: 0,
        connectionAckWaitTimeout: 60_000,
        on: {
          connected: () => {
            connected = true;
            resolve();
          },
          closed: (event: unknown) => {
            const { code, reason } = event as { code?: number; reason?: string };
            if (!connected) reject(new Error(`closed before ack: ${code} ${reason ?? ''}`));
            if (closing) return;
            const key = `${code}:${reason ?? ''}`;
            const entry = closes.get(key) ?? { code: code ?? 0, reason: reason ?? '', count: 0 };
            entry.count += 1;
            closes.set(key, entry);
          },
        },
      });
      clients.push(client);
      client.subscribe<TicketEventData>(
        { query: data.query, variables: data.variables },
        {
          next: (result) => {
            const receivedAt = Date.now();
            const event = result.data?.ticketEvents;
            if (!event || result.errors?.length) {
              noteError(JSON.stringify(result.errors ?? result).slice(0, 300));
              return;
            }
            const seq = Number(event.cursor);
            if (seq < lastSeq[local]) outOfOrder += 1;
            lastSeq[local] = seq;
            records.push(index, seq, receivedAt);
          },
          error: (error: unknown) => {
            if (!closing) {
              ended += 1;
              noteError(
                error instanceof Error ? error.message : JSON.stringify(error).slice(0, 300),
              );
            }
            if (!connected) reject(new Error('subscription failed before ack'));
          },
          complete: () => {
            if (!closing) ended += 1;
          },
        },
      );
    });
  };

  const connectAll = async () => {
    const started = performance.now();
    let connected = 0;
    let failed = 0;
    const failures = new Set<string>();
    for (let first = 0; first < data.subscribers; first += data.batch) {
      const size = Math.min(data.batch, data.subscribers - first);
      const outcomes = await Promise.allSettled(
        Array.from({ length: size }, (_, k) => open(first + k)),
      );
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') connected += 1;
        else {
          failed += 1;
          if (failures.size < 5) failures.add(String(outcome.reason));
        }
      }
    }
    const message: FromWorker = {
      type: 'connected',
      connected,
      failed,
      errors: [...failures],
      ms: Math.round(performance.now() - started),
    };
    port.postMessage(message);
  };

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'connect':
        void connectAll();
        break;
      case 'start':
        loop.reset();
        loop.enable();
        break;
      case 'progress':
        port.postMessage({ type: 'progress', received: records.count } satisfies FromWorker);
        break;
      case 'collect': {
        loop.disable();
        const taken = records.take();
        const reply: FromWorker = {
          type: 'records',
          ...taken,
          errors,
          errorSamples: [...errorSamples],
          outOfOrder,
          ended,
          closes: [...closes.values()],
          loopDelay: {
            p50: Math.round(loop.percentile(50) / 1e4) / 100,
            p99: Math.round(loop.percentile(99) / 1e4) / 100,
            max: Math.round(loop.max / 1e4) / 100,
          },
        };
        port.postMessage(reply, [taken.records.buffer as ArrayBuffer]);
        break;
      }
      case 'close':
        closing = true;
        void Promise.allSettled(clients.map((client) => client.dispose())).then(() =>
          port.postMessage({ type: 'closed' } satisfies FromWorker),
        );
        break;
    }
  });
}

if (!isMainThread) runWorker(workerData as LiveWorkerData);
