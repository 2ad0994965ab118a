import {
  execute,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
} from 'graphql';
import type { GraphQLContext, LiveConnection } from '../graphql/context';
import type { Viewer } from '../modules/common/viewer';
import { Loaders } from '../read/loaders';
import { readEvents, type CommittedEvent } from './event-dispatcher';
import { resyncRequired, SLOW_CONSUMER_CLOSE_CODE } from './live-stream';
import type { Realtime } from './realtime';

/** What a subscriber gets for an event: the subscription field's root value. */
export interface LiveDelivery {
  root: unknown;
}

export interface LiveFeedOptions<C extends GraphQLContext = GraphQLContext> {
  /** The subscription field, for metrics: 'ticketEvents', 'orderEvents'. */
  kind: string;
  /** The subscription's context: its connection, its live viewer. */
  context: C;
  /** Replay the events after this seq first (a resumed subscription), or start live. */
  after: number | null;
  /** Whether the event concerns this subscription at all (cheap, synchronous: stream type and id). */
  accepts(event: CommittedEvent): boolean;
  /**
   * What this subscriber receives for an accepted event, or null for nothing. It may depend only
   * on the event, the subscription's arguments and the viewer: it runs once per event for all
   * feeds that share those (see `LiveFeed.shareKey`), given the subscription's context for this
   * event (with the event's request scope). Throwing (FORBIDDEN) ends those subscriptions with that error.
   */
  select(event: CommittedEvent, context: C): LiveDelivery | null | Promise<LiveDelivery | null>;
}

/** Closes the graphql-ws `next` message around a result. */
const MESSAGE_END = Buffer.from('}');

/** A fan-out pass shorter than this is followed at once by the next (no rest, no added delay). */
const MIN_PASS_TO_REST_MS = 2;

/** Bytes a socket may hold unsent before its subscriber counts as too slow. */
const MAX_SOCKET_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * A live subscription as a subscription field's `subscribe` returns it. It is not consumed
 * through graphql-ws's per-subscription loop: the fan-out (below) sends its events' messages on
 * the socket itself, and graphql-ws holds it only to learn when it ends (client `complete`, socket
 * closed) or to report the error that ended it (FORBIDDEN, RESYNC_REQUIRED).
 */
export class LiveFeed<
  C extends GraphQLContext = GraphQLContext,
