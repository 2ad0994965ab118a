import { inTransaction } from '../../db/transaction';
import { toGlobalId } from '../../graphql/global-id';
import { AttachmentRefused, storeAttachment } from '../../mail/attachments';
import { Attachment } from '../../mail/mail.entity';
import type { Clock } from '../common/clock';
import type { RequestScope } from '../common/scope';
import { refusalWithoutViewer, type SignedLinks } from '../common/signed-links';
import { hasAnyRole, type Viewer } from '../common/viewer';
import {
  TICKET_READERS,
  TICKET_WORKERS,
  mayReadQueue,
  mayWorkQueue,
  readsNotesIn,
} from './ticket-queues';
import { Ticket, TicketMessage, TicketStatus, type TicketQueue } from './ticket.entity';

/** Why a file was not taken or not handed out; the HTTP endpoint answers each with its status. */
export type AttachmentRefusalReason =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'EMPTY' | 'TOO_LARGE' | 'TICKET_CLOSED';

export class AttachmentRefusal extends Error {
  constructor(
    readonly reason: AttachmentRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'AttachmentRefusal';
  }
}

export interface UploadDraft {
  ticketId: number;
  /** The name the client gave; cleaned before it is kept. */
  filename: string | null | undefined;
  /** The type the client claimed; the bytes decide when they are recognised. */
  declaredType: string | null | undefined;
  content: Buffer;
}

export interface DownloadRequest {
  attachmentId: number;
  /** `expires` and `signature` from the link's query, when it carried them. */
  link?: { expires: string; signature: string };
}

/** What a signed link names (see SignedLinks): only an attachment's link opens an attachment. */
const linkResource = (attachmentId: number) => `attachment:${attachmentId}`;

/** The path of an attachment's download, without its signature. */
export function attachmentPath(attachment: { id: number; filename: string }): string {
  return `/attachments/${toGlobalId('Attachment', attachment.id)}/${encodeURIComponent(attachment.filename)}`;
}

/**
 * Who may read an attachment: staff who read its ticket's queue; one on an internal note only
 * those who read the queue's notes; an upload no message carries yet (it may become a note) only
 * those who work the queue (ticket-queues.ts). `internal` is whether its message is an internal
 * note (null: it is on no message).
 */
export function mayReadAttachment(
  viewer: Viewer | undefined,
  attachment: { ticketMessageId: number | null },
  internal: boolean | null,
  queue: TicketQueue,
): boolean {
  if (!viewer || !mayReadQueue(viewer, queue)) return false;
  if (attachment.ticketMessageId === null) return mayWorkQueue(viewer, queue);
  return internal ? readsNotesIn(viewer, queue) : true;
}

/**
 * Files on tickets, as the HTTP endpoint takes and hands them out: agents upload them for a reply
 * (`replyToTicket` links them, see ticket-attachments.ts), and staff who read the ticket download
 * them with their bearer token or with a signed link that expires.
 */
export class TicketAttachmentService {
  constructor(
    private readonly links: SignedLinks,
    /** The largest file kept, in bytes (config.mail.maxAttachmentBytes). */
    readonly maxBytes: number,
    private readonly clock: Clock,
  ) {}

  /**
   * The viewer, when they may upload: staff who work tickets (of some queue; the ticket's queue is
   * checked with the ticket). Checked before a body is read.
   */
  requireUploader(viewer: Viewer | undefined): Viewer {
    if (!viewer) throw new AttachmentRefusal('UNAUTHENTICATED', 'Sign in first');
    if (!hasAnyRole(viewer, TICKET_WORKERS))
      throw new AttachmentRefusal('FORBIDDEN', 'Only support staff upload attachments');
    return viewer;
  }

  /** Keeps an upload for a reply on an open ticket; the reply that carries it links it. */
  async upload({ em }: RequestScope, viewer: Viewer, draft: UploadDraft): Promise<Attachment> {
    this.requireUploader(viewer);
    return inTransaction(em, async (tx) => {
      const ticket = await tx.findOne(
        Ticket,
        { id: draft.ticketId },
        { fields: ['status', 'queue'] },
      );
      if (!ticket || !mayWorkQueue(viewer, ticket.queue))
        throw new AttachmentRefusal('NOT_FOUND', 'No such ticket');
      if (ticket.status === TicketStatus.CLOSED)
        throw new AttachmentRefusal(
          'TICKET_CLOSED',
          'The ticket is closed: nothing can be sent on it',
        );
      try {
        return await storeAttachment(
          tx,
          {
            ticketId: draft.ticketId,
            filename: draft.filename,
            declaredType: draft.declaredType,
            content: draft.content,
            uploadedById: viewer.employeeId,
            createdAt: this.clock.now(),
          },
          this.maxBytes,
        );
      } catch (error) {
        if (error instanceof AttachmentRefused)
          throw new AttachmentRefusal(error.reason, error.message);
        throw error;
      }
    });
  }

  /**
   * The attachment with its bytes, for a valid signed link (whoever holds it) or for a viewer who
   * may read it. One they may not read is answered as missing, as its message is (see
   * `mayReadAttachment`); a viewer without the right to read tickets is refused outright.
   */
  async download(
    { em }: RequestScope,
    viewer: Viewer | undefined,
    request: DownloadRequest,
  ): Promise<Attachment> {
    const { attachmentId, link } = request;
    const missing = () => new AttachmentRefusal('NOT_FOUND', 'No such attachment');
    const linkCheck =
      link && this.links.check(linkResource(attachmentId), link.expires, link.signature);
    if (linkCheck === 'valid') {
      const attachment = await em.findOne(
        Attachment,
        { id: attachmentId },
        { populate: ['content'] },
      );
      if (!attachment) throw missing();
      return attachment;
    }
    if (!viewer) {
      const { reason, message } = refusalWithoutViewer(linkCheck);
      throw new AttachmentRefusal(reason, message);
    }
    if (!hasAnyRole(viewer, TICKET_READERS))
      throw new AttachmentRefusal('FORBIDDEN', 'Only staff who read tickets read attachments');
    const attachment = await em.findOne(Attachment, { id: attachmentId });
    if (!attachment) throw missing();
    const message =
      attachment.ticketMessageId === null
        ? null
        : await em.findOne(
            TicketMessage,
            { id: attachment.ticketMessageId },
            { fields: ['internal'] },
          );
    const ticket = await em.findOne(Ticket, { id: attachment.ticketId }, { fields: ['queue'] });
    if (!ticket || !mayReadAttachment(viewer, attachment, message?.internal ?? null, ticket.queue))
      throw missing();
    await em.populate(attachment, ['content']);
    return attachment;
  }

  /**
   * Where an attachment downloads: its path with a signature that opens it for the next 15
   * minutes. Handed only to viewers who may read it (the field that answers it checks first).
   */
  downloadUrl(attachment: { id: number; filename: string }): string {
    return `${attachmentPath(attachment)}?${this.links.sign(linkResource(attachment.id))}`;
  }
}
