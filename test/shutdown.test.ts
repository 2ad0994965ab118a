import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { print } from 'graphql';
import { DEMO_PASSWORD } from '../src/modules/seed';
import { LoginDocument } from './generated/graphql';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let database: TestDatabase;
let server: ServerProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase({ seeded: true });
});

afterAll(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await database?.drop();
});

async function login(port: number): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: print(LoginDocument),
      variables: { input: { email: 'admin@example.com', password: DEMO_PASSWORD } },
    }),
  });
}

describe('graceful shutdown', () => {
  it('finishes in-flight requests, closes WebSockets with 1001 and exits 0 on SIGTERM', async () => {
    server = await startServerProcess(database.url);
    const { port } = server;
    const tokenResponse = await login(port);
    const token = ((await tokenResponse.json()) as { data: { login: { token: string } } }).data
      .login.token;

    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => undefined,
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      void client;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    // A login takes a while (scrypt): it is in flight when the signal arrives.
    const inFlight = login(port);
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { data: { login: { token: string } } }).data.login.token,
    ).toEqual(expect.any(String));
    expect(await closed).toBe(1001);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toMatch(/"msg":"shutting down"/);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
