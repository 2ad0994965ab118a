import type { EntityManager } from '@mikro-orm/postgresql';
import type { DocumentLink } from '../../documents/document-access';
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
import { YearEndStatement } from './employee-document.entity';
import type { EmployeeService } from './employee.service';
import { authorizePayDocument } from './payslip-document';

/** What a signed link names: only a statement's link opens that statement. */
export const yearEndStatementResource = (statementId: number) =>
  `document:year-end-statement:${statementId}`;

/** The path of a year-end statement's PDF, without its signature. */
export function yearEndStatementPdfPath(statementId: number): string {
  return `/documents/year-end-statements/${toGlobalId('YearEndStatement', statementId)}.pdf`;
}

/**
 * Year-end pay statement PDFs, one per version, rendered once and kept (documents/). They answer
 * the readers of `Employee.salary`, as payslips do.
 */
export class YearEndStatementDocuments {
  constructor(
    private readonly employees: EmployeeService,
    private readonly company: Pick<CompanyDetails, 'companyName' | 'companyAddress'>,
    private readonly links: SignedLinks,
    private readonly clock: Clock,
  ) {}

  async document(em: EntityManager, statement: YearEndStatement): Promise<StoredDocument> {
    await em.populate(statement, ['employee']);
    return storedDocument(em, {
      kind: DocumentKind.YEAR_END_STATEMENT,
      key: `year-end-statement:${statement.id}`,
      filename: `year-end-statement-${statement.taxYear}-${statement.employee.number}-v${statement.version}.pdf`,
      contentType: 'application/pdf',
      render: () => this.render(statement),
      createdAt: this.clock.now(),
    });
  }

  /** The PDF for a download: with a valid signed link, or for a viewer who may read that pay. */
  async download(
    { em }: RequestScope,
    viewer: Viewer | undefined,
    request: { statementId: number; link?: DocumentLink },
  ): Promise<StoredDocument> {
    const statement = await em.findOne(
      YearEndStatement,
      { id: request.statementId },
      { populate: ['employee'] },
    );
    await authorizePayDocument(em, this.employees, this.links, {
      resource: yearEndStatementResource(request.statementId),
      link: request.link,
      viewer,
      subjectId: statement?.employee.id,
      field: 'yearEndStatementPdf',
    });
    if (!statement) throw new DocumentRefusal('NOT_FOUND', 'No such year-end statement');
    return this.document(em, statement);
  }

  /** The signed path of a statement's PDF (15 minutes); handed only to those who may read it. */
  pdfUrl(statementId: number): string {
    return `${yearEndStatementPdfPath(statementId)}?${this.links.sign(yearEndStatementResource(statementId))}`;
  }

  private render(statement: YearEndStatement): Promise<Buffer> {
    const { employee, taxYear, version } = statement;
    const title = `Year-end pay statement ${taxYear}`;
    return PdfLayout.render(
      {
        title,
        subject: `${title} of ${employee.name}, version ${version}`,
        author: this.company.companyName,
        date: statement.issuedAt,
        footer: `${this.company.companyName} - ${title} - Confidential`,
      },
      (pdf) => {
        pdf.title(this.company.companyName, this.company.companyAddress);
        pdf.heading(statement.final ? title : `${title} (provisional)`);
        pdf.keyValues([
          ['Employee', employee.name],
          ['Employee number', employee.number],
          ['Tax year', String(taxYear)],
          [
            'Version',
            version === 1 ? '1' : `${version} (corrects version ${version - 1}, which it replaces)`,
          ],
          ['Issued', statement.issuedAt.toISOString().slice(0, 10)],
          ['Payslips', String(statement.payslipCount)],
        ]);
        pdf.table(
          [
            { header: 'Item', share: 0.6 },
            { header: 'Amount', share: 0.4, align: 'right' },
          ],
          [
            ['Gross pay', formatBookAmount(statement.grossMinor)],
            ['Tax withheld', `-${formatBookAmount(statement.withholdingMinor)}`],
          ],
          [['Net pay', formatBookAmount(statement.netMinor)]],
        );
        if (!statement.final)
          pdf.paragraph(
            `Provisional: issued before the end of ${taxYear}; payslips of later runs that year are not included.`,
          );
      },
    );
  }
}
