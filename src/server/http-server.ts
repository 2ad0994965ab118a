import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type Request, type Response, type NextFunction } from 'express';
import type { GraphQLSchema } from 'graphql';
import { pinoHttp } from 'pino-http';
import { WebSocketServer } from 'ws';
import type { Realtime } from '../events/realtime';
import { requestScope } from '../graphql/errors';
import type { RequestContext } from '../graphql/context';
import { Loaders } from '../graphql/loaders';
import type { Services } from '../modules/services';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { apolloPlugins, maskingFormatter } from './apollo-plugins';
import { attachGraphQLWebSocket } from './websocket';

export interface ServerDependencies {
  realtime: Realtime;
  schema: GraphQLSchema;
  orm: MikroORM;
  services: Services;
  logger: Logger;
  metrics: Metrics;
  /** Whether the database answers and every migration is applied. */
  isReady: () => Promise<boolean>;
  shutdownGraceMs: number;
}

export interface RunningServer {
  httpServer: http.Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish, closes sockets with 1001 (going away). */
  close(): Promise<void>;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
const MAX_BODY = '1mb';

function requestIdOf(req: http.IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
}

export async function startServer(
  deps: ServerDependencies,
  port: number,
  host: string,
): Promise<RunningServer> {
  const { schema, orm, services, logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    requestScope.run({ requestId }, next);
  });
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => String(res.getHeader('x-request-id')),
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
      },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await deps.isReady().catch(() => false);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable' });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: 64 * 1024,
  });
  const webSocket = attachGraphQLWebSocket({
    wsServer,
    schema,
    orm,
    services,
    logger,
    metrics,
    realtime: deps.realtime,
  });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: maskingFormatter(logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: deps.shutdownGraceMs,
      }),
      ...apolloPlugins(metrics),
    ],
  });
  await apollo.start();

  app.use(
    '/graphql',
    express.json({
      limit: MAX_BODY,
      type: ['application/json', 'application/graphql-response+json'],
    }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<RequestContext> => {
        const requestId = String(req.res?.getHeader('x-request-id') ?? randomUUID());
        const em = orm.em.fork();
        const authentication = await services.auth.authenticate(em, req.headers.authorization);
        return {
          requestId,
          viewer: authentication.viewer,
          authFailure: authentication.viewer ? undefined : authentication.failure,
          em,
          logger: logger.child({ requestId }),
          loaders: new Loaders(),
          services,
          realtime: deps.realtime,
        };
      },
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const actualPort = (httpServer.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    port: actualPort,
    close() {
      closing ??= (async () => {
        // Close sockets first so clients reconnect elsewhere; then drain HTTP (Apollo's drain plugin
        // stops accepting, waits for in-flight requests, then closes idle connections).
        await webSocket.dispose();
        await apollo.stop();
      })();
      return closing;
    },
  };
}
