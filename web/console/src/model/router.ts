import { useSyncExternalStore } from 'react';
import { queueByKey, type QueueKey } from './queues';

/**
 * The console's two levels of place, in the URL so that reloads and bookmarks keep them:
 * `/queues/<queue>` and `/queues/<queue>/tickets/<ticket id>`. The server answers every such
 * path with the console's page.
 */
export interface Route {
  queue: QueueKey;
  ticketId?: string;
}

/**
 * Which page the console shows: the queues (with a ticket), the outbox (with an email), or the
 * lead's metrics.
 */
export type Place =
  { page: 'queues'; route: Route } | { page: 'outbox'; emailId?: string } | { page: 'metrics' };

const DEFAULT_QUEUE: QueueKey = 'mine';
const PATTERN = /^\/queues\/([a-z]+)(?:\/tickets\/([^/]+))?\/?$/;
/** `/outbox` and `/outbox/<email id>` (the server answers these with the console's page too). */
const OUTBOX_PATTERN = /^\/outbox(?:\/([^/]+))?\/?$/;
/** `/metrics`: the support figures (SUPPORT_LEAD, ADMIN). */
export const METRICS_PATH = '/metrics';

export function parseRoute(pathname: string): Route {
  const match = PATTERN.exec(pathname);
  const queue = queueByKey(match?.[1])?.key ?? DEFAULT_QUEUE;
  const ticketId = match?.[2] ? decodeURIComponent(match[2]) : undefined;
  return ticketId ? { queue, ticketId } : { queue };
}

export function parsePlace(pathname: string): Place {
  if (pathname.replace(/\/$/, '') === METRICS_PATH) return { page: 'metrics' };
  const outbox = OUTBOX_PATTERN.exec(pathname);
  if (!outbox) return { page: 'queues', route: parseRoute(pathname) };
  return outbox[1]
    ? { page: 'outbox', emailId: decodeURIComponent(outbox[1]) }
    : { page: 'outbox' };
}

export function pathOf(route: Route): string {
  const base = `/queues/${route.queue}`;
  return route.ticketId ? `${base}/tickets/${encodeURIComponent(route.ticketId)}` : base;
}

export function outboxPath(emailId?: string): string {
  return emailId ? `/outbox/${encodeURIComponent(emailId)}` : '/outbox';
}

const listeners = new Set<() => void>();

function watch(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** Goes to a path of the console without reloading (a new history entry, or in place). */
export function goTo(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  goTo(pathOf(route), options);
}

function usePathname(): string {
  return useSyncExternalStore(watch, () => window.location.pathname);
}

export function useRoute(): Route {
  return parseRoute(usePathname());
}

export function usePlace(): Place {
  return parsePlace(usePathname());
}
