import type { EntityManager } from '@mikro-orm/postgresql';
import { authorizeDocument, type DocumentLink } from '../../documents/document-access';
import { DocumentKind, type StoredDocument } from '../../documents/document.entity';
import { DocumentRefusal, storedDocument } from '../../documents/document-store';
import { PdfLayout } from '../../documents/pdf-layout';
import { toGlobalId } from '../../graphql/global-id';
import type { Clock } from '../common/clock';
import { formatBookAmount } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { SignedLinks } from '../common/signed-links';
import type { Viewer } from '../common/viewer';
import type { CompanyDetails } from '../ledger/invoice-document';
import { mayReadPay, type EmployeeService } from './employee.service';
import type { EmployeeDocumentsService, PayTotals } from './employee-documents.service';
import { Payslip } from './payroll.entity';

/** What a signed link names: only a payslip's link opens a payslip. */
export const payslipResource = (payslipId: number) => `document:payslip:${payslipId}`;

/** The path of a payslip's PDF, without its signature. */
export function payslipPdfPath(payslipId: number): string {
  return `/documents/payslips/${toGlobalId('Payslip', payslipId)}.pdf`;
}

/**
 * Who may download a document about someone's pay: a holder of a valid signed link, or a viewer
 * who may read that employee's pay (EmployeeService.mayReadPay). A viewer's read of someone
 * else's is recorded like a read of their salary. `subjectId` is undefined when the object does
 * not exist (the caller answers NOT_FOUND after this check, so existence is not disclosed).
 */
export async function authorizePayDocument(
  em: EntityManager,
  employees: EmployeeService,
  links: SignedLinks,
  request: {
    resource: string;
    link: DocumentLink | undefined;
    viewer: Viewer | undefined;
    subjectId: number | undefined;
    field: string;
  },
): Promise<void> {
  const { resource, link, viewer, subjectId } = request;
  authorizeDocument(
    links,
    resource,
    link,
    viewer,
    (reader) => subjectId === undefined || mayReadPay(reader, subjectId),
  );
  const linkValid = link && links.check(resource, link.expires, link.signature) === 'valid';
  if (viewer && !linkValid && subjectId !== undefined)
    await employees.recordPayReads(em, viewer, [subjectId], request.field);
}

/**
 * Payslip PDFs, rendered once per payslip and kept (documents/). They answer the readers of
 * `Employee.salary`: HR, ADMIN and the employee themself (EmployeeService.mayReadPay); a read of
 * someone else's is recorded like a read of their salary.
 */
export class PayslipDocuments {
  constructor(
    private readonly employees: EmployeeService,
    private readonly payTotals: EmployeeDocumentsService,
    private readonly company: Pick<CompanyDetails, 'companyName' | 'companyAddress'>,
    private readonly links: SignedLinks,
    private readonly clock: Clock,
  ) {}

  /** The payslip's stored PDF, rendered and kept the first time it is asked for. */
  async document(em: EntityManager, payslip: Payslip): Promise<StoredDocument> {
    await em.populate(payslip, ['run', 'employee']);
    return storedDocument(em, {
      kind: DocumentKind.PAYSLIP,
      key: `payslip:${payslip.id}`,
      filename: `payslip-${payslip.run.periodEnd}-${payslip.employee.number}.pdf`,
      contentType: 'application/pdf',
      render: async () => {
        const yearToDate = (await this.payTotals.yearToDate(em, [payslip.id])).get(payslip.id);
        if (!yearToDate) throw new Error(`Payslip ${payslip.id} has no year to date`);
        return this.render(payslip, yearToDate);
      },
      createdAt: this.clock.now(),
    });
  }

  /** The PDF for a download: with a valid signed link, or for a viewer who may read that pay. */
  async download(
    { em }: RequestScope,
    viewer: Viewer | undefined,
    request: { payslipId: number; link?: DocumentLink },
  ): Promise<StoredDocument> {
    const payslip = await em.findOne(
      Payslip,
      { id: request.payslipId },
      { populate: ['run', 'employee'] },
    );
    await authorizePayDocument(em, this.employees, this.links, {
      resource: payslipResource(request.payslipId),
      link: request.link,
      viewer,
      subjectId: payslip?.employee.id,
      field: 'payslipPdf',
    });
    if (!payslip) throw new DocumentRefusal('NOT_FOUND', 'No such payslip');
    return this.document(em, payslip);
  }

  /** The signed path of a payslip's PDF (15 minutes); handed only to those who may read it. */
  pdfUrl(payslipId: number): string {
    return `${payslipPdfPath(payslipId)}?${this.links.sign(payslipResource(payslipId))}`;
  }

  private render(payslip: Payslip, yearToDate: PayTotals): Promise<Buffer> {
    const { run, employee } = payslip;
    const period = `${run.periodStart} to ${run.periodEnd}`;
    return PdfLayout.render(
      {
        title: `Payslip ${period}`,
        subject: `Payslip of ${employee.name} for ${period}`,
        author: this.company.companyName,
        date: new Date(`${run.periodEnd}T00:00:00.000Z`),
        footer: `${this.company.companyName} - Payslip - Confidential`,
      },
      (pdf) => {
        pdf.title(this.company.companyName, this.company.companyAddress);
        pdf.heading('Payslip');
        pdf.keyValues([
          ['Employee', employee.name],
          ['Employee number', employee.number],
          ['Email', employee.email],
          ['Period', period],
          ['Days worked', String(payslip.daysWorked)],
          ['Payroll run', `Run ${run.id} of ${run.createdAt.toISOString().slice(0, 10)}`],
        ]);
        pdf.table(
          [
            { header: 'Item', share: 0.6 },
            { header: 'Amount', share: 0.4, align: 'right' },
          ],
          [
            ['Gross pay', formatBookAmount(payslip.grossMinor)],
            ['Withholding', `-${formatBookAmount(payslip.withholdingMinor)}`],
          ],
          [['Net pay', formatBookAmount(payslip.netMinor)]],
        );
        pdf.heading(`Year to date (${run.periodEnd.slice(0, 4)})`);
        pdf.table(
          [
            { header: 'Item', share: 0.6 },
            { header: 'Amount', share: 0.4, align: 'right' },
          ],
          [
            ['Gross pay', formatBookAmount(yearToDate.grossMinor)],
            ['Withholding', `-${formatBookAmount(yearToDate.withholdingMinor)}`],
          ],
          [['Net pay', formatBookAmount(yearToDate.netMinor)]],
        );
      },
    );
  }
}
