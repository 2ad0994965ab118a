import type { ParsedMail } from 'mailparser';
import { messageIdsIn } from './inbound-mail';

/** What a delivery report says about the message it reports on. */
export interface DeliveryReport {
  /** Message-IDs the report names (the returned message's first), without angle brackets. */
  originalMessageIds: string[];
  /** At least one recipient failed for good (`Action: failed`), rather than a delay. */
  failed: boolean;
  /** The diagnostic and status, such as `550 5.1.1 No such user (status 5.1.1)`. */
  error: string;
}

/** Local parts that send delivery reports. */
const REPORTING_MAILBOXES = new Set(['mailer-daemon', 'postmaster']);
/** Parts that hold the returned message or its header. */
const RETURNED_MESSAGE_TYPES = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/global-headers',
]);
const DELIVERY_STATUS_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
]);

function isDeliveryReport(parsed: ParsedMail): boolean {
  const contentType = parsed.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  if (
    contentType?.value?.toLowerCase() === 'multipart/report' &&
    contentType.params?.['report-type']?.toLowerCase() === 'delivery-status'
  )
    return true;
  return (parsed.from?.value ?? []).some((mailbox) =>
    REPORTING_MAILBOXES.has((mailbox.address ?? '').split('@')[0].toLowerCase()),
  );
}

/** The Message-ID in a returned message or header block, read from its header lines. */
function messageIdInHeaderBlock(content: Buffer): string | null {
  const text = content.subarray(0, 256 * 1024).toString('utf8');
  const header = text.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = /^Message-ID:(.*)$/im.exec(header);
  return line ? (messageIdsIn(line[1])[0] ?? null) : null;
}

function firstMatch(texts: readonly string[], pattern: RegExp): string | null {
  for (const text of texts) {
    const match = pattern.exec(text);
    if (match) return match[1].replace(/\s+/g, ' ').trim();
  }
  return null;
}

/**
 * A delivery status notification (RFC 3464 `multipart/report; report-type=delivery-status`, or
 * mail from MAILER-DAEMON or postmaster) read for what it reports: which of our messages, and
 * why it failed. Null when the message is not one.
 */
export function readDeliveryReport(parsed: ParsedMail): DeliveryReport | null {
  if (!isDeliveryReport(parsed)) return null;
  const returned = parsed.attachments
    .filter((part) => RETURNED_MESSAGE_TYPES.has(part.contentType.toLowerCase()))
    .map((part) => messageIdInHeaderBlock(part.content))
    .filter((id): id is string => id !== null);
  // mailparser reads a message/delivery-status part into the text; some reports attach it.
  const statusTexts = [
    ...parsed.attachments
      .filter((part) => DELIVERY_STATUS_TYPES.has(part.contentType.toLowerCase()))
      .map((part) => part.content.toString('utf8')),
    parsed.text ?? '',
  ];
  const inText = [...(parsed.text ?? '').matchAll(/^Message-ID:\s*(<[^<>\s]+>)/gim)].flatMap(
    (match) => messageIdsIn(match[1]),
  );
  const originalMessageIds = [
    ...new Set([
      ...returned,
      ...inText,
      ...messageIdsIn(parsed.inReplyTo),
      ...messageIdsIn(parsed.references).reverse(),
    ]),
  ];
  const actions = statusTexts.flatMap((text) =>
    [...text.matchAll(/^Action:\s*([a-z-]+)/gim)].map((match) => match[1].toLowerCase()),
  );
  const diagnostic = firstMatch(
    statusTexts,
    /^Diagnostic-Code:\s*(?:[a-z-]+\s*;\s*)?([^\n]*(?:\n[ \t]+[^\n]*)*)/im,
  );
  const status = firstMatch(statusTexts, /^Status:\s*(\d\.\d{1,3}\.\d{1,3})/im);
  let error = diagnostic ?? `Returned as undeliverable: ${parsed.subject || 'no reason given'}`;
  if (status && !error.includes(status)) error += ` (status ${status})`;
  return {
    originalMessageIds,
    failed: actions.length === 0 || actions.includes('failed'),
    error: error.slice(0, 1000),
  };
}
