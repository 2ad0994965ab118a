import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { JobDefinition, JobQueue } from '../../jobs/job-queue';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import type { Clock } from '../common/clock';
import type { CompanyDetails } from '../ledger/invoice-document';
import { EmployeeDocument, EmployeeDocumentKind } from './employee-document.entity';
import type { DocumentsIssuedListener } from './employee-documents.service';
import type { PayslipDocuments } from './payslip-document';
import type { YearEndStatementDocuments } from './year-end-statement-document';

/** Mails the payslips of a posted run, enqueued in the posting transaction. */
export const SEND_PAYSLIPS_JOB = 'employees.send-payslips';
/** Mails one employee document (a final year-end statement), enqueued where it was issued. */
export const SEND_EMPLOYEE_DOCUMENT_JOB = 'employees.send-document';

export interface SendPayslipsJob {
  runId: number;
}

export interface SendEmployeeDocumentJob {
  documentId: number;
}

/**
 * Mails employees their documents with the PDF attached: each payslip when its run is posted,
 * and each final year-end statement version. The rule a maintainer must keep (as for invoices):
 * a document is mailed only in a transaction that holds its row lock and finds `sentAt` empty,
 * and that transaction queues the email and sets `sentAt`; so retries and duplicate jobs mail it
 * once. A run's job sends each payslip in a transaction of its own: a retry sends what is left.
 */
export class EmployeeDocumentSending implements DocumentsIssuedListener {
  constructor(
    private readonly jobs: JobQueue,
    private readonly outbox: Outbox,
    private readonly payslips: PayslipDocuments,
    private readonly statements: YearEndStatementDocuments,
    private readonly company: Pick<CompanyDetails, 'companyName'>,
    private readonly clock: Clock,
  ) {}

  async payslipsIssued(tx: EntityManager, runId: number): Promise<void> {
    await this.jobs.enqueue<SendPayslipsJob>(tx, SEND_PAYSLIPS_JOB, { runId });
  }

  async statementIssued(tx: EntityManager, documentId: number): Promise<void> {
    await this.jobs.enqueue<SendEmployeeDocumentJob>(tx, SEND_EMPLOYEE_DOCUMENT_JOB, {
      documentId,
    });
  }

  sendPayslipsJob(orm: MikroORM): JobDefinition<SendPayslipsJob> {
    return {
      name: SEND_PAYSLIPS_JOB,
      retryLimit: 5,
      retryDelaySeconds: 30,
      expireInSeconds: 900,
      concurrency: 1,
      handle: async ({ runId }) => {
        const unsent = await orm.em.fork().execute<{ id: string }[]>(
          `SELECT d.id FROM employee_document d JOIN payslip s ON s.id = d.payslip_id
            WHERE s.run_id = ? AND d.sent_at IS NULL ORDER BY d.id`,
          [runId],
        );
        for (const { id } of unsent) await inTransaction(orm.em, (tx) => this.send(tx, Number(id)));
      },
    };
  }

  sendDocumentJob(orm: MikroORM): JobDefinition<SendEmployeeDocumentJob> {
    return {
      name: SEND_EMPLOYEE_DOCUMENT_JOB,
      retryLimit: 5,
      retryDelaySeconds: 30,
      expireInSeconds: 120,
      concurrency: 2,
      handle: async ({ documentId }) => {
        await inTransaction(orm.em, (tx) => this.send(tx, documentId));
      },
    };
  }

  private async send(tx: EntityManager, documentId: number): Promise<void> {
    const document = await tx.findOne(
      EmployeeDocument,
      { id: documentId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!document || document.sentAt) return;
    await tx.populate(document, ['employee', 'payslip', 'yearEndStatement']);
    const pdf =
      document.kind === EmployeeDocumentKind.PAYSLIP && document.payslip
        ? await this.payslips.document(tx, document.payslip)
        : document.yearEndStatement
          ? await this.statements.document(tx, document.yearEndStatement)
          : null;
    if (!pdf) throw new Error(`Employee document ${document.id} names nothing`);
    const { employee } = document;
    const { companyName } = this.company;
    const email = await this.outbox.queue(tx, {
      kind: OutboundEmailKind.EMPLOYEE_DOCUMENT,
      to: employee.email,
      subject: `${document.title} from ${companyName}`,
      text: [
        `Dear ${employee.name},`,
        '',
        `Please find attached your ${document.title.toLowerCase()}. It is also among your documents in Backdesk.`,
        '',
        'It is confidential: if it reached you in error, please tell us and delete it.',
        '',
        companyName,
      ].join('\n'),
      documentIds: [pdf.id],
    });
    document.sentAt = this.clock.now();
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Employee',
      streamId: employee.id,
      type: 'DOCUMENT_SENT',
      payload: { documentId: document.id, kind: document.kind, emailId: email.id },
      actorId: null,
    });
  }
}
