import {
  BigIntType,
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Asset } from '../assets/asset.entity';
import { Customer } from '../customers/customer.entity';
import { Employee } from '../employees/employee.entity';
import { Order } from '../orders/order.entity';

export enum TicketStatus {
  NEW = 'NEW',
  OPEN = 'OPEN',
  PENDING = 'PENDING',
  ON_HOLD = 'ON_HOLD',
  SOLVED = 'SOLVED',
  CLOSED = 'CLOSED',
}

export enum TicketPriority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}

export enum TicketChannel {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  CHAT = 'CHAT',
  WEB = 'WEB',
  INTERNAL = 'INTERNAL',
}

/**
 * Which desk a ticket belongs to: the customer support desk, or the internal IT desk where
 * employees report problems with their equipment and accounts. Stored, and fixed for the
 * ticket's life: who may read and work it follows from it (ticket-queues.ts).
 */
export enum TicketQueue {
  CUSTOMER = 'CUSTOMER',
  IT = 'IT',
}

/** Stands in for "no deadline" in `nextDueAt`, so the SLA queue order needs no NULL handling. */
export const NO_DEADLINE = new Date('9999-12-31T00:00:00.000Z');

/**
 * Tickets whose target may still breach without its breach recorded: not recorded yet, and not
 * settled in time (still open, or answered / solved late). The SLA sweep reads them through the
 * partial indexes below, whose predicates these are (sla.ts, `SLA_TARGET_SQL`).
 */
export const FIRST_RESPONSE_WATCHED =
  "first_response_breached_at IS NULL AND coalesce(first_responded_at, solved_at, closed_at, 'infinity'::timestamptz) > first_response_due_at";
export const RESOLUTION_WATCHED =
  "resolution_breached_at IS NULL AND coalesce(solved_at, closed_at, paused_at, 'infinity'::timestamptz) > resolution_due_at";

/**
 * A request and the conversation around it: a customer's (queue CUSTOMER, with `customer`) or an
 * employee's IT report (queue IT, with `requester`); the check keeps exactly that shape.
 */
@Entity({ tableName: 'ticket' })
@Check({
  name: 'ticket_correspondent_check',
  expression:
    "(queue = 'CUSTOMER' and customer_id is not null and requester_id is null) or (queue = 'IT' and requester_id is not null and customer_id is null)",
})
@Index({ name: 'ticket_queue_due_idx', properties: ['nextDueAt', 'id'] })
@Index({ name: 'ticket_queue_priority_idx', properties: ['priorityRank', 'id'] })
@Index({ name: 'ticket_created_idx', properties: ['createdAt', 'id'] })
@Index({ name: 'ticket_updated_idx', properties: ['updatedAt', 'id'] })
@Index({ name: 'ticket_status_idx', properties: ['status', 'nextDueAt', 'id'] })
@Index({ name: 'ticket_assignee_idx', properties: ['assignee', 'status'] })
@Index({ name: 'ticket_customer_idx', properties: ['customer', 'id'] })
@Index({ name: 'ticket_requester_idx', properties: ['requester', 'id'] })
@Index({ name: 'ticket_asset_idx', properties: ['asset', 'id'] })
@Check({ name: 'ticket_asset_check', expression: "asset_id is null or queue = 'IT'" })
/** The IT queue by SLA due, as the console lists it (IT tickets are a small share of all). */
@Index({
  name: 'ticket_it_queue_due_idx',
  expression: `create index "ticket_it_queue_due_idx" on "ticket" ("next_due_at", "id") where queue = 'IT'`,
})
@Index({
  name: 'ticket_first_response_watch_idx',
  expression: `create index "ticket_first_response_watch_idx" on "ticket" ("first_response_due_at") where ${FIRST_RESPONSE_WATCHED}`,
})
@Index({
  name: 'ticket_resolution_watch_idx',
  expression: `create index "ticket_resolution_watch_idx" on "ticket" ("resolution_due_at") where ${RESOLUTION_WATCHED}`,
})
export class Ticket {
  [OptionalProps]?:
    | 'status'
    | 'priority'
    | 'channel'
    | 'tags'
    | 'customer'
    | 'requester'
    | 'asset'
    | 'queue'
    | 'order'
    | 'assignee'
    | 'version'
    | 'firstRespondedAt'
    | 'solvedAt'
    | 'closedAt'
    | 'pausedAt'
    | 'pausedSeconds'
    | 'firstResponseBreachedAt'
    | 'resolutionBreachedAt'
    | 'mergedIntoId'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** Human-readable number such as T-000123, from the `ticket_number_seq` sequence. */
  @Property({ type: 'text' })
  @Unique({ name: 'ticket_number_unique' })
  number!: string;

