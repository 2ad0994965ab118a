import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { TextDecoder } from 'node:util';
import zlib from 'node:zlib';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { RequestContext } from '../modules/context';

/**
 * GraphQL over HTTP, GET and POST, answered through Apollo (`executeHTTPGraphQLRequest`: its CSRF
 * prevention, plugins, limits and error masking) without express, and kept off it: on a small
 * request, express's router, its JSON body parser and its response helpers were a large part of
 * the server's CPU (bench/README.md has the A/B).
 *
 * What this does in express's place is read the body: JSON (`application/json` or
 * `application/graphql-response+json`) in a UTF charset, possibly compressed (gzip, deflate,
 * br), of at most 1 MiB once decompressed. Any other content type is not read: Apollo answers it
 * (a "simple" one such as text/plain is refused as a possible cross-site request, the rest for
 * having no body), as it did behind express's JSON parser. GET takes no body.
 */

/** What a request body may weigh, decompressed: 1 MiB (the README's limits). */
export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_TYPES = new Set(['application/json', 'application/graphql-response+json']);

/** The GraphQL endpoint: /graphql (or /graphql/), with any query string. */
export function isGraphQLRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const end = url.indexOf('?');
  const path = end < 0 ? url : url.slice(0, end);
  return path === '/graphql' || path === '/graphql/';
}

/** A refusal outside GraphQL's execution, in GraphQL's own shape. */
export function refuse(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }));
}

interface Refusal {
  status: number;
  code: string;
  message: string;
  /** Whether the rest of the body was left unread (the connection closes after the answer). */
  unread?: boolean;
}

export const NOT_JSON = 'The request body is not valid JSON';
export const TOO_LARGE_MESSAGE = 'The request body is larger than 1 MiB';

const tooLarge: Refusal = {
  status: 413,
  code: 'PAYLOAD_TOO_LARGE',
  message: TOO_LARGE_MESSAGE,
  unread: true,
};

function unsupported(message: string): Refusal {
  return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message };
}

/** A decompressing stream for a `content-encoding`, or undefined for an unknown one. */
function decompression(encoding: string): Transform | undefined {
  switch (encoding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/** The whole stream, or `tooLarge` as soon as it is known to weigh more than the limit. */
function readAll(stream: Readable): Promise<Buffer | Refusal> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      // The rest goes unread (dropped as it comes): the connection closes after the answer.
      stream.off('data', onData);
      resolve(tooLarge);
    };
    stream.on('data', onData);
    stream.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * The body of a POST as Apollo takes it: parsed JSON, or undefined when it is not JSON (by its
 * content type) or empty; or why it is refused.
 */
async function readBody(req: IncomingMessage): Promise<{ body: unknown } | Refusal> {
  const [type, ...parameters] = (req.headers['content-type'] ?? '')
    .split(';')
    .map((part) => part.trim().toLowerCase());
  if (!JSON_TYPES.has(type)) return { body: undefined };
  let charset = 'utf-8';
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=').map((part) => part.trim());
    if (name === 'charset') charset = value.replace(/^"(.*)"$/, '$1');
  }
  // JSON is UTF-8, -16 or -32 (RFC 7159, section 8.1); what TextDecoder reads of those.
  let decoder: TextDecoder | undefined;
  if (charset !== 'utf-8') {
    try {
      if (!charset.startsWith('utf-')) throw new RangeError(charset);
      decoder = new TextDecoder(charset);
    } catch {
      return unsupported(`Unsupported charset "${charset.toUpperCase()}"`);
    }
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let read: Buffer | Refusal;
  if (encoding === 'identity') {
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return tooLarge;
    read = await readAll(req);
  } else {
    const inflate = decompression(encoding);
    if (!inflate) return unsupported(`Unsupported content encoding "${encoding}"`);
    const fail = (error: Error) => inflate.destroy(error);
    req.once('error', fail);
    req.pipe(inflate);
    read = await readAll(inflate).catch((): Refusal => ({
      status: 400,
      code: 'BAD_REQUEST',
      message: `The request body is not valid ${encoding}`,
      unread: true,
    }));
    req.off('error', fail);
    req.unpipe(inflate);
    inflate.destroy();
    // Whatever is left of the body is read and dropped (its connection closes after the answer).
    req.resume();
  }
  if (!Buffer.isBuffer(read)) return read;
  let text = decoder ? decoder.decode(read) : read.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // An empty body is no body: Apollo says what a POST must carry.
  if (text.trim() === '') return { body: undefined };
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return { status: 400, code: 'BAD_REQUEST', message: NOT_JSON };
  }
}

/** Answers a GraphQL request (any method: Apollo refuses all but GET and POST with 405). */
export async function answerGraphQL(
  req: IncomingMessage,
  res: ServerResponse,
  apollo: ApolloServer<RequestContext>,
  context: () => Promise<RequestContext>,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let body: unknown;
  if (method === 'POST') {
    const read = await readBody(req);
    if (!('body' in read)) {
      // The rest of the body is not read: the connection closes after the answer.
      if (read.unread) res.setHeader('connection', 'close');
      return refuse(res, read.status, read.code, read.message);
    }
    body = read.body;
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const answer = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers, search: query < 0 ? '' : url.slice(query), body },
    context,
  });
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  res.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') return void res.end(answer.body.string);
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
}
