import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type GraphQLFormattedError } from 'graphql';
import { unauthenticated } from '../graphql/auth-checker';
import type { RequestContext } from '../modules/context';
import { maskError, noteErrorScope } from '../graphql/errors';
import { isPublicOperation } from '../graphql/public-operations';
import { checkLimits, type RequestLimits } from '../graphql/limits';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';
import { recordUnauthenticatedMutations } from './audit-mutations';

const FAILURE_MESSAGES: Record<string, string> = {
  missing: 'Sign in first: send "Authorization: Bearer <token>"',
  malformed: 'The Authorization header must be "Bearer <token>"',
  expired: 'The session token has expired; sign in again',
  invalid: 'The token is not valid',
  revoked: 'The API token was revoked',
  inactive: 'This account may no longer use Backdesk',
};

/** Everything but `login` needs a token, introspection included. */
const requireSignIn: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation, document }) {
        if (contextValue.viewer) return;
        if (isPublicOperation(operation, document)) return;
        if (operation?.operation === 'mutation')
          await recordUnauthenticatedMutations(
            contextValue,
            operation.selectionSet.selections.flatMap((selection) =>
              selection.kind === Kind.FIELD ? [selection.name.value] : [],
            ),
          );
        throw unauthenticated(FAILURE_MESSAGES[contextValue.authFailure ?? 'missing']);
      },
    };
  },
};

function recordMetrics(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const stopTimer = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, response, errors }) {
          const operationLabel = metrics.operationLabel(operationName);
          const type = operation?.operation ?? 'unknown';
          const hasErrors =
            (errors?.length ?? 0) > 0 ||
            (response.body.kind === 'single' &&
              (response.body.singleResult.errors?.length ?? 0) > 0);
          metrics.requests.inc({
            operation: operationLabel,
            type,
            outcome: hasErrors ? 'error' : 'ok',
          });
          metrics.duration.observe(
            { operation: operationLabel, type },
            Number(process.hrtime.bigint() - stopTimer) / 1e9,
          );
        },
      };
    },
  };
}

/**
 * Subscriptions stream events, which one HTTP response cannot: they are refused here, before they
 * run, and served over WebSocket (graphql-transport-ws) on the same path.
 */
const subscriptionsOverWebSocket: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError(
          'Subscriptions run over WebSocket (graphql-transport-ws) on this path, not over HTTP',
          { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
        );
      },
    };
  },
};

/** Depth, aliases, directives and cost, checked before anything runs (the same check as on WebSocket). */
function enforceLimits(limits: RequestLimits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const refusal = checkLimits(schema, document, operationName, request.variables, limits);
          if (refusal) throw refusal;
        },
      };
    },
  };
}

const REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
]);

/**
 * GraphQL over HTTP: a client that accepts only `application/json` (the legacy media type) gets
 * parse, validation and variable errors with status 200; `application/graphql-response+json`
 * clients get 400, as the specification recommends for each.
 */
const graphqlOverHttpStatus: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ request, response }) {
        const accept = request.http?.headers.get('accept') ?? '';
        if (accept.includes('application/graphql-response+json') || response.body.kind !== 'single')
          return;
        const { errors, data } = response.body.singleResult;
        const codes = (errors ?? []).map((error) => String(error.extensions?.code));
        if (
          data === undefined &&
          codes.length > 0 &&
          codes.every((code) => REQUEST_ERRORS.has(code))
        ) {
          response.http.status = 200;
        }
      },
    };
  },
};

/** Notes each error's request for `maskingFormatter`, which Apollo gives only the error. */
const scopeErrors: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        const scope = {
          requestId: contextValue.requestId,
          authenticated: contextValue.viewer !== undefined,
        };
        for (const error of errors) noteErrorScope(error, scope);
      },
    };
  },
};

export function apolloPlugins(
  metrics: Metrics,
  limits: RequestLimits,
): ApolloServerPlugin<RequestContext>[] {
  return [
    scopeErrors,
    requireSignIn,
    subscriptionsOverWebSocket,
    enforceLimits(limits),
    recordMetrics(metrics),
    graphqlOverHttpStatus,
  ];
}

export function maskingFormatter(
  logger: Logger,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => maskError(formatted, error, logger);
}
