import {
  Client,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
  type AnyVariables,
  type CombinedError,
  type Operation,
  type OperationResult,
  type TypedDocumentNode,
} from '@urql/core';
import { createClient as createWebSocketClient, type Client as WebSocketClient } from 'graphql-ws';
import { GRAPHQL_PATH, graphqlWebSocketUrl } from '../../../shared/session';
import { ConsoleEventCursorDocument } from '../generated/graphql';

export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'live'; since: number; reconnected: boolean }
  | { state: 'reconnecting'; since: number; attempt: number }
  | { state: 'ended'; reason: string };

/** Where a subscription's result sits in the event log: its cursor and commit time. */
export interface FeedPosition {
  cursor: string;
  occurredAt: string;
}

export interface FeedOptions<Data, Variables extends AnyVariables> {
  document: TypedDocumentNode<Data, Variables>;
  variables: Variables;
  /**
   * Where a result sits in the event log. With it, the feed keeps the last cursor and resumes
   * after it on reconnect (its document takes an `after: String` variable).
   */
  position?: (data: Data) => FeedPosition;
  /** Starts the feed after a known cursor. */
  after?: string | null;
  handlers: FeedHandlers<Data>;
}

export interface FeedHandlers<Data> {
  /** A result; `replayed` when it was committed while this console was disconnected. */
  next(data: Data, replayed: boolean): void;
  /** The server refused or ended the subscription (a dropped connection is not a failure: it resumes). */
  failed(message: string, code: string | undefined): void;
  /** The cursor is older than the history the server keeps: reload; the feed goes on from there. */
  resync?(): void;
}

/** What the connection does with each of its feeds as the socket goes and comes back. */
interface Resumable {
  suspend(): void;
  resume(): void;
  stop(): void;
}

/** Close codes that end the session: the token is no longer valid, or its employee may not connect. */
const SESSION_ENDED: Record<number, string> = {
  4401: 'Your session expired: sign in again.',
  4403: 'Your account may no longer use the console.',
};

const RETRY_CAP_MS = 5_000;
const PING_EVERY_MS = 15_000;
const PONG_WITHIN_MS = 5_000;

function closeCodeOf(error: unknown): number | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'number'
    ? error.code
    : undefined;
}

export function errorCodeOf(error: CombinedError): string | undefined {
  const code = error.graphQLErrors[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What a person should read for a failed request: the server's message, or that it is unreachable. */
export function errorMessageOf(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  return 'The server could not be reached. Check the connection indicator and try again.';
}

function isActivityMutation(operation: Operation): boolean {
  return operation.query.definitions.some(
    (definition) =>
      definition.kind === 'OperationDefinition' && definition.name?.value === 'ConsoleSetActivity',
  );
}

/**
 * The console's line to the server: queries and mutations over HTTP, subscriptions (and the
 * presence mutation, which must reach the instance holding the presence) over one graphql-ws
 * socket, both through one urql client.
 *
 * graphql-ws reconnects the socket by itself, but would send each subscription again exactly as
 * first sent, from its first cursor. So every live feed here is dropped when the socket closes and
 * opened again, after the last cursor it saw, once a new socket is acknowledged: the server then
 * replays what was missed, in order, before going live.
 */
export class LiveConnection {
  readonly client: Client;
  private readonly socket: WebSocketClient;
  private readonly feeds = new Set<Resumable>();
  private readonly listeners = new Set<() => void>();
  private current: ConnectionStatus = { state: 'connecting' };
  private attempt = 0;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    token: string,
    private readonly onSessionEnded: (reason: string) => void,
  ) {
    const authorization = `Bearer ${token}`;
    this.socket = createWebSocketClient({
      url: graphqlWebSocketUrl(),
      connectionParams: { authorization },
      lazy: false,
      keepAlive: PING_EVERY_MS,
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: (retries) =>
        new Promise((resolve) =>
          setTimeout(
            resolve,
            Math.min(500 * 2 ** retries, RETRY_CAP_MS) + Math.floor(Math.random() * 500),
          ),
        ),
      shouldRetry: (error) => {
        const code = closeCodeOf(error);
        return code === undefined || !(code in SESSION_ENDED);
      },
      onNonLazyError: (error) => {
        const code = closeCodeOf(error);
        this.end(
          (code !== undefined && SESSION_ENDED[code]) ||
            'The live connection was refused: sign in again.',
        );
      },
      on: {
        connecting: (isRetry) => {
          if (isRetry) this.attempt += 1;
        },
        connected: () => this.connected(),
        closed: () => this.closed(),
        ping: (received) => {
          // graphql-ws pings but never notices a pong that does not come (a laptop woken from
          // sleep, a dropped network): without one in time, close the socket and reconnect.
          if (!received) this.pongTimer = setTimeout(() => this.socket.terminate(), PONG_WITHIN_MS);
        },
        pong: (received) => {
          if (received) clearTimeout(this.pongTimer);
        },
      },
    });
    const socket = this.socket;
    this.client = new Client({
      url: GRAPHQL_PATH,
      // POST only: GET requests would need Apollo's CSRF preflight header.
      preferGetMethod: false,
      fetchOptions: { headers: { authorization } },
      exchanges: [
        mapExchange({
          onError: (error) => {
            if (errorCodeOf(error) === 'UNAUTHENTICATED')
              this.end('Your session expired: sign in again.');
          },
        }),
        subscriptionExchange({
          isSubscriptionOperation: (operation) =>
            operation.kind === 'subscription' || isActivityMutation(operation),
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({
              unsubscribe: socket.subscribe({ ...request, query: request.query ?? '' }, sink),
            }),
          }),
        }),
        fetchExchange,
      ],
    });
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  /** For `useSyncExternalStore`. */
  readonly watch = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): ConnectionStatus => this.current;

  /** Opens a live feed: a subscription that survives reconnects. */
  feed<Data, Variables extends AnyVariables>(
    options: FeedOptions<Data, Variables>,
  ): LiveFeed<Data, Variables> {
    const feed = new LiveFeed(this, options);
    this.feeds.add(feed);
    feed.open();
    return feed;
  }

  forget(feed: Resumable): void {
    this.feeds.delete(feed);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.pongTimer);
    for (const feed of [...this.feeds]) feed.stop();
    void this.socket.dispose();
  }

  private connected(): void {
    const reconnected = this.current.state === 'reconnecting';
    this.attempt = 0;
    this.setStatus({ state: 'live', since: Date.now(), reconnected });
    for (const feed of this.feeds) feed.resume();
  }

  private closed(): void {
    clearTimeout(this.pongTimer);
    for (const feed of this.feeds) feed.suspend();
    if (this.disposed || this.current.state === 'ended') return;
    const since = this.current.state === 'reconnecting' ? this.current.since : Date.now();
    this.setStatus({ state: 'reconnecting', since, attempt: this.attempt + 1 });
  }

  private end(reason: string): void {
    if (this.current.state === 'ended') return;
    this.setStatus({ state: 'ended', reason });
    this.onSessionEnded(reason);
  }

  private setStatus(status: ConnectionStatus): void {
    this.current = status;
    for (const listener of this.listeners) listener();
  }
}

