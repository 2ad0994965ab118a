import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InboundMessageRefused, type InboundMailbox } from '../mail/inbound';
import type { Logger } from '../logger';
import { refuse } from './graphql-http';

/** The path of the endpoint: a mail relay's webhook (or a script) posts one raw message to it. */
export const INBOUND_EMAIL_PATH = '/inbound/email';

/** `message/rfc822` is the message as it is; some relays can only say octet-stream. */
const MESSAGE_TYPES = new Set(['message/rfc822', 'application/octet-stream']);

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the Authorization header carries the secret, compared in constant time. */
function carriesSecret(authorization: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  // Digests of equal length: the comparison takes as long whatever was sent.
  return timingSafeEqual(digest(match?.[1] ?? ''), expected) && match !== null;
}

/** The whole body, or null as soon as it is known to weigh more than `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      resolve(null);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/**
 * `POST /inbound/email`: one raw message (`message/rfc822`) with `Authorization: Bearer
 * <INBOUND_EMAIL_SECRET>`. 202 `{ id, messageId, duplicate }` once the message is stored (its
 * job enqueued in the same transaction); 401 without the secret, 404 when no secret is set (the
 * endpoint is off), 413 above the mailbox's size limit, 400 for a body that is not a mail, 415
 * for another content type. Nothing is stored unless the answer is 202.
 */
export function inboundEmailEndpoint(
  inbound: { mailbox: InboundMailbox; secret: string | undefined },
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const expected = inbound.secret === undefined ? undefined : digest(inbound.secret);
  const { mailbox } = inbound;
  return (req, res) => {
    const tooLarge = (message: string) => {
      // The rest of the body is not read: the connection closes after the answer.
      res.setHeader('connection', 'close');
      refuse(res, 413, 'PAYLOAD_TOO_LARGE', message);
    };
    if (!expected)
      return refuse(
        res,
        404,
        'NOT_FOUND',
        'Inbound email over HTTP is off: INBOUND_EMAIL_SECRET is not set',
      );
    if (!carriesSecret(req.headers.authorization, expected)) {
      res.setHeader('www-authenticate', 'Bearer');
      res.setHeader('connection', 'close');
      return refuse(res, 401, 'UNAUTHENTICATED', 'The inbound email secret is missing or wrong');
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!MESSAGE_TYPES.has(type)) {
      res.setHeader('connection', 'close');
      return refuse(
        res,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Send the raw message as message/rfc822 (or application/octet-stream), not "${type || 'no content type'}"`,
      );
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      res.setHeader('connection', 'close');
      return refuse(
        res,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Send the message without content encoding, not ${encoding}`,
      );
    }
    const declared = Number(req.headers['content-length']);
    if (declared > mailbox.maxMessageBytes) return tooLarge(mailbox.tooLarge(declared).message);
    readBody(req, mailbox.maxMessageBytes)
      .then(async (raw) => {
        if (!raw) return tooLarge(mailbox.tooLarge().message);
        const accepted = await mailbox.receive(raw, { kind: 'http' });
        res.statusCode = 202;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(
          JSON.stringify({
            id: String(accepted.id),
            messageId: accepted.messageId,
            duplicate: accepted.duplicate,
          }),
        );
      })
      .catch((error: unknown) => {
        if (error instanceof InboundMessageRefused)
          return error.reason === 'TOO_LARGE'
            ? tooLarge(error.message)
            : refuse(res, 400, 'BAD_REQUEST', error.message);
        logger.error({ err: error }, 'an inbound email could not be stored');
        if (res.headersSent) return void res.destroy();
        refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'The message could not be stored; try again');
      });
  };
}
