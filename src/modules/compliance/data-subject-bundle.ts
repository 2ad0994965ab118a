import { strToU8, zipSync } from 'fflate';
import { PdfLayout } from '../../documents/pdf-layout';
import type {
  PersonalDataRecord,
  PersonalDataSource,
  PersonalValue,
} from '../common/personal-data';

/** What one source found about the subject. */
export interface BundleSection {
  source: Pick<PersonalDataSource, 'name' | 'description' | 'fields'>;
  records: readonly PersonalDataRecord[];
}

/** The request a bundle answers, as the bundle prints it. */
export interface BundleRequest {
  /** The request's global ID. */
  id: string;
  email: string;
  openedAt: Date;
  dueAt: Date;
  /** When the bundle was made: the PDF's date and the ZIP entries' time. */
  madeAt: Date;
  company: string;
}

/** The two files of an ACCESS bundle, in this order. */
export const BUNDLE_FILES = ['data.json', 'summary.pdf'] as const;

/**
 * `data.json`: every source's records, with what each field holds. Stable: the same data gives
 * the same text (sources in registry order, records in each source's order).
 */
export function bundleJson(request: BundleRequest, sections: readonly BundleSection[]): string {
  const document = {
    request: {
      id: request.id,
      kind: 'ACCESS',
      email: request.email,
      openedAt: request.openedAt.toISOString(),
      dueAt: request.dueAt.toISOString(),
    },
    controller: request.company,
    generatedAt: request.madeAt.toISOString(),
    sources: sections.map(({ source, records }) => ({
      name: source.name,
      description: source.description,
      fields: source.fields,
      records: records.map((record) => ({
        table: record.table,
        id: record.id,
        values: record.values,
      })),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** A value as a line of text: lists joined, nested rows as `key: value` pairs. */
function readable(value: PersonalValue): string {
  if (value === null || value === '') return '-';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    return value
      .map((item) =>
        typeof item === 'object' && item !== null ? `- ${readable(item)}` : readable(item),
      )
      .join(value.some((item) => typeof item === 'object' && item !== null) ? '\n' : ', ');
  }
  if (typeof value === 'object')
    return Object.entries(value)
      .filter(([, inner]) => inner !== null)
      .map(([key, inner]) => `${key}: ${readable(inner)}`)
      .join('; ');
  return String(value);
}

/** `summary.pdf`: the request, then per source what it holds and its records as text. */
export function bundlePdf(
  request: BundleRequest,
  sections: readonly BundleSection[],
): Promise<Buffer> {
  const total = sections.reduce((sum, section) => sum + section.records.length, 0);
  return PdfLayout.render(
    {
      title: 'Your personal data',
      subject: `Personal data held about ${request.email}`,
      author: request.company,
      date: request.madeAt,
      footer: `${request.company} - personal data of ${request.email}`,
    },
    (pdf) => {
      pdf.title('Your personal data', request.company);
      pdf.keyValues([
        ['Email address', request.email],
        ['Request', request.id],
        ['Requested on', request.openedAt.toISOString().slice(0, 10)],
        ['Answered on', request.madeAt.toISOString().slice(0, 10)],
        ['Records found', String(total)],
      ]);
      pdf.paragraph(
        'This summary lists everything we hold about you, by where it is kept. data.json, beside it in this archive, holds the same records in a machine-readable form.',
      );
      for (const { source, records } of sections) {
        pdf.heading(`${source.name} (${records.length})`);
        pdf.paragraph(source.description);
        if (records.length === 0) {
          pdf.paragraph('Nothing is held about you here.');
          continue;
        }
        for (const record of records)
          pdf.keyValues([
            ['Record', `${record.table} ${record.id}`],
            ...Object.entries(record.values).map(([key, value]) => [key, readable(value)] as const),
          ]);
      }
    },
  );
}

/** The ZIP of data.json and summary.pdf (deflated; entries dated when the bundle was made). */
export async function buildBundle(
  request: BundleRequest,
  sections: readonly BundleSection[],
): Promise<Buffer> {
  const pdf = await bundlePdf(request, sections);
  const mtime = request.madeAt;
  const zip = zipSync(
    {
      'data.json': [strToU8(bundleJson(request, sections)), { level: 6, mtime }],
      'summary.pdf': [new Uint8Array(pdf), { level: 0, mtime }],
    },
    { mtime },
  );
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}
