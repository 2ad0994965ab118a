import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { authorizeDocument, type DocumentLink } from '../../documents/document-access';
import { DocumentKind, type StoredDocument } from '../../documents/document.entity';
import {
  DocumentRefusal,
  findStoredDocument,
  storedDocument,
} from '../../documents/document-store';
import { inTransaction } from '../../db/transaction';
import { AuditKind, AuditResult, recordAudit } from '../../events/audit-trail';
import { recordEvent } from '../../events/event-log';
import { toGlobalId } from '../../graphql/global-id';
import { Permissions } from '../auth/permissions';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import { emailAddress, requiredText } from '../common/input-rules';
import type { DataSubject, PersonalDataRecord, PersonalDataSource } from '../common/personal-data';
import type { RequestScope } from '../common/scope';
import type { SignedLinks } from '../common/signed-links';
import { hasAnyRole, type Viewer } from '../common/viewer';
import { buildBundle, type BundleSection } from './data-subject-bundle';
import type { SubjectEraser } from './data-subject';
import {
  DataSubjectRequest,
  DataSubjectRequestKind,
  DataSubjectRequestStatus,
} from './data-subject-request.entity';
import { hashEmail, maskEmail } from './subject-email';

const DAY_MS = 86_400_000;
const UNANSWERED = [DataSubjectRequestStatus.OPEN, DataSubjectRequestStatus.IN_PROGRESS];
const STREAM = 'DataSubjectRequest';

/** What a signed link names: only a request's link opens its bundle. */
export const bundleResource = (requestId: number) => `document:data-subject-bundle:${requestId}`;

/** The path of a request's bundle, without its signature. */
export function bundlePath(requestId: number): string {
  return `/documents/data-subject-bundles/${toGlobalId('DataSubjectRequest', requestId)}.zip`;
}

/** How many records one source holds about the subject. */
export interface SourceMatch {
  source: string;
  count: number;
}

/** What the service needs from outside the domain. */
export interface DataSubjectRequestSettings {
  /** Days a request is due in (DSR_DUE_DAYS). */
  dueDays: number;
  /** Printed on the bundle as the controller of the data. */
  companyName: string;
}

/**
 * Data subject requests: a person asks for a copy of what is held about them (ACCESS) or for its
 * erasure (ERASURE), by email. The registry of personal data (src/modules/personal-data.ts)
 * finds them; the eraser (erasure.service.ts) erases. Nothing logged about a request holds the
 * address: events and the audit trail see it masked, and the stored address is cleared as soon
 * as the request is closed.
 */
export class DataSubjectRequestService {
  constructor(
    private readonly sources: readonly PersonalDataSource[],
    private readonly eraser: SubjectEraser,
    private readonly links: SignedLinks,
    private readonly clock: Clock,
    private readonly settings: DataSubjectRequestSettings,
  ) {}

  async open(
    { em }: RequestScope,
    viewer: Viewer,
    input: { kind: DataSubjectRequestKind; email: string },
  ): Promise<{ request: DataSubjectRequest }> {
    const email = emailAddress(input.email, ['input', 'email']);
    const emailHash = hashEmail(email);
    return inTransaction(em, async (tx) => {
      // One open request per person and kind: two at once would be answered twice.
      await tx.execute('SELECT pg_advisory_xact_lock(7395110, hashtext(?))', [emailHash]);
      const open = await tx.findOne(DataSubjectRequest, {
        emailHash,
        kind: input.kind,
        status: { $in: UNANSWERED },
      });
      if (open)
        refuse(
          UserErrorCode.INVALID_INPUT,
          `An ${input.kind} request for this person is already open: ${toGlobalId(STREAM, open.id)}`,
          ['input', 'email'],
        );
      const openedAt = this.clock.now();
      const request = tx.create(DataSubjectRequest, {
        kind: input.kind,
        email,
        emailMasked: maskEmail(email),
        emailHash,
        openedBy: viewer.employeeId,
        openedAt,
        dueAt: new Date(openedAt.getTime() + this.settings.dueDays * DAY_MS),
      });
      await tx.flush();
      await recordEvent(tx, {
        streamType: STREAM,
        streamId: request.id,
        type: 'OPENED',
        payload: { kind: request.kind, email: request.emailMasked, dueAt: request.dueAt },
        actorId: viewer.employeeId,
      });
      return { request };
    });
  }

