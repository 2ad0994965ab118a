/**
 * PDF rendering: how long `PdfLayout` (src/documents/pdf-layout.ts) takes to draw an invoice of
 * 5, 50 and 500 lines, in this process, with no database (storing is one INSERT).
 *
 *   npm run bench:documents
 *
 * Each size is rendered `BENCH_DOCUMENT_RENDERS` times (200; 20 for 500 lines) after 5 warm-up
 * renders; the table gives the median and p99 per render, the PDF's size, and whether every
 * render of the same data gave the same bytes. Writes bench/results/documents.json.
 */
import os from 'node:os';
import { createHash } from 'node:crypto';
import { PdfLayout } from '../src/documents/pdf-layout';
import { INVOICE_LINE_COLUMNS } from '../src/modules/ledger/invoice-document';
import { percentile, runScript, writeResult } from './lib';

function invoice(lines: number): Promise<Buffer> {
  return PdfLayout.render(
    { title: 'Invoice INV-000042', date: new Date('2026-12-01T00:00:00Z'), footer: 'Acme' },
    (pdf) => {
      pdf.title('Backdesk Demo Ltd', '1 Example Street, 10115 Berlin, Germany');
      pdf.heading('Invoice INV-000042');
      pdf.keyValues([
        ['Invoice number', 'INV-000042'],
        ['Issue date', '2026-12-01'],
        ['Due date', '2026-12-31'],
        ['Order number', 'SO-000042'],
      ]);
      pdf.table(
        INVOICE_LINE_COLUMNS,
        Array.from({ length: lines }, (_, n) => [
          `Product ${n}`,
          `SKU-${n}`,
          String(n + 1),
          '12.50 USD',
          `${(12.5 * (n + 1)).toFixed(2)} USD`,
        ]),
        [['Total', '1234.50 USD']],
      );
      pdf.paragraph('Please pay by bank transfer by the due date, quoting the invoice number.');
    },
  );
}

async function main(): Promise<void> {
  const renders = Number(process.env.BENCH_DOCUMENT_RENDERS ?? 200);
  const rows = [];
  for (const lines of [5, 50, 500]) {
    const count = lines >= 500 ? Math.max(1, Math.floor(renders / 10)) : renders;
    for (let warm = 0; warm < 5; warm += 1) await invoice(lines);
    const times: number[] = [];
    const hashes = new Set<string>();
    let size = 0;
    for (let n = 0; n < count; n += 1) {
      const start = process.hrtime.bigint();
      const pdf = await invoice(lines);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      hashes.add(createHash('sha256').update(pdf).digest('hex'));
      size = pdf.length;
    }
    times.sort((a, b) => a - b);
    rows.push({
      lines,
      renders: count,
      p50Ms: Number(percentile(times, 50).toFixed(2)),
      p99Ms: Number(percentile(times, 99).toFixed(2)),
      bytes: size,
      identical: hashes.size === 1,
    });
  }
  const result = {
    at: new Date().toISOString(),
    node: process.version,
    cores: os.cpus().length,
    load: os.loadavg(),
    rows,
  };
  const file = writeResult('documents', result);
  console.log('| lines | renders | p50 ms | p99 ms | bytes | same bytes every time |');
  console.log('| ----- | ------- | ------ | ------ | ----- | --------------------- |');
  for (const row of rows)
    console.log(
      `| ${row.lines} | ${row.renders} | ${row.p50Ms} | ${row.p99Ms} | ${row.bytes} | ${row.identical ? 'yes' : 'no'} |`,
    );
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; wrote ${file}`,
  );
}

runScript(main);
