import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { Client, Query, type ClientConfig } from 'pg';

/**
 * Statements outside a transaction run on a few connections of their own in `pg`'s pipeline
 * mode: a statement is written without waiting for the one before it to be answered, and every
 * statement written in one turn of the event loop goes out in one write. Three pipelines use it
 * (db/driver.ts): reads (nearly every read), reads by key (`runKeyedSql`, whose connections keep
 * one plan per statement), and the statements that take locks and are a transaction of their own
 * (placing an order, posting an entry: `runLockingSql`), so that a write waiting for a lock never
 * holds up a read.
 *
 * Why: on a busy server the statements of one request (a customer 360 runs four) and of the
 * requests that arrived with it were each a write of their own on a pooled connection, and each
 * write on loopback TCP also runs the receiving side's network stack and wakes a PostgreSQL
 * process, which made `writev` one of the server's largest costs. One write per turn carries
 * them all, and PostgreSQL answers them from a process that is already awake (bench/README.md
 * has the A/B).
 *
 * For the locking statements it also caps how many run in PostgreSQL at once: one per connection.
 * They queue on the same few rows and locks (stock levels, the entry counter, the event log's
 * commit order) until commit, and with sixteen of them in PostgreSQL on two cores the one holding
 * a lock was often not running: fewer at once commit more, through the API as under pgbench
 * (bench/README.md has the A/B against a gate that let three run at once on pooled connections).
 *
 * Each statement is still one implicit transaction of its own (pg sends a Sync after each), so a
 * failing statement fails alone. What pipelining gives up is that a slow statement (a long report,
 * a write waiting for a lock a long transaction holds) delays the ones written behind it on its
 * connection: a turn's statements go to one connection, and the next turn's to the least busy one
 * that is not stalled (its oldest statement unanswered for STALLED_AFTER_MS). When every
 * connection is stalled, another opens, up to twice the usual number, and closes again once it is
 * idle.
 */

/**
 * Connections per pipeline: one per core, at least two so that a slow statement does not hold up
 * the rest. More only spread a turn's statements over more writes and wake-ups: on 2 cores, four
 * connections did fewer customer 360s than two, and three locking connections no better than two
 * (bench/README.md).
 */
export const PIPELINE_CONNECTIONS = Math.max(2, availableParallelism());

/** A connection whose oldest statement has waited this long takes no new ones. */
export const STALLED_AFTER_MS = 250;

interface Lane {
  client: Client;
  connected: Promise<unknown>;
  /** When each statement written and not yet answered was written, oldest first (pg answers in order). */
  sentAt: number[];
  /** Taken by this turn: what is written to it is held back until the turn ends, to go out in one write. */
  takenThisTurn: boolean;
  /** Takes no new statements, and ends once the ones written to it are answered. */
  retired: boolean;
}

/** pg's socket, which it keeps on its connection object. */
interface CorkableSocket {
  cork(): void;
  uncork(): void;
}

function socketOf(client: Client): CorkableSocket {
  return (client as unknown as { connection: { stream: CorkableSocket } }).connection.stream;
}

export interface PipelinedStatement {
  /** `$n` placeholders. */
  text: string;
  values: readonly unknown[];
  /** A prepared statement's name: parsed and planned once per connection. */
  name?: string;
}

/**
 * Runs a statement on a client as a `Query` made here: `client.query(config)` copies its config
 * through `Object.getOwnPropertyDescriptors` and wraps the answer in a promise and a `.catch`,
 * work every statement paid for nothing (bench/README.md).
 */
function submit<T>(client: Client, statement: PipelinedStatement): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const query = new Query<T & object>(
      statement.text,
      statement.values as unknown[],
      (error, result) => (error ? reject(error) : resolve(result.rows)),
    );
    // The text-and-values form takes no name: it is set as the config form would have set it.
    (query as { name?: string }).name = statement.name;
    client.query(query);
  });
}

/**
 * Whether a statement's error means its connection is gone: PostgreSQL's FATAL or PANIC (the
 * backend ends after sending it), or an error of the connection itself, which has no SQLSTATE.
 */
function endsTheConnection(error: unknown): boolean {
  const { severity, code } = error as { severity?: string; code?: string };
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code);
}

export class StatementPipeline {
  private readonly lanes: Lane[] = [];
  private closing = false;
  /** Emits `query` with `{ sql }` for each statement, as knex does for its own (statement counts). */
  readonly events = new EventEmitter();

