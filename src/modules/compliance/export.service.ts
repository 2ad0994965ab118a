import { createHash } from 'node:crypto';
import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { copyOut } from '../../db/copy-out';
import { runSql } from '../../db/sql';
import { inTransaction } from '../../db/transaction';
import { AuditKind, AuditResult, recordAudit, type AuditActor } from '../../events/audit-trail';
import { recordEvent } from '../../events/event-log';
import { toGlobalId } from '../../graphql/global-id';
import type { JobDefinition, JobRun, JobQueue } from '../../jobs/job-queue';
import { Permissions } from '../auth/permissions';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import {
  periodCondition,
  type ExportDefinition,
  type ExportFilters,
} from '../common/export-definition';
import type { Role } from '../common/role';
import type { RequestScope } from '../common/scope';
import { refusalWithoutViewer, type SignedLinks } from '../common/signed-links';
import { hasAnyRole, type Viewer } from '../common/viewer';
import { DataExport, ExportFormat, ExportStatus } from './export.entity';

/** The job that writes one export, enqueued in the transaction that asked for it. */
export const EXPORT_JOB = 'compliance.export';

/** The size of a stored chunk of an export's file (the last one is smaller). */
export const EXPORT_CHUNK_BYTES = 1024 * 1024;

/** The longest error message kept on an export. */
const MAX_ERROR_LENGTH = 2000;

export interface ExportJob {
  exportId: number;
}

/** What each format's file is called and served as. */
export const EXPORT_FILE_TYPES: Record<ExportFormat, { extension: string; contentType: string }> = {
  CSV: { extension: 'csv', contentType: 'text/csv; charset=utf-8; header=present' },
  NDJSON: { extension: 'ndjson', contentType: 'application/x-ndjson; charset=utf-8' },
};

/** Who sees and downloads every export, not only their own: auditors (and ADMIN). */
const SEE_ALL: readonly Role[] = Permissions.compliance.exports;

/** Why a download is refused; the HTTP endpoint answers each with its status. */
export type ExportRefusalReason = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'NOT_READY';

export class ExportRefusal extends Error {
  constructor(
    readonly reason: ExportRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'ExportRefusal';
  }
}

/** `expires` and `signature` from a download link's query. */
export interface ExportLink {
  expires: string;
  signature: string;
}

/** The signed resource name of an export (its file and its manifest). */
function resourceOf(exportId: number): string {
  return `export:${exportId}`;
}

/** The path of an export's file: `/exports/<Export ID>.csv` or `.ndjson`. */
export function exportFilePath(row: Pick<DataExport, 'id' | 'format'>): string {
  return `/exports/${toGlobalId('Export', row.id)}.${EXPORT_FILE_TYPES[row.format].extension}`;
}

/** The path of an export's manifest: `/exports/<Export ID>/manifest.json`. */
export function exportManifestPath(row: Pick<DataExport, 'id'>): string {
  return `/exports/${toGlobalId('Export', row.id)}/manifest.json`;
}

/** The union of the roles that may export some kind: who may call `createExport` and `exports`. */
export function exportRoles(definitions: readonly ExportDefinition[]): Role[] {
  return [...new Set([...definitions.flatMap((definition) => definition.readers), ...SEE_ALL])];
}

/**
 * The statement an export runs: `COPY (SELECT …) TO STDOUT`. CSV is PostgreSQL's, with one
 * header line. NDJSON is `row_to_json` of each row of the same SELECT (compact, its keys in
 * column order; the subquery's order is kept, nothing above it sorts), copied as CSV whose quote
 * and delimiter are control characters that JSON text never holds unescaped: so PostgreSQL
 * writes each object exactly as it is, one per line, with nothing to undo (text format would
 * double every backslash). `json_build_object` wrote a third more bytes (`"key" : value`).
 */
export function exportCopySql(
  definition: ExportDefinition,
  filters: ExportFilters,
  format: ExportFormat,
): string {
  const conditions = [periodCondition(definition.period, filters)];
  if (definition.where) conditions.push(definition.where);
  if (filters.scope) {
    const scope = definition.scopes?.[filters.scope];
    if (!scope) throw new Error(`${definition.kind} has no scope ${filters.scope}`);
    conditions.push(scope.where);
  }
  const columns = definition.columns.map((column) => `${column.sql} AS ${column.name}`);
  const select = `SELECT ${columns.join(', ')} FROM ${definition.from} WHERE ${conditions.map((c) => `(${c})`).join(' AND ')} ORDER BY ${definition.orderBy}`;
  return format === ExportFormat.CSV
    ? `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`
    : `COPY (SELECT row_to_json(exported) FROM (${select}) AS exported) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`;
}

