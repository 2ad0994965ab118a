import type { EntityManager } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../graphql/global-id';
import { escapeHtml } from '../../mail/html';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import type { ReplyAddresses } from '../../mail/reply-address';
import { threadHeaders } from '../../mail/thread';
import type { EmployeeService } from '../employees/employee.service';
import type { Correspondent, TicketCorrespondents } from './correspondent';
import { SlaTarget } from './sla';
import { QUEUE_RULES } from './ticket-queues';
import type { SlaBreach } from './support.service';
import { TicketQueue, type Ticket, type TicketMessage } from './ticket.entity';

/** Marks where the customer's answer ends; what follows it in their reply is our quote. */
export const REPLY_ABOVE_LINE = '##- Please type your reply above this line -##';

const TARGET_NAMES: Record<SlaTarget, string> = {
  [SlaTarget.FIRST_RESPONSE]: 'first response',
  [SlaTarget.RESOLUTION]: 'resolution',
};

/** `2030-01-07 10:00 UTC` */
const utcMinute = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A display name and address, as a To header. */
const mailbox = (name: string | null, address: string) =>
  name ? `"${name.replace(/["\\]/g, '')}" <${address}>` : address;

/**
 * The emails a ticket sends its correspondent (its customer, or the employee who reported an IT
 * ticket), and its SLA alerts to the queue's staff. A public reply on a ticket whose
 * correspondent has an address is mailed, whatever the channel it came in by: queued in the
 * reply's transaction, with the ticket's threading headers and its signed reply address.
 */
export class TicketMail {
  constructor(
    private readonly outbox: Outbox,
    private readonly addresses: ReplyAddresses,
    private readonly correspondents: TicketCorrespondents,
    private readonly employees: EmployeeService,
    /** Where the server is reached from outside (`PUBLIC_URL`): links in mail start with it. */
    private readonly publicUrl: string,
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
    const correspondent = await this.correspondents.of(tx, ticket);
    if (!correspondent.email) return;
    const agent =
      message.authorId === null
        ? null
        : await this.employees.requireExisting(tx, message.authorId, null);
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
      to: mailbox(correspondent.name, correspondent.email),
      subject: `Re: ${ticket.subject} [${ticket.number}]`,
      text,
      html,
      ...(await this.inThread(tx, ticket.id)),
      ticketMessageId: message.id,
      attachmentIds,
    });
  }

  /**
   * What puts an email to the correspondent in the ticket's thread: its threading headers, and the
   * signed reply address that brings an answer back to the ticket.
   */
  private async inThread(tx: EntityManager, ticketId: number) {
    const thread = await threadHeaders(tx, ticketId);
    return {
      replyTo: this.addresses.addressFor(ticketId),
      inReplyTo: thread.inReplyTo,
      references: thread.references,
      ticketId,
    };
  }

  /** The public page of a satisfaction survey (server/csat-page.ts). */
  surveyLink(token: string): string {
    return `${this.publicUrl}/csat/${encodeURIComponent(token)}`;
  }

  /**
   * The one-question survey of a solved ticket: five links (1 to 5) to its page, each choosing
   * that rating on the form (nothing is recorded until the form is sent), threaded with the
   * ticket's emails so that a written answer lands on the ticket.
   */
  async satisfactionSurvey(
    tx: EntityManager,
    ticket: Ticket,
    correspondent: Correspondent,
    token: string,
  ): Promise<void> {
    if (!correspondent.email) return;
    const link = this.surveyLink(token);
    const choices = [1, 2, 3, 4, 5].map((rating) => ({ rating, url: `${link}?rating=${rating}` }));
    const question = `How would you rate the help you got with "${ticket.subject}"?`;
    const text = [
      question,
      '',
      ...choices.map(({ rating, url }) => `${rating} ${'*'.repeat(rating)}: ${url}`),
      '',
      `Or open ${link} to answer and leave a comment (you can change your answer for 7 days).`,
      '',
      '--',
      `Ticket ${ticket.number}.`,
    ].join('\n');
    const html = [
      `<p style="font-family:sans-serif">${escapeHtml(question)}</p>`,
      `<p style="font-family:sans-serif">${choices
        .map(
          ({ rating, url }) =>
            `<a href="${escapeHtml(url)}" style="display:inline-block;padding:8px 12px;margin:2px;border:1px solid #ccc;border-radius:4px;text-decoration:none">${rating} ${'&#9733;'.repeat(rating)}</a>`,
        )
        .join(' ')}</p>`,
      `<p style="font-family:sans-serif"><a href="${escapeHtml(link)}">Answer and leave a comment</a> (you can change your answer for 7 days).</p>`,
      `<p style="color:#666;font-size:12px;font-family:sans-serif">Ticket ${escapeHtml(ticket.number)}.</p>`,
    ].join('\n');
    await this.outbox.queue(tx, {
      kind: OutboundEmailKind.SATISFACTION_SURVEY,
      to: mailbox(correspondent.name, correspondent.email),
      subject: `How did we do? [${ticket.number}]`,
      text,
      html,
      ...(await this.inThread(tx, ticket.id)),
      autoSubmitted: true,
    });
  }

  /**
   * The console's page of a ticket, in its desk's breached queue (web/console/src/model/router.ts:
   * the IT desk's paths start with /it).
   */
  consoleLink(ticketId: number, queue: TicketQueue = TicketQueue.CUSTOMER): string {
    const desk = queue === TicketQueue.IT ? '/it' : '';
    return `${this.publicUrl}${desk}/queues/breached/tickets/${encodeURIComponent(toGlobalId('Ticket', ticketId))}`;
  }

  /**
   * Tells the queue's breach watchers (ticket-queues.ts: active support leads for customer
   * tickets, active IT support staff for IT tickets) of each breach just recorded: one email per
   * person and breach, queued in the transaction that recorded it (marked auto-submitted, so no
   * one's autoresponder answers it).
   */
  async slaBreached(tx: EntityManager, breaches: readonly SlaBreach[]): Promise<void> {
    if (breaches.length === 0) return;
    const watchers = new Map<TicketQueue, Awaited<ReturnType<EmployeeService['activeInRole']>>>();
    for (const { ticket } of breaches)
      if (!watchers.has(ticket.queue))
        watchers.set(
          ticket.queue,
          await this.employees.activeInRole(tx, QUEUE_RULES[ticket.queue].breachAlerts),
        );
    for (const { ticket, target, dueAt } of breaches) {
      const leads = watchers.get(ticket.queue) ?? [];
      const what = TARGET_NAMES[target];
      const text = [
        `${ticket.number} "${ticket.subject}" missed its ${what} target.`,
        '',
        `Target: ${what}`,
        `Due: ${utcMinute(dueAt)}`,
        `Priority: ${ticket.priority}`,
        `Status: ${ticket.status}`,
        '',
        `Open it: ${this.consoleLink(ticket.id, ticket.queue)}`,
      ].join('\n');
      for (const lead of leads) {
        await this.outbox.queue(tx, {
          kind: OutboundEmailKind.SLA_BREACH_ALERT,
          to: mailbox(lead.name, lead.email),
          subject: `SLA breach: ${ticket.number} missed its ${what} target`,
          text,
          ticketId: ticket.id,
          autoSubmitted: true,
        });
      }
    }
  }
}
