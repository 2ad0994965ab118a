import {
  createSourceEventStream,
  execute,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { RequestContext } from '../graphql/context';

/**
 * GraphQL `subscribe` that executes each committed event once per (document, variables, viewer)
 * instead of once per socket: one agent's several consoles, or many consoles of one tool, on the
 * same queue get the same result. graphql-js would run the whole selection for every
 * subscriber; at a thousand subscribers that is a thousand executions of one event.
 *
 * Only payloads that carry a committed event (`{ event: { seq } }`) are shared; anything else
 * (presence) runs per subscriber. The viewer is part of the key, with their roles, so nothing one
 * viewer may see reaches another.
 */
const SHARED_RESULTS_PER_DOCUMENT = 2_000;
const sharedResults = new WeakMap<DocumentNode, Map<string, Promise<ExecutionResult>>>();

function eventSeqOf(payload: unknown): number | undefined {
  const event = (payload as { event?: { seq?: unknown } } | null)?.event;
  return typeof event?.seq === 'number' ? event.seq : undefined;
}

// Keys are computed once per viewer and per subscription, not once per delivered event: a new
// set of roles arrives as a new viewer object, new variables only with a new subscription.
const viewerKeys = new WeakMap<object, string>();
const variableKeys = new WeakMap<object, string>();

function viewerKey(context: RequestContext): string {
  const viewer = context.viewer;
  if (!viewer) return '-';
  let key = viewerKeys.get(viewer);
  if (key === undefined) {
    key = `${viewer.employeeId}:${[...viewer.roles].sort().join(',')}`;
    viewerKeys.set(viewer, key);
  }
  return key;
}

function variablesKey(args: ExecutionArgs): string {
  const variables = args.variableValues;
  if (!variables) return '{}';
  let key = variableKeys.get(variables);
  if (key === undefined) {
    key = JSON.stringify(variables);
    variableKeys.set(variables, key);
  }
  return key;
}

function executeEvent(args: ExecutionArgs, payload: unknown): Promise<ExecutionResult> {
  const run = async () => execute({ ...args, rootValue: payload });
  const seq = eventSeqOf(payload);
  if (seq === undefined) return run();
  let results = sharedResults.get(args.document);
  if (!results) {
    results = new Map();
    sharedResults.set(args.document, results);
  }
  const key = `${seq}|${viewerKey(args.contextValue as RequestContext)}|${variablesKey(args)}`;
  let result = results.get(key);
  if (!result) {
    result = run();
    if (results.size >= SHARED_RESULTS_PER_DOCUMENT) {
      const oldest = results.keys().next().value;
      if (oldest !== undefined) results.delete(oldest);
    }
    results.set(key, result);
  }
  return result;
}

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

export async function subscribeShared(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  return mapResults(source[Symbol.asyncIterator](), (payload) => executeEvent(args, payload));
}
