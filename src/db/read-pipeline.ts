import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { Client, type ClientConfig } from 'pg';

/**
 * Statements outside a transaction (nearly every read) run on a few connections of their own in
 * `pg`'s pipeline mode: a statement is written without waiting for the one before it to be
 * answered, and every statement written in one turn of the event loop goes out in one write.
 *
 * Why: on a busy server the statements of one request (a customer 360 runs four) and of the
 * requests that arrived with it were each a write of their own on a pooled connection, and each
 * write on loopback TCP also runs the receiving side's network stack and wakes a PostgreSQL
 * process: a fifth of the server's CPU went to `writev`. One write per turn carries them all, and
 * PostgreSQL answers them from a process that is already awake (A/B on the benchmark's reads:
 * customer 360 +57%, queue page +23%, orders page +18%, trial balance +65%).
 *
 * Each statement is still one implicit transaction of its own (pg sends a Sync after each), so a
 * failing statement fails alone. What pipelining gives up is that a slow statement delays the ones
 * written behind it on its connection: a turn's statements go to one connection, and the next
 * turn's to the least busy.
 */

/**
 * Connections for pipelined reads: one per core, at least two so that a slow statement does not
 * hold up the rest. More only spread a turn's statements over more writes and wake-ups (A/B on
 * 2 cores: four connections did 5-8% fewer customer 360s than two).
 */
export const READ_CONNECTIONS = Math.max(2, availableParallelism());

interface Lane {
  client: Client;
  connected: Promise<unknown>;
  /** Statements written and not yet answered. */
  inFlight: number;
  /** Taken by this turn: what is written to it is held back until the turn ends, to go out in one write. */
  takenThisTurn: boolean;
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

export class ReadPipeline {
  private readonly lanes: Lane[] = [];
  private closing = false;
  /** Emits `query` with `{ sql }` for each statement, as knex does for its own (statement counts). */
  readonly events = new EventEmitter();

  constructor(
    /** The settings of knex's pooled connections (type parsers, application name, timeouts). */
    private readonly settings: () => ClientConfig,
    private readonly maxConnections = READ_CONNECTIONS,
  ) {}

  async query<T>(statement: PipelinedStatement): Promise<T[]> {
    if (this.closing) throw new Error('Client was closed and is not queryable');
    const lane = this.laneForThisTurn();
    this.holdUntilTurnEnds(lane);
    lane.inFlight += 1;
    try {
      await lane.connected;
      this.events.emit('query', { sql: statement.text });
      const result = await lane.client.query<T & object>({
        text: statement.text,
        values: statement.values as unknown[],
        name: statement.name,
      });
      return result.rows;
    } finally {
      lane.inFlight -= 1;
    }
  }

  /** This turn's connection if one is taken, else the least busy (a new one while all are busy). */
  private laneForThisTurn(): Lane {
    let leastBusy: Lane | undefined;
    for (const lane of this.lanes) {
      if (lane.takenThisTurn) return lane;
      if (!leastBusy || lane.inFlight < leastBusy.inFlight) leastBusy = lane;
    }
    if (leastBusy && (leastBusy.inFlight === 0 || this.lanes.length >= this.maxConnections))
      return leastBusy;
    return this.openLane();
  }

  private openLane(): Lane {
    const client = new Client({ ...this.settings(), pipeline: true } as ClientConfig);
    const lane: Lane = { client, connected: client.connect(), inFlight: 0, takenThisTurn: false };
    const drop = () => {
      const index = this.lanes.indexOf(lane);
      if (index >= 0) this.lanes.splice(index, 1);
    };
    // A connection that fails (or never connects) is dropped: its statements fail with the
    // error, and the next statement opens a new one.
    lane.connected.catch(drop);
    client.on('error', drop);
    client.on('end', drop);
    this.lanes.push(lane);
    return lane;
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
