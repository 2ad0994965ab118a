import pino from 'pino';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { ENTITIES } from '../src/modules/entities';
import { createEmptyDatabase } from './support/test-database';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('health, readiness and metrics', () => {
  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('is not ready while migrations are pending', async () => {
    const empty = await createEmptyDatabase();
    const config = loadConfig({ DATABASE_URL: empty.url, LOG_LEVEL: 'silent' });
    const database = await openDatabase(config, pino({ level: 'silent' }), {
      entities: ENTITIES,
      poolMax: 2,
    });
    try {
      expect(await database.isReady()).toBe(false);
    } finally {
      await database.close();
      await empty.drop();
    }
  });

  it('counts requests by operation and reports open WebSockets and locking statements on /metrics', async () => {
    const token = await server.login('reports@example.com');
    await server.raw('query WhoAmI { me { id } }', {}, token);
    const metrics = await fetch(`${server.baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(
      /backdesk_graphql_requests_total\{operation="WhoAmI",type="query",outcome="ok"\} 1/,
    );
    expect(text).toMatch(/backdesk_graphql_request_duration_seconds_bucket\{.*operation="WhoAmI"/);
    expect(text).toMatch(/backdesk_websocket_connections 0/);
    expect(text).toMatch(/backdesk_locking_statements\{state="running"\} 0/);
    expect(text).toMatch(/backdesk_locking_statements\{state="waiting"\} 0/);
  });

  it('tags every response with a request id and keeps a sane one the client sent', async () => {
    const generated = await fetch(`${server.baseUrl}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await fetch(`${server.baseUrl}/healthz`, {
      headers: { 'x-request-id': 'client-req-12345' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('client-req-12345');
  });
});
