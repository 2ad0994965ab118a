import { LockMode } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from '../config';
import { inTransaction } from '../db/transaction';
import type { JobDefinition, JobRun } from '../jobs/job-queue';
import type { Logger } from '../logger';
import { StoredDocument } from '../documents/document.entity';
import { Attachment, OutboundEmail, OutboundEmailStatus } from './mail.entity';
import { SEND_EMAIL_JOB, type Outbox, type SendEmailJob } from './outbox';

/**
 * Sends at once per process: each holds a database connection while the SMTP server answers. It
 * is also the most messages one crash can send twice (see MailSender).
 */
export const SENDERS = 4;

/**
 * nodemailer's waits, in ms, unless SMTP_URL sets them. Its defaults (2 min to connect, 10 min
 * of silence) outlast the job's expiry; with these a send ends, sent or failed, well within it.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** An SMTP answer that will not change on a retry (5xx: no such mailbox, refused). */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 1000);
}

/**
 * The `mail.send` job. It locks the email's row, sends it unless it is already SENT or the
 * outbox's send check for its kind withholds it (then it is FAILED, never tried again), and records
 * SENT in that same transaction, straight after the SMTP server accepted it. A second runner of
 * the same email (an expired run retried) waits for the lock and then finds it SENT.
 *
 * The one resend left: the process dies after the server accepted the message and before that
 * COMMIT (a few milliseconds). The retry then sends it again with the same Message-ID, which mail
 * clients show once. The README names this window.
 *
 * With no SMTP_URL the message is written as MIME into the row (`raw`, transport `outbox`): the
 * local outbox of a fresh machine.
 */
export class MailSender {
  private readonly transport: Transporter;
  readonly transportName: 'smtp' | 'outbox';
  private checks: Pick<Outbox, 'withholdReason'> | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly config: MailConfig,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {
    if (config.smtpUrl) {
      const url = new URL(config.smtpUrl);
      if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
      if (!url.searchParams.has('maxConnections'))
        url.searchParams.set('maxConnections', String(SENDERS));
      for (const [name, ms] of Object.entries(SMTP_TIMEOUTS))
        if (!url.searchParams.has(name)) url.searchParams.set(name, String(ms));
      this.transport = nodemailer.createTransport(url.toString());
      this.transportName = 'smtp';
    } else {
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
      this.transportName = 'outbox';
    }
  }

  /** Asks the outbox's send checks before each send (an email a module withholds is not sent). */
  checkSendsWith(outbox: Pick<Outbox, 'withholdReason'>): void {
    this.checks = outbox;
  }

  definition(): JobDefinition<SendEmailJob> {
    return {
      name: SEND_EMAIL_JOB,
      // By default 30 s, 1 min, 2 min, … about 2 hours in all before the email shows FAILED.
      retryLimit: this.config.sendRetries,
      retryDelaySeconds: this.config.sendRetryDelaySeconds,
      // Past every SMTP timeout above plus the attachments' reading: only a run hung in a live
      // process gets here. A run whose process died is requeued within seconds (jobs/run-locks.ts).
      expireInSeconds: 300,
      concurrency: SENDERS,
      handle: (data, run) => this.send(data.emailId, run),
    };
  }

  close(): void {
    this.transport.close();
  }

  async send(emailId: number, run: JobRun): Promise<void> {
    const failure = await inTransaction(this.orm.em, async (tx) => {
      const email = await tx.findOne(
        OutboundEmail,
        { id: emailId },
        { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['raw'] },
      );
      if (!email || email.status !== OutboundEmailStatus.QUEUED) return undefined;
      const withheld = await this.checks?.withholdReason(tx, email);
      if (withheld) {
        email.status = OutboundEmailStatus.FAILED;
        email.error = `Withheld: ${withheld}`;
        return undefined;
      }
      const attachments = email.attachmentIds.length
        ? await tx.find(
            Attachment,
            { id: { $in: email.attachmentIds.map(Number) } },
            { populate: ['content'], orderBy: { id: 'asc' } },
          )
        : [];
      const documents = email.documentIds.length
        ? await tx.find(
            StoredDocument,
            { id: { $in: email.documentIds.map(Number) } },
            { populate: ['content'], orderBy: { id: 'asc' } },
          )
        : [];
      email.attempts += 1;
      try {
        const info = (await this.transport.sendMail({
          from: email.fromAddress,
          to: email.toAddress,
          replyTo: email.replyTo ?? undefined,
          subject: email.subject,
          text: email.textBody,
          html: email.htmlBody ?? undefined,
          date: email.createdAt,
          messageId: `<${email.messageId}>`,
          inReplyTo: email.inReplyTo ? `<${email.inReplyTo}>` : undefined,
          references: email.references.map((id) => `<${id}>`),
          headers: email.autoSubmitted ? { 'Auto-Submitted': 'auto-generated' } : {},
          attachments: [...attachments, ...documents].map((file) => ({
            filename: file.filename,
            contentType: file.contentType,
            content: file.content,
          })),
        })) as { message?: Buffer };
        // Accepted: recorded before anything else happens (this transaction commits next).
        email.status = OutboundEmailStatus.SENT;
        email.sentAt = this.now();
        email.error = null;
        email.transport = this.transportName;
        if (this.transportName === 'outbox' && info.message) email.raw = info.message.toString();
        return undefined;
      } catch (error) {
        const reason = reasonOf(error);
        const final = run.lastAttempt || isPermanent(error);
        email.error = reason;
        if (final) email.status = OutboundEmailStatus.FAILED;
        return { reason, final, permanent: isPermanent(error) };
      }
    });
    if (!failure) return;
    this.logger.warn(
      { emailId, attempt: run.retryCount + 1, reason: failure.reason },
      failure.final ? 'email failed' : 'email not sent; it will be tried again',
    );
    // A refusal (5xx) will not change: the email shows FAILED and the job ends here.
    if (failure.permanent) return;
    throw new Error(`email ${emailId} not sent: ${failure.reason}`);
  }
}
