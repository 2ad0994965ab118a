import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Role } from '../modules/auth/role';
import type { Services } from '../modules/services';
import type { Realtime } from '../events/realtime';
import type { RequestGuards } from '../server/guards';
import type { Loaders } from './loaders';

/** Who is making a request: an employee signed in with a session token, or an API token. */
export interface Viewer {
  employeeId: number;
  roles: ReadonlySet<Role>;
  via: 'session' | 'apiToken';
  apiTokenId?: number;
}

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

/** Everything a resolver gets for one HTTP request or one subscription event. */
export interface RequestContext {
  requestId: string;
  viewer: Viewer | undefined;
  /** Why a presented token was not accepted (for the UNAUTHENTICATED message). */
  authFailure?: string;
  /** A request-scoped fork of the entity manager. */
  em: EntityManager;
  logger: Logger;
  loaders: Loaders;
  services: Services;
  realtime: Realtime;
  guards: RequestGuards;
  /** The client's address (rate limits, logs). */
  clientIp: string;
  /** On a WebSocket: the viewer as it is now (roles can change while a subscription runs). */
  liveViewer?: () => Viewer | undefined;
  /** On a WebSocket: the subscription's socket, which live feeds write their events to. */
  connection?: LiveConnection;
}
