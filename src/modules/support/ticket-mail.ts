import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import type { ReplyAddresses } from '../../mail/reply-address';
import { threadHeaders } from '../../mail/thread';
import type { CustomerService } from '../customers/customer.service';
import type { EmployeeService } from '../employees/employee.service';
import type { Ticket, TicketMessage } from './ticket.entity';

/** Marks where the customer's answer ends; what follows it in their reply is our quote. */
export const REPLY_ABOVE_LINE = '##- Please type your reply above this line -##';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

/**
 * The emails a ticket sends its customer. A public reply on a ticket whose customer has an
 * address is mailed, whatever the channel it came in by: queued in the reply's transaction, with
 * the ticket's threading headers and its signed reply address.
 */
export class TicketMail {
  constructor(
    private readonly outbox: Outbox,
    private readonly addresses: ReplyAddresses,
    private readonly customers: CustomerService,
    private readonly employees: EmployeeService,
  ) {}

  /** The ticket's reply address (`support+<token>@domain`). */
  replyAddress(ticketId: number): string {
    return this.addresses.addressFor(ticketId);
  }

  async replyAdded(
    tx: EntityManager,
    ticket: Ticket,
    message: TicketMessage,
    attachmentIds: readonly number[] = [],
  ): Promise<void> {
    const customer = await this.customers.requireExisting(tx, ticket.customer.id, [
      'input',
      'ticketId',
    ]);
    if (!customer.email) return;
    const agent =
      message.authorId === null
        ? null
        : await this.employees.requireExisting(tx, message.authorId, null);
    const thread = await threadHeaders(tx, ticket.id);
    const signature = agent ? `${agent.name}\n` : '';
    const text = [
      REPLY_ABOVE_LINE,
      '',
      message.body,
      '',
      '--',
      `${signature}Ticket ${ticket.number}. Reply to this email to answer.`,
    ].join('\n');
    const html = [
      `<div style="color:#888;font-size:12px">${escapeHtml(REPLY_ABOVE_LINE)}</div>`,
      `<div style="white-space:pre-wrap;font-family:sans-serif">${escapeHtml(message.body)}</div>`,
      `<p style="color:#666;font-size:12px;font-family:sans-serif">${
        agent ? `${escapeHtml(agent.name)}<br>` : ''
      }Ticket ${escapeHtml(ticket.number)}. Reply to this email to answer.</p>`,
    ].join('\n');
    await this.outbox.queue(tx, {
      kind: OutboundEmailKind.TICKET_REPLY,
      to: customer.name
        ? `"${customer.name.replace(/["\\]/g, '')}" <${customer.email}>`
        : customer.email,
      subject: `Re: ${ticket.subject} [${ticket.number}]`,
      text,
      html,
      replyTo: this.addresses.addressFor(ticket.id),
      inReplyTo: thread.inReplyTo,
      references: thread.references,
      ticketId: ticket.id,
      ticketMessageId: message.id,
      attachmentIds,
    });
  }
}
