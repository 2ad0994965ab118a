import {
  BigIntType,
  BlobType,
  Entity,
  Enum,
  Index,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';

export enum OutboundEmailStatus {
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  FAILED = 'FAILED',
}

/** What an outbound email is for. */
export enum OutboundEmailKind {
  /** An agent's public reply, mailed to the ticket's customer. */
  TICKET_REPLY = 'TICKET_REPLY',
  /** The acknowledgement of a new ticket that arrived by email. */
  TICKET_ACKNOWLEDGEMENT = 'TICKET_ACKNOWLEDGEMENT',
  /** A note to support leads that a ticket missed an SLA target. */
  SLA_BREACH_ALERT = 'SLA_BREACH_ALERT',
  /** The one-question satisfaction survey sent when an agent solves a ticket. */
  SATISFACTION_SURVEY = 'SATISFACTION_SURVEY',
  /** An invoice mailed to its customer, with its PDF attached. */
  INVOICE = 'INVOICE',
  /** A dunning notice mailed to its customer, with its PDF letter attached. */
  DUNNING_NOTICE = 'DUNNING_NOTICE',
  /** A payslip or final year-end statement mailed to its employee, with its PDF attached. */
  EMPLOYEE_DOCUMENT = 'EMPLOYEE_DOCUMENT',
  /** A reminder to an employee that a training certification expires (30, 7 and 0 days ahead). */
  TRAINING_EXPIRY_REMINDER = 'TRAINING_EXPIRY_REMINDER',
  /** To an employee: the bank account their pay goes to was changed (masked), so a hijack is noticed. */
  EMPLOYEE_BANK_ACCOUNT_CHANGED = 'EMPLOYEE_BANK_ACCOUNT_CHANGED',
  /** An email to a job candidate (an interview invitation, an offer); never sent once they are rejected. */
  CANDIDATE_EMAIL = 'CANDIDATE_EMAIL',
  /** An approved purchase order mailed to its vendor, with its PDF attached; withheld if it was cancelled meanwhile. */
  PURCHASE_ORDER = 'PURCHASE_ORDER',
  /** To IT support staff: a maintenance plan opened a work order that fell due. */
  WORK_ORDER_OPENED = 'WORK_ORDER_OPENED',
}

/**
 * One email, from the transaction that decided to send it to the SMTP server's acceptance. Its
 * `messageId` is fixed when the row is written, so every try sends the same Message-ID; the
 * sender records SENT in the transaction that holds the row lock across the send (mail/sender.ts).
 */
@Entity({ tableName: 'outbound_email' })
@Index({ name: 'outbound_email_created_idx', properties: ['createdAt', 'id'] })
@Index({ name: 'outbound_email_ticket_idx', properties: ['ticketId', 'id'] })
export class OutboundEmail {
  [OptionalProps]?:
    | 'status'
    | 'attempts'
    | 'error'
    | 'sentAt'
    | 'transport'
    | 'raw'
    | 'ticketId'
    | 'ticketMessageId'
    | 'replyTo'
    | 'inReplyTo'
    | 'references'
    | 'htmlBody'
    | 'attachmentIds'
    | 'documentIds'
    | 'autoSubmitted';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Enum({ items: () => OutboundEmailKind, type: 'text' })
  kind!: OutboundEmailKind;

  /** The ticket the email belongs to, when it belongs to one. */
  @Property({ type: new BigIntType('number'), nullable: true })
  ticketId: number | null = null;

  /** The reply it carries (TICKET_REPLY): one email per reply. */
  @Property({ type: new BigIntType('number'), nullable: true })
  @Unique({ name: 'outbound_email_ticket_message_unique' })
  ticketMessageId: number | null = null;

  @Property({ type: 'text' })
  toAddress!: string;

  @Property({ type: 'text' })
  fromAddress!: string;

  /** Where answers go: the ticket's signed reply address. */
  @Property({ type: 'text', nullable: true })
  replyTo: string | null = null;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text' })
  textBody!: string;

  @Property({ type: 'text', nullable: true })
  htmlBody: string | null = null;

  /** The Message-ID, without angle brackets; the same for every try. */
  @Property({ type: 'text' })
  @Unique({ name: 'outbound_email_message_id_unique' })
  messageId!: string;

  @Property({ type: 'text', nullable: true })
  inReplyTo: string | null = null;

  /** Message-IDs of the thread, oldest first, without angle brackets. */
  @Property({ type: 'text[]' })
  references: string[] = [];

  /** Attachments sent with it (ids of `attachment` rows, as text). */
  @Property({ type: 'text[]' })
  attachmentIds: string[] = [];

  /**
   * Stored documents sent with it (ids of `document` rows, as text): an invoice's PDF is attached
   * from where it is kept, not copied into an `attachment` row.
   */
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  documentIds: string[] = [];

  /** Sent with `Auto-Submitted: auto-generated` (alerts), so other systems do not answer it. */
  @Property({ type: 'boolean' })
  autoSubmitted: boolean = false;

  @Enum({ items: () => OutboundEmailStatus, type: 'text' })
  status: OutboundEmailStatus = OutboundEmailStatus.QUEUED;

  /** Tries made so far. */
  @Property({ type: 'integer' })
  attempts: number = 0;

  /** Why the last try failed, or why it bounced. */
  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  /** `smtp`, or `outbox` when no SMTP server is configured (the message then stays in `raw`). */
  @Property({ type: 'text', nullable: true })
  transport: string | null = null;

  /** The message as written, for the local outbox. */
  @Property({ type: 'text', nullable: true, lazy: true })
  raw: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

export enum InboundEmailOutcome {
  /** Waiting to be read (a job reads it). */
  RECEIVED = 'RECEIVED',
  /** Added to an existing ticket. */
  THREADED = 'THREADED',
  /** Opened a new ticket. */
  NEW_TICKET = 'NEW_TICKET',
  /** An auto-reply, a loop or bulk mail: kept, not added to any ticket. */
  IGNORED = 'IGNORED',
  /** A delivery failure report: marked the email it names as failed. */
  BOUNCE = 'BOUNCE',
  /** Could not be read; `reason` says why. */
  REJECTED = 'REJECTED',
}

/**
 * An email as it arrived (SMTP listener or `POST /inbound/email`), kept before it is read: a
 * message accepted is never lost, and the same Message-ID delivered twice is one row.
 */
@Entity({ tableName: 'inbound_email' })
@Index({ name: 'inbound_email_received_idx', properties: ['receivedAt', 'id'] })
export class InboundEmail {
  [OptionalProps]?:
    | 'outcome'
    | 'reason'
    | 'ticketId'
    | 'ticketMessageId'
    | 'fromAddress'
    | 'subject'
    | 'envelopeRecipients'
    | 'processedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** The Message-ID without angle brackets (one is made up from the content when missing). */
  @Property({ type: 'text' })
  @Unique({ name: 'inbound_email_message_id_unique' })
  messageId!: string;

  /** `smtp` or `http`. */
  @Property({ type: 'text' })
  source!: string;

  @Property({ type: BlobType, lazy: true })
  raw!: Buffer;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: 'text', nullable: true })
  fromAddress: string | null = null;

  @Property({ type: 'text', nullable: true })
  subject: string | null = null;

  /** The SMTP envelope's recipients (RCPT TO), lower-cased; empty for `http`. */
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  envelopeRecipients: string[] = [];

  @Enum({ items: () => InboundEmailOutcome, type: 'text' })
  outcome: InboundEmailOutcome = InboundEmailOutcome.RECEIVED;

  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  ticketId: number | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  ticketMessageId: number | null = null;

  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  processedAt: Date | null = null;
}