/**
 * Exports: any list a module declares (modules/export-kinds.ts) written as CSV or NDJSON by a
 * job that streams PostgreSQL's COPY through a SHA-256 hash into `data_export_chunk`, and served
 * from there to those who may read it. Never a whole file in memory, never on local disk.
 */
export class ExportService {
  private readonly definitions: ReadonlyMap<string, ExportDefinition>;

  constructor(
    definitions: readonly ExportDefinition[],
    private readonly jobs: JobQueue,
    private readonly links: SignedLinks,
    private readonly clock: Clock,
  ) {
    this.definitions = new Map(definitions.map((definition) => [definition.kind, definition]));
  }

  /** The declaration of a kind (throws on an unknown one: the GraphQL enum lets none through). */
  definition(kind: string): ExportDefinition {
    const definition = this.definitions.get(kind);
    if (!definition) throw new Error(`no export kind ${kind}`);
    return definition;
  }

  /** Whether the viewer may export the kind: they read the list, or they are an auditor. */
  mayExport(viewer: Viewer, kind: string): boolean {
    const definition = this.definitions.get(kind);
    return definition !== undefined && hasAnyRole(viewer, [...definition.readers, ...SEE_ALL]);
  }

  /**
   * Whether the viewer may read an export (see it, download it): auditors and ADMIN any, its
   * requester theirs while they may still export its kind.
   */
  mayRead(viewer: Viewer, row: { kind: string; requestedBy: { id: number } }): boolean {
    if (hasAnyRole(viewer, SEE_ALL)) return true;
    return row.requestedBy.id === viewer.employeeId && this.mayExport(viewer, row.kind);
  }

  /** The exports a viewer lists: their own, or every one for auditors and ADMIN. */
  visibleTo(viewer: Viewer): FilterQuery<DataExport> {
    return hasAnyRole(viewer, SEE_ALL) ? {} : { requestedBy: viewer.employeeId };
  }