  constructor(
    /** The settings of knex's pooled connections (type parsers, application name, timeouts). */
    private readonly settings: () => ClientConfig,
    private readonly maxConnections = PIPELINE_CONNECTIONS,
    private readonly stalledAfterMs = STALLED_AFTER_MS,
  ) {}

  /** Statements written and not yet answered. */
  get inFlight(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.sentAt.length, 0);
  }

  /** Connections with a statement in PostgreSQL: each runs one at a time, the rest wait behind it. */
  get busyConnections(): number {
    return this.lanes.filter((lane) => lane.sentAt.length > 0).length;
  }

  async query<T>(statement: PipelinedStatement): Promise<T[]> {
    if (this.closing) throw new Error('Client was closed and is not queryable');
    const lane = this.laneForThisTurn();
    this.holdUntilTurnEnds(lane);
    lane.sentAt.push(performance.now());
    try {
      await lane.connected;
      this.events.emit('query', { sql: statement.text });
      return await submit<T>(lane.client, statement);
    } catch (error) {
      if (endsTheConnection(error)) this.drop(lane);
      throw error;
    } finally {
      lane.sentAt.shift();
      if (!lane.retired) this.closeIfSurplus(lane);
      else if (lane.sentAt.length === 0) void lane.client.end().catch(() => undefined);
    }
  }

  /**
   * This turn's connection if one is taken, else the least busy that is not stalled, or a new one
   * while fewer than the usual number flow and all of those are busy (up to twice the usual
   * number, when some are stalled).
   */
  private laneForThisTurn(): Lane {
    const now = performance.now();
    let leastBusy: Lane | undefined;
    let flowing = 0;
    for (const lane of this.lanes) {
      if (this.isStalled(lane, now)) continue;
      if (lane.takenThisTurn) return lane;
      flowing += 1;
      if (!leastBusy || lane.sentAt.length < leastBusy.sentAt.length) leastBusy = lane;
    }
    if (leastBusy && (leastBusy.sentAt.length === 0 || flowing >= this.maxConnections))
      return leastBusy;
    if (this.lanes.length < this.maxConnections * 2) return this.openLane();
    return (
      leastBusy ??
      this.lanes.reduce((least, lane) => (lane.sentAt.length < least.sentAt.length ? lane : least))
    );
  }

  private isStalled(lane: Lane, now: number): boolean {
    return lane.sentAt.length > 0 && now - lane.sentAt[0] > this.stalledAfterMs;
  }

  /** Beyond the usual number, an idle connection ends once none is stalled. */
  private closeIfSurplus(lane: Lane): void {
    if (lane.sentAt.length > 0 || lane.takenThisTurn) return;
    if (this.lanes.length <= this.maxConnections) return;
    const now = performance.now();
    const index = this.lanes.indexOf(lane);
    if (index < 0 || this.lanes.some((other) => this.isStalled(other, now))) return;
    this.drop(lane);
  }

  private openLane(): Lane {
    const client = new Client({ ...this.settings(), pipeline: true } as ClientConfig);
    const lane: Lane = {
      client,
      connected: client.connect(),
      sentAt: [],
      takenThisTurn: false,
      retired: false,
    };
    const drop = () => this.drop(lane);
    lane.connected.catch(drop);
    client.on('error', drop);
    client.on('end', drop);
    this.lanes.push(lane);
    return lane;
  }

  /**
   * A connection that fails (or never connects) takes no more statements: the ones written to it
   * fail with the error, and the next statement opens a new one. It is dropped on the first sign,
   * which may be a statement's own error (the FATAL a terminated backend answers with) before the
   * socket reports anything. It ends once the statements written to it are answered.
   */
  private drop(lane: Lane): void {
    const index = this.lanes.indexOf(lane);
    if (index >= 0) this.lanes.splice(index, 1);
    lane.retired = true;
    if (lane.sentAt.length === 0) void lane.client.end().catch(() => undefined);
  }

  private holdUntilTurnEnds(lane: Lane): void {
    if (lane.takenThisTurn) return;
    lane.takenThisTurn = true;
    const socket = socketOf(lane.client);
    socket.cork();
    setImmediate(() => {
      lane.takenThisTurn = false;
      socket.uncork();
    });
  }

  /** Closes the connections: PostgreSQL first answers the statements already written to them. */
  async close(): Promise<void> {
    this.closing = true;
    const lanes = this.lanes.splice(0);
    await Promise.allSettled(lanes.map((lane) => lane.client.end()));
  }
}
