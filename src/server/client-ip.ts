import type { IncomingMessage } from 'node:http';

/** The client's address: the socket's peer (rate limits, logs, the audit trail). */
export function clientIpOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