  async create(
    { em }: RequestScope,
    viewer: Viewer,
    input: { kind: string; format: ExportFormat; from?: string | null; to?: string | null },
  ): Promise<{ export: DataExport }> {
    const definition = this.definition(input.kind);
    if (!this.mayExport(viewer, input.kind))
      refuse(UserErrorCode.EXPORT_NOT_ALLOWED, `You may not read the list ${input.kind} exports`, [
        'input',
        'kind',
      ]);
    const from = input.from ?? null;
    const to = input.to ?? null;
    if (from !== null && to !== null && from > to)
      refuse(UserErrorCode.INVALID_INPUT, 'The period ends before it starts', ['input', 'to']);
    return inTransaction(em, async (tx) => {
      const row = tx.create(DataExport, {
        kind: definition.kind,
        format: input.format,
        periodFrom: from,
        periodTo: to,
        scope: definition.scopeOf?.(viewer) ?? null,
        columns: definition.columns.map((column) => column.name),
        requestedBy: viewer.employeeId,
        createdAt: this.clock.now(),
      });
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'Export',
        streamId: row.id,
        type: 'REQUESTED',
        payload: { kind: row.kind, format: row.format },
        actorId: viewer.employeeId,
      });
      await this.jobs.enqueue<ExportJob>(tx, EXPORT_JOB, { exportId: row.id });
      return { export: row };
    });
  }

  /** The signed path of a DONE export's file (15 minutes), for those who may read it. */
  downloadUrl(row: Pick<DataExport, 'id' | 'format'>): string {
    return `${exportFilePath(row)}?${this.links.sign(resourceOf(row.id))}`;
  }

  /** The signed path of a DONE export's manifest (15 minutes). */
  manifestUrl(row: Pick<DataExport, 'id'>): string {
    return `${exportManifestPath(row)}?${this.links.sign(resourceOf(row.id))}`;
  }

  /** What a DONE export holds and how to check it: its manifest (null before it is DONE). */
  manifest(row: DataExport): Record<string, unknown> | null {
    if (row.status !== ExportStatus.DONE) return null;
    const filters: ExportFilters = { from: row.periodFrom, to: row.periodTo, scope: row.scope };
    const scope = row.scope ? this.definitions.get(row.kind)?.scopes?.[row.scope] : undefined;
    const fileType = EXPORT_FILE_TYPES[row.format];
    return {
      id: toGlobalId('Export', row.id),
      kind: row.kind,
      format: row.format,
      filters: { ...filters, scopeDescription: scope?.description ?? null },
      columns: row.columns,
      header: row.format === ExportFormat.CSV,
      rowCount: row.rowCount,
      byteCount: row.byteCount,
      sha256: row.sha256,
      file: exportFilePath(row).split('/').pop(),
      contentType: fileType.contentType,
      requestedBy: toGlobalId('Employee', row.requestedBy.id),
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }

  /**
   * Authorizes a download of an export's file or manifest and records it in the audit trail
   * (READ `download:Export`, OK or refused). A valid signed link opens it for whoever holds it;
   * otherwise the bearer token's viewer must be one who may read it. No viewer and no valid link
   * is UNAUTHENTICATED (FORBIDDEN for an expired or altered link); an export the viewer may not
   * read is FORBIDDEN; one that is not there, NOT_FOUND; one not DONE yet, NOT_READY.
   */
  async authorizeDownload(
    { em }: RequestScope,
    request: {
      exportId: number;
      viewer: Viewer | undefined;
      link: ExportLink | undefined;
      actor: Pick<AuditActor, 'ip' | 'requestId'>;
      /** The manifest, or the file under the extension the path gave (`csv`, `ndjson`). */
      what: 'file' | 'manifest';
      extension?: string;
    },
  ): Promise<DataExport> {
    const { exportId, viewer, link } = request;
    const check = link && this.links.check(resourceOf(exportId), link.expires, link.signature);
    const audit = (result: AuditResult) =>
      recordAudit(em, {
        kind: AuditKind.READ,
        action: 'download:Export',
        result,
        actorId: viewer?.employeeId ?? null,
        apiTokenId: viewer?.apiTokenId ?? null,
        target: toGlobalId('Export', exportId),
        detail: { what: request.what, via: check === 'valid' ? 'signedLink' : 'token' },
        ip: request.actor.ip,
        requestId: request.actor.requestId,
      });
    if (check !== 'valid' && !viewer) {
      const { reason, message } = refusalWithoutViewer(check);
      await audit(reason === 'FORBIDDEN' ? AuditResult.FORBIDDEN : AuditResult.UNAUTHENTICATED);
      throw new ExportRefusal(reason, message);
    }
    const row = await em.findOne(DataExport, { id: exportId }, { refresh: true });
    if (!row) throw new ExportRefusal('NOT_FOUND', 'No such export');
    if (check !== 'valid' && viewer && !this.mayRead(viewer, row)) {
      await audit(AuditResult.FORBIDDEN);
      throw new ExportRefusal('FORBIDDEN', 'You may not read this export');
    }
    const { extension } = EXPORT_FILE_TYPES[row.format];
    if (request.what === 'file' && request.extension !== extension)
      throw new ExportRefusal(
        'NOT_FOUND',
        `This export is ${row.format}: its file ends in .${extension}`,
      );
    if (row.status !== ExportStatus.DONE)
      throw new ExportRefusal('NOT_READY', `The export is ${row.status.toLowerCase()}, not done`);
    await audit(AuditResult.OK);
    return row;
  }

  /** A DONE export's file, chunk by chunk from the database: never whole in memory. */
  async *fileChunks({ em }: RequestScope, row: DataExport): AsyncGenerator<Buffer> {
    for (let n = 0; n < (row.chunkCount ?? 0); n += 1) {
      const [chunk] = await runSql<{ bytes: Buffer }>(
        em,
        'SELECT bytes FROM data_export_chunk WHERE export_id = ? AND n = ?',
        [row.id, n],
      );
      if (!chunk) throw new Error(`export ${row.id} lacks its chunk ${n}`);
      yield chunk.bytes;
    }
  }

  /**
   * The export job. Idempotent: a DONE export is left alone; otherwise the run marks it RUNNING,
   * then, in one transaction holding its row, deletes whatever an earlier run left, writes the
   * file's chunks as COPY streams them and marks it DONE. A run that fails rolls all of its
   * chunks back: the export goes back to PENDING with the error while retries remain, and is
   * FAILED with it after the last. Two runs at once (an expired one still going) queue on the
   * row, and the second finds it DONE.
   */
  exportJob(orm: MikroORM, databaseUrl: string): JobDefinition<ExportJob> {
    return {
      name: EXPORT_JOB,
      retryLimit: 2,
      retryDelaySeconds: 2,
      expireInSeconds: 3600,
      concurrency: 2,
      handle: (data, run) => this.run(orm.em.fork(), databaseUrl, data.exportId, run),
    };
  }

  private async run(
    em: EntityManager,
    databaseUrl: string,
    exportId: number,
    run: JobRun,
  ): Promise<void> {
    const started = await inTransaction(em, async (tx) => {
      const row = await tx.findOne(
        DataExport,
        { id: exportId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!row || row.status === ExportStatus.DONE) return false;
      row.status = ExportStatus.RUNNING;
      row.attempts += 1;
      row.startedAt = this.clock.now();
      row.finishedAt = null;
      row.error = null;
      return true;
    });
    if (!started) return;
    try {
      await inTransaction(em, async (tx) => {
        const row = await tx.findOne(
          DataExport,
          { id: exportId },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        if (!row || row.status === ExportStatus.DONE) return;
        await runSql(tx, 'DELETE FROM data_export_chunk WHERE export_id = ?', [exportId]);
        const copySql = exportCopySql(
          this.definition(row.kind),
          { from: row.periodFrom, to: row.periodTo, scope: row.scope },
          row.format,
        );
        const file = await writeChunks(tx, databaseUrl, copySql, exportId);
        Object.assign(row, file, { status: ExportStatus.DONE, finishedAt: this.clock.now() });
      });
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(
        0,
        MAX_ERROR_LENGTH,
      );
      await inTransaction(em, async (tx) => {
        const row = await tx.findOne(
          DataExport,
          { id: exportId },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        if (!row || row.status === ExportStatus.DONE) return;
        row.status = run.lastAttempt ? ExportStatus.FAILED : ExportStatus.PENDING;
        row.error = message;
        row.finishedAt = this.clock.now();
      });
      throw error;
    }
  }
}

/**
 * Streams COPY's output into chunks of EXPORT_CHUNK_BYTES in the transaction, hashing as it
 * goes. One chunk is written while the next fills, so reading and writing overlap; at most two
 * chunks and COPY's buffer are in memory.
 */
async function writeChunks(
  tx: EntityManager,
  databaseUrl: string,
  copySql: string,
  exportId: number,
): Promise<{ rowCount: number; byteCount: number; chunkCount: number; sha256: string }> {
  const hash = createHash('sha256');
  let byteCount = 0;
  let chunkCount = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const write = async (chunk: Buffer) => {
    await writing;
    const n = chunkCount;
    chunkCount += 1;
    writing = runSql(tx, 'INSERT INTO data_export_chunk (export_id, n, bytes) VALUES (?, ?, ?)', [
      exportId,
      n,
      chunk,
    ]);
    // Awaited before the next write and at the end; until then a failure must not go unhandled.
    writing.catch(() => undefined);
  };
  const rowCount = await copyOut(databaseUrl, copySql, async (output) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const data of output) {
      hash.update(data);
      byteCount += data.length;
      pending.push(data);
      pendingBytes += data.length;
      if (pendingBytes < EXPORT_CHUNK_BYTES) continue;
      let joined = Buffer.concat(pending, pendingBytes);
      while (joined.length >= EXPORT_CHUNK_BYTES) {
        await write(joined.subarray(0, EXPORT_CHUNK_BYTES));
        joined = joined.subarray(EXPORT_CHUNK_BYTES);
      }
      pending = joined.length > 0 ? [joined] : [];
      pendingBytes = joined.length;
    }
    if (pendingBytes > 0) await write(Buffer.concat(pending, pendingBytes));
    await writing;
  });
  return { rowCount, byteCount, chunkCount, sha256: hash.digest('hex') };
}
