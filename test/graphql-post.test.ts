import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * GraphQL over HTTP has one handler, without express (graphql-http.ts): plain JSON, compressed
 * bodies, other charsets and GET all go through it, and a body that cannot be read gets a
 * GraphQL-shaped error.
 */
let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = await server.login('reports@example.com');
});

afterAll(async () => {
  await server?.close();
});

const post = (body: string | Uint8Array, headers: Record<string, string>, path = '/graphql') =>
  fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...headers },
    body,
  });

const ME = JSON.stringify({ query: '{ me { email } }' });
const answer = { data: { me: { email: 'reports@example.com' } } };

it('answers plain JSON bodies, with any JSON media type and a query string, echoing the request id', async () => {
  for (const type of [
    'application/json',
    'application/json; charset=utf-8',
    'application/graphql-response+json',
  ]) {
    const response = await post(ME, { 'content-type': type, 'x-request-id': 'plain-post-1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(response.headers.get('x-request-id')).toBe('plain-post-1');
    expect(await response.json()).toEqual(answer);
  }
  const withQuery = await post(ME, { 'content-type': 'application/json' }, '/graphql?from=test');
  expect(await withQuery.json()).toEqual(answer);
});

it('refuses a body that is not JSON with 400 BAD_REQUEST, in GraphQL shape', async () => {
  const response = await post('{"query": "{ me { email } }"', {
    'content-type': 'application/json',
  });
  expect(response.status).toBe(400);
  expect(response.headers.get('x-request-id')).toBeTruthy();
  expect(await response.json()).toEqual({
    errors: [
      { message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } },
    ],
  });
});

it('refuses a body over 1 MiB with 413, whether its length is declared or streamed', async () => {
  const big = JSON.stringify({ query: `{ me { email } } # ${'x'.repeat(1_100_000)}` });
  const declared = await post(big, { 'content-type': 'application/json' });
  expect(declared.status).toBe(413);
  expect(await declared.json()).toMatchObject({
    errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
  });
  const streamed = await fetch(`${server.baseUrl}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < 11; i += 1)
          controller.enqueue(new TextEncoder().encode(big.slice(i * 100_000, (i + 1) * 100_000)));
        controller.enqueue(new TextEncoder().encode(big.slice(1_100_000)));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  expect(streamed.status).toBe(413);
  // The server still answers.
  expect(await (await post(ME, { 'content-type': 'application/json' })).json()).toEqual(answer);
});

it('answers compressed bodies, refuses other charsets and simple requests', async () => {
  const compressed = await post(gzipSync(ME), {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
  });
  expect(compressed.status).toBe(200);
  expect(await compressed.json()).toEqual(answer);
  const broken = await post(gzipSync('{"query":'), {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
  });
  expect(broken.status).toBe(400);
  expect(await broken.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  const latin = await post(ME, { 'content-type': 'application/json; charset=latin1' });
  expect(latin.status).toBe(415);
  expect(await latin.json()).toMatchObject({
    errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
  });
  const simple = await post(ME, { 'content-type': 'text/plain' });
  expect(simple.status).toBe(400);
  expect(((await simple.json()) as { errors: unknown[] }).errors).toHaveLength(1);
});

it('answers GET, and bodies in UTF-16 or compressed otherwise; refuses what it cannot read', async () => {
  const get = await fetch(
    `${server.baseUrl}/graphql?query=${encodeURIComponent('{ me { email } }')}`,
    {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/graphql-response+json',
        // Apollo's CSRF prevention: a GET must show it is not a simple cross-site request.
        'apollo-require-preflight': 'true',
      },
    },
  );
  expect(get.status).toBe(200);
  const simple = await fetch(get.url, { headers: { authorization: `Bearer ${token}` } });
  expect(simple.status).toBe(400);
  expect(get.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
  expect(await get.json()).toEqual(answer);
  // A mutation is not run over GET (405), nor is anything sent with another method.
  const mutation = await fetch(
    `${server.baseUrl}/graphql?query=${encodeURIComponent('mutation { login(input: { email: "x@example.com", password: "x" }) { token } }')}`,
    { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } },
  );
  expect(mutation.status).toBe(405);
  const put = await fetch(`${server.baseUrl}/graphql`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: ME,
  });
  expect(put.status).toBe(405);

  for (const [encoding, compress] of [
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const) {
    const response = await post(compress(ME), {
      'content-type': 'application/json',
      'content-encoding': encoding,
    });
    expect(await response.json()).toEqual(answer);
  }
  const utf16 = await post(Buffer.from(ME, 'utf16le'), {
    'content-type': 'application/json; charset=utf-16le',
  });
  expect(await utf16.json()).toEqual(answer);

  const unknown = await post(ME, {
    'content-type': 'application/json',
    'content-encoding': 'lzma',
  });
  expect(unknown.status).toBe(415);
  expect(await unknown.json()).toMatchObject({
    errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
  });
  const corrupt = await post(Buffer.from('not gzip at all'), {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
  });
  expect(corrupt.status).toBe(400);
  expect(await corrupt.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  // The limit applies to the body decompressed: a small gzip of more than 1 MiB is refused.
  const bomb = gzipSync(JSON.stringify({ query: `{ me { email } } # ${' '.repeat(2_000_000)}` }));
  expect(bomb.length).toBeLessThan(10_000);
  const inflated = await post(bomb, {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
  });
  expect(inflated.status).toBe(413);
  expect(await (await post(ME, { 'content-type': 'application/json' })).json()).toEqual(answer);
});
