import { useSyncExternalStore } from 'react';
import type { TicketQueue } from '../generated/graphql';
import { queueByKey, type QueueKey } from './queues';

/**
 * The console's levels of place, in the URL so that reloads and bookmarks keep them: the desk
 * (the customer desk, or the IT desk under `/it`), then `/queues/<queue>` and
 * `/queues/<queue>/tickets/<ticket id>`. The server answers every such path with the console's
 * page (the SLA alert mails link to them: modules/support/ticket-mail.ts).
 */
export interface Route {
  desk: TicketQueue;
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
const PATTERN = /^(\/it)?\/queues\/([a-z]+)(?:\/tickets\/([^/]+))?\/?$/;
/** `/it` alone: the IT desk's default queue. */
const IT_DESK_PATH = /^\/it\/?$/;
/** `/outbox` and `/outbox/<email id>` (the server answers these with the console's page too). */
const OUTBOX_PATTERN = /^\/outbox(?:\/([^/]+))?\/?$/;
/** `/metrics`: the support figures (SUPPORT_LEAD, ADMIN). */
export const METRICS_PATH = '/metrics';

export function parseRoute(pathname: string): Route {
  const match = PATTERN.exec(pathname);
  const desk: TicketQueue = match?.[1] || IT_DESK_PATH.test(pathname) ? 'IT' : 'CUSTOMER';
  const queue = queueByKey(match?.[2])?.key ?? DEFAULT_QUEUE;
  const ticketId = match?.[3] ? decodeURIComponent(match[3]) : undefined;
  return ticketId ? { desk, queue, ticketId } : { desk, queue };
}

/** Whether the path names a desk at all (the bare `/` does not: the viewer's own desk applies). */
export function namesDesk(pathname: string): boolean {
  return PATTERN.test(pathname) || IT_DESK_PATH.test(pathname);
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
  const base = `${route.desk === 'IT' ? '/it' : ''}/queues/${route.queue}`;
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
