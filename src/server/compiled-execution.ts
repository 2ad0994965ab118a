import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  getVariableValues,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { RequestContext } from '../graphql/context';

type Gateway = ApolloServerOptionsWithGateway<RequestContext>['gateway'];

/**
 * Executes queries and mutations compiled by graphql-jit instead of interpreted by graphql-js.
 *
 * graphql-js walks the document for every field of every object it resolves: it collects the
 * fields, coerces their arguments and checks their types each time. On a page of 50 orders with
 * their lines that was a fifth of the server's CPU. graphql-jit does that walk once per document
 * and operation and turns it into a function; the same resolvers run, with the same context.
 *
 * Apollo 5 takes another executor only through its gateway interface, so this is a gateway over
 * the one local schema; Apollo still parses, validates, runs the plugins and formats errors.
 * Subscriptions do not come through Apollo (graphql-ws runs them) and keep graphql-js.
 */
export function compiledExecution(schema: GraphQLSchema): Gateway {
  // Apollo keeps parsed documents in its document store, so one document object comes back for
  // the same query text, and its compiled forms go with it when the store drops it.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | ExecutionResult>>();

  const compile = (document: DocumentNode, operationName: string | null) => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let entry = byOperation.get(key);
    if (!entry) {
      entry = compileQuery(schema, document, operationName ?? undefined);
      byOperation.set(key, entry);
    }
    return entry;
  };

  return {
    async load() {
      return {
        executor: async (request) => {
          const variables = request.request.variables ?? {};
          // graphql-js coerces the variables first so that bad ones are refused exactly as
          // before: Apollo recognises its messages and answers 400 BAD_USER_INPUT.
          const coerced = getVariableValues(
            schema,
            request.operation.variableDefinitions ?? [],
            variables,
          );
          if (coerced.errors) return { errors: coerced.errors };
          const query = compile(request.document, request.operationName);
          if (!isCompiledQuery(query)) return query;
          const result = await query.query(undefined, request.context, variables);
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
