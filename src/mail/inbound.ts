import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { simpleParser } from 'mailparser';
import { runSql } from '../db/sql';
import { inTransaction } from '../db/transaction';
import type { JobQueue } from '../jobs/job-queue';

/** The job that reads one received email (mail/inbound-processor.ts). */
export const RECEIVE_EMAIL_JOB = 'mail.receive';

export interface ReceiveEmailJob {
  inboundEmailId: number;
}

/**
 * What a whole message may weigh beside the largest attachment kept: the attachment twice (base64
 * grows it by a third, and a message may carry it with an HTML copy of the text) and 1 MiB of
 * headers and text. A larger message is refused before anything is stored.
 */
export function maxInboundMessageBytes(maxAttachmentBytes: number): number {
  return 2 * maxAttachmentBytes + 1024 * 1024;
}

// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Message-IDs longer than this are not believed (an index entry must stay small). */
const MAX_MESSAGE_ID_LENGTH = 250;

/** Why a message was refused at the door; nothing of it was stored. */
export class InboundMessageRefused extends Error {
  constructor(
    message: string,
    /** TOO_LARGE: SMTP 552 / HTTP 413. NOT_A_MESSAGE: SMTP 550 / HTTP 400. */
    readonly reason: 'TOO_LARGE' | 'NOT_A_MESSAGE',
  ) {
    super(message);
    this.name = 'InboundMessageRefused';
  }
}

export interface InboundSource {
  kind: 'smtp' | 'http';
  /** The SMTP envelope's recipients (RCPT TO), when the message came by SMTP. */
  envelopeRecipients?: readonly string[];
}

export interface InboundAcceptance {
  /** The `inbound_email` row that holds the message. */
  id: number;
  /** The Message-ID it is kept under, without angle brackets. */
  messageId: string;
  /** The same Message-ID had arrived before: nothing new was stored. */
  duplicate: boolean;
}

interface HeaderFacts {
  messageId: string | null;
  fromAddress: string;
  subject: string | null;
}

/** The header section: everything before the first empty line (all of it when there is none). */
function headerSection(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf < 0 ? -1 : crlf + 4, lf < 0 ? -1 : lf + 2].filter((end) => end > 0);
  return ends.length ? raw.subarray(0, Math.min(...ends)) : raw;
}

/** A Message-ID header's identifier without angle brackets, or null when it has no usable one. */
export function messageIdOf(header: string | null | undefined): string | null {
  if (!header) return null;
  const bracketed = /<([^<>\s]+)>/.exec(header);
  const id = (bracketed ? bracketed[1] : header.trim()).trim();
  // No spaces, no control characters (nor the NUL that PostgreSQL text cannot hold).
  if (!id || /\s/.test(id) || CONTROL_CHARACTERS.test(id) || id.length > MAX_MESSAGE_ID_LENGTH)
    return null;
  return id;
}

/** What must be known of a message before it is accepted: that it is one, and who sent it. */
async function readHeaders(raw: Buffer): Promise<HeaderFacts> {
  if (raw.length === 0) throw new InboundMessageRefused('The message is empty', 'NOT_A_MESSAGE');
  const parsed = await simpleParser(headerSection(raw), {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  }).catch(() => {
    throw new InboundMessageRefused('The message header cannot be read', 'NOT_A_MESSAGE');
  });
  if (parsed.headers.size === 0)
    throw new InboundMessageRefused(
      'The body is not an email message: it starts with no header fields (Name: value)',
      'NOT_A_MESSAGE',
    );
  const from = parsed.from?.value.find((mailbox) => mailbox.address?.includes('@'));
  if (!from?.address)
    throw new InboundMessageRefused(
      'The message has no From header with an address',
      'NOT_A_MESSAGE',
    );
  if (CONTROL_CHARACTERS.test(from.address))
    throw new InboundMessageRefused('The From address holds control characters', 'NOT_A_MESSAGE');
  return {
    messageId: messageIdOf(parsed.messageId),
    fromAddress: from.address.toLowerCase(),
    subject: parsed.subject?.replaceAll('\u0000', '') ?? null,
  };
}

/**
 * Where received mail comes in, from the SMTP listener or `POST /inbound/email`. A message is
 * stored first (its raw bytes, under its Message-ID) and its `mail.receive` job is enqueued in
 * the same transaction; only once that committed is the sender told it was accepted, so an
 * accepted message is never lost. The same Message-ID delivered again is the same row and no new
 * job. A message without one is kept under one made from the SHA-256 of its bytes, so the same
 * bytes delivered twice are one message too.
 */
export class InboundMailbox {
  readonly maxMessageBytes: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly jobs: JobQueue,
    private readonly settings: { maxAttachmentBytes: number; now: () => Date },
  ) {
    this.maxMessageBytes = maxInboundMessageBytes(settings.maxAttachmentBytes);
  }

  async receive(raw: Buffer, source: InboundSource): Promise<InboundAcceptance> {
    if (raw.length > this.maxMessageBytes) throw this.tooLarge(raw.length);
    const headers = await readHeaders(raw);
    const messageId =
      headers.messageId ??
      `sha256-${createHash('sha256').update(raw).digest('hex')}@inbound.invalid`;
    const envelope = [
      ...new Set((source.envelopeRecipients ?? []).map((address) => address.toLowerCase())),
    ];
    return inTransaction(this.orm.em, async (tx) => {
      const [inserted] = await runSql<{ id: string }>(
        tx,
        `INSERT INTO inbound_email
           (message_id, source, raw, size, from_address, subject, envelope_recipients, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (message_id) DO NOTHING
         RETURNING id`,
        [
          messageId,
          source.kind,
          raw,
          raw.length,
          headers.fromAddress,
          headers.subject?.slice(0, 1000) ?? null,
          envelope,
          this.settings.now(),
        ],
      );
      if (!inserted) {
        // Delivered before (or right now by another connection, whose row this waited for).
        const [existing] = await runSql<{ id: string }>(
          tx,
          'SELECT id FROM inbound_email WHERE message_id = ?',
          [messageId],
        );
        return { id: Number(existing.id), messageId, duplicate: true };
      }
      const id = Number(inserted.id);
      await this.jobs.enqueue<ReceiveEmailJob>(tx, RECEIVE_EMAIL_JOB, { inboundEmailId: id });
      return { id, messageId, duplicate: false };
    });
  }

  /** The refusal of a message of `size` bytes, or of one that went over while it arrived. */
  tooLarge(size?: number): InboundMessageRefused {
    return new InboundMessageRefused(
      size === undefined
        ? `The message is larger than ${this.maxMessageBytes} bytes, the most accepted`
        : `The message is ${size} bytes; at most ${this.maxMessageBytes} are accepted`,
      'TOO_LARGE',
    );
  }
}
