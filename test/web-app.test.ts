import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { webApp } from '../src/server/web-app';
import { startTestServer, type TestServer } from './support/test-server';

/** The built console and GraphiQL as the server hands them out: routes, caching, policy. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const get = (pathname: string, headers: Record<string, string> = {}) =>
  fetch(`${server.baseUrl}${pathname}`, { headers });

describe('the web app', () => {
  it('serves the console at / and at its own routes, revalidated on every load, under a content security policy', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    expect(home.headers.get('cache-control')).toBe('no-cache');
    const policy = home.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain(`connect-src 'self' ws://${new URL(server.baseUrl).host}`);
    const page = await home.text();
    expect(page).toContain('<div id="root">');

    for (const route of [
      '/queues/mine',
      '/queues/open/tickets/VGlja2V0OjE',
      '/it/queues/breached/tickets/VGlja2V0OjE',
      '/outbox',
      '/outbox/T3V0Ym91bmRFbWFpbDox',
    ]) {
      const deep = await get(route);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toBe(page);
    }

    const etag = home.headers.get('etag');
    expect(etag).toBeTruthy();
    // (fetch marks a conditional request no-cache unless told otherwise, as a browser's reload does not)
    const revalidated = await get('/', {
      'if-none-match': etag ?? '',
      'cache-control': 'max-age=0',
    });
    expect(revalidated.status).toBe(304);
  });

  it('keeps hashed assets for a year and answers unknown ones with 404', async () => {
    const page = await (await get('/')).text();
    const scripts = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(
      (match) => match[1],
    );
    expect(scripts.length).toBeGreaterThan(0);
    for (const asset of scripts) {
      const response = await get(asset);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await get('/assets/console-0000.js')).status).toBe(404);
    expect((await get('/no-such-page')).status).toBe(404);
  });

  it('serves GraphiQL at /graphiql from the build, and leaves the API routes as they were', async () => {
    const graphiql = await get('/graphiql');
    expect(graphiql.status).toBe(200);
    expect(graphiql.headers.get('cache-control')).toBe('no-cache');
    expect(await graphiql.text()).toContain('<div id="graphiql">');

    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    const graphql = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.headers.get('content-type')).toMatch(/json/);
  });

  it('says how to build the console when it is not built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'backdesk-web-'));
    const app = express().use(webApp(empty));
    const bare = http.createServer(app);
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = bare.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build');
    } finally {
      await new Promise((resolve) => bare.close(resolve));
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
