import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import busboy from 'busboy';
import { isDatabaseUnavailable, serviceUnavailable } from '../graphql/errors';
import { decodeGlobalId, toGlobalId } from '../graphql/global-id';
import type { Logger } from '../logger';
import type { Viewer } from '../modules/common/viewer';
import type { Services } from '../modules/services';
import {
  AttachmentRefusal,
  attachmentPath,
  type AttachmentRefusalReason,
} from '../modules/support/ticket-attachments.service';

/**
 * Files on tickets over plain HTTP, since a browser can neither send a file through GraphQL nor
 * a bearer token on a link:
 * - `POST /attachments`, multipart/form-data with `ticketId` (a Ticket ID) and one `file`, with
 *   `Authorization: Bearer <token>`: 201 `{ id, filename, contentType, size, url }`;
 * - `GET /attachments/<id>[/<filename>]`, with the bearer token or the signed `url`'s query.
 * Who may do what is the support module's (TicketAttachmentService); this file reads requests
 * and writes answers. Refusals are `{ error: { code, message } }`.
 */

/** What a multipart body may carry besides the file itself (boundaries, part headers, the ID). */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** Shown in the browser rather than downloaded: images that run no script, and PDF. */
const INLINE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/avif',
  'application/pdf',
]);

const STATUS_OF: Record<AttachmentRefusalReason, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  EMPTY: 400,
  TOO_LARGE: 413,
  TICKET_CLOSED: 409,
};

export interface Refusal {
  status: number;
  code: string;
  message: string;
  /** Whether the rest of the body was left unread (the connection closes after the answer). */
  unread?: boolean;
}

interface Upload {
  ticketId?: string;
  file?: { filename: string | undefined; mimeType: string; content: Buffer };
}

export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '';
  const end = url.indexOf('?');
  return end < 0 ? url : url.slice(0, end);
}

/** `/attachments` and everything under it. */
export function isAttachmentRequest(req: IncomingMessage): boolean {
  const path = pathOf(req);
  return path === '/attachments' || path.startsWith('/attachments/');
}

/** The most of a refused body read and dropped before answering; past it the answer goes at once. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

/**
 * Answers a refusal once the client has sent its whole body (read and dropped), so that it reads
 * the answer: a client still writing to a connection that is answered and closed gets EPIPE
 * instead (undici in Node 24 does). A body beyond MAX_DRAINED_BYTES is not waited for: that one
 * is answered at once and its connection closed.
 */
function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  if (req.complete || req.readableEnded) return answerRefusal(res, refusal);
  let drained = 0;
  let answered = false;
  const answer = (close: boolean) => {
    if (answered) return;
    answered = true;
    answerRefusal(res, { ...refusal, unread: close });
  };
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAINED_BYTES) answer(true);
  });
  req.once('end', () => answer(false));
  req.once('error', () => answer(true));
  req.resume();
}

/** The signed link of a download's query (`?expires=…&signature=…`), or undefined without one. */
export function signedLinkOf(
  req: IncomingMessage,
): { expires: string; signature: string } | undefined {
  const query = new URL(req.url ?? '', 'http://localhost').searchParams;
  const expires = query.get('expires');
  const signature = query.get('signature');
  return expires === null && signature === null
    ? undefined
    : { expires: expires ?? '', signature: signature ?? '' };
}

/** Refuses a download asked for with another method than GET or HEAD (405); whether it may go on. */
export function isReadRequest(req: IncomingMessage, res: ServerResponse, what: string): boolean {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return true;
  res.setHeader('allow', 'GET, HEAD');
  answerRefusal(res, {
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    message: `${what} is read with GET`,
  });
  return false;
}

export function answerRefusal(res: ServerResponse, refusal: Refusal): void {
  if (res.headersSent || res.destroyed) return;
  if (refusal.unread) res.setHeader('connection', 'close');
  if (refusal.status === 401) res.setHeader('www-authenticate', 'Bearer');
  res.statusCode = refusal.status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: { code: refusal.code, message: refusal.message } }));
}

