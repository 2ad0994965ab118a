import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  execute,
  getVariableValues,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { RequestContext } from '../modules/context';

type Gateway = ApolloServerOptionsWithGateway<RequestContext>['gateway'];

/** Documents whose compiled operations are kept: at most a few tens of MiB. */
const MAX_COMPILED_DOCUMENTS = 1000;

/** Marks an operation that has run once, on graphql-js. */
const FIRST_RUN = Symbol('ran once, not compiled');
type Compiled = CompiledQuery | ExecutionResult | typeof FIRST_RUN;

/**
 * Executes queries and mutations compiled by graphql-jit instead of interpreted by graphql-js.
 *
 * graphql-js walks the document for every field of every object it resolves: it collects the
 * fields, coerces their arguments and checks their types each time. On a page of 50 orders with
 * their lines that was a large part of the server's CPU (bench/README.md). graphql-jit does that
 * walk once per document and operation and turns it into a function; the same resolvers run,
 * with the same context.
 *
 * Compiling costs more than interpreting once, so a document is compiled the second time it is
 * run, not the first: a one-off (a tool's introspection, an ad-hoc query) runs on graphql-js
 * and costs what it did, and a flood of distinct documents cannot make the server compile each.
 *
 * Apollo 5 takes another executor only through its gateway interface, so this is a gateway over
 * the one local schema; Apollo still parses, validates, runs the plugins and formats errors.
 * Subscriptions do not come through Apollo (graphql-ws runs them) and keep graphql-js.
 */
export function compiledExecution(
  schema: GraphQLSchema,
  maxDocuments = MAX_COMPILED_DOCUMENTS,
): Gateway {
  // Apollo keeps parsed documents in its document store, so one document object comes back for
  // the same query text. A compiled operation weighs about 33 KiB (the benchmark's four), so
  // only the most recently used documents keep theirs; one evicted compiles again if it returns.
  const compiled = new LRUCache<DocumentNode, Map<string, Compiled>>({ max: maxDocuments });

  /** The operation compiled, or undefined the first time it runs. */
  const compiledFor = (document: DocumentNode, operationName: string | null) => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    const entry = byOperation.get(key);
    if (entry === undefined) byOperation.set(key, FIRST_RUN);
    if (entry !== FIRST_RUN) return entry;
    const query = compileQuery(schema, document, operationName ?? undefined);
    byOperation.set(key, query);
    return query;
  };

  return {
    async load() {
      return {
        executor: async ({ document, operation, operationName, context, request }) => {
          const variables = request.variables ?? {};
          const query = compiledFor(document, operationName);
          if (query === undefined)
            return execute({
              schema,
              document,
              operationName,
              variableValues: variables,
              contextValue: context,
            });
          if (!isCompiledQuery(query)) return query;
          // graphql-js coerces the variables first so that bad ones are refused exactly as on
          // the first run: Apollo recognises its messages and answers 400 BAD_USER_INPUT.
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
          if (coerced.errors) return { errors: coerced.errors };
          const result = await query.query(undefined, context, variables);
          return result.errors
            ? { ...result, errors: result.errors.map(asGraphQLJsError) }
            : result;
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors carry no `extensions` object when there are none, where graphql-js's
 * always do; Apollo's error formatting reads `extensions.code` and fails on them. So each is
 * made again as graphql-js makes it: message, path, locations, the original error and its
 * extensions.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const made = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  // graphql-js derives locations from AST nodes, which graphql-jit does not keep.
  Object.defineProperty(made, 'locations', { value: error.locations, enumerable: true });
  return made;
}
