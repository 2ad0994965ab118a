import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { LiveFeed, type LiveFanout } from '../events/live-feed';

/**
 * Maps the source stream to results without an async generator: `return()` must reach the
 * source at once (an unsubscribe), not after the source's next event.
 */
function mapResults(
  source: AsyncIterator<unknown>,
  map: (payload: unknown) => Promise<ExecutionResult>,
): AsyncIterableIterator<ExecutionResult> {
  const settle = async (
    step: IteratorResult<unknown>,
  ): Promise<IteratorResult<ExecutionResult, void>> =>
    step.done ? { done: true, value: undefined } : { done: false, value: await map(step.value) };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: async () => settle(await source.next()),
    return: async () => {
      await source.return?.();
      return { done: true, value: undefined };
    },
    throw: async (error: unknown) => {
      if (source.throw) return settle(await source.throw(error));
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * GraphQL `subscribe` for graphql-ws. Event-log subscriptions (a `LiveFeed`) are handed to the
 * fan-out, which executes each event once for all subscribers that get the same result and writes
 * it to their sockets itself; graphql-ws keeps the feed only to end it. Anything else (presence)
 * runs the usual way: each payload executed for its subscriber and sent by graphql-ws.
 */
export function liveSubscribe(fanout: LiveFanout) {
  return async (
    args: ExecutionArgs,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (source instanceof LiveFeed) {
      fanout.attach(source, args);
      return source;
    }
    if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
    return mapResults(source[Symbol.asyncIterator](), async (payload) =>
      execute({ ...args, rootValue: payload }),
    );
  };
}