const badRequest = (message: string): Refusal => ({ status: 400, code: 'BAD_REQUEST', message });

function refusalOf(error: AttachmentRefusal): Refusal {
  const code = error.reason === 'TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : error.reason;
  return { status: STATUS_OF[error.reason], code, message: error.message };
}

function tooLarge(maxBytes: number): Refusal {
  return {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: `The file is larger than ${maxBytes} bytes`,
    unread: true,
  };
}

/**
 * The multipart body: the `ticketId` field and the one `file`, which is held in memory up to
 * `maxBytes` and cut off there (413 once the rest of the body has been read and dropped).
 */
function readUpload(req: IncomingMessage, maxBytes: number): Promise<Upload | Refusal> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        // busboy signals its limit on reaching it: one byte more tells a file of exactly
        // `maxBytes` (kept) from a larger one (cut off).
        limits: { fileSize: maxBytes + 1, files: 1, fields: 4, parts: 5, fieldSize: 200 },
      });
    } catch (error) {
      req.resume();
      return resolve(badRequest(`Not a multipart body: ${(error as Error).message}`));
    }
    const upload: Upload = {};
    let settled = false;
    const finish = (result: Upload | Refusal) => {
      if (settled) return;
      settled = true;
      if ('status' in result) {
        // What is left of the body is read and dropped; the connection closes after the answer.
        // (The parser is left as it is: destroying it from inside its own events breaks it.)
        req.unpipe(parser);
      }
      resolve(result);
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return finish(badRequest(`The field "${name}" is too long`));
      if (name === 'ticketId') upload.ticketId = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return finish(badRequest(`Unexpected file "${name}": send the file as "file"`));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => finish(tooLarge(maxBytes)));
      stream.on('end', () => {
        upload.file = {
          filename: info.filename,
          mimeType: info.mimeType,
          content: Buffer.concat(chunks),
        };
      });
    });
    parser.on('filesLimit', () => finish(badRequest('Send one file per request')));
    parser.on('fieldsLimit', () => finish(badRequest('Too many fields: send ticketId and file')));
    parser.on('partsLimit', () => finish(badRequest('Too many parts: send ticketId and file')));
    parser.on('error', (error: Error) =>
      finish(badRequest(`The multipart body is malformed: ${error.message}`)),
    );
    parser.on('close', () => finish(upload));
    req.on('error', () => finish(badRequest('The upload was interrupted')));
    req.pipe(parser);
  });
}

