import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AttachmentRefused, storeAttachment } from '../../mail/attachments';
import type { ParsedInboundMail } from '../../mail/inbound-mail';
import {
  InboundMailRejected,
  type InboundDelivery,
  type InboundMailHandler,
} from '../../mail/inbound-processor';
import { InboundEmailOutcome, OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import type { ReplyAddresses } from '../../mail/reply-address';
import { ticketOfThread } from '../../mail/thread';
import { BusinessRuleError } from '../common/errors';
import type { CustomerService } from '../customers/customer.service';
import { customerWords } from './email-body';
import { MAX_BODY, type SupportService } from './support.service';
import { REPLY_ABOVE_LINE } from './ticket-mail';
import { Ticket, TicketChannel, TicketStatus, type TicketMessage } from './ticket.entity';

/** How many merges an answer follows to the ticket that lives on. */
const MAX_MERGE_HOPS = 10;
const MAX_SUBJECT = 300;
const MAX_REFERENCES = 20;

export interface EmailChannelSettings {
  /** The largest attachment kept; larger ones are noted in the message and skipped. */
  maxAttachmentBytes: number;
  /** Answer a ticket opened by email with an acknowledgement. */
  acknowledgeNewTickets: boolean;
}

/**
 * Where an email goes: onto a ticket, or a new ticket (and why, when it was not the obvious
 * place); a new ticket is an IT follow-up for `requesterId` when it answers their closed IT ticket.
 */
type Destination =
  | { ticket: Ticket; reason: string | null }
  | { ticket: null; reason: string | null; requesterId?: number };

/**
 * The support desk's email channel: received mail becomes a message from a ticket's
 * correspondent (its customer, or the employee who reported an IT ticket).
 *
 * An answer finds its ticket by the signed reply address it was sent to (To, Cc, Delivered-To,
 * X-Original-To or the SMTP envelope), else by the Message-IDs it answers (In-Reply-To, then
 * References) among the emails of a ticket. It lands on that ticket (or the ticket it was
 * merged into) only when its sender is the ticket's correspondent (correspondent.ts); PENDING
 * and SOLVED tickets reopen. Anything else opens a new ticket for its sender, who becomes a
 * customer if unknown: new mail, a forged token, a sender who is not the ticket's
 * correspondent. An answer to a CLOSED ticket opens a follow-up: an IT ticket for the same
 * requester when it answers their closed IT ticket, otherwise a customer's ticket.
 *
 * Everything happens in the transaction the inbound processor gives, which also records where
 * the email went: a retried job finds that and adds nothing twice.
 */
export class EmailChannel implements InboundMailHandler {
  constructor(
    private readonly support: SupportService,
    private readonly customers: CustomerService,
    private readonly addresses: ReplyAddresses,
    private readonly outbox: Outbox,
    private readonly settings: EmailChannelSettings,
  ) {}

  async deliver(tx: EntityManager, mail: ParsedInboundMail): Promise<InboundDelivery> {
    const destination = await this.destinationOf(tx, mail);
    const body = bodyOf(mail);
    if (destination.ticket) {
      const { message } = await this.support.receiveCorrespondentMessage(
        tx,
        destination.ticket.id,
        body,
        null,
      );
      const skipped = await this.storeAttachments(tx, mail, destination.ticket.id, message);
      return {
        outcome: InboundEmailOutcome.THREADED,
        ticketId: destination.ticket.id,
        ticketMessageId: message.id,
        reason: joinReasons(destination.reason, skipped),
      };
    }
    const subject = (mail.subject || '(no subject)').slice(0, MAX_SUBJECT);
    const requesterId = destination.requesterId ?? null;
    const customer = requesterId === null ? await this.customerOf(tx, mail) : null;
    const { ticket, message } = await this.support.openTicket(
      tx,
      {
        customerId: customer?.id ?? null,
        requesterId,
        subject,
        body,
        channel: TicketChannel.EMAIL,
      },
      null,
    );
    const skipped = await this.storeAttachments(tx, mail, ticket.id, message);
    if (this.settings.acknowledgeNewTickets) {
      const sender = await this.support.correspondents.of(tx, ticket, ['ticket']);
      await this.acknowledge(tx, mail, ticket, { name: sender.name, email: mail.from.address });
    }
    return {
      outcome: InboundEmailOutcome.NEW_TICKET,
      ticketId: ticket.id,
      ticketMessageId: message.id,
      reason: joinReasons(destination.reason, skipped),
    };
  }

  private async destinationOf(tx: EntityManager, mail: ParsedInboundMail): Promise<Destination> {
    let named: number | null = null;
    for (const recipient of mail.recipients) {
      const match = this.addresses.match(recipient);
      // A changed token is someone trying another ticket's conversation: never that ticket.
      if (match.kind === 'forged')
        return {
          ticket: null,
          reason: `Sent to ${recipient}, whose reply token we did not sign: opened a new ticket`,
        };
      if (match.kind === 'ticket') named ??= match.ticketId;
    }
    if (named === null) {
      const answered = [...mail.inReplyTo, ...[...mail.references].reverse()];
      named = (await ticketOfThread(tx, answered))?.ticketId ?? null;
    }
    if (named === null) return { ticket: null, reason: null };
    let ticket = await lockTicket(tx, named);
    const first = ticket;
    for (let hop = 0; ticket?.mergedIntoId && hop < MAX_MERGE_HOPS; hop += 1)
      ticket = await lockTicket(tx, ticket.mergedIntoId);
    if (!ticket) return { ticket: null, reason: `Answers ticket ${named}, which does not exist` };
    const correspondent = await this.support.correspondents.of(tx, ticket, ['ticket']);
    if (correspondent.email?.toLowerCase() !== mail.from.address)
      return {
        ticket: null,
        reason: `Answers ${ticket.number} but comes from ${mail.from.address}, who is not its ${
          correspondent.kind === 'REQUESTER' ? 'requester' : 'customer'
        }: opened a new ticket`,
      };
    if (ticket.status === TicketStatus.CLOSED)
      return {
        ticket: null,
        reason: `Answers ${ticket.number}, which is closed: opened a follow-up ticket`,
        ...(correspondent.kind === 'REQUESTER' ? { requesterId: correspondent.id } : {}),
      };
    const merged =
      first && first !== ticket ? `${first.number} was merged into ${ticket.number}` : null;
    return { ticket, reason: merged };
  }

  /** The sender as a customer: found by address, or created with their display name. */
  private async customerOf(tx: EntityManager, mail: ParsedInboundMail) {
    const name = (mail.from.name ?? mail.from.address).slice(0, 200);
    try {
      return (await this.customers.findOrCreateByEmail(tx, mail.from.address, name)).customer;
    } catch (error) {
      if (error instanceof BusinessRuleError)
        throw new InboundMailRejected(
          `The sender ${mail.from.address} cannot be a customer: ${error.message}`,
        );
      throw error;
    }
  }

  /**
   * Keeps the email's files (inline images included) with the ticket and its new message. A
   * file that is refused (too large, empty) is skipped and named at the end of the message, so
   * the agent knows to ask for it; the message itself lands.
   */
  private async storeAttachments(
    tx: EntityManager,
    mail: ParsedInboundMail,
    ticketId: number,
    message: TicketMessage,
  ): Promise<string[]> {
    const skipped: string[] = [];
    for (const attachment of mail.attachments) {
      try {
        await storeAttachment(
          tx,
          {
            ticketId,
            ticketMessageId: message.id,
            filename: attachment.filename,
            declaredType: attachment.declaredType,
            content: attachment.content,
            contentId: attachment.contentId,
            inline: attachment.inline,
            createdAt: this.support.now(),
          },
          this.settings.maxAttachmentBytes,
        );
      } catch (error) {
        if (!(error instanceof AttachmentRefused)) throw error;
        skipped.push(
          `Attachment ${attachment.filename ?? '(unnamed)'} was not kept: ${error.message}.`,
        );
      }
    }
    if (skipped.length) {
      const note = `\n\n[${skipped.join(' ')}]`;
      message.body = `${message.body.slice(0, MAX_BODY - note.length)}${note}`;
    }
    return skipped;
  }

  /**
   * Tells the sender their email opened a ticket: threaded under their message, answerable at
   * the ticket's reply address, and marked automatic so that their autoresponder stays quiet.
   */
  private async acknowledge(
    tx: EntityManager,
    mail: ParsedInboundMail,
    ticket: Ticket,
    customer: { name: string; email: string },
  ): Promise<void> {
    const references = [...mail.references, mail.messageId];
    await this.outbox.queue(tx, {
      kind: OutboundEmailKind.TICKET_ACKNOWLEDGEMENT,
      to: `"${customer.name.replace(/["\\]/g, '')}" <${customer.email}>`,
      subject: `Re: ${ticket.subject} [${ticket.number}]`,
      text: [
        REPLY_ABOVE_LINE,
        '',
        `We received your email and opened ticket ${ticket.number} for it.`,
        'An agent will answer you here. To add anything, reply to this email.',
        '',
        '--',
        `Ticket ${ticket.number}`,
      ].join('\n'),
      replyTo: this.addresses.addressFor(ticket.id),
      inReplyTo: mail.messageId,
      references: references.slice(-MAX_REFERENCES),
      ticketId: ticket.id,
      autoSubmitted: true,
    });
  }
}

function lockTicket(tx: EntityManager, id: number): Promise<Ticket | null> {
  return tx.findOne(Ticket, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** The message's text: the customer's words, never empty, at most MAX_BODY characters. */
function bodyOf(mail: ParsedInboundMail): string {
  const words = customerWords(mail.text) || mail.subject || '(no text)';
  const cut = '\n\n[The rest of this email was cut: it was too long.]';
  return words.length > MAX_BODY ? `${words.slice(0, MAX_BODY - cut.length)}${cut}` : words;
}

function joinReasons(destination: string | null, skipped: readonly string[]): string | null {
  const reasons = [destination, ...skipped].filter((reason) => reason !== null);
  return reasons.length ? reasons.join(' ') : null;
}
