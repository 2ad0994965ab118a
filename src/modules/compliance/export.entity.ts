import {
  BigIntType,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { Employee } from '../employees/employee.entity';

/** How an export's rows are written. */
export enum ExportFormat {
  /** RFC 4180 CSV, UTF-8, one header line. */
  CSV = 'CSV',
  /** One JSON object per line. */
  NDJSON = 'NDJSON',
}

/** Where an export is in its job. */
export enum ExportStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}

/**
 * An export: a list (its `kind`, one of modules/export-kinds.ts) written by a job as CSV or
 * NDJSON into `data_export_chunk`, in PostgreSQL, so that any instance serves it. Once DONE it
 * never changes: its chunks hold exactly `byteCount` bytes whose SHA-256 is `sha256`.
 */
@Entity({ tableName: 'data_export' })
@Index({ name: 'data_export_requested_by_idx', properties: ['requestedBy', 'id'] })
export class DataExport {
  [OptionalProps]?:
    | 'status'
    | 'createdAt'
    | 'attempts'
    | 'periodFrom'
    | 'periodTo'
    | 'scope'
    | 'startedAt'
    | 'finishedAt'
    | 'rowCount'
    | 'byteCount'
    | 'chunkCount'
    | 'sha256'
    | 'error';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** The list: an `ExportKind` (modules/export-kinds.ts). */
  @Property({ type: 'text' })
  kind!: string;

  @Enum({ items: () => ExportFormat, type: 'text' })
  format!: ExportFormat;

  /** First day, inclusive (null: from the start). */
  @Property({ type: 'date', nullable: true })
  periodFrom: string | null = null;

  /** Last day, inclusive (null: up to now). */
  @Property({ type: 'date', nullable: true })
  periodTo: string | null = null;

  /** The part of the list the requester could see, when limited (a scope of the kind's). */
  @Property({ type: 'text', nullable: true })
  scope: string | null = null;

  /** The column names, as written (the CSV header, the NDJSON keys). */
  @Property({ type: 'text[]' })
  columns!: string[];

  @Enum({ items: () => ExportStatus, type: 'text', default: ExportStatus.PENDING })
  status: ExportStatus = ExportStatus.PENDING;

  @ManyToOne(() => Employee, { fieldName: 'requested_by_id', deleteRule: 'restrict' })
  requestedBy!: Employee;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** Runs of its job so far. */
  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  /** When the last run started. */
  @Property({ type: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  /** When it was DONE or FAILED (or the last run failed). */
  @Property({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;

  /** Rows written (CSV: not counting the header line). */
  @Property({ type: new BigIntType('number'), nullable: true })
  rowCount: number | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  byteCount: number | null = null;

  /** How many chunks hold the bytes (n = 0 … chunkCount - 1). */
  @Property({ type: 'integer', nullable: true })
  chunkCount: number | null = null;

  /** SHA-256 of the file, lowercase hex. */
  @Property({ type: 'text', nullable: true })
  sha256: string | null = null;

  /** Why the last run failed (no personal data: a database or job error). */
  @Property({ type: 'text', nullable: true })
  error: string | null = null;
}

/**
 * A piece of an export's file, about 1 MiB (`n` from 0): the file is its chunks in `n` order.
 * Written by the export's job in the transaction that marks it DONE, so a file is all there or
 * not at all.
 */
@Entity({ tableName: 'data_export_chunk' })
export class DataExportChunk {
  @ManyToOne(() => DataExport, { primary: true, fieldName: 'export_id', deleteRule: 'cascade' })
  export!: DataExport;

  @PrimaryKey({ type: 'integer' })
  n!: number;

  @Property({ type: 'bytea', lazy: true })
  bytes!: Buffer;
}
