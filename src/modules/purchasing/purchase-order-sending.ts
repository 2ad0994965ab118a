import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { JobDefinition, JobQueue } from '../../jobs/job-queue';
import type { Logger } from '../../logger';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import { formatBookAmount } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { CompanyDetails } from '../ledger/invoice-document';
import type { ReceivablesService } from '../ledger/receivables.service';
import type { PurchaseOrderDocuments } from './purchase-order-document';
import { PurchaseOrder, PurchaseOrderEmail, PurchaseOrderStatus } from './purchase-order.entity';
import type { PurchaseOrderApprovalListener } from './purchase-order.service';

/** The job that mails one approved purchase order to its vendor, enqueued where it was approved. */
export const SEND_PURCHASE_ORDER_JOB = 'purchasing.send-purchase-order';

export interface SendPurchaseOrderJob {
  purchaseOrderId: number;
}

type SendOutcome = 'SENT' | 'ALREADY_SENT' | 'NO_EMAIL_ADDRESS' | 'NOT_FOUND' | 'NOT_SENDABLE';

/** Statuses whose order is never mailed: not ordered yet, or withdrawn. */
const NOT_SENDABLE: readonly PurchaseOrderStatus[] = [
  PurchaseOrderStatus.DRAFT,
  PurchaseOrderStatus.CANCELLED,
];

const field = ['input', 'purchaseOrderId'];

/**
 * Purchasing mails approved orders to their vendors, with the PDF attached, once. The rule a
 * maintainer must keep (as for invoices): an order is mailed only in a transaction that holds its
 * row lock and finds `sentAt` empty, and that same transaction queues the email (Outbox), ties it
 * to the order (`purchase_order_email`) and sets `sentAt`. So the approval's job, its retries and a
 * duplicate run can all try the same order; one mails it, the others find it sent.
 *
 * A vendor without an email address gets nothing: `sentAt` stays empty, the job logs it, records
 * SEND_SKIPPED on the order's history and completes (nothing to retry); `sendPurchaseOrder`
 * mails it once the vendor has an address. An order cancelled before its email left is not
 * mailed: the send job asks here (`Outbox.checkBeforeSending`) while it holds the email's row.
 */
export class PurchaseOrderSending implements PurchaseOrderApprovalListener {
  constructor(
    private readonly jobs: JobQueue,
    private readonly outbox: Outbox,
    private readonly documents: PurchaseOrderDocuments,
    private readonly receivables: ReceivablesService,
    private readonly company: Pick<CompanyDetails, 'companyName'>,
    private readonly clock: Clock,
  ) {
    outbox.checkBeforeSending(OutboundEmailKind.PURCHASE_ORDER, (tx, emailId) =>
      this.withholdReason(tx, emailId),
    );
  }

  async purchaseOrderApproved(tx: EntityManager, purchaseOrderId: number): Promise<void> {
    await this.jobs.enqueue<SendPurchaseOrderJob>(tx, SEND_PURCHASE_ORDER_JOB, {
      purchaseOrderId,
    });
  }

  /** The `purchasing.send-purchase-order` job: mails the order unless it was sent (idempotent). */
  sendJob(orm: MikroORM, logger: Logger): JobDefinition<SendPurchaseOrderJob> {
    return {
      name: SEND_PURCHASE_ORDER_JOB,
      retryLimit: 5,
      retryDelaySeconds: 30,
      expireInSeconds: 120,
      concurrency: 2,
      handle: async ({ purchaseOrderId }) => {
        const outcome = await inTransaction(orm.em, async (tx) => {
          const result = await this.send(tx, purchaseOrderId, false, null);
          if (result === 'NO_EMAIL_ADDRESS') await this.recordSkipped(tx, purchaseOrderId);
          return result;
        });
        if (outcome === 'NO_EMAIL_ADDRESS')
          logger.warn(
            { purchaseOrderId },
            'purchase order not mailed: its vendor has no email address (sendPurchaseOrder mails it once they have one)',
          );
        else if (outcome === 'NOT_FOUND' || outcome === 'NOT_SENDABLE')
          logger.info({ purchaseOrderId, outcome }, 'purchase order not mailed');
      },
    };
  }

