import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Realtime } from '../events/realtime';
import { checkLimits, type RequestLimits } from '../graphql/limits';
import type { RequestGuards } from './guards';
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { Employee, EmployeeStatus } from '../modules/employees/employee.entity';
import type { RequestContext } from '../modules/context';
import type { Viewer } from '../modules/common/viewer';
import { maskError } from '../graphql/errors';
import { Loaders } from '../read/loaders';
import type { Services } from '../modules/services';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';
import { LiveFanout } from '../events/live-feed';
import { liveSubscribe } from './live-subscribe';

interface PreparedDocument {
  document: DocumentNode;
  /** The query text it was parsed from (one copy, shared by every subscription that sent it). */
  query: string;
}

/** Parsed and validated documents by query text, the most recently used kept. */
class PreparedDocuments {
  private readonly byQuery = new Map<
    string,
    PreparedDocument | { errors: readonly GraphQLError[] }
  >();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxTokens: number,
    private readonly capacity = 500,
  ) {}

  prepare(query: string): PreparedDocument | { errors: readonly GraphQLError[] } {
    const known = this.byQuery.get(query);
    if (known) {
      this.byQuery.delete(query);
      this.byQuery.set(query, known);
      return known;
    }
    let prepared: PreparedDocument | { errors: readonly GraphQLError[] };
    try {
      const document = parse(query, { maxTokens: this.maxTokens });
      const errors = validate(this.schema, document);
      prepared = errors.length > 0 ? { errors } : { document, query };
    } catch (error) {
      return {
        errors: [
          error instanceof GraphQLError ? error : new GraphQLError('Could not parse the document'),
        ],
      };
    }
    if (this.byQuery.size >= this.capacity) {
      const oldest = this.byQuery.keys().next().value;
      if (oldest !== undefined) this.byQuery.delete(oldest);
    }
    this.byQuery.set(query, prepared);
    return prepared;
  }
}

/**
 * A subscription's context. Its entity manager, loaders, logger and request id are made on first
 * use: a live subscription reads through the scope each event brings (events/live-stream.ts), so
 * an idle subscriber holds none of them, which matters at thousands of open consoles.
 */
class SubscriptionContext implements RequestContext {
  private ownEm?: RequestContext['em'];
  private ownLoaders?: Loaders;
  private ownLogger?: Logger;
  private ownRequestId?: string;
  readonly services: Services;
  readonly realtime: Realtime;
  readonly guards: RequestGuards;
  readonly connection: NonNullable<RequestContext['connection']>;
  /** The viewer at subscribe time; live streams refresh it from `liveViewer` per event. */
  viewer: Viewer | undefined;

  constructor(
    private readonly shared: Pick<
      WebSocketDependencies,
      'orm' | 'logger' | 'services' | 'realtime' | 'guards'
    >,
    readonly clientIp: string,
    readonly liveViewer: () => Viewer | undefined,
    socket: WebSocket,
    transport: Socket | undefined,
    subscriptionId: string,
  ) {
    this.services = shared.services;
    this.realtime = shared.realtime;
    this.guards = shared.guards;
    this.connection = {
      subscriptionId,
      send: (message) => {
        if (socket.readyState === socket.OPEN) socket.send(message, { binary: false });
      },
      // ws writes each message to the TCP socket it was handed at the upgrade (its header and
      // its payload, under a cork of its own); corked around a pass's sends, that socket sends
      // them all in one writev when uncorked. ws offers no cork, and keeps its socket private.
      cork: () => transport?.cork(),
      uncork: () => transport?.uncork(),
      bufferedAmount: () => socket.bufferedAmount,
      close: (code, reason) => socket.close(code, reason),
    };
    this.viewer = liveViewer();
  }

  get requestId(): string {
    return (this.ownRequestId ??= randomUUID());
  }

  get em(): RequestContext['em'] {
    return (this.ownEm ??= this.shared.orm.em.fork());
  }

  set em(em: RequestContext['em']) {
    this.ownEm = em;
  }

  get loaders(): Loaders {
    return (this.ownLoaders ??= new Loaders());
  }

  set loaders(loaders: Loaders) {
    this.ownLoaders = loaders;
  }

  get logger(): Logger {
    return (this.ownLogger ??= this.shared.logger.child({ requestId: this.requestId }));
  }
}

export interface WebSocketDependencies {
  realtime: Realtime;
  guards: RequestGuards;
  limits: RequestLimits;
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
  const { wsServer, schema, orm, services, logger, metrics, realtime, guards, limits } = deps;
  const documents = new PreparedDocuments(schema, limits.maxTokens);
  wsServer.on('connection', (socket) => {
    metrics.webSockets.inc();
    socket.once('close', () => metrics.webSockets.dec());
  });
  const sessions = new LiveSessions(orm, logger);
  // Every instance hears every committed event, so a termination anywhere closes sockets here.
  realtime.dispatcher.subscribe((event) => {
    if (event.streamType !== 'Employee') return;
    if (event.type === 'TERMINATED')
      sessions.close(Number(event.streamId), WS_CLOSE_FORBIDDEN, 'Employment ended');
    if (event.type === 'ROLES_CHANGED') void sessions.refresh([Number(event.streamId)]);
  });

