import type { Duplex } from 'node:stream';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Employee, EmployeeStatus } from '../src/modules/employees/employee.entity';
import { startTestServer, type TestServer } from './support/test-server';
import { waitForSubscriptions } from './support/live-client';

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

describe('live delivery on the socket', () => {
  it("writes a fan-out pass's messages to a socket in one write, as graphql-ws next messages", async () => {
    const token = await server.login('agent@example.com');
    const customers = await server.raw('{ customers(first: 1) { nodes { id } } }', {}, token);
    const customerId = (customers.data as { customers: { nodes: { id: string }[] } }).customers
      .nodes[0].id;
    const { httpServer } = server.backdesk.server;
    // The TCP socket the server upgrades (the one ws writes to), with every write to it counted.
    const writes: Buffer[][] = [];
    let tcp: Duplex | undefined;
    const onUpgrade = (_request: unknown, socket: Duplex) => {
      tcp = socket;
      const write = socket._write.bind(socket);
      socket._write = (chunk: Buffer, encoding, callback) => {
        writes.push([chunk]);
        write(chunk, encoding, callback);
      };
      const writev = socket._writev?.bind(socket);
      if (writev)
        socket._writev = (chunks, callback) => {
          writes.push(chunks.map(({ chunk }) => chunk as Buffer));
          writev(chunks, callback);
        };
    };
    httpServer.on('upgrade', onUpgrade);
    const client = clientWith(`Bearer ${token}`);
    try {
      const before = Number(
        /backdesk_subscriptions\{kind="ticketEvents"\} (\d+)/.exec(
          await (await fetch(`${server.baseUrl}/metrics`)).text(),
        )?.[1] ?? 0,
      );
      // Two equal subscriptions on one socket: each event is a message to each, in the same pass.
      const query = `subscription($filter: TicketFilter) { ticketEvents(filter: $filter) { type ticket { subject } } }`;
      const received: unknown[][] = [[], []];
      for (const messages of received)
        client.subscribe(
          { query, variables: { filter: { customerId, status: ['NEW', 'OPEN'] } } },
          {
            next: (value) => messages.push(value),
            error: () => undefined,
            complete: () => undefined,
          },
        );
      await waitForSubscriptions(server.baseUrl, 'ticketEvents', before + 2);
      expect(tcp).toBeDefined();
      writes.length = 0;

      const created = await server.raw(
        'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }',
        { input: { customerId, subject: 'One write', body: 'Hello', channel: 'CHAT' } },
        token,
      );
      expect(created.errors).toBeUndefined();
      const deadline = Date.now() + 10_000;
      while (received.some((messages) => messages.length === 0) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(received).toEqual([
        [{ data: { ticketEvents: { type: 'CREATED', ticket: { subject: 'One write' } } } }],
        [{ data: { ticketEvents: { type: 'CREATED', ticket: { subject: 'One write' } } } }],
      ]);
      // Both messages left in one write, not one each.
      expect(writes).toHaveLength(1);
      const sent = Buffer.concat(writes[0]).toString();
      expect(sent.match(/\{"id":"[^"]+","type":"next","payload":\{"data":/g)).toHaveLength(2);
    } finally {
      httpServer.off('upgrade', onUpgrade);
      await client.dispose();
    }
  });
});