/** RFC 6266: a plain ASCII name for old clients, and the exact one in UTF-8 (RFC 8187). */
export function contentDisposition(attachment: { filename: string; contentType: string }): string {
  const kind = INLINE_TYPES.has(attachment.contentType) ? 'inline' : 'attachment';
  const ascii = attachment.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(attachment.filename).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The attachment's numeric id from `/attachments/<id>[/<filename>]`, or undefined. */
function attachmentIdOf(path: string): number | undefined {
  const match = /^\/attachments\/([A-Za-z0-9_-]+)(?:\/[^/]*)?$/.exec(path);
  const decoded = match ? decodeGlobalId(match[1]) : undefined;
  if (!decoded || decoded.typeName !== 'Attachment' || !/^[1-9]\d{0,15}$/.test(decoded.key))
    return undefined;
  return Number(decoded.key);
}

/** The handler of `/attachments`; it answers every request it is given, refusals included. */
export function attachmentEndpoint(deps: {
  orm: MikroORM;
  services: Services;
  logger: Logger;
}): (req: IncomingMessage, res: ServerResponse, requestId: string) => void {
  const { orm, services, logger } = deps;
  const attachments = services.attachments;

  const authenticate = async (
    req: IncomingMessage,
  ): Promise<{ em: EntityManager; viewer: Viewer | undefined }> => {
    const em = orm.em.fork();
    const { viewer } = await services.auth.authenticate(em, req.headers.authorization);
    return { em, viewer };
  };

  const upload = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'multipart/form-data') {
      return refuse(req, res, {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send the file as multipart/form-data, with the fields ticketId and file',
      });
    }
    // Who may upload is settled before the body is read.
    const { em, viewer } = await authenticate(req);
    const uploader = attachments.requireUploader(viewer);
    if (Number(req.headers['content-length']) > attachments.maxBytes + MULTIPART_OVERHEAD_BYTES) {
      return refuse(req, res, tooLarge(attachments.maxBytes));
    }
    const body = await readUpload(req, attachments.maxBytes);
    if ('status' in body) return refuse(req, res, body);
    if (!body.ticketId) return answerRefusal(res, badRequest('The field ticketId is missing'));
    const ticket = decodeGlobalId(body.ticketId);
    if (!ticket || ticket.typeName !== 'Ticket' || !/^[1-9]\d{0,15}$/.test(ticket.key))
      return answerRefusal(res, badRequest('ticketId is not a valid Ticket ID'));
    if (!body.file) return answerRefusal(res, badRequest('The file is missing: send it as "file"'));
    const stored = await attachments.upload({ em }, uploader, {
      ticketId: Number(ticket.key),
      filename: body.file.filename,
      declaredType: body.file.mimeType,
      content: body.file.content,
    });
    res.statusCode = 201;
    res.setHeader('location', attachmentPath(stored));
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({
        id: toGlobalId('Attachment', stored.id),
        filename: stored.filename,
        contentType: stored.contentType,
        size: stored.size,
        url: attachments.downloadUrl(stored),
      }),
    );
  };

  const download = async (
    req: IncomingMessage,
    res: ServerResponse,
    attachmentId: number,
  ): Promise<void> => {
    const { em, viewer } = await authenticate(req);
    const attachment = await attachments.download({ em }, viewer, {
      attachmentId,
      link: signedLinkOf(req),
    });
    res.statusCode = 200;
    const charset = attachment.contentType.startsWith('text/') ? '; charset=utf-8' : '';
    res.setHeader('content-type', `${attachment.contentType}${charset}`);
    res.setHeader('content-length', attachment.content.length);
    res.setHeader('content-disposition', contentDisposition(attachment));
    // Whatever the bytes are, the browser must not guess another type or run them on our origin.
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', 'sandbox');
    res.setHeader('cache-control', 'private');
    res.setHeader('referrer-policy', 'no-referrer');
    res.end(req.method === 'HEAD' ? undefined : attachment.content);
  };

  const route = (req: IncomingMessage, res: ServerResponse): Promise<void> | void => {
    const path = pathOf(req);
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === '/attachments' || path === '/attachments/') {
      if (method === 'POST') return upload(req, res);
      res.setHeader('allow', 'POST');
      return answerRefusal(res, {
        status: 405,
        code: 'METHOD_NOT_ALLOWED',
        message: 'POST a file here',
      });
    }
    if (!isReadRequest(req, res, 'An attachment')) return;
    const attachmentId = attachmentIdOf(path);
    if (attachmentId === undefined)
      return answerRefusal(res, { status: 404, code: 'NOT_FOUND', message: 'No such attachment' });
    return download(req, res, attachmentId);
  };

  return (req, res, requestId) => {
    Promise.resolve()
      .then(() => route(req, res))
      .catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        // A body refused before it was read is dropped; its connection closes after the answer.
        if (error instanceof AttachmentRefusal) return refuse(req, res, refusalOf(error));
        if (isDatabaseUnavailable(error)) {
          logger.warn({ requestId }, 'database unavailable while serving an attachment');
          return refuse(req, res, {
            status: 503,
            code: 'SERVICE_UNAVAILABLE',
            message: serviceUnavailable().message,
          });
        }
        logger.error({ err: error, requestId }, 'an attachment request failed');
        refuse(req, res, {
          status: 500,
          code: 'INTERNAL_SERVER_ERROR',
          message: 'Internal server error',
        });
      });
  };
}
