import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { DocumentLink } from '../documents/document-access';
import type { StoredDocument } from '../documents/document.entity';
import { DocumentRefusal, type DocumentRefusalReason } from '../documents/document-store';
import { isDatabaseUnavailable, serviceUnavailable } from '../graphql/errors';
import { decodeGlobalId, toGlobalId } from '../graphql/global-id';
import { AuditKind, AuditResult, recordAudit } from '../events/audit-trail';
import type { Logger } from '../logger';
import type { Services } from '../modules/services';
import type { Viewer } from '../modules/common/viewer';
import {
  answerRefusal,
  contentDisposition,
  isReadRequest,
  pathOf,
  signedLinkOf,
} from './attachment-http';
import { clientIpOf } from './client-ip';

/**
 * Documents over plain HTTP, since a browser cannot send a bearer token on a link:
 * - `GET /documents/invoices/<Invoice ID>.pdf`
 * - `GET /documents/payslips/<Payslip ID>.pdf`
 * - `GET /documents/year-end-statements/<YearEndStatement ID>.pdf`
 * - `GET /documents/dunning-notices/<DunningNotice ID>.pdf`
 * - `GET /documents/payment-files/<PaymentFile ID>.xml` (pain.001) or `.ach` (NACHA)
 * - `GET /documents/purchase-orders/<PurchaseOrder ID>.pdf`
 * - `GET /documents/data-subject-bundles/<DataSubjectRequest ID>.zip` (an ACCESS bundle; every
 *   download is recorded in the audit trail)
 * each with `Authorization: Bearer <token>` or the signed query of its `pdfUrl`
 * (`?expires=…&signature=…`). Who may read what is the modules' rule (InvoiceDocuments,
 * PayslipDocuments, YearEndStatementDocuments, DunningNoticeDocuments, PurchaseOrderDocuments); this file reads requests and writes answers: 200 with the stored bytes and
 * an ETag of their sha256, 304 when the client has them, or `{ error: { code, message } }`.
 */

const STATUS_OF: Record<DocumentRefusalReason, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
};

interface DownloadRequest {
  em: EntityManager;
  viewer: Viewer | undefined;
  id: number;
  link: DocumentLink | undefined;
  /** The HTTP request's id (x-request-id), for the audit trail. */
  requestId: string;
}

/**
 * Each kind of document: the type its ID names, the extensions its path takes (`pdf` when not
 * said), and the module's download (which authorizes).
 */
const KINDS = {
  invoices: {
    typeName: 'Invoice',
    download: (services: Services, { em, viewer, id, link }: DownloadRequest) =>
      services.invoiceDocuments.download({ em }, viewer, { invoiceId: id, link }),
  },
  payslips: {
    typeName: 'Payslip',
    download: (services: Services, { em, viewer, id, link }: DownloadRequest) =>
      services.payslipDocuments.download({ em }, viewer, { payslipId: id, link }),
  },
  'year-end-statements': {
    typeName: 'YearEndStatement',
    download: (services: Services, { em, viewer, id, link }: DownloadRequest) =>
      services.yearEndStatementDocuments.download({ em }, viewer, { statementId: id, link }),
  },
  'dunning-notices': {
    typeName: 'DunningNotice',
    download: (services: Services, { em, viewer, id, link }: DownloadRequest) =>
      services.dunningNoticeDocuments.download({ em }, viewer, { noticeId: id, link }),
  },
  'payment-files': {
    typeName: 'PaymentFile',
    extensions: ['xml', 'ach'],
    download: (services: Services, { em, viewer, id, link }: DownloadRequest) =>
      services.paymentFiles.download({ em }, viewer, { paymentFileId: id, link }),
  },
  'purchase-orders': {
    typeName: 'PurchaseOrder',
    download: (services: Services, { em, viewer, id, link }: DownloadRequest) =>
      services.purchaseOrderDocuments.download({ em }, viewer, { purchaseOrderId: id, link }),
  },
  'data-subject-bundles': {
    typeName: 'DataSubjectRequest',
    extensions: ['zip'],
    /** Its download records itself in the audit trail, with what was handed out. */
    recordsItsOwnReads: true,
    download: (services: Services, { em, viewer, id, link, requestId }: DownloadRequest) =>
      services.dataSubjectRequests.download({ em }, viewer, {
        requestId: id,
        link,
        requestTag: requestId,
      }),
  },
} as const;
type Kind = keyof typeof KINDS;

