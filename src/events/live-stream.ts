import { GraphQLError } from 'graphql';
import { forbidden } from '../graphql/auth-checker';
import { hasAnyRole, type Viewer } from '../modules/common/viewer';
import type { GraphQLContext } from '../graphql/context';
import type { Role } from '../modules/common/role';

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

/**
 * The viewer as they are now (roles can change while a subscription runs), or FORBIDDEN the
 * moment they may no longer read what the subscription carries.
 */
export function requireLiveRole(context: GraphQLContext, roles: readonly Role[]): Viewer {
  const viewer = context.liveViewer?.() ?? context.viewer;
  if (!viewer || !hasAnyRole(viewer, roles)) throw forbidden(roles);
  context.viewer = viewer;
  return viewer;
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
