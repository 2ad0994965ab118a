import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';

/** Probes and scrapes that would drown the log: a line for each is noise. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One log line per HTTP request, written when it ends: its request id, method, URL, status code
 * and duration in ms. Completed requests log at info, those answered with a 5xx at error, and
 * those the client abandoned before the answer was sent at warn.
 *
 * Written here rather than with pino-http, which builds two child loggers and serializes the
 * request into one of them for every request: a sizeable part of what the simplest query costs
 * in all (bench/README.md).
 */
export function requestLog(logger: Logger) {
  // Plain Node types: it runs in front of express and of the GraphQL handler (graphql-http.ts).
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '';
    if (QUIET_PATHS.has(url.split('?', 1)[0]) || !logger.isLevelEnabled('info')) return next();
    const started = performance.now();
    const ended = () => {
      res.off('finish', ended);
      res.off('close', ended);
      const line = {
        requestId: String(res.getHeader('x-request-id') ?? ''),
        method: req.method,
        url,
        statusCode: res.statusCode,
        responseTime: Math.round(performance.now() - started),
      };
      if (!res.writableFinished) logger.warn(line, 'request aborted');
      else if (res.statusCode >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request completed');
    };
    res.on('finish', ended);
    res.on('close', ended);
    next();
  };
}
