import type { EntityManager } from '@mikro-orm/postgresql';
import { authorizeDocument, type DocumentLink } from '../../documents/document-access';
import { DocumentKind, type StoredDocument } from '../../documents/document.entity';
import { DocumentRefusal, storedDocument } from '../../documents/document-store';
import { PdfLayout, type PdfColumn } from '../../documents/pdf-layout';
import { toGlobalId } from '../../graphql/global-id';
import { Permissions } from '../auth/permissions';
import type { Clock } from '../common/clock';
import { formatBookAmount, formatMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { SignedLinks } from '../common/signed-links';
import { hasAnyRole, type Viewer } from '../common/viewer';
import type { CustomerService } from '../customers/customer.service';
import type { CompanyDetails } from '../ledger/invoice-document';
import { DunningNotice, DunningNoticeLine } from './collections.entity';

/** What a signed link names: only a notice's link opens that notice. */
export const noticeResource = (noticeId: number) => `document:dunning-notice:${noticeId}`;

/** The path of a notice's PDF, without its signature. */
export function noticePdfPath(noticeId: number): string {
  return `/documents/dunning-notices/${toGlobalId('DunningNotice', noticeId)}.pdf`;
}

const COLUMNS: PdfColumn[] = [
  { header: 'Invoice', share: 0.2 },
  { header: 'Due date', share: 0.16 },
  { header: 'Days overdue', share: 0.14, align: 'right' },
  { header: 'Amount open', share: 0.18, align: 'right' },
  { header: 'Fee', share: 0.14, align: 'right' },
  { header: 'Interest', share: 0.18, align: 'right' },
];

/** Basis points as a percentage with two decimals (800 → "8.00%"). */
const percent = (basisPoints: number) => `${formatMinorUnits(BigInt(basisPoints))}%`;
const dateOf = (day: string) => new Date(`${day}T00:00:00.000Z`);

/**
 * Dunning notice letters: rendered once per notice from what the notice recorded (its lines,
 * fee, interest and the computation of each interest amount, the letter text of its level) and
 * kept (documents/), so every download and the email carry the same bytes.
 */
export class DunningNoticeDocuments {
  constructor(
    private readonly customers: CustomerService,
    private readonly company: CompanyDetails,
    private readonly links: SignedLinks,
    private readonly clock: Clock,
  ) {}

  /** The notice's stored PDF, rendered and kept the first time it is asked for. */
  document(em: EntityManager, notice: DunningNotice): Promise<StoredDocument> {
    return storedDocument(em, {
      kind: DocumentKind.DUNNING_NOTICE,
      key: `dunning-notice:${notice.id}`,
      filename: `dunning-notice-${notice.id}.pdf`,
      contentType: 'application/pdf',
      render: () => this.render(em, notice),
      createdAt: this.clock.now(),
    });
  }

  /** The PDF for a download: with a valid signed link, or for a viewer who reads collections. */
  async download(
    { em }: RequestScope,
    viewer: Viewer | undefined,
    request: { noticeId: number; link?: DocumentLink },
  ): Promise<StoredDocument> {
    authorizeDocument(
      this.links,
      noticeResource(request.noticeId),
      request.link,
      viewer,
      (reader) => hasAnyRole(reader, Permissions.collections.read),
    );
    const notice = await em.findOne(DunningNotice, { id: request.noticeId });
    if (!notice) throw new DocumentRefusal('NOT_FOUND', 'No such dunning notice');
    return this.document(em, notice);
  }

  /** The signed path of a notice's PDF (15 minutes); handed only to those who read collections. */
  pdfUrl(noticeId: number): string {
    return `${noticePdfPath(noticeId)}?${this.links.sign(noticeResource(noticeId))}`;
  }

  private async render(em: EntityManager, notice: DunningNotice): Promise<Buffer> {
    const customer = await this.customers.requireExisting(em, notice.customer.id, []);
    const lines = await em.find(
      DunningNoticeLine,
      { notice: notice.id },
      { populate: ['invoice'], orderBy: { invoice: { id: 'asc' } } },
    );
    const { companyName, companyAddress, paymentTerms, bankDetails } = this.company;
    const openMinor = lines.reduce((sum, line) => sum + line.openMinor, 0n);
    const chargesMinor = notice.feeMinor + notice.interestMinor;
    const { chargeInvoice: charge } = await em.populate(notice, ['chargeInvoice']);
    const title = `Payment reminder (level ${notice.level})`;
    return PdfLayout.render(
      {
        title,
        subject: `${title} for ${customer.name}`,
        author: companyName,
        date: dateOf(notice.asOf),
        footer: `${companyName} - ${title} of ${notice.asOf}`,
      },
      (pdf) => {
        pdf.title(companyName, companyAddress);
        pdf.heading(title);
        pdf.keyValues([
          ['Date', notice.asOf],
          ['Customer', customer.name],
          ...(customer.company ? [['Company', customer.company] as const] : []),
          ['Email', customer.email],
        ]);
        pdf.paragraph(notice.letterText);
        pdf.table(
          COLUMNS,
          lines.map((line) => [
            line.invoice.number,
            line.invoice.dueDate,
            String(line.daysOverdue),
            formatBookAmount(line.openMinor),
            formatBookAmount(line.feeMinor),
            formatBookAmount(line.interestMinor),
          ]),
          [
            ['Amount open', formatBookAmount(openMinor)],
            ['Fee', formatBookAmount(notice.feeMinor)],
            ['Interest', formatBookAmount(notice.interestMinor)],
            ['Total due', formatBookAmount(openMinor + chargesMinor)],
          ],
        );
        const computed = lines.filter((line) => line.segments.length > 0);
        if (computed.length > 0) {
          pdf.heading('How the interest is computed');
          pdf.paragraph(
            'Interest = amount open x yearly rate x days / 365 for each period between payments, summed per invoice and rounded to the cent.',
          );
          for (const line of computed) {
            const parts = line.segments.map(
              (segment) =>
                `${formatBookAmount(BigInt(segment.outstandingMinor))} x ${percent(line.interestBasisPoints)} x ${segment.days} / 365 (${segment.from} to ${segment.to})`,
            );
            pdf.paragraph(
              `${line.invoice.number}: ${parts.join(' + ')} = ${formatBookAmount(line.interestMinor)}`,
            );
          }
        }
        if (charge)
          pdf.paragraph(
            `The fee and interest (${formatBookAmount(chargesMinor)}) are billed on invoice ${charge.number}, due ${charge.dueDate}.`,
          );
        pdf.heading('How to pay');
        pdf.paragraph(paymentTerms);
        pdf.paragraph(bankDetails);
      },
    );
  }
}
