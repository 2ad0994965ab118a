import { randomUUID, createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import type { Realtime } from '../events/realtime';
import { isDatabaseUnavailable, noteErrorScope, serviceUnavailable } from '../graphql/errors';
import type { RequestLimits } from '../graphql/limits';
import type { RequestGuards } from './guards';
import type { RequestContext } from '../modules/context';
import { Loaders } from '../read/loaders';
import type { Services } from '../modules/services';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';
import { apolloPlugins, maskingFormatter } from './apollo-plugins';
import { compiledExecution } from './compiled-execution';
import { answerGraphQL, isGraphQLRequest, refuse } from './graphql-http';
import { attachmentEndpoint, isAttachmentRequest } from './attachment-http';
import { documentEndpoint, isDocumentRequest } from './document-http';
import { clientIpOf } from './client-ip';
import { bankStatementEndpoint, isBankStatementRequest } from './bank-statement-http';
import { exportEndpoint, isExportRequest } from './export-http';
import { requestLog } from './request-log';
import { attachGraphQLWebSocket } from './websocket';
import { webApp } from './web-app';
import type { InboundMailbox } from '../mail/inbound';
import { INBOUND_EMAIL_PATH, inboundEmailEndpoint } from './inbound-email-endpoint';
import { CSAT_PATH, csatPage } from './csat-page';

export interface ServerDependencies {
  realtime: Realtime;
  guards: RequestGuards;
  limits: RequestLimits;
  /** Browser origins allowed to open a WebSocket besides the server's own (`*`: any). */
  allowedOrigins: string[];
  schema: GraphQLSchema;
  orm: MikroORM;
  services: Services;
  logger: Logger;
  metrics: Metrics;
  /** Whether the database answers and every migration is applied. */
  isReady: () => Promise<boolean>;
  shutdownGraceMs: number;
  /** `POST /inbound/email`: where received mail is stored, and the secret (none: 404). */
  inboundEmail: { mailbox: InboundMailbox; secret: string | undefined };
  /** The largest bank statement file `POST /bank-statements` takes, in bytes. */
  maxStatementBytes: number;
}

export interface RunningServer {
  httpServer: http.Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish, closes sockets with 1001 (going away). */
  close(): Promise<void>;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

function requestIdOf(req: http.IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
}

/** The peer's address (no proxy is trusted: a forwarded-for header is not believed). */
export async function startServer(
  deps: ServerDependencies,
  port: number,
  host: string,
): Promise<RunningServer> {
  const { schema, orm, services, logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Requests are routed once Apollo has started (below), before the server listens.
  const httpServer = http.createServer();
  const log = requestLog(logger);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const timeout = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), 2_000).unref(),
    );
    const ready = await Promise.race([deps.isReady().catch(() => false), timeout]);
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
    // Browsers send their page's origin: only the server's own and the allow-listed ones may
    // open a socket (tools that send no Origin are let through to authenticate as usual).
    verifyClient: ({ origin, req }: { origin: string | undefined; req: http.IncomingMessage }) =>
      originAllowed(origin, req.headers.host, deps.allowedOrigins),
  });
  const webSocket = attachGraphQLWebSocket({
    wsServer,
    schema,
    orm,
    services,
    logger,
    metrics,
    realtime: deps.realtime,
    guards: deps.guards,
    limits: deps.limits,
  });

  const apollo = new ApolloServer<RequestContext>({
    gateway: compiledExecution(schema),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (HTTP, sockets, live feed, database, embedded PostgreSQL, in order):
    // Apollo's own signal handler would race it and stall the drain.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: deps.limits.maxTokens },
    formatError: maskingFormatter(logger),
    plugins: [
      // We set no cache hints; Apollo's cache-control plugin would otherwise wrap every field
      // resolver to compute them.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: deps.shutdownGraceMs,
      }),
      ...apolloPlugins(metrics, deps.limits),
    ],
  });
  await apollo.start();

  /** The per-token and per-IP request limits: false, after answering 429, when the caller must wait. */
  const withinRequestLimits = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const authorization = req.headers.authorization;
    const tokenKey = authorization
      ? createHash('sha256').update(authorization).digest('hex')
      : undefined;
    const wait = deps.guards.request(tokenKey, clientIpOf(req));
    if (wait === 0) return true;
    res.setHeader('retry-after', String(wait));
    refuse(res, 429, 'RATE_LIMITED', `Too many requests: try again in ${wait} s`, {
      retryAfterSeconds: wait,
    });
    return false;
  };

  // Resolvers' request logger, made when first used: few requests ever log through it, and a
  // pino child made for every request is CPU every request pays (bench/README.md). It is a
  // getter on the prototype so that Apollo's copy of each context (own properties onto the same
  // prototype) stays lazy.
  const contextPrototype = {
    get logger(): Logger {
      const context = this as unknown as { requestId: string; ownLogger?: Logger };
      return (context.ownLogger ??= logger.child({ requestId: context.requestId }));
    },
  };

  const contextFor = async (
    req: http.IncomingMessage,
    requestId: string,
  ): Promise<RequestContext> => {
    const em = orm.em.fork();
    const authentication = await services.auth
      .authenticate(em, req.headers.authorization)
      .catch((error: unknown) => {
        const thrown = isDatabaseUnavailable(error) ? serviceUnavailable() : error;
        noteErrorScope(thrown, { requestId, authenticated: false });
        throw thrown;
      });
    const context: Omit<RequestContext, 'logger'> = {
      requestId,
      viewer: authentication.viewer,
      authFailure: authentication.viewer ? undefined : authentication.failure,
      em,
      loaders: new Loaders(),
      services,
      realtime: deps.realtime,
      guards: deps.guards,
      clientIp: clientIpOf(req),
    };
    return Object.assign(Object.create(contextPrototype) as RequestContext, context);
  };

  app.post(INBOUND_EMAIL_PATH, inboundEmailEndpoint(deps.inboundEmail, logger));
  // Satisfaction surveys: the customer's page, without sign-in (csat-page.ts).
  app.use(CSAT_PATH, csatPage({ orm, services, guards: deps.guards, logger }));

  // The agent console at / and GraphiQL at /graphiql (built into dist/web/).
  app.use(webApp());
  // Uploads and downloads of ticket files, without express too (attachment-http.ts).
  const attachments = attachmentEndpoint({ orm, services, logger });
  // Invoice and payslip PDFs (document-http.ts).
  const documents = documentEndpoint({ orm, services, logger });
  // Exports' files and manifests, streamed out of PostgreSQL (export-http.ts).
  const exportFiles = exportEndpoint({ orm, services, logger });
  // Bank statement files past GraphQL's body limit (bank-statement-http.ts).
  const bankStatements = bankStatementEndpoint({
    orm,
    services,
    logger,
    maxBytes: deps.maxStatementBytes,
  });

  // GraphQL over HTTP has one handler, without express (graphql-http.ts); express serves the rest.
  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    log(req, res, () => {
      if (isAttachmentRequest(req)) {
        if (withinRequestLimits(req, res)) attachments(req, res, requestId);
        return;
      }
      if (isDocumentRequest(req)) {
        if (withinRequestLimits(req, res)) documents(req, res, requestId);
        return;
      }
      if (isExportRequest(req)) {
        if (withinRequestLimits(req, res)) exportFiles(req, res, requestId);
        return;
      }
      if (isBankStatementRequest(req)) {
        if (withinRequestLimits(req, res)) bankStatements(req, res, requestId);
        return;
      }
      if (!isGraphQLRequest(req)) return void app(req, res);
      if (!withinRequestLimits(req, res)) return;
      answerGraphQL(req, res, apollo, () => contextFor(req, requestId)).catch((error: unknown) => {
        logger.error({ err: error, requestId }, 'a GraphQL request failed outside GraphQL');
        if (res.headersSent) return void res.destroy();
        refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      });
    });
  });

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

/** No Origin (not a browser), the server's own host, or an allow-listed origin. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
