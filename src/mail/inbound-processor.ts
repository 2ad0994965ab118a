import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { ParsedMail } from 'mailparser';
import { inTransaction } from '../db/transaction';
import type { JobDefinition, JobRun } from '../jobs/job-queue';
import type { Logger } from '../logger';
import { readDeliveryReport } from './bounce';
import { RECEIVE_EMAIL_JOB, type ReceiveEmailJob } from './inbound';
import { automaticReason, readInboundMail, type ParsedInboundMail } from './inbound-mail';
import {
  InboundEmail,
  InboundEmailOutcome,
  OutboundEmail,
  OutboundEmailStatus,
} from './mail.entity';
import { OWN_MESSAGE_ID_PREFIX } from './outbox';
import type { ReplyAddresses } from './reply-address';

/** Where a received email went on the support desk. */
export interface InboundDelivery {
  outcome: InboundEmailOutcome.THREADED | InboundEmailOutcome.NEW_TICKET;
  ticketId: number;
  ticketMessageId: number;
  /** Why it went there, when that is worth telling: a forged token, a closed ticket, a file not kept. */
  reason: string | null;
}

/**
 * The support desk's side of received mail (modules/support/email-channel.ts): it adds the
 * email to its ticket or opens one, in the transaction it is given, which also records the
 * outcome. mail/ knows nothing of tickets but their ids.
 */
export interface InboundMailHandler {
  deliver(tx: EntityManager, mail: ParsedInboundMail): Promise<InboundDelivery>;
}

/** A message that can never be delivered (the handler's or the parser's verdict): REJECTED, not retried. */
export class InboundMailRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InboundMailRejected';
  }
}

interface Outcome {
  outcome: InboundEmailOutcome;
  reason: string | null;
  ticketId?: number | null;
  ticketMessageId?: number | null;
}

const reasonOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/**
 * The `mail.receive` job: reads one stored email and decides what it is, in this order:
 *   1. a delivery report: the email of ours it names is marked FAILED with the report's reason;
 *   2. our own email come back, mail from our own address, or an automatic message (an
 *      autoresponder, bulk or list mail): kept, IGNORED, never answered;
 *   3. anything else goes to the support desk (`InboundMailHandler`).
 * The outcome is recorded on the email's row, locked, in the transaction that changes the
 * ticket; a run finds the row's outcome set when an earlier run committed, and does nothing.
 */
export class InboundMailProcessor {
  constructor(
    private readonly orm: MikroORM,
    private readonly handler: InboundMailHandler,
    private readonly addresses: ReplyAddresses,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  definition(): JobDefinition<ReceiveEmailJob> {
    return {
      name: RECEIVE_EMAIL_JOB,
      // 10 s, 20 s, … about 5 minutes in all before the email shows REJECTED.
      retryLimit: 5,
      retryDelaySeconds: 10,
      expireInSeconds: 120,
      concurrency: 2,
      handle: (data, run) => this.process(data.inboundEmailId, run),
    };
  }

  async process(inboundEmailId: number, run: JobRun): Promise<void> {
    try {
      const outcome = await inTransaction(this.orm.em, async (tx) => {
        const email = await tx.findOne(
          InboundEmail,
          { id: inboundEmailId },
          { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['raw'] },
        );
        if (!email || email.outcome !== InboundEmailOutcome.RECEIVED) return undefined;
        const read = await readInboundMail({
          id: email.id,
          messageId: email.messageId,
          raw: email.raw,
          envelopeRecipients: email.envelopeRecipients,
          receivedAt: email.receivedAt,
        }).catch((error) => {
          throw new InboundMailRejected(`The message cannot be read: ${reasonOf(error)}`);
        });
        const decided = await this.decide(tx, read.mail, read.parsed);
        email.outcome = decided.outcome;
        email.reason = decided.reason?.slice(0, 2000) ?? null;
        email.ticketId = decided.ticketId ?? null;
        email.ticketMessageId = decided.ticketMessageId ?? null;
        email.processedAt = this.now();
        return decided;
      });
      if (outcome)
        this.logger.info(
          { inboundEmailId, outcome: outcome.outcome, ticketId: outcome.ticketId ?? null },
          'email received',
        );
    } catch (error) {
      if (!(error instanceof InboundMailRejected) && !run.lastAttempt) throw error;
      await this.reject(inboundEmailId, reasonOf(error));
      this.logger.warn({ inboundEmailId, reason: reasonOf(error) }, 'email rejected');
      if (!(error instanceof InboundMailRejected)) throw error;
    }
  }

  private async decide(
    tx: EntityManager,
    mail: ParsedInboundMail,
    parsed: ParsedMail,
  ): Promise<Outcome> {
    const report = readDeliveryReport(parsed);
    if (report) {
      if (!report.failed)
        return {
          outcome: InboundEmailOutcome.IGNORED,
          reason: 'A delivery report without a failure (a delay or a relay)',
        };
      return this.bounce(tx, report.originalMessageIds, report.error);
    }
    if (await this.isOurs(tx, mail.messageId))
      return {
        outcome: InboundEmailOutcome.IGNORED,
        reason: `Our own email came back (Message-ID ${mail.messageId})`,
      };
    if (this.addresses.match(mail.from.address).kind !== 'other')
      return {
        outcome: InboundEmailOutcome.IGNORED,
        reason: `Sent from our own address ${mail.from.address}`,
      };
    const automatic = automaticReason(parsed);
    if (automatic)
      return { outcome: InboundEmailOutcome.IGNORED, reason: `An automatic message: ${automatic}` };
    return this.handler.deliver(tx, mail);
  }

  /** Marks the email of ours a delivery report names as FAILED, with the report's reason. */
  private async bounce(
    tx: EntityManager,
    originalMessageIds: readonly string[],
    error: string,
  ): Promise<Outcome> {
    const candidates = originalMessageIds.length
      ? await tx.find(
          OutboundEmail,
          { messageId: { $in: [...originalMessageIds] } },
          { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
        )
      : [];
    const original = originalMessageIds
      .map((id) => candidates.find((email) => email.messageId === id))
      .find((email) => email !== undefined);
    if (!original)
      return {
        outcome: InboundEmailOutcome.BOUNCE,
        reason: `A delivery report naming no email of ours: ${error}`,
      };
    original.status = OutboundEmailStatus.FAILED;
    original.error = `Bounced: ${error}`.slice(0, 1000);
    return {
      outcome: InboundEmailOutcome.BOUNCE,
      reason: `Email ${original.id} to ${original.toAddress} bounced: ${error}`,
      ticketId: original.ticketId,
    };
  }

  /** A Message-ID we wrote: in the outbox, or made the way the outbox makes them for our domain. */
  private async isOurs(tx: EntityManager, messageId: string): Promise<boolean> {
    const lower = messageId.toLowerCase();
    if (lower.startsWith(OWN_MESSAGE_ID_PREFIX) && lower.endsWith(`@${this.addresses.domain}`))
      return true;
    return (await tx.count(OutboundEmail, { messageId })) > 0;
  }

  /** Records that an email will not be delivered, unless an earlier run already decided it. */
  private async reject(inboundEmailId: number, reason: string): Promise<void> {
    await inTransaction(this.orm.em, (tx) =>
      tx.nativeUpdate(
        InboundEmail,
        { id: inboundEmailId, outcome: InboundEmailOutcome.RECEIVED },
        { outcome: InboundEmailOutcome.REJECTED, reason, processedAt: this.now() },
      ),
    );
  }
}