  @Property({ type: 'text' })
  subject!: string;

  /** Whose request it is, on the CUSTOMER queue; null on the IT queue. */
  @ManyToOne(() => Customer, { nullable: true, deleteRule: 'restrict' })
  customer: Customer | null = null;

  /** The employee who reported it, on the IT queue; null on the CUSTOMER queue. */
  @ManyToOne(() => Employee, { nullable: true, deleteRule: 'restrict' })
  requester: Employee | null = null;

  @Enum({ items: () => TicketQueue, type: 'text' })
  queue: TicketQueue = TicketQueue.CUSTOMER;

  /** The equipment an IT report is about, when the employee named it (IT queue only). */
  @ManyToOne(() => Asset, { nullable: true, deleteRule: 'restrict' })
  asset: Asset | null = null;

  @ManyToOne(() => Order, { nullable: true, deleteRule: 'restrict', index: 'ticket_order_idx' })
  order: Order | null = null;

  @Enum({ items: () => TicketStatus, type: 'text' })
  status: TicketStatus = TicketStatus.NEW;

  @Enum({ items: () => TicketPriority, type: 'text' })
  priority: TicketPriority = TicketPriority.NORMAL;

  /** URGENT 0 … LOW 3: sorts the queue by priority through an index. */
  @Property({ type: 'smallint' })
  priorityRank!: number;

  @Enum({ items: () => TicketChannel, type: 'text' })
  channel: TicketChannel = TicketChannel.WEB;

  @Property({ type: 'text[]' })
  tags: string[] = [];

  @ManyToOne(() => Employee, { nullable: true, deleteRule: 'restrict' })
  assignee: Employee | null = null;

  /** Increases with every change; mutations may insist on the version the agent saw. */
  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'timestamptz' })
  firstResponseDueAt!: Date;

  /** Moves later by the time spent paused (PENDING, ON_HOLD). */
  @Property({ type: 'timestamptz' })
  resolutionDueAt!: Date;

  /** The deadline that matters next, for the SLA-ordered queue; NO_DEADLINE when none. */
  @Property({ type: 'timestamptz' })
  nextDueAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  firstRespondedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  solvedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  /** When the resolution clock was paused; null while it runs. */
  @Property({ type: 'timestamptz', nullable: true })
  pausedAt: Date | null = null;

  /** Time spent paused so far; the resolution deadline moves later by it. */
  @Property({ type: 'integer' })
  pausedSeconds: number = 0;

  /**
   * When the first-response target's breach was recorded (its SLA_BREACHED event, by the SLA
   * sweep); set once and never cleared, so each target is announced once.
   */
  @Property({ type: 'timestamptz', nullable: true })
  firstResponseBreachedAt: Date | null = null;

  /** The same for the resolution target. */
  @Property({ type: 'timestamptz', nullable: true })
  resolutionBreachedAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  mergedIntoId: number | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;
}

export enum MessageAuthorKind {
  AGENT = 'AGENT',
  CUSTOMER = 'CUSTOMER',
  /** The employee who reported an IT ticket (`authorId` names them). */
  REQUESTER = 'REQUESTER',
}

/**
 * A message in a ticket's conversation: a public reply, an internal note, or the words of the
 * ticket's correspondent (its customer, or the requester of an IT ticket).
 */
