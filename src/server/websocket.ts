import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import type { RequestContext, Viewer } from '../graphql/context';
import { maskError } from '../graphql/errors';
import { Loaders } from '../graphql/loaders';
import type { Services } from '../modules/services';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface WebSocketDependencies {
  wsServer: WebSocketServer;
  schema: GraphQLSchema;
  orm: MikroORM;
  services: Services;
  logger: Logger;
  metrics: Metrics;
}

/** Close codes for a refused `connection_init`. */
export const WS_CLOSE_UNAUTHORIZED = CloseCode.Unauthorized; // 4401
export const WS_CLOSE_FORBIDDEN = CloseCode.Forbidden; // 4403

const CONNECTION_INIT_WAIT_MS = 10_000;

interface ConnectionParams extends Record<string, unknown> {
  authorization?: unknown;
}

/**
 * GraphQL over WebSocket (graphql-transport-ws) on the HTTP server's `/graphql` path. The token in
 * the `connection_init` payload authenticates the socket; errors are masked as on HTTP.
 */
export function attachGraphQLWebSocket(deps: WebSocketDependencies): {
  dispose(): Promise<void> | void;
} {
  const { wsServer, schema, orm, services, logger, metrics } = deps;
  wsServer.on('connection', (socket) => {
    metrics.webSockets.inc();
    socket.once('close', () => metrics.webSockets.dec());
  });

  const maskAll = (errors: readonly GraphQLError[], requestId: string | undefined) =>
    errors.map((error) => maskError(error.toJSON(), error, logger, requestId));

  return useServer<ConnectionParams, { viewer?: Viewer }>(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization;
        const em = orm.em.fork();
        const authentication = await services.auth.authenticate(
          em,
          typeof header === 'string' ? header : undefined,
        );
        if (!authentication.viewer) {
          const inactive =
            authentication.failure === 'inactive' || authentication.failure === 'revoked';
          ctx.extra.socket.close(
            inactive ? WS_CLOSE_FORBIDDEN : WS_CLOSE_UNAUTHORIZED,
            inactive ? 'Forbidden' : 'Unauthorized',
          );
          return false;
        }
        ctx.extra.viewer = authentication.viewer;
        return true;
      },
      context: (ctx): RequestContext => {
        const requestId = randomUUID();
        return {
          requestId,
          viewer: ctx.extra.viewer,
          em: orm.em.fork(),
          logger: logger.child({ requestId }),
          loaders: new Loaders(),
          services,
        };
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return;
        const requestId = (args.contextValue as RequestContext | undefined)?.requestId;
        return { ...result, errors: maskAll(result.errors, requestId) };
      },
      onError: (_ctx, _id, _payload, errors) => maskAll(errors, undefined),
    },
    wsServer,
  );
}
