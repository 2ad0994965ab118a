import { createHash } from 'node:crypto';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { filetypeinfo } from 'magic-bytes.js';
import { Attachment } from './mail.entity';

/** A file refused before it is kept: too large, or empty. */
export class AttachmentRefused extends Error {
  constructor(
    message: string,
    readonly reason: 'TOO_LARGE' | 'EMPTY',
  ) {
    super(message);
  }
}

export interface AttachmentDraft {
  ticketId: number;
  ticketMessageId?: number | null;
  filename: string | null | undefined;
  /** What the sender said the type is; the bytes decide when they are recognised. */
  declaredType?: string | null;
  content: Buffer;
  contentId?: string | null;
  inline?: boolean;
  uploadedById?: number | null;
  createdAt: Date;
}

/** Types served as they are; anything else recognised or not is served as a download. */
const TEXT_TYPES = new Set(['text/plain', 'text/csv']);

/**
 * What the bytes are: the type their signature shows (a PNG is `image/png` whatever it was
 * called), else plain text when they decode as UTF-8 without control characters, else
 * `application/octet-stream`. The sender's claim is never trusted on its own: a page or a
 * script called `photo.png` must not be served as HTML.
 */
export function sniffContentType(content: Buffer, declaredType?: string | null): string {
  const [recognised] = filetypeinfo(content.subarray(0, 4100));
  if (recognised?.mime) return recognised.mime;
  const declared = declaredType?.split(';')[0].trim().toLowerCase();
  const sample = content.subarray(0, 4096).toString('utf8');
  const looksLikeText =
    !sample.includes('\uFFFD') &&
    ![...sample].some((char) => {
      const code = char.charCodeAt(0);
      return code < 0x09 || (code > 0x0d && code < 0x20);
    });
  if (looksLikeText) return declared && TEXT_TYPES.has(declared) ? declared : 'text/plain';
  return 'application/octet-stream';
}

/** A filename safe to keep and to send back in a header: no path, no control characters. */
export function safeFilename(name: string | null | undefined, contentType: string): string {
  const base = path
    .basename((name ?? '').replace(/\\/g, '/'))
    .split('')
    .filter((char) => char.charCodeAt(0) >= 0x20 && char !== '\u007F' && char !== '"')
    .join('')
    .trim()
    .slice(0, 200);
  if (base && base !== '.' && base !== '..') return base;
  const extension = contentType.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin';
  return `attachment.${extension}`;
}

/**
 * Keeps a file for a ticket in the caller's transaction, refusing it above `maxBytes`. The type
 * is sniffed from the bytes and the name cleaned (see above).
 */
export async function storeAttachment(
  tx: EntityManager,
  draft: AttachmentDraft,
  maxBytes: number,
): Promise<Attachment> {
  if (draft.content.length === 0) throw new AttachmentRefused('The file is empty', 'EMPTY');
  if (draft.content.length > maxBytes)
    throw new AttachmentRefused(
      `The file is ${draft.content.length} bytes; at most ${maxBytes} are kept`,
      'TOO_LARGE',
    );
  const contentType = sniffContentType(draft.content, draft.declaredType);
  const attachment = tx.create(Attachment, {
    ticketId: draft.ticketId,
    ticketMessageId: draft.ticketMessageId ?? null,
    filename: safeFilename(draft.filename, contentType),
    contentType,
    size: draft.content.length,
    sha256: createHash('sha256').update(draft.content).digest('hex'),
    contentId: draft.contentId?.replace(/^<|>$/g, '') ?? null,
    inline: draft.inline ?? false,
    content: draft.content,
    uploadedById: draft.uploadedById ?? null,
    createdAt: draft.createdAt,
  });
  await tx.flush();
  return attachment;
}
