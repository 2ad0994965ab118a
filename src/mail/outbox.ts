import { randomUUID } from 'node:crypto';
import { redactOutboundEmails } from './erasure';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobQueue } from '../jobs/job-queue';
import { OutboundEmail, type OutboundEmailKind } from './mail.entity';

/**
 * Asked by the send job in its transaction, which holds the email's row lock, just before an
 * email of its kind goes out: a reason to withhold it for good (it then shows FAILED with that
 * reason and is never tried again), or null to send it.
 */
export type SendCheck = (tx: EntityManager, emailId: number) => Promise<string | null>;

/** The job that sends one outbound email (mail/sender.ts). */
export const SEND_EMAIL_JOB = 'mail.send';

export interface SendEmailJob {
  emailId: number;
}

export interface EmailDraft {
  kind: OutboundEmailKind;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  replyTo?: string | null;
  /** Message-IDs without angle brackets. */
  inReplyTo?: string | null;
  references?: readonly string[];
  ticketId?: number | null;
  ticketMessageId?: number | null;
  attachmentIds?: readonly number[];
  /** Stored documents (documents/) attached as they are kept. */
  documentIds?: readonly number[];
  autoSubmitted?: boolean;
}

/** Message-IDs we write start with this, so mail that comes back with one is known as ours. */
export const OWN_MESSAGE_ID_PREFIX = 'backdesk.';

/**
 * Mail leaves through here: the email becomes a row with its Message-ID, and a send job, both in
 * the caller's transaction. Nothing is mailed for a change that rolled back, and every try of a
 * send carries the same Message-ID.
 */
export class Outbox {
  private readonly sendChecks = new Map<OutboundEmailKind, SendCheck>();

  constructor(
    private readonly jobs: JobQueue,
    private readonly settings: { from: string; domain: string; now: () => Date },
  ) {}

  /** The module that writes emails of this kind decides, at send time, whether each may still go. */
  checkBeforeSending(kind: OutboundEmailKind, check: SendCheck): void {
    this.sendChecks.set(kind, check);
  }

  /** Why this email must not be sent (see `SendCheck`), or null. */
  withholdReason(tx: EntityManager, email: OutboundEmail): Promise<string | null> {
    const check = this.sendChecks.get(email.kind);
    return check ? check(tx, email.id) : Promise.resolve(null);
  }

  /**
   * Removes what identifies the recipient from emails kept in the outbox (the address, subject,
   * bodies and the message as written), for a module whose retention rule says so. The row stays
   * (status, times and Message-ID), so the outbox still shows that an email went out; one still
   * QUEUED is withheld, never sent.
   */
  async redact(tx: EntityManager, emailIds: readonly number[], reason: string): Promise<void> {
    await redactOutboundEmails(tx, emailIds, reason);
  }

  async queue(tx: EntityManager, draft: EmailDraft): Promise<OutboundEmail> {
    const email = tx.create(OutboundEmail, {
      kind: draft.kind,
      toAddress: draft.to,
      fromAddress: this.settings.from,
      replyTo: draft.replyTo ?? null,
      subject: draft.subject,
      textBody: draft.text,
      htmlBody: draft.html ?? null,
      messageId: `${OWN_MESSAGE_ID_PREFIX}${randomUUID()}@${this.settings.domain}`,
      inReplyTo: draft.inReplyTo ?? null,
      references: [...(draft.references ?? [])],
      ticketId: draft.ticketId ?? null,
      ticketMessageId: draft.ticketMessageId ?? null,
      attachmentIds: (draft.attachmentIds ?? []).map(String),
      documentIds: (draft.documentIds ?? []).map(String),
      autoSubmitted: draft.autoSubmitted ?? false,
      createdAt: this.settings.now(),
    });
    await tx.flush();
    await this.jobs.enqueue<SendEmailJob>(tx, SEND_EMAIL_JOB, { emailId: email.id });
    return email;
  }
}
