import WebSocket from 'ws';
import { subscribe } from './support/live-client';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({
    LOGIN_ATTEMPTS: '3',
    RATE_LIMIT_PER_TOKEN: '40',
    RATE_LIMIT_PER_IP: '500',
    ALLOWED_ORIGINS: 'https://console.example.com',
  });
  admin = await server.login('admin@example.com');
});

afterAll(async () => {
  await server?.close();
});

function code(result: { errors?: { extensions?: Record<string, unknown> }[] }): unknown {
  return result.errors?.[0]?.extensions?.code;
}

describe('request limits', () => {
  it('refuses a query nested deeper than allowed with 400 and a code', async () => {
    const deep = `{ me { manager { manager { manager { manager { manager { manager { manager { manager { manager { manager { manager { manager { manager { manager { manager { id } } } } } } } } } } } } } } } } }`;
    const result = await server.raw(deep, {}, admin);
    expect(result.status).toBe(400);
    expect(code(result)).toBe('QUERY_TOO_DEEP');
  });

  it('refuses too many aliases and a query whose pages multiply past the cost limit', async () => {
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect(code(await server.raw(aliases, {}, admin))).toBe('TOO_MANY_ALIASES');
    const costly =
      '{ customers(first: 100) { nodes { orders(first: 100) { nodes { lines { product { stock { onHand } } } } } } } }';
    const result = await server.raw(costly, {}, admin);
    expect(result.status).toBe(400);
    expect(code(result)).toBe('QUERY_TOO_COMPLEX');
    const fine = await server.raw(
      '{ customers(first: 10) { nodes { orders(first: 10) { nodes { number } } } } }',
      {},
      admin,
    );
    expect(fine.errors).toBeUndefined();
  });

  it('applies the same limits on the WebSocket', async () => {
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    const live = subscribe(server.wsUrl, admin, aliases);
    const deadline = Date.now() + 3000;
    while (live.errors.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.stringify(live.errors)).toContain('TOO_MANY_ALIASES');
    await live.stop();
  });

  it('slows down repeated sign-in attempts with 429 and RATE_LIMITED', async () => {
    const attempt = () =>
      server.raw(
        'mutation { login(input: { email: "victim@example.com", password: "guess" }) { token } }',
      );
    for (let i = 0; i < 3; i += 1) expect((await attempt()).status).toBe(200);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(code(limited)).toBe('RATE_LIMITED');
  });

  it('refuses an oversized body, and hides field suggestions from clients without a token', async () => {
    const huge = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(1_200_000)}` }),
    });
    expect(huge.status).toBe(413);
    const anonymous = await server.raw('{ mee { id } }');
    expect(JSON.stringify(anonymous.errors)).not.toMatch(/Did you mean/);
    const signedIn = await server.raw('{ mee { id } }', {}, admin);
    expect(signedIn.errors?.[0]?.message).toMatch(/Did you mean "me"/);
  });

  it('accepts WebSockets from the allow-listed origin only', async () => {
    const open = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', { headers: { origin } });
        socket.on('open', () => {
          socket.close();
          resolve('open');
        });
        socket.on('error', () => resolve('refused'));
      });
    expect(await open('https://console.example.com')).toBe('open');
    expect(await open('https://evil.example.net')).toBe('refused');
  });

  it('refuses too many directives and too many tokens', async () => {
    const directives = `{ me { ${Array.from({ length: 60 }, (_, i) => `f${i}: id @include(if: true)`).join(' ')} } }`;
    const tooMany = await server.raw(directives, {}, admin);
    expect(tooMany.errors?.[0]?.extensions?.code).toMatch(/TOO_MANY_(DIRECTIVES|ALIASES)/);
    const tokens = `{ me { ${'id '.repeat(6000)} } }`;
    const parsed = await server.raw(tokens, {}, admin);
    expect(parsed.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(parsed.errors?.[0]?.message).toMatch(/more that 5000 tokens/);
  });

  it('limits requests per token with 429 and Retry-After', async () => {
    const token = await server.login('reports@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 45; i += 1)
      statuses.push((await server.raw('{ me { id } }', {}, token)).status);
    expect(statuses.slice(0, 39).every((status) => status === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const limited = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses cross-site simple requests (CSRF prevention)', async () => {
    const simple = await fetch(
      `${server.baseUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`,
      { headers: { 'content-type': 'text/plain' } },
    );
    expect(simple.status).toBe(400);
  });
});