/** One subscription that survives reconnects: see `LiveConnection`. */
export class LiveFeed<Data, Variables extends AnyVariables> implements Resumable {
  private cursor: string | null;
  private running: { unsubscribe(): void } | undefined;
  private resumedAt: number | undefined;
  private stopped = false;
  /** Reading where to start again after RESYNC_REQUIRED (a reconnect must not resume meanwhile). */
  private restarting = false;

  constructor(
    private readonly connection: LiveConnection,
    private readonly options: FeedOptions<Data, Variables>,
  ) {
    this.cursor = options.after ?? null;
  }

  open(): void {
    if (this.stopped || this.running) return;
    const { document, variables, position } = this.options;
    const withCursor = position ? { ...variables, after: this.cursor } : variables;
    this.running = this.connection.client
      .subscription(document, withCursor)
      .subscribe((result) => this.receive(result));
  }

  /** The socket closed: drop the subscription so that graphql-ws does not resend it unchanged. */
  suspend(): void {
    this.running?.unsubscribe();
    this.running = undefined;
  }

  /** A new socket is up: subscribe again after the last cursor. */
  resume(): void {
    if (this.stopped || this.running || this.restarting) return;
    this.resumedAt = Date.now();
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.suspend();
    this.connection.forget(this);
  }

  /**
   * The cursor is older than the history the server keeps. The feed starts again after the newest
   * committed change, read before the lists are read again (`resync`), so that a change committed
   * between the two still arrives.
   */
  private async restartAfterNewestCursor(): Promise<void> {
    const { handlers } = this.options;
    this.restarting = true;
    const result = await this.connection.client
      .query(ConsoleEventCursorDocument, {}, { requestPolicy: 'network-only' })
      .toPromise();
    this.restarting = false;
    if (this.stopped) return;
    if (!result.data) {
      handlers.failed(
        result.error ? errorMessageOf(result.error) : 'The server sent no data',
        undefined,
      );
      return;
    }
    this.cursor = result.data.eventCursor;
    handlers.resync?.();
    this.open();
  }

  private receive(result: OperationResult<Data, Variables>): void {
    const { handlers, position } = this.options;
    if (result.error) {
      const code = errorCodeOf(result.error);
      if (code === 'RESYNC_REQUIRED') {
        this.suspend();
        this.resumedAt = undefined;
        void this.restartAfterNewestCursor();
        return;
      }
      // A network error here is the socket giving up for good; the connection reports that.
      if (result.error.graphQLErrors.length > 0)
        handlers.failed(errorMessageOf(result.error), code);
      return;
    }
    if (!result.data) return;
    const at = position?.(result.data);
    if (at) this.cursor = at.cursor;
    const replayed =
      at !== undefined &&
      this.resumedAt !== undefined &&
      Date.parse(at.occurredAt) <= this.resumedAt;
    handlers.next(result.data, replayed);
  }
}
