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
import type { EmployeeService } from './employee.service';
import { Payslip } from './payroll.entity';

/** What a signed link names: only a payslip's link opens a payslip. */
export const payslipResource = (payslipId: number) => `document:payslip:${payslipId}`;

/** The path of a payslip's PDF, without its signature. */
export function payslipPdfPath(payslipId: number): string {
  return `/documents/payslips/${toGlobalId('Payslip', payslipId)}.pdf`;
}

/**
 * Payslip PDFs, rendered once per payslip and kept (documents/). They answer the readers of
 * `Employee.salary`: HR, ADMIN and the employee themself (EmployeeService.mayReadPay); a read of
 * someone else's is recorded like a read of their salary.
 */
export class PayslipDocuments {
  constructor(
    private readonly employees: EmployeeService,
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
      render: () => this.render(payslip),
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
    const subjectId = payslip?.employee.id;
    authorizeDocument(
      this.links,
      payslipResource(request.payslipId),
      request.link,
      viewer,
      (reader) => subjectId === undefined || this.employees.mayReadPay(reader, subjectId),
    );
    if (!payslip) throw new DocumentRefusal('NOT_FOUND', 'No such payslip');
    const linkValid =
      request.link &&
      this.links.check(
        payslipResource(request.payslipId),
        request.link.expires,
        request.link.signature,
      ) === 'valid';
    if (viewer && !linkValid)
      await this.employees.recordPayReads(em, viewer, [payslip.employee.id], 'payslipPdf');
    return this.document(em, payslip);
  }

  /** The signed path of a payslip's PDF (15 minutes); handed only to those who may read it. */
  pdfUrl(payslipId: number): string {
    return `${payslipPdfPath(payslipId)}?${this.links.sign(payslipResource(payslipId))}`;
  }

  private render(payslip: Payslip): Promise<Buffer> {
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
      },
    );
  }
}
