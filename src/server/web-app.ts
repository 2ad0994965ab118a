import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { PROJECT_ROOT } from '../config';

/** Where `npm run build` puts the console and GraphiQL (see web/vite.config.mts). */
export const WEB_BUILD_DIR = path.join(PROJECT_ROOT, 'dist', 'web');

/** Paths the console routes itself (reloads and bookmarks land on them): all get its page. */
const CONSOLE_ROUTES = /^\/(?:(?:queues|outbox|metrics|it)(?:\/.*)?)?$/;

/**
 * What the pages may load: only this server's own files and its GraphQL endpoint (over HTTP and
 * WebSocket). GraphiQL and React set inline styles; the bundled fonts and icons are data: URLs.
 */
function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Pages are checked on every load (their ETag makes that a 304); what they name is cached for good. */
function setPageHeaders(res: Response, host: string | undefined): void {
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('content-security-policy', contentSecurityPolicy(host));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}

function sendPage(file: string) {
  return (req: Request, res: Response) => {
    setPageHeaders(res, req.headers.host);
    res.sendFile(file, { cacheControl: false }, (error?: Error) => {
      if (!error || res.headersSent) return;
      res
        .status(503)
        .type('text/plain')
        .send('The console is not built: run `npm run build` (npm start does it), then reload.');
    });
  };
}

/**
 * The agent console at `/` (and its routes) and GraphiQL at `/graphiql`, from the Vite build.
 * Files under `/assets/` carry a content hash in their names, so browsers keep them for a year
 * without asking again; everything else is revalidated on each load.
 */
export function webApp(root: string = WEB_BUILD_DIR): Router {
  const router = express.Router();
  router.use(
    '/assets',
    express.static(path.join(root, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
      fallthrough: true,
    }),
    (_req, res) => {
      res.status(404).type('text/plain').send('Not found');
    },
  );
  router.get(CONSOLE_ROUTES, sendPage(path.join(root, 'index.html')));
  router.get(['/graphiql', '/graphiql/'], sendPage(path.join(root, 'graphiql', 'index.html')));
  router.use(
    express.static(root, {
      index: false,
      cacheControl: false,
      setHeaders: (res: Response, file: string) => {
        if (file.endsWith('.html')) setPageHeaders(res, res.req.headers.host);
        else res.setHeader('cache-control', 'no-cache');
      },
    }),
  );
  return router;
}
