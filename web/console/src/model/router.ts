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

const DEFAULT_QUEUE: QueueKey = 'mine';
const PATTERN = /^\/queues\/([a-z]+)(?:\/tickets\/([^/]+))?\/?$/;

export function parseRoute(pathname: string): Route {
  const match = PATTERN.exec(pathname);
  const queue = queueByKey(match?.[1])?.key ?? DEFAULT_QUEUE;
  const ticketId = match?.[2] ? decodeURIComponent(match[2]) : undefined;
  return ticketId ? { queue, ticketId } : { queue };
}

export function pathOf(route: Route): string {
  const base = `/queues/${route.queue}`;
  return route.ticketId ? `${base}/tickets/${encodeURIComponent(route.ticketId)}` : base;
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

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const path = pathOf(route);
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

export function useRoute(): Route {
  const pathname = useSyncExternalStore(watch, () => window.location.pathname);
  return parseRoute(pathname);
}
