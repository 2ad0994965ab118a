import PDFDocument from 'pdfkit';

/** A column of a table: money and counts are right-aligned so their digits line up. */
export interface PdfColumn {
  header: string;
  /** Share of the text width (the shares of a table's columns add up to 1). */
  share: number;
  align?: 'left' | 'right';
}

/** What a document says about itself; `date` is its own date, never the time of rendering. */
export interface PdfMeta {
  title: string;
  /** The document's date (an invoice's issue date): its CreationDate, so a re-render is equal. */
  date: Date;
  subject?: string;
  author?: string;
  /** Printed at the foot of every page, beside "Page n of m". */
  footer?: string;
}

const MARGIN = 50;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const MUTED = '#555555';
const RULE = '#bbbbbb';

/**
 * The building blocks documents are drawn with (title, key/value block, table with aligned money
 * columns, paragraphs, footer), on pdfkit with its built-in Helvetica: nothing is embedded and
 * nothing random is written (the file ID is derived from the metadata, whose dates come from
 * `PdfMeta.date`), so the same data renders the same bytes.
 */
export class PdfLayout {
  private constructor(private readonly doc: PDFKit.PDFDocument) {}

  /** Draws a document and answers its bytes. */
  static render(meta: PdfMeta, draw: (layout: PdfLayout) => void): Promise<Buffer> {
    const doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      compress: true,
      info: {
        Title: meta.title,
        Subject: meta.subject ?? meta.title,
        Author: meta.author ?? 'Backdesk',
        Creator: 'Backdesk',
        Producer: 'Backdesk',
        CreationDate: meta.date,
        ModDate: meta.date,
      },
    });
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    try {
      doc.font(FONT).fontSize(10).fillColor('black');
      draw(new PdfLayout(doc));
      new PdfLayout(doc).footers(meta.footer);
      doc.end();
    } catch (error) {
      doc.end();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return done;
  }

  private get width(): number {
    return this.doc.page.width - MARGIN * 2;
  }

  /** The document's title, with a line under it (such as the company and the document's name). */
  title(text: string, subtitle?: string): this {
    this.doc.font(BOLD).fontSize(20).fillColor('black').text(text, MARGIN, this.doc.y);
    if (subtitle) this.doc.font(FONT).fontSize(11).fillColor(MUTED).text(subtitle);
    this.doc.moveDown(0.5);
    this.rule();
    this.doc.font(FONT).fontSize(10).fillColor('black').moveDown(0.5);
    return this;
  }

  /** A small bold heading before a block. */
  heading(text: string): this {
    this.doc.moveDown(0.5).font(BOLD).fontSize(11).fillColor('black').text(text, MARGIN);
    this.doc.font(FONT).fontSize(10).moveDown(0.2);
    return this;
  }

  /** Label and value pairs, labels in a column of their own. */
  keyValues(rows: readonly (readonly [string, string])[]): this {
    const labelWidth = this.width * 0.3;
    for (const [label, value] of rows) {
      this.ensureRoom(14);
      const y = this.doc.y;
      this.doc.font(BOLD).fillColor(MUTED).text(label, MARGIN, y, { width: labelWidth });
      const labelBottom = this.doc.y;
      this.doc
        .font(FONT)
        .fillColor('black')
        .text(value, MARGIN + labelWidth, y, { width: this.width - labelWidth });
      this.doc.y = Math.max(labelBottom, this.doc.y);
    }
    this.doc.moveDown(0.5);
    return this;
  }

  /** Running text. */
  paragraph(text: string): this {
    this.doc.font(FONT).fontSize(10).fillColor('black').text(text, MARGIN, this.doc.y, {
      width: this.width,
    });
    this.doc.moveDown(0.5);
    return this;
  }

  /**
   * A table: a bold header row, then one row per entry; a row that does not fit on the page goes
   * to the next one, under the header again. `totals` are label/value rows under the last
   * column, right-aligned like it.
   */
  table(
    columns: readonly PdfColumn[],
    rows: readonly (readonly string[])[],
    totals: readonly (readonly [string, string])[] = [],
  ): this {
    const widths = columns.map((column) => column.share * this.width);
    const drawRow = (cells: readonly string[], font: string) => {
      this.doc.font(font).fontSize(10).fillColor('black');
      const height = Math.max(
        ...cells.map((cell, index) => this.doc.heightOfString(cell, { width: widths[index] - 6 })),
      );
      this.ensureRoom(height + 6, () => drawHeader());
      const y = this.doc.y;
      let x = MARGIN;
      cells.forEach((cell, index) => {
        this.doc.text(cell, x + 3, y, {
          width: widths[index] - 6,
          align: columns[index].align ?? 'left',
        });
        x += widths[index];
      });
      this.doc.y = y + height + 4;
    };
    const drawHeader = () => {
      drawRow(
        columns.map((column) => column.header),
        BOLD,
      );
      this.rule();
      this.doc.moveDown(0.2);
    };
    drawHeader();
    for (const row of rows) drawRow(row, FONT);
    this.rule();
    this.doc.moveDown(0.3);
    const valueWidth = widths[widths.length - 1];
    const labelWidth = this.width * 0.35;
    for (const [label, value] of totals) {
      this.ensureRoom(14);
      const y = this.doc.y;
      const right = MARGIN + this.width;
      this.doc
        .font(BOLD)
        .text(label, right - valueWidth - labelWidth, y, { width: labelWidth, align: 'right' });
      this.doc
        .font(FONT)
        .text(value, right - valueWidth + 3, y, { width: valueWidth - 6, align: 'right' });
      this.doc.y = y + 14;
    }
    this.doc.moveDown(0.5);
    return this;
  }

  private rule(): void {
    const y = this.doc.y;
    this.doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + this.width, y)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    this.doc.y = y + 2;
  }

  /** Starts a new page when less than `height` is left above the bottom margin. */
  private ensureRoom(height: number, onNewPage?: () => void): void {
    if (this.doc.y + height <= this.doc.page.height - MARGIN - 20) return;
    this.doc.addPage();
    onNewPage?.();
  }

  /** "Page n of m" and the footer text on every page, drawn once every page exists. */
  private footers(text: string | undefined): void {
    const range = this.doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index += 1) {
      this.doc.switchToPage(index);
      const bottom = this.doc.page.margins.bottom;
      // Below the bottom margin: without this pdfkit would start another page.
      this.doc.page.margins.bottom = 0;
      const y = this.doc.page.height - MARGIN + 10;
      const label = `Page ${index - range.start + 1} of ${range.count}`;
      this.doc.font(FONT).fontSize(8).fillColor(MUTED);
      if (text) this.doc.text(text, MARGIN, y, { width: this.width * 0.8, lineBreak: false });
      this.doc.text(label, MARGIN, y, { width: this.width, align: 'right', lineBreak: false });
      this.doc.page.margins.bottom = bottom;
    }
    this.doc.flushPages();
  }
}