> implements AsyncIterableIterator<ExecutionResult> {
  /** Events accepted and not yet delivered (for the slow-consumer rule). */
  pending = 0;
  /** While resuming from a cursor: live events held back until the backlog is sent. */
  held: CommittedEvent[] | undefined;
  ended = false;
  args!: ExecutionArgs;
  /** `{"id":"<subscription id>","type":"next","payload":` for this subscription, in UTF-8. */
  messagePrefix = Buffer.alloc(0);
  /** The document, operation and variables: feeds with the same key run the same operation. */
  private operationKey = '';
  private keyViewer?: Viewer;
  private key = '';
  private settle?: (step: Promise<IteratorResult<ExecutionResult, undefined>>) => void;
  private outcome?: Promise<IteratorResult<ExecutionResult, undefined>>;
  private detach?: () => void;

  constructor(readonly options: LiveFeedOptions<C>) {}

  get context(): C {
    return this.options.context;
  }

  /** Connects the feed to its execution and its fan-out (done once, by the WebSocket subscribe). */
  open(args: ExecutionArgs, detach: () => void): void {
    this.args = args;
    const id = this.context.connection?.subscriptionId ?? '';
    this.messagePrefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
    this.operationKey = `${documentId(args.document)}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}`;
    this.detach = detach;
  }

  /**
   * Feeds with equal keys get equal results for every event: the same operation and variables,
   * for the same employee with the same roles. Recomputed only when the viewer changes.
   */
  shareKey(): string {
    const viewer = this.context.liveViewer?.() ?? this.context.viewer;
    if (!this.key || viewer !== this.keyViewer) {
      this.keyViewer = viewer;
      const who = viewer ? `${viewer.employeeId}:${[...viewer.roles].sort().join(',')}` : '-';
      this.key = `${this.operationKey}|${who}`;
    }
    return this.key;
  }

  /**
   * Sends serialized results (UTF-8 JSON) as graphql-ws `next` messages, with the socket corked
   * (added to `corked`, for the pass to uncork); false when the subscriber was dropped.
   * Subscribers of a group share a result's bytes: each message only adds its own id.
   */
  send(results: readonly Buffer[], corked: LiveConnection[]): boolean {
    const connection = this.context.connection;
    if (this.ended || !connection) return false;
    if (connection.bufferedAmount() > MAX_SOCKET_BACKLOG_BYTES) {
      this.tooSlow();
      return false;
    }
    connection.cork();
    corked.push(connection);
    for (const result of results)
      connection.send(Buffer.concat([this.messagePrefix, result, MESSAGE_END]));
    return true;
  }

  /** Closes the socket of a subscriber that cannot keep up; it reconnects with its last cursor. */
  tooSlow(): void {
    this.context.connection?.close(
      SLOW_CONSUMER_CLOSE_CODE,
      'Subscriber too slow: reconnect with your last cursor',
    );
    this.end({ done: true, value: undefined });
  }

  /** Ends the subscription with an error that graphql-ws reports to the client. */
  fail(error: unknown): void {
    this.end(Promise.reject(error));
  }

  private end(step: IteratorResult<ExecutionResult, undefined> | Promise<never>): void {
    if (this.ended) return;
    this.ended = true;
    this.held = undefined;
    this.detach?.();
    const outcome = Promise.resolve(step);
    // Nobody may be waiting yet: keep the outcome for the next `next()` without an unhandled rejection.
    outcome.catch(() => undefined);
    if (this.settle) this.settle(outcome);
    else this.outcome = outcome;
  }

  next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    if (this.outcome) return this.outcome;
    return new Promise((resolve) => (this.settle = resolve));
  }

  async return(): Promise<IteratorResult<ExecutionResult, undefined>> {
    this.end({ done: true, value: undefined });
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult, undefined>> {
    this.end({ done: true, value: undefined });
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** What events are prepared with: an entity manager and DataLoaders. */
type Scope = Pick<GraphQLContext, 'em' | 'loaders'>;

/** Feeds with one share key: one selection, one execution and one serialization per event. */
interface Group {
  feeds: LiveFeed[];
  context?: GraphQLContext;
  root?: unknown;
}

/** A group's result, serialized to UTF-8 JSON, ready to be written to each of its feeds. */
interface Prepared {
  event: CommittedEvent;
  json: Buffer;
  feeds: LiveFeed[];
}

/**
 * Delivers committed events to the live feeds of this instance, in commit order.
 *
 * Per event, the feeds it concerns are grouped by share key (document, variables, viewer): each
 * group decides once, synchronously or with one batched query, whether and what it receives, and
 * is executed and serialized once; each socket then gets the serialized result in a message with
 * its own subscription id. At a thousand consoles on one queue that is one execution per event
 * and a thousand socket writes per pass, with no promise or generator step per subscriber.
 *
 * Writing to a thousand sockets takes the event loop for milliseconds (the system calls
 * dominate), so a long pass is followed by a rest as long: requests and statements' answers are
 * served in between, and the events that commit meanwhile go out together in the next pass, one
 * write per socket: under load, fewer writes rather than a longer queue.
 *
 * A feed resuming from a cursor first gets the backlog from the event table, while live events
 * for it are held back; the held ones go out after the backlog, without a gap or a duplicate.
 */
export class LiveFanout {
  private readonly feeds = new Set<LiveFeed>();
  private readonly queue: { feeds: LiveFeed[]; prepared: Promise<Prepared[]> }[] = [];
  private scope?: Scope;
  private draining = false;
  /** When the next fan-out pass may start (performance.now()), after the last one's rest. */
  private nextPassAt = 0;

  constructor(
    private readonly realtime: Realtime,
    /** Masks errors in a result before it is sent, as on HTTP. */
    private readonly formatErrors: (
      errors: readonly GraphQLError[],
      context: GraphQLContext,
    ) => unknown[],
  ) {
    realtime.dispatcher.subscribe((event) => this.dispatch(event));
  }

  /** Starts delivering to a feed: live at once, or after its backlog when it resumes from a cursor. */
  attach(feed: LiveFeed, args: ExecutionArgs): void {
    const { metrics } = this.realtime;
    feed.open(args, () => {
      this.feeds.delete(feed);
      metrics.subscribers.dec({ kind: feed.options.kind });
    });
    this.feeds.add(feed);
    metrics.subscribers.inc({ kind: feed.options.kind });
    if (feed.options.after !== null) {
      feed.held = [];
      void this.replay(feed, feed.options.after, this.realtime.dispatcher.position());
    }
  }

  private dispatch(event: CommittedEvent): void {
    let accepted: LiveFeed[] | undefined;
    const limit = this.realtime.maxQueued;
    for (const feed of this.feeds) {
      if (!feed.options.accepts(event)) continue;
      if (feed.held) {
        feed.held.push(event);
        if (feed.held.length > limit) feed.tooSlow();
        continue;
      }
      if (++feed.pending > limit) {
        feed.tooSlow();
        continue;
      }
      (accepted ??= []).push(feed);
    }
    if (!accepted) return;
    // Prepared at once, while an earlier pass or its rest runs; written in commit order below.
    const feeds = accepted;
    const prepared = this.prepare(event, feeds, this.turnScope()).catch((error: unknown) => {
      for (const feed of feeds) feed.fail(error);
      return [];
    });
    this.queue.push({ feeds, prepared });
    if (!this.draining) void this.drain();
  }

  /**
   * The request scope of the events dispatched in this turn of the event loop: the tickets (or
   * orders) they name are read in one batched query, not one round trip per event.
   */
  private turnScope(): Scope {
    if (!this.scope) {
      this.scope = this.newScope();
      setImmediate(() => (this.scope = undefined));
    }
    return this.scope;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        // After a pass that took the event loop for a while, it gets as long again for
        // everything else (requests, statements' answers, notifications) before the next pass:
        // fan-out never holds it more than half the time, and events that commit meanwhile join
        // the next pass, where each socket gets them in one write.
        const rest = this.nextPassAt - performance.now();
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
        const batch = this.queue.splice(0);
        const prepared = await Promise.all(batch.map((queued) => queued.prepared));
        const started = performance.now();
        this.write(prepared.flat());
        const ended = performance.now();
        this.nextPassAt = ended - started < MIN_PASS_TO_REST_MS ? 0 : ended + (ended - started);
        for (const { feeds } of batch) for (const feed of feeds) feed.pending--;
      }
    } finally {
      this.draining = false;
    }
  }

  /** Everything after the cursor up to where live delivery took over, then the held live events. */
  private async replay(feed: LiveFeed, after: number, livePosition: number): Promise<void> {
    const { orm } = this.realtime;
    try {
      const [retention] = await orm.em
        .fork()
        .execute<{ pruned_through: string }[]>(
          'SELECT pruned_through FROM event_retention WHERE id = 1',
        );
      const prunedThrough = Number(retention?.pruned_through ?? 0);
      if (after < prunedThrough) throw resyncRequired(after, prunedThrough);
      let last = after;
      while (last < livePosition && !feed.ended) {
        const page = await readEvents(orm, last, livePosition);
        if (page.length === 0) break;
        for (const event of page) {
          if (feed.ended) return;
          if (feed.options.accepts(event)) await this.deliver(event, [feed]);
          last = event.seq;
        }
      }
      // Live events that arrived meanwhile; the switch to live happens with none left, synchronously.
      for (let event = feed.held?.shift(); event; event = feed.held?.shift()) {
        if (event.seq <= last) continue;
        await this.deliver(event, [feed]);
        last = event.seq;
      }
      feed.held = undefined;
    } catch (error) {
      feed.fail(error);
    }
  }

  /** One event to some feeds: each selects what it gets, each distinct result is executed once. */
  private async deliver(event: CommittedEvent, feeds: LiveFeed[]): Promise<void> {
    this.write(await this.prepare(event, feeds, this.newScope()));
  }

  /** A request scope for delivering events: an entity manager and DataLoaders. */
  private newScope(): Scope {
    return { em: this.realtime.orm.em.fork(), loaders: new Loaders() };
  }

  /** What an event becomes for some feeds: one serialized result per group of equal feeds. */
  private async prepare(
    event: CommittedEvent,
    feeds: LiveFeed[],
    scope: Scope,
  ): Promise<Prepared[]> {
    const groups = new Map<string, Group>();
    for (const feed of feeds) {
      if (feed.ended) continue;
      const key = feed.shareKey();
      const group = groups.get(key);
      if (group) group.feeds.push(feed);
      else groups.set(key, { feeds: [feed] });
    }
    const selections: Promise<void>[] = [];
    for (const group of groups.values()) {
      // The group's subscription context for this event: its own viewer and connection, the
      // shared scope (events prepared together must not overwrite each other's).
      group.context = Object.assign(Object.create(group.feeds[0].context) as GraphQLContext, scope);
      const fail = (error: unknown) => {
        for (const feed of group.feeds) feed.fail(error);
      };
      try {
        const selected = group.feeds[0].options.select(event, group.context);
        if (isPromise(selected))
          selections.push(selected.then((delivery) => void (group.root = delivery?.root), fail));
        else group.root = selected?.root;
      } catch (error) {
        fail(error);
      }
    }
    if (selections.length > 0) await Promise.all(selections);
    const prepared = await Promise.all(
      [...groups.values()]
        .filter((group) => group.root !== undefined && !group.feeds[0].ended)
        .map((group) => this.execute(event, group)),
    );
    return prepared.filter((item): item is Prepared => item !== undefined);
  }

  private async execute(event: CommittedEvent, group: Group): Promise<Prepared | undefined> {
    const [first] = group.feeds;
    const context = group.context ?? first.context;
    let result: ExecutionResult;
    try {
      result = await execute({ ...first.args, rootValue: group.root, contextValue: context });
    } catch (error) {
      // execute() reports field errors in the result; a throw means the operation itself broke.
      for (const feed of group.feeds) feed.fail(error);
      return undefined;
    }
    const json = Buffer.from(
      JSON.stringify(
        result.errors ? { ...result, errors: this.formatErrors(result.errors, context) } : result,
      ),
    );
    return { event, json, feeds: group.feeds };
  }

  /**
   * Sends prepared results on their sockets, in order, synchronously. Each socket sent to stays
   * corked until the pass ends: its messages of the pass leave in one write (a system call per
   * socket per pass, however many events and subscriptions it holds).
   */
  private write(prepared: Prepared[]): void {
    const { metrics } = this.realtime;
    const now = Date.now();
    for (const { event, feeds } of prepared) {
      // Once per result, not per subscriber: its subscribers get it in the same pass.
      metrics.lag.observe(
        { kind: feeds[0].options.kind },
        (now - event.occurredAt.getTime()) / 1000,
      );
    }
    const delivered = new Map<string, number>();
    const corked: LiveConnection[] = [];
    const send = (feed: LiveFeed, results: readonly Buffer[]) => {
      if (!feed.send(results, corked)) return;
      const { kind } = feed.options;
      delivered.set(kind, (delivered.get(kind) ?? 0) + results.length);
    };
    try {
      if (prepared.length === 1) {
        // Most passes carry one result: its feeds share one list, with no per-feed bookkeeping.
        const results = [prepared[0].json];
        for (const feed of prepared[0].feeds) send(feed, results);
      } else {
        for (const [feed, results] of resultsByFeed(prepared)) send(feed, results);
      }
    } finally {
      // The writes themselves: one writev per socket.
      for (const connection of corked) connection.uncork();
    }
    for (const [kind, count] of delivered) metrics.delivered.inc({ kind }, count);
  }
}

/** Each feed's results of a pass, in the order of the pass. */
function resultsByFeed(prepared: readonly Prepared[]): Map<LiveFeed, Buffer[]> {
  const byFeed = new Map<LiveFeed, Buffer[]>();
  for (const { json, feeds } of prepared) {
    for (const feed of feeds) {
      const results = byFeed.get(feed);
      if (results) results.push(json);
      else byFeed.set(feed, [json]);
    }
  }
  return byFeed;
}

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 1;

/** A small number per parsed document (the WebSocket server parses each query text once). */
function documentId(document: DocumentNode): number {
  let id = documentIds.get(document);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(document, id);
  }
  return id;
}