  /**
   * Answers a request, in one transaction that holds its row lock (a retry, or two officers at
   * once, answer it once): ACCESS stores the bundle, ERASURE erases through the eraser (whose
   * refusal, such as LEGAL_HOLD, leaves everything as it was). Either way the address is then
   * cleared from the request.
   */
  async fulfil(
    { em }: RequestScope,
    viewer: Viewer,
    requestId: number,
  ): Promise<{ request: DataSubjectRequest }> {
    return inTransaction(em, async (tx) => {
      const request = await this.lockOpen(tx, requestId);
      const email = request.email;
      if (email === null) refuse(UserErrorCode.INVALID_TRANSITION, 'The request holds no address');
      const subject: DataSubject = { email };
      let payload: Record<string, unknown>;
      if (request.kind === DataSubjectRequestKind.ACCESS) {
        const bundle = await this.storeBundle(tx, request, subject);
        request.bundle = bundle;
        payload = { kind: request.kind, bundleSha256: bundle.sha256, size: bundle.size };
      } else {
        const pendingAccess = await tx.findOne(DataSubjectRequest, {
          emailHash: request.emailHash,
          kind: DataSubjectRequestKind.ACCESS,
          status: { $in: UNANSWERED },
        });
        if (pendingAccess)
          refuse(
            UserErrorCode.INVALID_TRANSITION,
            `Answer the access request ${toGlobalId(STREAM, pendingAccess.id)} first: it needs the data this erasure removes`,
            ['input', 'requestId'],
          );
        const result = await this.eraser.erase(tx, subject, viewer.employeeId);
        const bundles = await this.dropEarlierBundles(tx, request.emailHash);
        request.kept = result.kept;
        request.erased = [
          ...result.erased,
          ...(bundles > 0 ? [{ what: 'access bundles', count: bundles }] : []),
        ];
        payload = {
          kind: request.kind,
          erased: request.erased.reduce((sum, entry) => sum + entry.count, 0),
          kept: request.kept.length,
        };
      }
      request.status = DataSubjectRequestStatus.DONE;
      request.fulfilledAt = this.clock.now();
      request.fulfilledById = viewer.employeeId;
      // No copy of the address outlives the answer: the masked form and the hash remain.
      request.email = null;
      await tx.flush();
      await recordEvent(tx, {
        streamType: STREAM,
        streamId: request.id,
        type: 'FULFILLED',
        payload,
        actorId: viewer.employeeId,
      });
      return { request };
    });
  }

  /** Refuses a manifestly unfounded or excessive request (GDPR art. 12(5)), saying why. */
  async refuseRequest(
    { em }: RequestScope,
    viewer: Viewer,
    requestId: number,
    reasonText: string,
  ): Promise<{ request: DataSubjectRequest }> {
    const reason = requiredText(reasonText, ['input', 'reason'], 2000);
    return inTransaction(em, async (tx) => {
      const request = await this.lockOpen(tx, requestId);
      request.status = DataSubjectRequestStatus.REFUSED;
      request.refusedAt = this.clock.now();
      request.refusedById = viewer.employeeId;
      request.refusalReason = reason;
      request.email = null;
      await tx.flush();
      await recordEvent(tx, {
        streamType: STREAM,
        streamId: request.id,
        type: 'REFUSED',
        payload: { kind: request.kind },
        actorId: viewer.employeeId,
      });
      return { request };
    });
  }

  /**
   * What each source holds about the request's subject, per source, while the request is open
   * (null once it is closed: its address is gone).
   */
  async matches(
    { em }: RequestScope,
    request: Pick<DataSubjectRequest, 'email'>,
  ): Promise<SourceMatch[] | null> {
    if (request.email === null) return null;
    const sections = await this.collect(em, { email: request.email });
    return sections.map(({ source, records }) => ({ source: source.name, count: records.length }));
  }

  /** Earlier requests about the same person (repeat requests may be excessive: art. 12(5)). */
  earlierRequests(
    { em }: RequestScope,
    request: Pick<DataSubjectRequest, 'id' | 'emailHash'>,
  ): Promise<number> {
    return em.count(DataSubjectRequest, { emailHash: request.emailHash, id: { $lt: request.id } });
  }

  /** Whether a request is unanswered past its due date. */
  isOverdue(request: Pick<DataSubjectRequest, 'status' | 'dueAt'>): boolean {
    return UNANSWERED.includes(request.status) && request.dueAt < this.clock.now();
  }

  /** The list's filter: by status, kind, and whether overdue (as of now). */
  listFilter(filter: {
    status?: DataSubjectRequestStatus | null;
    kind?: DataSubjectRequestKind | null;
    overdue?: boolean | null;
  }): FilterQuery<DataSubjectRequest> {
    const where: FilterQuery<DataSubjectRequest>[] = [];
    if (filter.status) where.push({ status: filter.status });
    if (filter.kind) where.push({ kind: filter.kind });
    if (filter.overdue != null) {
      const overdue = { status: { $in: UNANSWERED }, dueAt: { $lt: this.clock.now() } };
      where.push(filter.overdue ? overdue : { $not: overdue });
    }
    return where.length > 0 ? { $and: where } : {};
  }

