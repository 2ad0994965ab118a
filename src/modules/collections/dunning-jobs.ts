import { LockMode } from '@mikro-orm/core';
import { today } from '../common/calendar-dates';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { JobDefinition, JobQueue } from '../../jobs/job-queue';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import type { Clock } from '../common/clock';
import { BOOK_CURRENCY, formatMinorUnits } from '../common/money';
import type { CustomerService } from '../customers/customer.service';
import type { CompanyDetails } from '../ledger/invoice-document';
import { DunningNotice } from './collections.entity';
import type { CollectionsService, NoticeIssuedListener } from './collections.service';
import type { DunningNoticeDocuments } from './dunning-notice-document';

/** The job that mails one dunning notice with its PDF, enqueued in the run's transaction. */
export const SEND_DUNNING_NOTICE_JOB = 'collections.send-notice';
/** The daily dunning run (cron), as the system, for the clock's day. */
export const RUN_DUNNING_JOB = 'collections.run-dunning';
/** When the daily run fires (UTC). */
export const RUN_DUNNING_CRON = '0 6 * * *';

export interface SendDunningNoticeJob {
  noticeId: number;
}

/**
 * Mails dunning notices. The rule a maintainer must keep (as for invoices): a notice is mailed
 * only in a transaction that holds its row lock and finds `sentAt` empty, and that transaction
 * queues the email and sets `sentAt`; so retries and duplicate jobs mail it once. A customer
 * without an email address gets the notice (listed, with its PDF) but no mail, and no failing job.
 */
export class DunningNoticeSending implements NoticeIssuedListener {
  constructor(
    private readonly jobs: JobQueue,
    private readonly outbox: Outbox,
    private readonly documents: DunningNoticeDocuments,
    private readonly customers: CustomerService,
    private readonly company: CompanyDetails,
    private readonly clock: Clock,
  ) {}

  noticeIssued(tx: EntityManager, noticeId: number): Promise<void> {
    return this.jobs
      .enqueue<SendDunningNoticeJob>(tx, SEND_DUNNING_NOTICE_JOB, { noticeId })
      .then(() => undefined);
  }

  sendJob(orm: MikroORM): JobDefinition<SendDunningNoticeJob> {
    return {
      name: SEND_DUNNING_NOTICE_JOB,
      retryLimit: 5,
      retryDelaySeconds: 30,
      expireInSeconds: 120,
      concurrency: 2,
      handle: async ({ noticeId }) => {
        await inTransaction(orm.em, (tx) => this.send(tx, noticeId));
      },
    };
  }

  /** The daily run: `runDunning` for the clock's day, as the system. */
  runJob(orm: MikroORM, collections: CollectionsService): JobDefinition<object> {
    return {
      name: RUN_DUNNING_JOB,
      retryLimit: 3,
      retryDelaySeconds: 60,
      expireInSeconds: 900,
      policy: 'singleton',
      cron: RUN_DUNNING_CRON,
      handle: async () => {
        const asOf = today(this.clock);
        await collections.runDunning({ em: orm.em.fork() }, null, { asOf });
      },
    };
  }

  private async send(tx: EntityManager, noticeId: number): Promise<void> {
    const notice = await tx.findOne(
      DunningNotice,
      { id: noticeId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!notice || notice.sentAt) return;
    const customer = await this.customers.requireExisting(tx, notice.customer.id, []);
    const to = customer.email?.trim();
    if (!to) return;
    const pdf = await this.documents.document(tx, notice);
    const { companyName, paymentTerms, bankDetails } = this.company;
    const charges = formatMinorUnits(notice.feeMinor + notice.interestMinor);
    const email = await this.outbox.queue(tx, {
      kind: OutboundEmailKind.DUNNING_NOTICE,
      to,
      subject: `Payment reminder from ${companyName}`,
      text: [
        `Dear ${customer.name},`,
        '',
        notice.letterText,
        '',
        `Please find attached our payment reminder of ${notice.asOf}.`,
        `Fees and interest charged: ${charges} ${BOOK_CURRENCY}.`,
        '',
        paymentTerms,
        bankDetails,
        '',
        companyName,
      ].join('\n'),
      documentIds: [pdf.id],
    });
    notice.sentAt = this.clock.now();
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'DunningNotice',
      streamId: notice.id,
      type: 'SENT',
      payload: { to, emailId: email.id, documentSha256: pdf.sha256 },
      actorId: null,
    });
  }
}
