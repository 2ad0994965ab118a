import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { RequestContext } from '../modules/context';

/**
 * GraphQL over HTTP POST, answered without express: nearly every request a client sends. On a
 * small request, express's router, its JSON body parser and its response helpers took about a
 * third of the server's CPU (A/B: `me` 0.68, trial balance 0.73, a queue page of 50 0.92).
 *
 * Only the plain case comes here (see `isPlainGraphQLPost`); everything else on /graphql (GET
 * queries, other content types, which Apollo refuses as cross-site requests, other charsets,
 * compressed bodies) goes through express as before, with the same limits.
 */

/** What a request body may weigh: 1 MiB (the README's limits). */
export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_TYPES = new Set(['application/json', 'application/graphql-response+json']);

/** A POST to /graphql whose body is JSON in UTF-8, not compressed. */
export function isPlainGraphQLPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  if (url !== '/graphql' && !url.startsWith('/graphql?')) return false;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const [type, ...parameters] = (req.headers['content-type'] ?? '')
    .split(';')
    .map((part) => part.trim().toLowerCase());
  if (!JSON_TYPES.has(type)) return false;
  return parameters.every((parameter) => {
    const [name, value] = parameter.split('=');
    return name !== 'charset' || value === 'utf-8';
  });
}

const TOO_LARGE = Symbol('too large');

/** The whole body, or TOO_LARGE as soon as it is known to weigh more than the limit. */
function readBody(req: IncomingMessage): Promise<Buffer | typeof TOO_LARGE> {
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData);
      resolve(TOO_LARGE);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export const NOT_JSON = 'The request body is not valid JSON';
export const TOO_LARGE_MESSAGE = 'The request body is larger than 1 MiB';

/** A refusal outside GraphQL's execution, in GraphQL's own shape (express's path uses it too). */
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

/** Answers a plain GraphQL POST through Apollo (its plugins, limits and error masking included). */
export async function answerGraphQLPost(
  req: IncomingMessage,
  res: ServerResponse,
  apollo: ApolloServer<RequestContext>,
  context: () => Promise<RequestContext>,
): Promise<void> {
  const body = await readBody(req);
  if (body === TOO_LARGE) {
    // The rest of the body is not read: the connection closes after the answer.
    res.setHeader('connection', 'close');
    return refuse(res, 413, 'PAYLOAD_TOO_LARGE', TOO_LARGE_MESSAGE);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(res, 400, 'BAD_REQUEST', NOT_JSON);
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const answer = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: 'POST',
      headers,
      search: query < 0 ? '' : url.slice(query),
      body: parsed,
    },
    context,
  });
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  res.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') return void res.end(answer.body.string);
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
}