  /** The signed path of a request's bundle (15 minutes), or null before it has one. */
  bundleUrl(request: Pick<DataSubjectRequest, 'id' | 'bundle'>): string | null {
    if (!request.bundle) return null;
    return `${bundlePath(request.id)}?${this.links.sign(bundleResource(request.id))}`;
  }

  /**
   * A bundle for a download: with a valid signed link, or for a COMPLIANCE or ADMIN viewer. Every
   * download is recorded in the audit trail (a READ of the request), refusals included.
   */
  async download(
    { em }: RequestScope,
    viewer: Viewer | undefined,
    request: { requestId: number; link?: DocumentLink; requestTag?: string },
  ): Promise<StoredDocument> {
    const target = toGlobalId(STREAM, request.requestId);
    const audit = (result: AuditResult, detail: Record<string, unknown>) =>
      recordAudit(em, {
        kind: AuditKind.READ,
        action: 'downloadDataSubjectBundle',
        result,
        actorId: viewer?.employeeId ?? null,
        apiTokenId: viewer?.apiTokenId ?? null,
        target,
        detail,
        requestId: request.requestTag ?? null,
      });
    const resource = bundleResource(request.requestId);
    const link = request.link;
    const via =
      link && this.links.check(resource, link.expires, link.signature) === 'valid'
        ? 'signed link'
        : 'token';
    try {
      authorizeDocument(this.links, resource, link, viewer, (reader) =>
        hasAnyRole(reader, Permissions.compliance.privacy),
      );
    } catch (error) {
      if (error instanceof DocumentRefusal)
        await audit(
          error.reason === 'FORBIDDEN' ? AuditResult.FORBIDDEN : AuditResult.UNAUTHENTICATED,
          { via: link ? 'signed link' : 'token' },
        );
      throw error;
    }
    const found = await em.findOne(
      DataSubjectRequest,
      { id: request.requestId },
      { populate: ['bundle'] },
    );
    const bundle = found?.bundle && (await findStoredDocument(em, found.bundle.key));
    if (!bundle) throw new DocumentRefusal('NOT_FOUND', 'No such bundle');
    await audit(AuditResult.OK, {
      via,
      sha256: bundle.sha256,
      size: bundle.size,
    });
    return bundle;
  }

  /** Every source's records about the subject, in registry order. */
  private async collect(em: EntityManager, subject: DataSubject): Promise<BundleSection[]> {
    const found: PersonalDataRecord[] = [];
    const sections: BundleSection[] = [];
    for (const source of this.sources) {
      const records = await source.collect(em, subject, found);
      found.push(...records);
      sections.push({ source, records });
    }
    return sections;
  }

  private async lockOpen(tx: EntityManager, requestId: number): Promise<DataSubjectRequest> {
    const request = await tx.findOne(
      DataSubjectRequest,
      { id: requestId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!request) refuse(UserErrorCode.NOT_FOUND, 'No such request', ['input', 'requestId']);
    if (
      request.status !== DataSubjectRequestStatus.OPEN &&
      request.status !== DataSubjectRequestStatus.IN_PROGRESS
    )
      refuse(
        UserErrorCode.INVALID_TRANSITION,
        `The request is already ${request.status.toLowerCase()}`,
        ['input', 'requestId'],
      );
    return request;
  }

  /** The ZIP of an ACCESS request, made once (its key is the request's). */
  private async storeBundle(
    tx: EntityManager,
    request: DataSubjectRequest,
    subject: DataSubject,
  ): Promise<StoredDocument> {
    const madeAt = this.clock.now();
    return storedDocument(tx, {
      kind: DocumentKind.DATA_SUBJECT_BUNDLE,
      key: `data-subject-bundle:${request.id}`,
      filename: `personal-data-${request.id}.zip`,
      contentType: 'application/zip',
      createdAt: madeAt,
      render: async () =>
        buildBundle(
          {
            id: toGlobalId(STREAM, request.id),
            email: subject.email,
            openedAt: request.openedAt,
            dueAt: request.dueAt,
            madeAt,
            company: this.settings.companyName,
          },
          await this.collect(tx, subject),
        ),
    });
  }

  /** Deletes the bundles of the person's earlier ACCESS requests: copies of what is erased. */
  private async dropEarlierBundles(tx: EntityManager, emailHash: string): Promise<number> {
    const rows = await tx.execute<{ id: string }[]>(
      // The foreign key clears each request's bundle_id (ON DELETE SET NULL).
      `DELETE FROM document
        WHERE id IN (SELECT bundle_id FROM data_subject_request WHERE email_hash = ?)
        RETURNING id`,
      [emailHash],
    );
    return rows.length;
  }
}