/** `/documents/` and everything under it. */
export function isDocumentRequest(req: IncomingMessage): boolean {
  return pathOf(req).startsWith('/documents/');
}

/** The kind and numeric id from `/documents/<kind>/<ID>.<extension>`, or undefined. */
function targetOf(path: string): { kind: Kind; id: number } | undefined {
  const match = /^\/documents\/([a-z-]+)\/([A-Za-z0-9_-]+)\.([a-z]+)$/.exec(path);
  if (!match || !Object.hasOwn(KINDS, match[1])) return undefined;
  const kind = match[1] as Kind;
  const spec = KINDS[kind];
  const extensions: readonly string[] = 'extensions' in spec ? spec.extensions : ['pdf'];
  if (!extensions.includes(match[3])) return undefined;
  const decoded = decodeGlobalId(match[2]);
  if (!decoded || decoded.typeName !== KINDS[kind].typeName || !/^[1-9]\d{0,15}$/.test(decoded.key))
    return undefined;
  return { kind, id: Number(decoded.key) };
}

/** The handler of `/documents/`; it answers every request it is given, refusals included. */
export function documentEndpoint(deps: {
  orm: MikroORM;
  services: Services;
  logger: Logger;
}): (req: IncomingMessage, res: ServerResponse, requestId: string) => void {
  const { orm, services, logger } = deps;

  /** Every download of a document, and every refused one, is a read in the audit trail. */
  const audit = (
    req: IncomingMessage,
    requestId: string,
    viewer: Viewer | undefined,
    result: AuditResult,
  ): Promise<void> => {
    const target = targetOf(pathOf(req));
    if (target && 'recordsItsOwnReads' in KINDS[target.kind]) return Promise.resolve();
    return recordAudit(orm.em.fork(), {
      kind: AuditKind.READ,
      action: `download:${target ? KINDS[target.kind].typeName : 'document'}`,
      result,
      actorId: viewer?.employeeId ?? null,
      apiTokenId: viewer?.apiTokenId ?? null,
      target: target ? toGlobalId(KINDS[target.kind].typeName, target.id) : null,
      detail: {},
      ip: clientIpOf(req),
      requestId,
    }).catch((error: unknown) =>
      logger.error({ err: error, requestId }, 'could not record a document download'),
    );
  };

  const serve = async (
    req: IncomingMessage,
    res: ServerResponse,
    requester: { viewer?: Viewer; requestId: string },
  ): Promise<void> => {
    if (!isReadRequest(req, res, 'A document')) return;
    const target = targetOf(pathOf(req));
    if (!target)
      return answerRefusal(res, { status: 404, code: 'NOT_FOUND', message: 'No such document' });
    const link: DocumentLink | undefined = signedLinkOf(req);
    const em = orm.em.fork();
    const { viewer } = await services.auth.authenticate(em, req.headers.authorization);
    requester.viewer = viewer;
    const document: StoredDocument = await KINDS[target.kind].download(services, {
      em,
      viewer,
      id: target.id,
      link,
      requestId: requester.requestId,
    });
    await audit(req, requester.requestId, viewer, AuditResult.OK);
    const etag = `"${document.sha256}"`;
    res.setHeader('etag', etag);
    res.setHeader('cache-control', 'private, no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      return void res.end();
    }
    res.statusCode = 200;
    res.setHeader('content-type', document.contentType);
    res.setHeader('content-length', document.content.length);
    res.setHeader('content-disposition', contentDisposition(document));
    res.end(req.method?.toUpperCase() === 'HEAD' ? undefined : document.content);
  };

  return (req, res, requestId) => {
    // A GET carries no body; whatever came is read and dropped.
    req.resume();
    const requester: { viewer?: Viewer; requestId: string } = { requestId };
    serve(req, res, requester).catch(async (error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof DocumentRefusal) {
        if (error.reason !== 'NOT_FOUND')
          await audit(req, requestId, requester.viewer, AuditResult[error.reason]);
        return answerRefusal(res, {
          status: STATUS_OF[error.reason],
          code: error.reason,
          message: error.message,
        });
      }
      if (isDatabaseUnavailable(error)) {
        logger.warn({ requestId }, 'database unavailable while serving a document');
        return answerRefusal(res, {
          status: 503,
          code: 'SERVICE_UNAVAILABLE',
          message: serviceUnavailable().message,
        });
      }
      logger.error({ err: error, requestId }, 'a document request failed');
      answerRefusal(res, {
        status: 500,
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Internal server error',
      });
    });
  };
}