  const maskAll = (errors: readonly GraphQLError[], requestId: string | undefined) =>
    errors.map((error) =>
      // Signed in: a socket gets no further than connection_init without a valid token.
      maskError(error.toJSON(), error, logger, { requestId, authenticated: true }),
    );
  const fanout = new LiveFanout(realtime, (errors, context) => maskAll(errors, context.requestId));

  const server = useServer<
    ConnectionParams,
    { viewer?: Viewer; clientIp?: string; transport?: Socket }
  >(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      subscribe: liveSubscribe(fanout),
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
        // Neither the upgrade request nor the token is needed past this point: holding them would
        // cost every open socket its headers and parser state, and keep a secret in memory.
        ctx.extra.clientIp = ctx.extra.request.socket.remoteAddress ?? 'unknown';
        // The TCP socket under the WebSocket, the one ws was given at the upgrade (it holds it
        // anyway): live delivery corks it around a fan-out pass.
        ctx.extra.transport = ctx.extra.request.socket;
        (ctx.extra as { request?: unknown }).request = undefined;
        if (ctx.connectionParams)
          delete (ctx.connectionParams as { authorization?: unknown }).authorization;
        sessions.add(authentication.viewer.employeeId, ctx.extra.socket, ctx.extra);
        return true;
      },
      // The same limits as HTTP: token count at parse, then depth, aliases, directives and cost.
      // A query seen before is neither parsed nor validated again (a console reconnecting
      // subscribes with the same few documents).
      onSubscribe: (_ctx, _id, payload) => {
        const prepared = documents.prepare(payload.query);
        if ('errors' in prepared) return prepared.errors;
        // graphql-ws keeps the message for the subscription's life: let it hold the one shared
        // copy of a known query text rather than its own.
        (payload as { query: string }).query = prepared.query;
        const refusal = checkLimits(
          schema,
          prepared.document,
          payload.operationName,
          payload.variables,
          limits,
        );
        if (refusal) return [refusal];
        return {
          schema,
          document: prepared.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
        };
      },
      context: (ctx, id): RequestContext =>
        new SubscriptionContext(
          { orm, logger, services, realtime, guards },
          ctx.extra.clientIp ?? 'unknown',
          () => ctx.extra.viewer,
          ctx.extra.socket,
          ctx.extra.transport,
          id,
        ),
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return;
        const requestId = (args.contextValue as RequestContext | undefined)?.requestId;
        return { ...result, errors: maskAll(result.errors, requestId) };
      },
      onError: (_ctx, _id, _payload, errors) => maskAll(errors, undefined),
    },
    wsServer,
  );
  // What a socket emits as an error is the client's doing (a frame over `maxPayload`, invalid
  // UTF-8), and `ws` has already closed it with the matching code (1009, 1007). graphql-ws would
  // print each one with console.error as an internal error; it goes to the log as a warning.
  // (Registered after graphql-ws's own connection handler, so its listener is there to replace.)
  wsServer.on('connection', (socket, request) => {
    socket.removeAllListeners('error');
    socket.on('error', (error) =>
      logger.warn(
        { err: error, ip: request.socket.remoteAddress },
        'WebSocket closed for a protocol error by the client',
      ),
    );
  });
  return server;
}

interface LiveSession {
  socket: WebSocket;
  extra: { viewer?: Viewer };
}

/**
 * The open sockets of each employee, so a termination closes them at once and a change of roles
 * applies to the next operation on them.
 */
class LiveSessions {
  private readonly byEmployee = new Map<number, Set<LiveSession>>();

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
  ) {}

  add(employeeId: number, socket: WebSocket, extra: { viewer?: Viewer }): void {
    const session = { socket, extra };
    const set = this.byEmployee.get(employeeId) ?? new Set<LiveSession>();
    set.add(session);
    this.byEmployee.set(employeeId, set);
    socket.once('close', () => {
      set.delete(session);
      if (set.size === 0) this.byEmployee.delete(employeeId);
    });
  }

  close(employeeId: number, code: number, reason: string): void {
    for (const session of this.byEmployee.get(employeeId) ?? []) session.socket.close(code, reason);
  }

  /** Re-reads the employees' status and roles: closes the sockets of those who may no longer be here. */
  async refresh(employeeIds: number[]): Promise<void> {
    if (employeeIds.length === 0) return;
    try {
      const employees = await this.orm.em
        .fork()
        .find(Employee, { id: { $in: employeeIds } }, { fields: ['id', 'roles', 'status'] });
      const current = new Map(employees.map((employee) => [employee.id, employee]));
      for (const id of employeeIds) {
        const employee = current.get(id);
        if (!employee || employee.status === EmployeeStatus.TERMINATED) {
          this.close(id, WS_CLOSE_FORBIDDEN, 'Employment ended');
          continue;
        }
        for (const session of this.byEmployee.get(id) ?? []) {
          const viewer = session.extra.viewer;
          // API-token sockets keep the token's own roles.
          if (viewer && viewer.via === 'session')
            session.extra.viewer = { ...viewer, roles: new Set(employee.roles) };
        }
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not refresh live sessions');
    }
  }
}