@Entity({ tableName: 'ticket_message' })
@Index({ name: 'ticket_message_ticket_idx', properties: ['ticket', 'id'] })
export class TicketMessage {
  [OptionalProps]?: 'authorId' | 'internal';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Ticket, { deleteRule: 'cascade' })
  ticket!: Ticket;

  @Enum({ items: () => MessageAuthorKind, type: 'text' })
  authorKind!: MessageAuthorKind;

  /** The agent (or the IT ticket's requester) who wrote it; null for the customer and the system. */
  @Property({ type: new BigIntType('number'), nullable: true })
  authorId: number | null = null;

  @Property({ type: 'text' })
  body!: string;

  /** Internal notes are for staff only; never shown as customer-facing. */
  @Property({ type: 'boolean' })
  internal: boolean = false;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * The text search document of a ticket that every reader may search: subject (weight A), customer
 * name (or the IT requester's, B) and public messages (C), one row per ticket, kept by the triggers in `sql/`
 * (ticket_search_*.sql) and never written from TypeScript. Apart from `ticket`, whose row changes
 * with every status or version bump: an update of this row re-enters its GIN entries, so it
 * changes only when the text does (a message, a subject, the correspondent's name, a merge). One text
 * search configuration, `english` (SEARCH_CONFIG in ticket-search.ts), for documents and queries.
 */
@Entity({ tableName: 'ticket_search' })
@Index({
  name: 'ticket_search_document_idx',
  expression: 'create index "ticket_search_document_idx" on "ticket_search" using gin ("document")',
})
export class TicketSearchDocument {
  @OneToOne(() => Ticket, { primary: true, owner: true, deleteRule: 'cascade' })
  ticket!: Ticket;

  @Property({ type: 'tsvector' })
  document!: string;
}

/**
 * The same with internal notes (weight D): what note readers search, kept by the same triggers.
 * A table of its own rather than a column beside the public document or an index on the two
 * joined: a search probes one document of about a kilobyte per ticket, never two joined per row.
 */
@Entity({ tableName: 'ticket_staff_search' })
@Index({
  name: 'ticket_staff_search_document_idx',
  expression:
    'create index "ticket_staff_search_document_idx" on "ticket_staff_search" using gin ("document")',
})
export class TicketStaffSearchDocument {
  @OneToOne(() => Ticket, { primary: true, owner: true, deleteRule: 'cascade' })
  ticket!: Ticket;

  @Property({ type: 'tsvector' })
  document!: string;
}

/** First-response and resolution targets per priority. */
@Entity({ tableName: 'sla_policy' })
export class SlaPolicy {
  @PrimaryKey({ type: 'text' })
  priority!: TicketPriority;

  @Property({ type: 'integer' })
  firstResponseMinutes!: number;

  @Property({ type: 'integer' })
  resolutionMinutes!: number;
}

export enum AutoAssignMode {
  OFF = 'OFF',
  ROUND_ROBIN = 'ROUND_ROBIN',
  LEAST_LOADED = 'LEAST_LOADED',
}

/** Support desk settings: one row (id 1). */
@Entity({ tableName: 'support_settings' })
export class SupportSettings {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  @Enum({ items: () => AutoAssignMode, type: 'text' })
  autoAssign!: AutoAssignMode;

  /** The agent who got the last round-robin ticket. */
  @Property({ type: new BigIntType('number'), nullable: true })
  lastAssignedId!: number | null;
}

/** A canned response: a reply with placeholders, optionally setting status, priority and tags. */
@Entity({ tableName: 'macro' })
export class Macro {
  [OptionalProps]?: 'setStatus' | 'setPriority' | 'addTags' | 'active' | 'createdAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  @Unique({ name: 'macro_name_unique' })
  name!: string;

  /**
   * Placeholders: {{customer.name}} (the correspondent: the customer, or an IT ticket's requester),
   * {{ticket.number}}, {{order.number}}, {{agent.name}}.
   */
  @Property({ type: 'text' })
  body!: string;

  @Enum({ items: () => TicketStatus, type: 'text', nullable: true })
  setStatus: TicketStatus | null = null;

  @Enum({ items: () => TicketPriority, type: 'text', nullable: true })
  setPriority: TicketPriority | null = null;

  @Property({ type: 'text[]' })
  addTags: string[] = [];

  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
