import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { messageIdOf } from './inbound';

/** A file that came with a received email, as the sender described it. */
export interface InboundAttachment {
  filename: string | null;
  /** What the sender said it is; the stored type is sniffed from the bytes. */
  declaredType: string;
  content: Buffer;
  /** `Content-ID` without angle brackets (inline images). */
  contentId: string | null;
  /** Shown in the text (an inline image) rather than attached. */
  inline: boolean;
}

/** A received email as the support desk sees it: decoded, with its threading and its files. */
export interface ParsedInboundMail {
  /** The `inbound_email` row. */
  inboundEmailId: number;
  /** The Message-ID it is kept under, without angle brackets. */
  messageId: string;
  /** The sender (the first From address), lower-cased, and their display name when given. */
  from: { address: string; name: string | null };
  subject: string;
  /** The text part, or the HTML part converted to text; empty when there is neither. */
  text: string;
  /** Message-IDs without angle brackets. */
  inReplyTo: string[];
  /** Message-IDs without angle brackets, oldest first. */
  references: string[];
  /** Every address it was sent to: To, Cc, Delivered-To, X-Original-To and the SMTP envelope. */
  recipients: string[];
  attachments: InboundAttachment[];
  receivedAt: Date;
}

/** What the inbound processor reads besides: the header lines and the parts as mailparser left them. */
export interface ReadInboundMail {
  mail: ParsedInboundMail;
  parsed: ParsedMail;
}

/** Every value of a header field, unfolded, in the order they came (empty when absent). */
export function headerValues(parsed: ParsedMail, name: string): string[] {
  const key = name.toLowerCase();
  return parsed.headerLines
    .filter((line) => line.key === key)
    .map((line) =>
      line.line
        .slice(line.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
}

/** Every Message-ID in a header value (`<a@b> <c@d>`, or one bare `a@b`). */
export function messageIdsIn(value: string | string[] | undefined): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const text of values) {
    const bracketed = [...text.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1]);
    const found = bracketed.length ? bracketed : [messageIdOf(text)].filter((id) => id !== null);
    for (const id of found) if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

const ADDRESS_IN_TEXT = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const addresses: string[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.address) addresses.push(entry.address);
      if (entry.group) visit(entry.group);
    }
  };
  for (const object of objects) visit(object.value);
  return addresses;
}

/** Text as PostgreSQL can keep it: without NUL characters (which a decoded part may hold). */
const storable = (text: string) => text.replaceAll('\u0000', '');

/**
 * A part is a file unless it is another rendering of the text: a text part with no name, no
 * Content-ID and no `attachment` disposition (such as Apple's `text/watch-html`).
 */
function isFile(attachment: ParsedMail['attachments'][number]): boolean {
  if (attachment.filename || attachment.contentId) return true;
  if (attachment.contentDisposition === 'attachment') return true;
  return !attachment.contentType.startsWith('text/');
}

/**
 * Parses a stored message with mailparser, which decodes every charset mail uses (EUC-KR,
 * Shift_JIS, ISO-8859-1, encoded words, RFC 2231 file names) and converts an HTML-only body to
 * text. Throws when the message has no sender address (the mailbox refuses those, so only a row
 * written some other way can).
 */
export async function readInboundMail(row: {
  id: number;
  messageId: string;
  raw: Buffer;
  envelopeRecipients: readonly string[];
  receivedAt: Date;
}): Promise<ReadInboundMail> {
  const parsed = await simpleParser(row.raw, {
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  const sender = parsed.from?.value.find((mailbox) => mailbox.address?.includes('@'));
  if (!sender?.address) throw new Error('The message has no From address');
  const recipients = [
    ...addressesOf(parsed.to),
    ...addressesOf(parsed.cc),
    ...['delivered-to', 'x-original-to'].flatMap((name) =>
      headerValues(parsed, name).flatMap((value) => value.match(ADDRESS_IN_TEXT) ?? []),
    ),
    ...row.envelopeRecipients,
  ].map((address) => address.toLowerCase());
  const mail: ParsedInboundMail = {
    inboundEmailId: row.id,
    messageId: row.messageId,
    from: { address: sender.address.toLowerCase(), name: storable(sender.name).trim() || null },
    subject: storable(parsed.subject ?? '').trim(),
    text: storable(parsed.text ?? ''),
    inReplyTo: messageIdsIn(parsed.inReplyTo),
    references: messageIdsIn(parsed.references),
    recipients: [...new Set(recipients)],
    attachments: parsed.attachments.filter(isFile).map((attachment) => ({
      filename: attachment.filename ?? null,
      declaredType: attachment.contentType,
      content: attachment.content,
      contentId: attachment.contentId?.replace(/^<|>$/g, '') || null,
      inline: attachment.related === true || attachment.contentDisposition === 'inline',
    })),
    receivedAt: row.receivedAt,
  };
  return { mail, parsed };
}

const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply']);
/** Headers whose presence marks an autoresponder's message. */
const AUTORESPONDER_HEADERS = [
  'x-autoreply',
  'x-autorespond',
  'x-autoresponder',
  'x-autoreply-from',
  'x-mail-autoreply',
  'x-autogenerated',
];
/** X-Auto-Response-Suppress values that Exchange and Outlook put on their own automatic mail. */
const SUPPRESSED_BY_AUTOMATIC_MAIL = new Set(['all', 'oof', 'autoreply']);

/**
 * Why a message was written by a machine and must not become a ticket message (nor be answered,
 * which is how mail loops start), or null for a person's message. RFC 3834's Auto-Submitted
 * first, then the older conventions.
 */
export function automaticReason(parsed: ParsedMail): string | null {
  for (const value of headerValues(parsed, 'auto-submitted')) {
    const kind = value.split(';')[0].trim().toLowerCase();
    if (kind && kind !== 'no') return `Auto-Submitted: ${kind}`;
  }
  for (const value of headerValues(parsed, 'precedence')) {
    if (BULK_PRECEDENCE.has(value.trim().toLowerCase()))
      return `Precedence: ${value.trim().toLowerCase()}`;
  }
  for (const name of AUTORESPONDER_HEADERS) {
    const [value] = headerValues(parsed, name);
    if (value !== undefined) return `${name} header present (${value.slice(0, 50) || 'empty'})`;
  }
  for (const value of headerValues(parsed, 'x-auto-response-suppress')) {
    const tokens = value.toLowerCase().split(/[\s,]+/);
    if (tokens.some((token) => SUPPRESSED_BY_AUTOMATIC_MAIL.has(token)))
      return `X-Auto-Response-Suppress: ${value}`;
  }
  return null;
}