/**
 * A file attached to a ticket message: received by email or uploaded by an agent. The bytes are
 * kept in PostgreSQL with the rest of the ticket, so a backup holds both. `contentType` is what
 * the bytes are (sniffed), not what the sender claimed.
 */
@Entity({ tableName: 'attachment' })
@Index({ name: 'attachment_message_idx', properties: ['ticketMessageId', 'id'] })
@Index({ name: 'attachment_ticket_idx', properties: ['ticketId', 'id'] })
export class Attachment {
  [OptionalProps]?: 'ticketMessageId' | 'uploadedById' | 'contentId' | 'inline';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** The ticket whose readers may read it. */
  @Property({ type: new BigIntType('number') })
  ticketId!: number;

  /** The message it belongs to; null while an upload waits for the reply that sends it. */
  @Property({ type: new BigIntType('number'), nullable: true })
  ticketMessageId: number | null = null;

  @Property({ type: 'text' })
  filename!: string;

  @Property({ type: 'text' })
  contentType!: string;

  @Property({ type: 'integer' })
  size!: number;

  /** Lowercase hex SHA-256 of the bytes. */
  @Property({ type: 'text' })
  sha256!: string;

  /** `Content-ID` of an inline image, without angle brackets. */
  @Property({ type: 'text', nullable: true })
  contentId: string | null = null;

  @Property({ type: 'boolean' })
  inline: boolean = false;

  @Property({ type: BlobType, lazy: true })
  content!: Buffer;

  /** The agent who uploaded it; null for mail. */
  @Property({ type: new BigIntType('number'), nullable: true })
  uploadedById: number | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
