import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { JobDefinition, JobQueue } from '../../jobs/job-queue';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import type { Clock } from '../common/clock';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { BOOK_CURRENCY, formatMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { CustomerService } from '../customers/customer.service';
import type { CompanyDetails, InvoiceDocuments } from './invoice-document';
import { Invoice } from './receivables.entity';

/** The job that mails one invoice with its PDF, enqueued in the transaction that issued it. */
export const SEND_INVOICE_JOB = 'billing.send-invoice';
/** The sweep that mails invoices still unsent (issued before a customer had an address, seeded). */
export const SEND_UNSENT_INVOICES_JOB = 'billing.send-unsent-invoices';

export interface SendInvoiceJob {
  invoiceId: number;
}

/** Called in the transaction that issues an invoice (ReceivablesService.orderShipped). */
export interface InvoiceIssuedListener {
  invoiceIssued(tx: EntityManager, invoiceId: number): Promise<void>;
}

/** Invoices the sweep reads per batch (each is sent in a transaction of its own). */
const SWEEP_BATCH = 100;

/**
 * The sweep mails only invoices issued in the last SWEEP_WINDOW_DAYS: an invoice older than that
 * was issued before invoices were mailed (an upgraded database) or has waited a month for an
 * address, and mailing it unasked would surprise its customer. Such invoices stay listed by
 * `invoices(filter: { sent: false })`, and `sendInvoice` mails them.
 */
export const SWEEP_WINDOW_DAYS = 30;

type SendOutcome = 'SENT' | 'ALREADY_SENT' | 'NO_EMAIL_ADDRESS' | 'NOT_FOUND';

/**
 * Billing sends invoices: each issued invoice is mailed to its customer with its PDF attached,
 * once. The rule a maintainer must keep: an invoice is mailed only in a transaction that holds
 * its row lock and finds `sentAt` empty, and that same transaction queues the email (Outbox) and
 * sets `sentAt`. So the ship job, its retries, a second run at the same time and the sweep can
 * all try the same invoice; one mails it, the others find it sent. A customer without an address
 * leaves it unsent (listed by `invoices(filter: { sent: false })`), with no failing job; the
 * sweep mails it once they have one. `sendInvoice` mails it on demand, again if it was sent
 * already; `sentAt` keeps the first send.
 */
export class InvoiceSending implements InvoiceIssuedListener {
  constructor(
    private readonly jobs: JobQueue,
    private readonly outbox: Outbox,
    private readonly documents: InvoiceDocuments,
    private readonly customers: CustomerService,
    private readonly company: CompanyDetails,
    private readonly clock: Clock,
  ) {}

  invoiceIssued(tx: EntityManager, invoiceId: number): Promise<void> {
    return this.jobs
      .enqueue<SendInvoiceJob>(tx, SEND_INVOICE_JOB, { invoiceId })
      .then(() => undefined);
  }

  /** The `billing.send-invoice` job: mails the invoice unless it was sent (idempotent). */
  sendJob(orm: MikroORM): JobDefinition<SendInvoiceJob> {
    return {
      name: SEND_INVOICE_JOB,
      retryLimit: 5,
      retryDelaySeconds: 30,
      expireInSeconds: 120,
      concurrency: 2,
      handle: async ({ invoiceId }) => {
        await inTransaction(orm.em, (tx) => this.send(tx, invoiceId, false));
      },
    };
  }

  /** The sweep: every `minutes` (0: never), mails what is still unsent, oldest first. */
  sweepJob(orm: MikroORM, minutes: number): JobDefinition<object> {
    return {
      name: SEND_UNSENT_INVOICES_JOB,
      retryLimit: 2,
      retryDelaySeconds: 60,
      expireInSeconds: 600,
      policy: 'singleton',
      ...(minutes > 0 ? { cron: `*/${minutes} * * * *` } : {}),
      handle: async () => {
        await this.sweep(orm);
      },
    };
  }

  /** Mails every unsent invoice; answers how many it mailed. */
  async sweep(orm: MikroORM): Promise<number> {
    const since = new Date(this.clock.now().getTime() - SWEEP_WINDOW_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10);
    let after = 0;
    let sent = 0;
    for (;;) {
      const batch = await orm.em
        .fork()
        .find(
          Invoice,
          { sentAt: null, issueDate: { $gte: since }, id: { $gt: after } },
          { fields: ['id'], orderBy: { id: 'asc' }, limit: SWEEP_BATCH },
        );
      for (const { id } of batch) {
        const outcome = await inTransaction(orm.em, (tx) => this.send(tx, id, false));
        if (outcome === 'SENT') sent += 1;
      }
      if (batch.length < SWEEP_BATCH) return sent;
      after = batch[batch.length - 1].id;
    }
  }

  /** `sendInvoice`: mails the invoice now, again when it was sent before. */
  async sendNow({ em }: RequestScope, viewer: Viewer, invoiceId: number): Promise<Invoice> {
    return inTransaction(em, async (tx) => {
      const outcome = await this.send(tx, invoiceId, true, viewer.employeeId);
      if (outcome === 'NOT_FOUND')
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such invoice', [
          'input',
          'invoiceId',
        ]);
      if (outcome === 'NO_EMAIL_ADDRESS')
        throw new BusinessRuleError(
          UserErrorCode.NO_EMAIL_ADDRESS,
          'The customer has no email address: add one, then send the invoice',
          ['input', 'invoiceId'],
        );
      return tx.findOneOrFail(Invoice, { id: invoiceId });
    });
  }

  /**
   * In the caller's transaction: locks the invoice, and unless it was sent (and `again` is
   * false) renders or reads its PDF, queues the email with it and records the send.
   */
  private async send(
    tx: EntityManager,
    invoiceId: number,
    again: boolean,
    actorId: number | null = null,
  ): Promise<SendOutcome> {
    const invoice = await tx.findOne(
      Invoice,
      { id: invoiceId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!invoice) return 'NOT_FOUND';
    if (invoice.sentAt && !again) return 'ALREADY_SENT';
    const customer = await this.customers.requireExisting(tx, invoice.customer.id, [
      'input',
      'invoiceId',
    ]);
    const to = customer.email?.trim();
    if (!to) return 'NO_EMAIL_ADDRESS';
    const pdf = await this.documents.document(tx, invoice);
    const due = `${formatMinorUnits(invoice.totalMinor - invoice.amountPaidMinor)} ${BOOK_CURRENCY}`;
    const { companyName, paymentTerms, bankDetails } = this.company;
    const email = await this.outbox.queue(tx, {
      kind: OutboundEmailKind.INVOICE,
      to,
      subject: `Invoice ${invoice.number} from ${companyName}`,
      text: [
        `Dear ${customer.name},`,
        '',
        `Please find attached invoice ${invoice.number}, issued on ${invoice.issueDate}.`,
        `Amount due: ${due}, by ${invoice.dueDate}.`,
        '',
        paymentTerms,
        bankDetails,
        `Reference: ${invoice.number}`,
        '',
        companyName,
      ].join('\n'),
      documentIds: [pdf.id],
    });
    const resend = invoice.sentAt !== null;
    invoice.sentAt ??= this.clock.now();
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Invoice',
      streamId: invoice.id,
      type: 'SENT',
      payload: {
        number: invoice.number,
        to,
        emailId: email.id,
        documentSha256: pdf.sha256,
        resend,
      },
      actorId,
    });
    return 'SENT';
  }
}
