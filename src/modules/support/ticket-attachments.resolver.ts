import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { registerNodeType } from '../../graphql/node-registry';
import { NodeResolver } from '../../graphql/relay';
import { Attachment } from '../../mail/mail.entity';
import { readById, Reads, ReadsKeyOnly, type RowOf } from '../../read';
import type { RequestContext } from '../context';
import { attachmentsOfMessage } from './support.reads';
import { TicketMessageObject } from './support.types';
import { mayReadAttachment } from './ticket-attachments.service';
import { AttachmentObject } from './ticket-attachments.types';
import { Ticket, TicketMessage } from './ticket.entity';
import { TICKET_READERS } from './ticket-queues';

registerNodeType({
  typeName: 'Attachment',
  entity: Attachment,
  roles: TICKET_READERS,
  // An attachment exists only for viewers who may read it (as an internal note does).
  load: async (context, id) => {
    const attachment = await readById(context, Attachment, id);
    if (!attachment) return null;
    const [message, ticket] = await Promise.all([
      attachment.ticketMessageId === null
        ? null
        : readById(context, TicketMessage, attachment.ticketMessageId),
      readById(context, Ticket, attachment.ticketId),
    ]);
    return ticket &&
      mayReadAttachment(context.viewer, attachment, message?.internal ?? null, ticket.queue)
      ? attachment
      : null;
  },
});

@Resolver(() => AttachmentObject)
export class AttachmentResolver extends NodeResolver(AttachmentObject, 'Attachment') {
  @FieldResolver(() => String, {
    description:
      'Where it downloads: a path on this server, signed for 15 minutes so that a link opens it without a bearer token. Without the signature, the path answers to a bearer token that may read the ticket.',
  })
  @Reads(Attachment, 'filename')
  url(@Root() attachment: RowOf<Attachment, 'filename'>, @Ctx() context: RequestContext): string {
    return context.services.attachments.downloadUrl(attachment);
  }
}

/** A message's files (it is read only by viewers who may read the message, so its files too). */
@Resolver(() => TicketMessageObject)
export class TicketMessageAttachmentsResolver {
  @FieldResolver(() => [AttachmentObject], { description: 'The files it carries, oldest first.' })
  @ReadsKeyOnly()
  attachments(@Root() message: RowOf<TicketMessage>, @Ctx() context: RequestContext) {
    return attachmentsOfMessage.load(context, message.id);
  }
}
