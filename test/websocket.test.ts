import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Employee, EmployeeStatus } from '../src/modules/employees/employee.entity';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** Opens a raw graphql-transport-ws socket, sends connection_init, and reports how it ended. */
function connectRaw(
  payload: unknown,
  firstMessage?: string,
): Promise<{ acked: boolean; closeCode?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    let acked = false;
    socket.on('open', () =>
      socket.send(firstMessage ?? JSON.stringify({ type: 'connection_init', payload })),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack') {
        acked = true;
        socket.close(1000);
      }
    });
    socket.on('close', (code) => resolve({ acked, closeCode: code }));
    socket.on('error', reject);
  });
}

function clientWith(authorization: string): WsClient {
  return createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
    lazy: true,
  });
}

describe('WebSocket authentication', () => {
  it('runs operations for a socket that sent a valid token in connection_init', async () => {
    const token = await server.login('agent@example.com');
    const client = clientWith(`Bearer ${token}`);
    try {
      const results: unknown[] = [];
      for await (const result of client.iterate({ query: '{ me { email roles } }' }))
        results.push(result);
      expect(results).toEqual([
        { data: { me: { email: 'agent@example.com', roles: ['SUPPORT_AGENT'] } } },
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('closes a socket without a token, or with a bad one, with 4401', async () => {
    expect(await connectRaw(undefined)).toEqual({ acked: false, closeCode: 4401 });
    expect(await connectRaw({ authorization: 'Bearer nonsense' })).toEqual({
      acked: false,
      closeCode: 4401,
    });
    expect(await connectRaw({ authorization: 42 })).toEqual({ acked: false, closeCode: 4401 });
  });

  it('closes the socket of a terminated employee with 4403', async () => {
    const token = await server.login('accountant@example.com');
    const em = server.backdesk.database.orm.em.fork();
    await em.nativeUpdate(
      Employee,
      { email: 'accountant@example.com' },
      { status: EmployeeStatus.TERMINATED },
    );
    try {
      expect(await connectRaw({ authorization: `Bearer ${token}` })).toEqual({
        acked: false,
        closeCode: 4403,
      });
    } finally {
      await em.nativeUpdate(
        Employee,
        { email: 'accountant@example.com' },
        { status: EmployeeStatus.ACTIVE },
      );
    }
  });

  it('refuses a message larger than 64 KiB', async () => {
    const huge = JSON.stringify({
      type: 'connection_init',
      payload: { padding: 'x'.repeat(70 * 1024) },
    });
    // A client's oversized frame is not an internal error: nothing is printed past the logger.
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const outcome = await connectRaw(undefined, huge);
      expect(outcome.acked).toBe(false);
      expect(outcome.closeCode).toBe(1009);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });

  it('masks validation errors the same way as HTTP', async () => {
    const token = await server.login('agent@example.com');
    const client = clientWith(`Bearer ${token}`);
    try {
      const outcome = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: '{ me { salaryOfEveryone } }' },
          { next: resolve, error: resolve, complete: () => undefined },
        );
      });
      expect(JSON.stringify(outcome)).toMatch(/GRAPHQL_VALIDATION_FAILED|Cannot query field/);
      expect(JSON.stringify(outcome)).not.toMatch(/stack| {4}at /);
    } finally {
      await client.dispose();
    }
  });
});

describe('subscriptions over HTTP', () => {
  it('are refused with BAD_REQUEST (400) before anything runs, pointing to the WebSocket', async () => {
    const token = await server.login('agent@example.com');
    const result = await server.raw('subscription { ticketEvents { cursor } }', {}, token);
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('WebSocket'),
        extensions: expect.objectContaining({ code: 'BAD_REQUEST' }),
      }),
    ]);
  });
});
