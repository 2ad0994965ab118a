import type { EntityManager } from '@mikro-orm/postgresql';
import { authorizeDocument, type DocumentLink } from '../../documents/document-access';
import { DocumentKind, type StoredDocument } from '../../documents/document.entity';
import { DocumentRefusal, storedDocument } from '../../documents/document-store';
import { PdfLayout, type PdfColumn } from '../../documents/pdf-layout';
import { toGlobalId } from '../../graphql/global-id';
import { Permissions } from '../auth/permissions';
import type { CatalogService } from '../catalog/catalog.service';
import type { Clock } from '../common/clock';
import { formatBookAmount, percentFromBasisPoints } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { SignedLinks } from '../common/signed-links';
import { hasAnyRole, type Viewer } from '../common/viewer';
import type { CompanyDetails } from '../ledger/invoice-document';
import type { ReceivablesService } from '../ledger/receivables.service';
import { PurchaseOrder, PurchaseOrderLine } from './purchase-order.entity';

/** What a signed link names: only a purchase order's link opens that purchase order. */
export const purchaseOrderResource = (purchaseOrderId: number) =>
  `document:purchase-order:${purchaseOrderId}`;

/** The path of a purchase order's PDF, without its signature. */
export function purchaseOrderPdfPath(purchaseOrderId: number): string {
  return `/documents/purchase-orders/${toGlobalId('PurchaseOrder', purchaseOrderId)}.pdf`;
}

/** The columns of a purchase order's lines, as the PDF prints them. */
export const PURCHASE_ORDER_LINE_COLUMNS: PdfColumn[] = [
  { header: 'SKU', share: 0.16 },
  { header: 'Product', share: 0.3 },
  { header: 'Qty', share: 0.08, align: 'right' },
  { header: 'Unit cost', share: 0.16, align: 'right' },
  { header: 'Amount', share: 0.16, align: 'right' },
  { header: 'Expected', share: 0.14, align: 'right' },
];

/** Whether an order has a PDF: once approved (a draft's lines may still change). */
export function hasDocument(purchaseOrder: Pick<PurchaseOrder, 'approvedAt'>): boolean {
  return purchaseOrder.approvedAt !== null;
}

/**
 * Purchase order PDFs: rendered once per order, when it is first mailed or downloaded after its
 * approval, from the order, its lines, their products (through the catalog) and its vendor
 * (through the ledger's vendors), then kept (documents/). What an approved order says never
 * changes afterwards (lines, prices, dates and tolerances are fixed at approval), so every
 * download and every email carries the same bytes. A draft has no PDF.
 */
export class PurchaseOrderDocuments {
  constructor(
    private readonly receivables: ReceivablesService,
    private readonly catalog: CatalogService,
    private readonly company: CompanyDetails,
    private readonly links: SignedLinks,
    private readonly clock: Clock,
  ) {}

  /** The order's stored PDF, rendered and kept the first time it is asked for (approved orders). */
  document(em: EntityManager, purchaseOrder: PurchaseOrder): Promise<StoredDocument> {
    if (!hasDocument(purchaseOrder))
      throw new Error(`purchase order ${purchaseOrder.id} was never approved: it has no PDF`);
    return storedDocument(em, {
      kind: DocumentKind.PURCHASE_ORDER,
      key: `purchase-order:${purchaseOrder.id}`,
      filename: `purchase-order-${purchaseOrder.number}.pdf`,
      contentType: 'application/pdf',
      render: () => this.render(em, purchaseOrder),
      createdAt: this.clock.now(),
    });
  }

