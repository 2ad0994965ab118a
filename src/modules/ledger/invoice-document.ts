import type { EntityManager } from '@mikro-orm/postgresql';
import type { DocumentsConfig } from '../../config';
import { authorizeDocument, type DocumentLink } from '../../documents/document-access';
import { DocumentKind, type StoredDocument } from '../../documents/document.entity';
import { DocumentRefusal, storedDocument } from '../../documents/document-store';
import { PdfLayout, type PdfColumn } from '../../documents/pdf-layout';
import { toGlobalId } from '../../graphql/global-id';
import { Permissions } from '../auth/permissions';
import type { Clock } from '../common/clock';
import { formatBookAmount } from '../common/money';
import { creditorReference } from './payment-reference';
import type { RequestScope } from '../common/scope';
import type { SignedLinks } from '../common/signed-links';
import { hasAnyRole, type Viewer } from '../common/viewer';
import type { CustomerService } from '../customers/customer.service';
import type { OrderService } from '../orders/order.service';
import { Invoice } from './receivables.entity';

/** What documents print about the company. */
export type CompanyDetails = Pick<
  DocumentsConfig,
  'companyName' | 'companyAddress' | 'paymentTerms' | 'bankDetails'
>;

/** What a signed link names (see SignedLinks): only an invoice's link opens an invoice. */
export const invoiceResource = (invoiceId: number) => `document:invoice:${invoiceId}`;

/** The path of an invoice's PDF, without its signature. */
export function invoicePdfPath(invoiceId: number): string {
  return `/documents/invoices/${toGlobalId('Invoice', invoiceId)}.pdf`;
}

/** The columns of an invoice's lines, as the PDF prints them. */
export const INVOICE_LINE_COLUMNS: PdfColumn[] = [
  { header: 'Product', share: 0.34 },
  { header: 'SKU', share: 0.18 },
  { header: 'Qty', share: 0.1, align: 'right' },
  { header: 'Unit price', share: 0.19, align: 'right' },
  { header: 'Line total', share: 0.19, align: 'right' },
];

/** A calendar date as the document's own timestamp (midnight UTC): never the time of rendering. */
const dateOf = (day: string) => new Date(`${day}T00:00:00.000Z`);

/**
 * Invoice PDFs: rendered once per invoice from the invoice, its order's lines (through the
 * orders service) and its customer (through the customers service), then kept (documents/).
 * The stored PDF is what every download and email carries: it shows what was paid when it was
 * first rendered; the invoice's live balance is in the API.
 */
export class InvoiceDocuments {
  constructor(
    private readonly customers: CustomerService,
    private readonly orders: OrderService,
    private readonly company: CompanyDetails,
    private readonly links: SignedLinks,
    private readonly clock: Clock,
  ) {}

  /** The invoice's stored PDF, rendered and kept the first time it is asked for. */
  document(em: EntityManager, invoice: Invoice): Promise<StoredDocument> {
    return storedDocument(em, {
      kind: DocumentKind.INVOICE,
      key: `invoice:${invoice.id}`,
      filename: `invoice-${invoice.number}.pdf`,
      contentType: 'application/pdf',
      render: () => this.render(em, invoice),
      createdAt: this.clock.now(),
    });
  }

  /** The PDF for a download: with a valid signed link, or for a viewer who may read invoices. */
  async download(
    { em }: RequestScope,
    viewer: Viewer | undefined,
    request: { invoiceId: number; link?: DocumentLink },
  ): Promise<StoredDocument> {
    authorizeDocument(
      this.links,
      invoiceResource(request.invoiceId),
      request.link,
      viewer,
      (reader) => hasAnyRole(reader, Permissions.receivables.read),
    );
    const invoice = await em.findOne(Invoice, { id: request.invoiceId });
    if (!invoice) throw new DocumentRefusal('NOT_FOUND', 'No such invoice');
    return this.document(em, invoice);
  }

  /** The signed path of an invoice's PDF (15 minutes); handed only to those who read invoices. */
  pdfUrl(invoiceId: number): string {
    return `${invoicePdfPath(invoiceId)}?${this.links.sign(invoiceResource(invoiceId))}`;
  }

  private async render(em: EntityManager, invoice: Invoice): Promise<Buffer> {
    const customer = await this.customers.requireExisting(em, invoice.customer.id, []);
    const order =
      invoice.orderId === null ? null : await this.orders.requireExisting(em, invoice.orderId, []);
    const lines =
      invoice.orderId === null ? [] : await this.orders.printedLines(em, invoice.orderId);
    const { companyName, companyAddress, paymentTerms, bankDetails } = this.company;
    return PdfLayout.render(
      {
        title: `Invoice ${invoice.number}`,
        subject: `Invoice ${invoice.number} for ${customer.name}`,
        author: companyName,
        date: dateOf(invoice.issueDate),
        footer: `${companyName} - Invoice ${invoice.number}`,
      },
      (pdf) => {
        pdf.title(companyName, companyAddress);
        pdf.heading(`Invoice ${invoice.number}`);
        pdf.keyValues([
          ['Invoice number', invoice.number],
          ['Issue date', invoice.issueDate],
          ['Due date', invoice.dueDate],
          ...(order ? [['Order number', order.number] as const] : []),
        ]);
        pdf.heading('Bill to');
        pdf.keyValues([
          ['Customer', customer.name],
          ...(customer.company ? [['Company', customer.company] as const] : []),
          ['Email', customer.email],
        ]);
        pdf.table(
          INVOICE_LINE_COLUMNS,
          lines.map((line) => [
            line.productName,
            line.sku,
            String(line.quantity),
            formatBookAmount(line.unitPriceMinor),
            formatBookAmount(line.totalMinor),
          ]),
          [
            ['Total', formatBookAmount(invoice.totalMinor)],
            ['Amount paid', formatBookAmount(invoice.amountPaidMinor)],
            ['Amount due', formatBookAmount(invoice.totalMinor - invoice.amountPaidMinor)],
          ],
        );
        pdf.heading('How to pay');
        pdf.paragraph(paymentTerms);
        pdf.paragraph(bankDetails);
        pdf.paragraph(`Payment reference: ${creditorReference(invoice.number)}`);
      },
    );
  }
}