  /** `sendPurchaseOrder`: mails the order now, again when it was sent before. */
  async sendNow(
    { em }: RequestScope,
    viewer: Viewer,
    purchaseOrderId: number,
  ): Promise<{ purchaseOrder: PurchaseOrder }> {
    return inTransaction(em, async (tx) => {
      const outcome = await this.send(tx, purchaseOrderId, true, viewer.employeeId);
      if (outcome === 'NOT_FOUND') refuse(UserErrorCode.NOT_FOUND, 'No such purchase order', field);
      const purchaseOrder = await tx.findOneOrFail(PurchaseOrder, { id: purchaseOrderId });
      if (outcome === 'NOT_SENDABLE')
        refuse(
          UserErrorCode.INVALID_TRANSITION,
          `Purchase order ${purchaseOrder.number} is ${purchaseOrder.status}: only an approved order is sent to its vendor`,
          field,
        );
      if (outcome === 'NO_EMAIL_ADDRESS')
        refuse(
          UserErrorCode.NO_EMAIL_ADDRESS,
          'The vendor has no email address: add one (updateVendor), then send the order',
          field,
        );
      return { purchaseOrder };
    });
  }

  /**
   * Records on the order's history that it was not mailed for want of an address, once: a retry
   * or a duplicate run of the job (which hold the order's row lock, taken by `send`) adds nothing.
   */
  private async recordSkipped(tx: EntityManager, purchaseOrderId: number): Promise<void> {
    const [recorded] = await runSql<{ found: number }>(
      tx,
      `SELECT 1 AS found FROM event
        WHERE stream_type = 'PurchaseOrder' AND stream_id = ? AND type = 'SEND_SKIPPED' LIMIT 1`,
      [String(purchaseOrderId)],
    );
    if (recorded) return;
    await recordEvent(tx, {
      streamType: 'PurchaseOrder',
      streamId: purchaseOrderId,
      type: 'SEND_SKIPPED',
      payload: { reason: 'NO_EMAIL_ADDRESS' },
      actorId: null,
    });
  }

  /** Why a queued purchase order email must not go out now (its order was cancelled), or null. */
  async withholdReason(tx: EntityManager, emailId: number): Promise<string | null> {
    const [row] = await runSql<{ status: PurchaseOrderStatus; number: string }>(
      tx,
      `SELECT o.status, o.number FROM purchase_order_email e
         JOIN purchase_order o ON o.id = e.purchase_order_id
        WHERE e.email_id = ?
          FOR SHARE OF o`,
      [emailId],
    );
    if (!row) return 'it belongs to no purchase order';
    if (row.status === PurchaseOrderStatus.CANCELLED)
      return `purchase order ${row.number} was cancelled`;
    return null;
  }

  /**
   * In the caller's transaction: locks the order, and unless it was sent (and `again` is false)
   * renders or reads its PDF, queues the email with it and records the send.
   */
  private async send(
    tx: EntityManager,
    purchaseOrderId: number,
    again: boolean,
    actorId: number | null,
  ): Promise<SendOutcome> {
    const purchaseOrder = await tx.findOne(
      PurchaseOrder,
      { id: purchaseOrderId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!purchaseOrder) return 'NOT_FOUND';
    if (NOT_SENDABLE.includes(purchaseOrder.status)) return 'NOT_SENDABLE';
    if (purchaseOrder.sentAt && !again) return 'ALREADY_SENT';
    const vendor = await this.receivables.findVendor(tx, purchaseOrder.vendor.id);
    if (!vendor) throw new Error(`purchase order ${purchaseOrder.id} has no vendor`);
    const to = vendor.email?.trim();
    if (!to) return 'NO_EMAIL_ADDRESS';
    const pdf = await this.documents.document(tx, purchaseOrder);
    const { companyName } = this.company;
    const email = await this.outbox.queue(tx, {
      kind: OutboundEmailKind.PURCHASE_ORDER,
      to,
      subject: `Purchase order ${purchaseOrder.number} from ${companyName}`,
      text: [
        `Dear ${vendor.name},`,
        '',
        `Please find attached our purchase order ${purchaseOrder.number}, for ${formatBookAmount(purchaseOrder.totalMinor)}.`,
        ...(purchaseOrder.expectedDate
          ? [`We expect the goods by ${purchaseOrder.expectedDate}.`]
          : []),
        `Please quote ${purchaseOrder.number} on your delivery note and bill.`,
        '',
        companyName,
      ].join('\n'),
      documentIds: [pdf.id],
    });
    tx.create(PurchaseOrderEmail, { emailId: email.id, purchaseOrder });
    const resend = purchaseOrder.sentAt !== null;
    purchaseOrder.sentAt ??= this.clock.now();
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'PurchaseOrder',
      streamId: purchaseOrder.id,
      type: 'SENT',
      payload: { to, emailId: email.id, documentSha256: pdf.sha256, resend },
      actorId,
    });
    return 'SENT';
  }
}