  /** The PDF for a download: with a valid signed link, or for a viewer who reads purchasing. */
  async download(
    { em }: RequestScope,
    viewer: Viewer | undefined,
    request: { purchaseOrderId: number; link?: DocumentLink },
  ): Promise<StoredDocument> {
    authorizeDocument(
      this.links,
      purchaseOrderResource(request.purchaseOrderId),
      request.link,
      viewer,
      (reader) => hasAnyRole(reader, Permissions.purchasing.read),
    );
    const purchaseOrder = await em.findOne(PurchaseOrder, { id: request.purchaseOrderId });
    if (!purchaseOrder) throw new DocumentRefusal('NOT_FOUND', 'No such purchase order');
    if (!hasDocument(purchaseOrder))
      throw new DocumentRefusal(
        'NOT_FOUND',
        `${purchaseOrder.number} is ${purchaseOrder.status}: it has a PDF once approved`,
      );
    return this.document(em, purchaseOrder);
  }

  /** The signed path of an order's PDF (15 minutes); handed only to purchasing's readers. */
  pdfUrl(purchaseOrderId: number): string {
    return `${purchaseOrderPdfPath(purchaseOrderId)}?${this.links.sign(purchaseOrderResource(purchaseOrderId))}`;
  }

  private async render(em: EntityManager, purchaseOrder: PurchaseOrder): Promise<Buffer> {
    const vendor = await this.receivables.findVendor(em, purchaseOrder.vendor.id);
    // The order's vendor cannot be deleted (a restricting foreign key).
    if (!vendor) throw new Error(`purchase order ${purchaseOrder.id} has no vendor`);
    const lines = await em.find(
      PurchaseOrderLine,
      { purchaseOrder: purchaseOrder.id },
      { orderBy: { id: 'asc' } },
    );
    const products = new Map(
      (
        await this.catalog.findProducts(
          em,
          lines.map((line) => line.product.id),
        )
      ).map((product) => [product.id, product]),
    );
    const approvedAt = purchaseOrder.approvedAt ?? purchaseOrder.createdAt;
    const orderDate = approvedAt.toISOString().slice(0, 10);
    const { companyName, companyAddress } = this.company;
    return PdfLayout.render(
      {
        title: `Purchase order ${purchaseOrder.number}`,
        subject: `Purchase order ${purchaseOrder.number} to ${vendor.name}`,
        author: companyName,
        date: approvedAt,
        footer: `${companyName} - Purchase order ${purchaseOrder.number}`,
      },
      (pdf) => {
        pdf.title(companyName, companyAddress);
        pdf.heading(`Purchase order ${purchaseOrder.number}`);
        pdf.keyValues([
          ['Order number', purchaseOrder.number],
          ['Order date', orderDate],
          ...(purchaseOrder.expectedDate
            ? [['Expected by', purchaseOrder.expectedDate] as const]
            : []),
        ]);
        pdf.heading('Vendor');
        pdf.keyValues([
          ['Vendor', vendor.name],
          ...(vendor.email ? [['Email', vendor.email] as const] : []),
          ['Payment terms', `${vendor.paymentTermsDays} days from the bill date`],
        ]);
        pdf.table(
          PURCHASE_ORDER_LINE_COLUMNS,
          lines.map((line) => {
            const product = products.get(line.product.id);
            return [
              product?.sku ?? '',
              product?.name ?? '',
              String(line.quantity),
              formatBookAmount(line.unitCostMinor),
              formatBookAmount(BigInt(line.quantity) * line.unitCostMinor),
              line.expectedDate ?? purchaseOrder.expectedDate ?? '',
            ];
          }),
          [['Total', formatBookAmount(purchaseOrder.totalMinor)]],
        );
        if (purchaseOrder.note) {
          pdf.heading('Note');
          pdf.paragraph(purchaseOrder.note);
        }
        pdf.heading('Tolerances');
        pdf.paragraph(
          `Deliveries are accepted up to ${percentFromBasisPoints(purchaseOrder.receiptToleranceBasisPoints)}% over the quantity ordered on each line.`,
        );
        pdf.paragraph(
          `Billed prices are accepted within ${percentFromBasisPoints(purchaseOrder.priceToleranceBasisPoints)}% or ${formatBookAmount(purchaseOrder.priceToleranceAmountMinor)} per line, whichever is greater, of the prices above.`,
        );
        pdf.paragraph(`Please quote ${purchaseOrder.number} on your delivery note and bill.`);
      },
    );
  }
}
