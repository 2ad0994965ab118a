import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { isDatabaseUnavailable, serviceUnavailable } from '../graphql/errors';
import { decodeGlobalId } from '../graphql/global-id';
import type { Logger } from '../logger';
import {
  EXPORT_FILE_TYPES,
  ExportRefusal,
  type ExportLink,
  type ExportRefusalReason,
} from '../modules/compliance/export.service';
import type { Services } from '../modules/services';
import {
  answerRefusal,
  contentDisposition,
  isReadRequest,
  pathOf,
  signedLinkOf,
} from './attachment-http';
import { clientIpOf } from './client-ip';

/**
 * Exports over plain HTTP, streamed out of PostgreSQL chunk by chunk:
 * - `GET /exports/<Export ID>.csv` or `.ndjson`: the file, with an ETag of its sha256;
 * - `GET /exports/<Export ID>/manifest.json`: its manifest;
 * each with `Authorization: Bearer <token>` of someone who may read the export, or the signed
 * query of its `downloadUrl` / `manifestUrl`. Every answered or refused read is in the audit
 * trail (ExportService.authorizeDownload). Refusals are `{ error: { code, message } }`.
 */

const STATUS_OF: Record<ExportRefusalReason, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  NOT_READY: 409,
};

/** `/exports/` and everything under it. */
export function isExportRequest(req: IncomingMessage): boolean {
  return pathOf(req).startsWith('/exports/');
}

/** The export and what of it a path names, or undefined. */
function targetOf(
  path: string,
):
  | { exportId: number; what: 'manifest' }
  | { exportId: number; what: 'file'; extension: string }
  | undefined {
  const match = /^\/exports\/([A-Za-z0-9_-]+)(?:\.(csv|ndjson)|\/(manifest\.json))$/.exec(path);
  if (!match) return undefined;
  const decoded = decodeGlobalId(match[1]);
  if (!decoded || decoded.typeName !== 'Export' || !/^[1-9]\d{0,15}$/.test(decoded.key))
    return undefined;
  const exportId = Number(decoded.key);
  return match[3]
    ? { exportId, what: 'manifest' }
    : { exportId, what: 'file', extension: match[2] };
}

/** The handler of `/exports/`; it answers every request it is given, refusals included. */
export function exportEndpoint(deps: {
  orm: MikroORM;
  services: Services;
  logger: Logger;
}): (req: IncomingMessage, res: ServerResponse, requestId: string) => void {
  const { orm, services, logger } = deps;
  const exports = services.exports;

  const serve = async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    if (!isReadRequest(req, res, 'An export')) return;
    const method = (req.method ?? 'GET').toUpperCase();
    const target = targetOf(pathOf(req));
    if (!target)
      return answerRefusal(res, { status: 404, code: 'NOT_FOUND', message: 'No such export' });
    const link: ExportLink | undefined = signedLinkOf(req);
    const em = orm.em.fork();
    const { viewer } = await services.auth.authenticate(em, req.headers.authorization);
    const row = await exports.authorizeDownload(
      { em },
      {
        exportId: target.exportId,
        viewer,
        link,
        actor: { ip: clientIpOf(req), requestId },
        what: target.what,
        extension: target.what === 'file' ? target.extension : undefined,
      },
    );
    res.setHeader('cache-control', 'private, no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (target.what === 'manifest') {
      const body = Buffer.from(`${JSON.stringify(exports.manifest(row), null, 2)}\n`);
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('content-length', body.length);
      return void res.end(method === 'HEAD' ? undefined : body);
    }
    const fileType = EXPORT_FILE_TYPES[row.format];
    const etag = `"${row.sha256}"`;
    res.setHeader('etag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      return void res.end();
    }
    res.statusCode = 200;
    res.setHeader('content-type', fileType.contentType);
    res.setHeader('content-length', row.byteCount ?? 0);
    res.setHeader(
      'content-disposition',
      contentDisposition({
        filename: `${row.kind.toLowerCase()}-export-${row.id}.${fileType.extension}`,
        contentType: fileType.contentType,
      }),
    );
    if (method === 'HEAD') return void res.end();
    for await (const chunk of exports.fileChunks({ em }, row)) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  };

  return (req, res, requestId) => {
    // A GET carries no body; whatever came is read and dropped.
    req.resume();
    serve(req, res, requestId).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof ExportRefusal)
        return answerRefusal(res, {
          status: STATUS_OF[error.reason],
          code: error.reason,
          message: error.message,
        });
      if (isDatabaseUnavailable(error)) {
        logger.warn({ requestId }, 'database unavailable while serving an export');
        return answerRefusal(res, {
          status: 503,
          code: 'SERVICE_UNAVAILABLE',
          message: serviceUnavailable().message,
        });
      }
      logger.error({ err: error, requestId }, 'an export request failed');
      answerRefusal(res, {
        status: 500,
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Internal server error',
      });
    });
  };
}
