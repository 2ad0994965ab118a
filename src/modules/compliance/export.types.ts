import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CalendarDateScalar } from '../../graphql/scalars';
import { Connection, Node } from '../../graphql/relay';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';
import { EXPORT_KINDS } from '../export-kinds';
import { ExportFormat, ExportStatus } from './export.entity';
import { exportRoles } from './export.service';

/** Who may call `createExport` and `exports`: whoever may export some kind. */
export const EXPORT_ROLES = exportRoles(EXPORT_KINDS);

/** The rule of the export fields, as their descriptions state it. */
export const EXPORT_RULE = `Requires one of: ${[...EXPORT_ROLES, 'ADMIN'].join(', ')}; each kind needs the right to read its list (COMPLIANCE exports every kind).`;

/** The kinds as a GraphQL enum: one value per declaration in modules/export-kinds.ts. */
export const ExportKind: Record<string, string> = Object.fromEntries(
  EXPORT_KINDS.map((definition) => [definition.kind, definition.kind]),
);

registerEnumType(ExportKind, {
  name: 'ExportKind',
  description: 'Which list an export holds.',
  valuesConfig: Object.fromEntries(
    EXPORT_KINDS.map((definition) => [
      definition.kind,
      {
        description: `${definition.description} Requires one of: ${[...new Set([...definition.readers, 'COMPLIANCE', 'ADMIN'])].join(', ')}.`,
      },
    ]),
  ),
});

registerEnumType(ExportFormat, {
  name: 'ExportFormat',
  description: 'How an export writes its rows (UTF-8).',
  valuesConfig: {
    CSV: { description: 'CSV (RFC 4180) with one header line naming the columns.' },
    NDJSON: { description: 'One JSON object per line, keyed by the column names.' },
  },
});

registerEnumType(ExportStatus, {
  name: 'ExportStatus',
  description: 'Where an export is in its job.',
  valuesConfig: {
    PENDING: {
      description: 'Waiting for its job (or for a retry after a failed run: see `error`).',
    },
    RUNNING: { description: 'Its job is writing it.' },
    DONE: { description: 'Written: `downloadUrl`, `rowCount` and `sha256` are set.' },
    FAILED: { description: 'Its job failed for good: `error` says why. Nothing was kept.' },
  },
});

@ObjectType('Export', {
  implements: Node,
  description: `A list written as a file by a job, with a manifest (row count, SHA-256). Its requester, COMPLIANCE and ADMIN read it.`,
})
export class ExportObject extends Node {
  @Field(() => ExportKind, { description: 'Which list it holds.' })
  kind!: string;

  @Field(() => ExportFormat, { description: 'CSV or NDJSON.' })
  format!: ExportFormat;

  @Field(() => ExportStatus, { description: 'Where it is in its job.' })
  status!: ExportStatus;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'First day of the period, inclusive (null: from the start).',
  })
  from!: string | null;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'Last day of the period, inclusive (null: up to when it ran).',
  })
  to!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The part of the list its requester could see, when that is not all of it (`CUSTOMER_QUEUE`: customer tickets only).',
  })
  scope!: string | null;

  @Field(() => [String], {
    description: 'The columns, in order (the CSV header, the NDJSON keys).',
  })
  columns!: string[];

  @Field(() => EmployeeObject, { nullable: true, description: 'Who asked for it.' })
  requestedBy!: unknown;

  @Field(() => Date, { description: 'When it was asked for.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When its last run started.' })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was done, or its last run failed.' })
  finishedAt!: Date | null;

  @Field(() => Int, { description: 'Runs of its job so far.' })
  attempts!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Rows written, once DONE (CSV: not counting the header line).',
  })
  rowCount!: number | null;

  @Field(() => Float, { nullable: true, description: 'Size of the file in bytes, once DONE.' })
  byteCount!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'SHA-256 of the file, lowercase hex, once DONE (also its download ETag).',
  })
  sha256!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why its last run failed (while PENDING for a retry, or FAILED).',
  })
  error!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Where the file downloads, once DONE: a path on this server (`/exports/<ID>.csv` or `.ndjson`), signed for 15 minutes; it also answers the bearer token of anyone who may read the export.',
  })
  downloadUrl!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Where the manifest downloads as JSON, once DONE (`/exports/<ID>/manifest.json`), signed like `downloadUrl`.',
  })
  manifestUrl!: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'The manifest, once DONE: kind, format, filters, columns, rowCount, byteCount, sha256, the file name, createdAt and finishedAt.',
  })
  manifest!: Record<string, unknown> | null;
}

export const ExportConnection = Connection(ExportObject, 'Export', 'export');

@InputType({ description: 'An export to write.' })
export class CreateExportInput {
  @Field(() => ExportKind, { description: 'Which list.' })
  kind!: string;

  @Field(() => ExportFormat, { description: 'CSV or NDJSON.' })
  format!: ExportFormat;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description:
      "First day, inclusive (the list's date: an entry's, an invoice's issue date; a timestamp's UTC day).",
  })
  from?: string | null;

  @Field(() => CalendarDateScalar, { nullable: true, description: 'Last day, inclusive.' })
  to?: string | null;
}

@ObjectType({ description: 'The result of asking for an export.' })
export class CreateExportPayload {
  @Field(() => ExportObject, {
    nullable: true,
    description: 'The export, PENDING until its job runs.',
  })
  export?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was refused (`EXPORT_NOT_ALLOWED`, `INVALID_INPUT`).',
  })
  userErrors!: UserError[];
}
