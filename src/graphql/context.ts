import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Viewer } from '../modules/common/viewer';
import type { Loaders } from '../read/loaders';

/** A subscription's WebSocket, as live delivery sees it. */
export interface LiveConnection {
  /** The graphql-ws id of the subscription this context belongs to. */
  subscriptionId: string;
  /** Sends one protocol message (UTF-8 JSON) as a text message, through `ws`. */
  send(message: Buffer): void;
  /**
   * Holds what is sent on this connection's socket until as many `uncork` calls: a fan-out pass
   * corks each socket it sends to and uncorks them at its end, so that a socket gets all its
   * messages of the pass in one write.
   */
  cork(): void;
  uncork(): void;
  /** Bytes written and not yet sent to the client. */
  bufferedAmount(): number;
  /** Closes the connection (a subscriber that cannot keep up). */
  close(code: number, reason: string): void;
}

/**
 * What cross-cutting GraphQL code (the auth checker, `node`, live delivery) reads from a request's
 * context. The full context, with the services, is `RequestContext` in modules/context.ts.
 */
export interface GraphQLContext {
  requestId: string;
  viewer: Viewer | undefined;
  /** Why a presented token was not accepted (for the UNAUTHENTICATED message). */
  authFailure?: string;
  /** A request-scoped fork of the entity manager. */
  em: EntityManager;
  logger: Logger;
  loaders: Loaders;
  /** The client's address (rate limits, logs). */
  clientIp: string;
  /** On a WebSocket: the viewer as it is now (roles can change while a subscription runs). */
  liveViewer?: () => Viewer | undefined;
  /** On a WebSocket: the subscription's socket, which live feeds write their events to. */
  connection?: LiveConnection;
}
