import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { forbidden, hasAnyRole } from '../graphql/auth-checker';
import type { RequestContext, Viewer } from '../graphql/context';
import type { Role } from '../modules/auth/role';
import { Loaders } from '../graphql/loaders';
import { readEvents, type CommittedEvent } from './event-dispatcher';

/** Cursors are the event's seq, written in decimal (the same as `HistoryEntry.cursor`). */
export function parseCursor(cursor: string | null | undefined): number | null {
  if (cursor === null || cursor === undefined) return null;
  if (!/^\d{1,18}$/.test(cursor)) {
    throw new GraphQLError('"after" is not a valid event cursor', {
      extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
    });
  }
  return Number(cursor);
}

export function resyncRequired(after: number, prunedThrough: number): GraphQLError {
  return new GraphQLError(
    `Events after ${after} are no longer kept (retained from ${prunedThrough + 1}): reload your lists and subscribe again without "after"`,
    { extensions: { code: 'RESYNC_REQUIRED' } },
  );
}

/** Raised into a subscription that fell too far behind; the socket is closed for it to reconnect. */
export const SLOW_CONSUMER_CLOSE_CODE = 1013;

export interface LiveStreamOptions {
  /** The subscription, for metrics: 'ticketEvents', 'orderEvents'. */
  kind: string;
  /** Ends the stream (the client unsubscribed or the socket closed), even while it waits. */
  signal: AbortSignal;
  /** The subscription's context: its realtime services, its connection, its live viewer. */
  context: RequestContext;
  after: number | null;
  /** Which events this subscription cares about (cheap, synchronous: stream type and ids). */
  accepts(event: CommittedEvent): boolean;
}

/**
 * The viewer as they are now (roles can change while a subscription runs), or FORBIDDEN the
 * moment they may no longer read what the subscription carries.
 */
export function requireLiveRole(context: RequestContext, roles: readonly Role[]): Viewer {
  const viewer = context.liveViewer?.() ?? context.viewer;
  if (!viewer || !hasAnyRole(viewer, roles)) throw forbidden(roles);
  context.viewer = viewer;
  return viewer;
}

/** Counts an event sent to a subscriber, and its lag from being recorded. */
export function recordDelivery(context: RequestContext, kind: string, event: CommittedEvent): void {
  const { metrics } = context.realtime;
  metrics.delivered.inc({ kind });
  metrics.lag.observe({ kind }, (Date.now() - event.occurredAt.getTime()) / 1000);
}

/**
 * One request scope (entity manager fork and DataLoaders) per committed event, shared by every
 * subscriber that receives it: a thousand subscribers to one event resolve its ticket with one
 * batched query, not a thousand. Each subscriber keeps its own viewer, so permissions stay theirs.
 */
const scopes = new WeakMap<CommittedEvent, Pick<RequestContext, 'em' | 'loaders'>>();

function scopeFor(orm: MikroORM, event: CommittedEvent): Pick<RequestContext, 'em' | 'loaders'> {
  let scope = scopes.get(event);
  if (!scope) {
    scope = { em: orm.em.fork(), loaders: new Loaders() };
    scopes.set(event, scope);
  }
  return scope;
}

/**
 * The events of a subscription: first those after `after` from the table, then live ones, with
 * no gap and no duplicate at the seam. It registers for live events before reading the backlog,
 * so anything committed meanwhile is buffered, and skips what the backlog already delivered.
 */
export async function* liveEvents(options: LiveStreamOptions): AsyncGenerator<CommittedEvent> {
  const { context, accepts, signal, kind } = options;
  const { orm, dispatcher, maxQueued, metrics } = context.realtime;
  metrics.subscribers.inc({ kind });
  const queue: CommittedEvent[] = [];
  let wake: (() => void) | undefined;
  let overflowed = false;
  const unsubscribe = dispatcher.subscribe((event) => {
    if (overflowed || !accepts(event)) return;
    if (queue.length >= maxQueued) {
      overflowed = true;
      context.connection?.close(
        SLOW_CONSUMER_CLOSE_CODE,
        'Subscriber too slow: reconnect with your last cursor',
      );
    } else {
      queue.push(event);
    }
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  const livePosition = dispatcher.position();
  let last = options.after ?? livePosition;
  const deliver = (event: CommittedEvent) => {
    Object.assign(context, scopeFor(orm, event));
    last = event.seq;
    return event;
  };
  try {
    if (options.after !== null) {
      const [retention] = await orm.em
        .fork()
        .execute<{ pruned_through: string }[]>(
          'SELECT pruned_through FROM event_retention WHERE id = 1',
        );
      const prunedThrough = Number(retention?.pruned_through ?? 0);
      if (options.after < prunedThrough) throw resyncRequired(options.after, prunedThrough);
      // The backlog: everything after the cursor up to what the live feed had delivered.
      while (last < livePosition) {
        const page = await readEvents(orm, last, livePosition);
        if (page.length === 0) break;
        for (const event of page) {
          if (accepts(event)) yield deliver(event);
          last = event.seq;
        }
      }
    }
    for (;;) {
      if (overflowed || signal.aborted) return;
      const event = queue.shift();
      if (event === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (event.seq <= last) continue;
      yield deliver(event);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    unsubscribe();
    metrics.subscribers.dec({ kind });
  }
}

/**
 * Wraps a subscription's async generator so that `return()` (the client unsubscribed, the socket
 * closed) ends it at once: an async generator waiting inside an `await` would otherwise only see
 * the return at its next `yield`, keeping its resources (listeners, presence) until then.
 */
export function abortable<T>(
  make: (signal: AbortSignal) => AsyncGenerator<T>,
): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const generator = make(controller.signal);
  return {
    next: () => generator.next(),
    return: (value?: unknown) => {
      controller.abort();
      return generator.return(value as T);
    },
    throw: (error?: unknown) => {
      controller.abort();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
