import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/** The request an error happened in: its id for the log and the masked error, and who asked. */
export interface ErrorScope {
  requestId: string | undefined;
  /** False for a client that did not sign in: it is not told about the schema. */
  authenticated: boolean;
}

/**
 * Apollo's `formatError` sees the error and nothing of its request, so the request notes its
 * errors here first (`noteErrorScope`). The alternative, an AsyncLocalStorage scope around each
 * request, turns on Node's promise hooks for the whole process: every promise then pays for
 * them (patches/README.md has the A/B).
 */
const errorScopes = new WeakMap<object, ErrorScope>();

export function noteErrorScope(error: unknown, scope: ErrorScope): void {
  if (typeof error === 'object' && error !== null) errorScopes.set(error, scope);
}

/** The scope noted for the error or for an error it wraps (Apollo wraps what a context throws). */
function scopeOf(error: unknown): ErrorScope | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current !== 'object') return undefined;
    const scope = errorScopes.get(current);
    if (scope) return scope;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Whether an error means the database cannot be reached (rather than a bug or a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let current = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
    current;
    current = current.cause as typeof current
  ) {
    if (typeof current.code === 'string' && CONNECTION_FAILURES.has(current.code)) return true;
    const message = typeof current.message === 'string' ? current.message : '';
    if (
      /Knex: Timeout acquiring a connection|Connection terminated|connect ECONNREFUSED|the database system is (shutting down|starting up)/.test(
        message,
      )
    )
      return true;
    if (!current.cause || current.cause === current) break;
  }
  return false;
}

export function serviceUnavailable(): GraphQLError {
  return new GraphQLError('The database is unavailable; try again shortly', {
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
  });
}

/**
 * Errors we raise on purpose are GraphQLErrors (auth, malformed input, limits): their message is
 * meant for the client. Anything else (a bug, a database error) is logged with the request id and
 * replaced by a generic message: no stack trace or SQL ever reaches a client.
 */
function isIntentional(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  const original = error.originalError;
  return original === undefined || original === null || original instanceof GraphQLError;
}

function innermost(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

export function maskError(
  formatted: GraphQLFormattedError,
  original: unknown,
  logger: Logger,
  scope: ErrorScope | undefined = scopeOf(original),
): GraphQLFormattedError {
  const requestId = scope?.requestId;
  if (isIntentional(original)) {
    const extensions = { ...formatted.extensions };
    delete extensions.stacktrace;
    delete extensions.exception;
    delete extensions.http;
    // "Did you mean …?" would describe the schema to someone who may not read it.
    const message =
      scope?.authenticated === false
        ? formatted.message.replace(/ Did you mean .*\?$/, '')
        : formatted.message;
    return { ...formatted, message, extensions };
  }
  if (isDatabaseUnavailable(innermost(original))) {
    logger.warn(
      { requestId, path: formatted.path },
      'database unavailable while serving a request',
    );
    return {
      message: serviceUnavailable().message,
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'SERVICE_UNAVAILABLE', ...(requestId ? { requestId } : {}) },
    };
  }
  logger.error(
    { err: innermost(original), requestId, path: formatted.path },
    'unexpected error while serving a request',
  );
  return {
    message: INTERNAL_ERROR_MESSAGE,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
  };
}
