import { ArrayMaxSize, IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { HistoryEntry } from '../../events/history.types';
import { AgentSatisfaction, SatisfactionRatingObject } from './satisfaction.types';
import { Connection, Node } from '../../graphql/relay';
import { UserError } from '../../graphql/user-error';
import { CustomerObject } from '../customers/customer.types';
import { EmployeeObject } from '../employees/employee.types';
import { OrderObject } from '../orders/order.types';
import { OutboundEmailStatus } from '../../mail/mail.entity';
import { MAX_ATTACHMENTS_PER_MESSAGE } from './ticket-attachments';
import { AttachmentObject } from './ticket-attachments.types';
import {
  AutoAssignMode,
  MessageAuthorKind,
  TicketChannel,
  TicketPriority,
  TicketQueue,
  TicketStatus,
} from './ticket.entity';

registerEnumType(TicketQueue, {
  name: 'TicketQueue',
  description: 'Which desk a ticket belongs to; fixed for its life.',
  valuesConfig: {
    CUSTOMER: {
      description:
        "A customer's request: read by SUPPORT_AGENT, SUPPORT_LEAD and REPORTING, worked by SUPPORT_AGENT and SUPPORT_LEAD.",
    },
    IT: {
      description:
        "An employee's IT report (`reportItIssue`): read by IT_SUPPORT and REPORTING, worked by IT_SUPPORT; its requester reads it through `myItTickets`.",
    },
  },
});

registerEnumType(TicketStatus, {
  name: 'TicketStatus',
  description: 'Where a ticket stands. NEW until the first agent action; CLOSED is final.',
  valuesConfig: {
    NEW: { description: 'Just arrived; no agent has acted on it.' },
    OPEN: { description: 'Being worked on.' },
    PENDING: { description: 'Waiting for the customer; the resolution clock is paused.' },
    ON_HOLD: { description: 'Waiting for a third party; the resolution clock is paused.' },
    SOLVED: { description: 'Answered; reopens to OPEN if the customer writes again.' },
    CLOSED: { description: 'Done for good. Final.' },
  },
});

registerEnumType(TicketPriority, {
  name: 'TicketPriority',
  description: 'How urgent a ticket is; decides its SLA targets.',
  valuesConfig: {
    LOW: { description: 'Default targets: first response 24 h, resolution 120 h.' },
    NORMAL: { description: 'Default targets: first response 8 h, resolution 48 h.' },
    HIGH: { description: 'Default targets: first response 4 h, resolution 24 h.' },
    URGENT: { description: 'Default targets: first response 1 h, resolution 4 h.' },
  },
});

registerEnumType(TicketChannel, {
  name: 'TicketChannel',
  description: 'How a ticket reached us.',
  valuesConfig: {
    EMAIL: { description: 'By email.' },
    PHONE: { description: 'By phone, written down by an agent.' },
    CHAT: { description: 'By live chat.' },
    WEB: { description: 'Through a web form.' },
    INTERNAL: {
      description:
        "Raised inside the company: by staff on the customer queue (its first message is an internal note), or an employee's IT report (its first message is theirs).",
    },
  },
});

registerEnumType(OutboundEmailStatus, {
  name: 'EmailDeliveryStatus',
  description: 'Where an outbound email stands.',
  valuesConfig: {
    QUEUED: { description: 'Waiting to be sent, or to be tried again after a failed try.' },
    SENT: { description: 'Accepted by the mail server (or kept in the local outbox).' },
    FAILED: { description: 'Given up on, or bounced; `error` says why.' },
  },
});

@ObjectType({
  description:
    "How a public reply is being mailed to the ticket's correspondent (the customer, or an IT ticket's requester).",
})
export class MessageDelivery {
  @Field(() => OutboundEmailStatus, { description: 'Queued, sent or failed.' })
  status!: OutboundEmailStatus;

  @Field(() => Date, { nullable: true, description: 'When the mail server accepted it.' })
  sentAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last try failed, or why it bounced.',
  })
  error!: string | null;

  @Field(() => String, { description: "The email's Message-ID, without angle brackets." })
  messageId!: string;

  @Field(() => Int, { description: 'Tries made so far.' })
  attempts!: number;
}

registerEnumType(MessageAuthorKind, {
  name: 'MessageAuthorKind',
  description: 'Who wrote a message.',
  valuesConfig: {
    AGENT: { description: 'A member of staff.' },
    CUSTOMER: { description: 'The customer.' },
    REQUESTER: { description: 'The employee who reported an IT ticket (its `author`).' },
  },
});

registerEnumType(AutoAssignMode, {
  name: 'AutoAssignMode',
  description: 'How new tickets are assigned.',
  valuesConfig: {
    OFF: { description: 'Not at all: they wait in the unassigned queue.' },
    ROUND_ROBIN: { description: 'In turn to each active support agent.' },
    LEAST_LOADED: { description: 'To the active support agent with the fewest open tickets.' },
  },
});

export enum TicketOrder {
  SLA_DUE = 'SLA_DUE',
  PRIORITY = 'PRIORITY',
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  RELEVANCE = 'RELEVANCE',
}

registerEnumType(TicketOrder, {
  name: 'TicketOrder',
  description: 'How a ticket queue is sorted.',
  valuesConfig: {
    SLA_DUE: {
      description:
        'Next deadline first (the default without a search): breached and nearly-due work on top; solved last.',
    },
    PRIORITY: { description: 'URGENT first, then oldest first within a priority.' },
    CREATED: { description: 'Newest first.' },
    UPDATED: { description: 'Most recently changed first.' },
    RELEVANCE: {
      description:
        'Best match of `filter.search` first (subject above customer name above message text); the default when searching. Only the newest 200 matches are ranked; older ones follow, newest first. Without a search: newest first.',
    },
  },
});

@ObjectType('TicketMessage', {
  implements: Node,
  description: "A message in a ticket's conversation.",
})
export class TicketMessageObject extends Node {
  @Field(() => MessageAuthorKind, { description: "Staff, customer or the IT ticket's requester." })
  authorKind!: MessageAuthorKind;

  @Field(() => EmployeeObject, {
    nullable: true,
    description:
      "The agent who wrote it, or the IT ticket's requester for their own words; null for the customer.",
  })
  author!: unknown;

  @Field(() => String, { description: 'The text.' })
  body!: string;

  @Field(() => Boolean, { description: 'An internal note: staff only, never customer-facing.' })
  internal!: boolean;

  @Field(() => Date, { description: 'When it was written.' })
  createdAt!: Date;

  @Field(() => [AttachmentObject], { description: 'The files it carries, oldest first.' })
  attachments!: unknown;
}

export const TicketMessageConnection = Connection(TicketMessageObject, 'TicketMessage', 'message');

@ObjectType('Ticket', {
  implements: Node,
  description:
    "A request and the conversation around it: a customer's (queue CUSTOMER) or an employee's IT report (queue IT).",
})
export class TicketObject extends Node {
  @Field(() => String, { description: 'Ticket number, such as T-000123.' })
  number!: string;

  @Field(() => Int, {
    description:
      'Increases with every change; send it as `expectedVersion` to avoid answering over a colleague.',
  })
  version!: number;

  @Field(() => String, { description: 'Subject line.' })
  subject!: string;

  @Field(() => TicketStatus, { description: 'Where it stands.' })
  status!: TicketStatus;

  @Field(() => TicketPriority, { description: 'How urgent it is.' })
  priority!: TicketPriority;

  @Field(() => TicketChannel, { description: 'How it reached us.' })
  channel!: TicketChannel;

  @Field(() => [String], { description: 'Tags (lower-case).' })
  tags!: string[];

  @Field(() => TicketQueue, { description: 'The desk it belongs to.' })
  queue!: TicketQueue;

  @Field(() => CustomerObject, {
    nullable: true,
    description:
      'Whose request it is, on the customer queue (null on the IT queue); from here reach their other tickets, orders, invoices and balance.',
  })
  customer!: unknown;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'The employee who reported it, on the IT queue (null on the customer queue).',
  })
  requester!: unknown;

  @Field(() => OrderObject, { nullable: true, description: 'The order it is about.' })
  order!: unknown;

  @Field(() => EmployeeObject, { nullable: true, description: 'The agent working it.' })
  assignee!: unknown;

  @Field(() => TicketMessageConnection, { description: 'The conversation, oldest first.' })
  messages!: unknown;

  @Field(() => TicketMessageObject, { nullable: true, description: 'The latest message.' })
  lastMessage!: unknown;

  @Field(() => Date, { description: 'When it arrived.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When it last changed.' })
  updatedAt!: Date;

  @Field(() => Date, { description: 'When the first public reply is due.' })
  firstResponseDueAt!: Date;

  @Field(() => Date, {
    description: 'When it must be solved (moves later while PENDING or ON_HOLD).',
  })
  resolutionDueAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'The next deadline: the first response until answered, then resolution; null when solved or paused.',
  })
  nextDueAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the first public reply was sent.' })
  firstRespondedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was solved.' })
  solvedAt!: Date | null;

  @Field(() => Boolean, {
    description: 'Whether a first-response or resolution target was missed.',
  })
  slaBreached!: boolean;

  @Field(() => TicketObject, {
    nullable: true,
    description: 'The ticket this duplicate was merged into.',
  })
  mergedInto!: unknown;

  @Field(() => [HistoryEntry], {
    description: 'Every recorded change, oldest first, with who and when.',
  })
  history!: HistoryEntry[];

  @Field(() => SatisfactionRatingObject, {
    nullable: true,
    description:
      "The customer's answer to the satisfaction survey of the latest solve; null until answered (and again after a re-solve, until its new survey is answered).",
  })
  satisfaction!: unknown;
}

export const TicketConnection = Connection(TicketObject, 'Ticket', 'ticket');

@ObjectType('SlaPolicy', { description: 'First-response and resolution targets for one priority.' })
export class SlaPolicyObject {
  @Field(() => TicketPriority, { description: 'The priority.' })
  priority!: TicketPriority;

  @Field(() => Int, { description: 'Minutes until the first public reply is due.' })
  firstResponseMinutes!: number;

  @Field(() => Int, {
    description: 'Minutes until the ticket must be solved (not counting paused time).',
  })
  resolutionMinutes!: number;
}

@ObjectType('Macro', {
  implements: Node,
  description: 'A canned response with placeholders, optionally setting status, priority and tags.',
})
export class MacroObject extends Node {
  @Field(() => String, { description: 'Name (unique).' })
  name!: string;

  @Field(() => String, {
    description:
      'The reply text; placeholders: {{customer.name}}, {{ticket.number}}, {{ticket.subject}}, {{order.number}}, {{agent.name}}.',
  })
  body!: string;

  @Field(() => TicketStatus, { nullable: true, description: 'The status it sets.' })
  setStatus!: TicketStatus | null;

  @Field(() => TicketPriority, { nullable: true, description: 'The priority it sets.' })
  setPriority!: TicketPriority | null;

  @Field(() => [String], { description: 'Tags it adds.' })
  addTags!: string[];
}

@ObjectType({ description: 'Support desk figures over a period.' })
export class SupportMetrics {
  @Field(() => Date, { description: 'Start of the period.' })
  from!: Date;

  @Field(() => Date, { description: 'End of the period.' })
  to!: Date;

  @Field(() => Int, { description: 'Tickets created in the period.' })
  created!: number;

  @Field(() => Int, { description: 'Tickets solved in the period.' })
  solved!: number;

  @Field(() => Int, {
    description: 'Tickets open (not solved or closed) at the end of the period.',
  })
  backlog!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median minutes from creation to first public reply, over tickets created in the period that got one.',
  })
  medianFirstResponseMinutes!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Share (0 to 1) of tickets created in the period that breached an SLA target; null when none were created.',
  })
  slaBreachRate!: number | null;

  @Field(() => Int, { description: 'Satisfaction surveys sent in the period.' })
  csatSurveysSent!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Share (0 to 1) of the satisfaction surveys sent in the period that the customer answered; null when none were sent.',
  })
  csatResponseRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Average rating (1 to 5) of the answered surveys sent in the period; null when none were answered.',
  })
  csatAverage!: number | null;

  @Field(() => [AgentSatisfaction], {
    description:
      'Satisfaction per agent (the agent each survey is about), over the surveys sent in the period, by agent.',
  })
  csatByAgent!: AgentSatisfaction[];
}

// ---- inputs ----

@InputType({
  description: 'Which tickets a queue (or a subscription) holds. Every field narrows it.',
})
export class TicketFilter {
  @Field(() => TicketQueue, {
    nullable: true,
    description:
      'The customer or the IT queue; none: every queue the viewer reads. A queue the viewer may not read is FORBIDDEN.',
  })
  @IsOptional()
  queue?: TicketQueue | null;

  @Field(() => [TicketStatus], { nullable: true, description: 'One of these statuses.' })
  @IsOptional()
  @ArrayMaxSize(6)
  status?: TicketStatus[] | null;

  @Field(() => [TicketPriority], { nullable: true, description: 'One of these priorities.' })
  @IsOptional()
  @ArrayMaxSize(4)
  priority?: TicketPriority[] | null;

  @Field(() => ID, { nullable: true, description: 'Assigned to this employee.' })
  @IsOptional()
  @IsString()
  assigneeId?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: nobody is assigned; false: somebody is.',
  })
  @IsOptional()
  unassigned?: boolean | null;

  @Field(() => ID, { nullable: true, description: "This customer's tickets." })
  @IsOptional()
  @IsString()
  customerId?: string | null;

  @Field(() => String, { nullable: true, description: 'Carrying this tag.' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: an SLA target was missed; false: none was.',
  })
  @IsOptional()
  breached?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Words in the subject, the customer\'s name or any message the viewer may read (internal notes only for note readers), in any form ("refunds" finds "refund"). Web search syntax: "quoted phrase", `or`, `-word` to exclude; the last word also matches as a prefix while it is being typed (3 letters or more).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Just this ticket (for a subscription that follows one ticket).',
  })
  @IsOptional()
  @IsString()
  ticketId?: string | null;
}

@InputType({ description: 'A new ticket.' })
export class CreateTicketInput {
  @Field(() => ID, { description: 'Whose request it is.' })
  @IsString()
  customerId!: string;

  @Field(() => String, { description: 'Subject line.' })
  @IsString()
  @MaxLength(300)
  subject!: string;

  @Field(() => String, {
    description:
      "The request itself (the customer's first message; an internal note for INTERNAL).",
  })
  @IsString()
  @MaxLength(20_000)
  body!: string;

  @Field(() => TicketPriority, { nullable: true, description: 'NORMAL by default.' })
  @IsOptional()
  priority?: TicketPriority | null;

  @Field(() => TicketChannel, { nullable: true, description: 'WEB by default.' })
  @IsOptional()
  channel?: TicketChannel | null;

  @Field(() => ID, { nullable: true, description: "The customer's order it is about." })
  @IsOptional()
  @IsString()
  orderId?: string | null;

  @Field(() => [String], { nullable: true, description: 'Tags.' })
  @IsOptional()
  @ArrayMaxSize(20)
  tags?: string[] | null;
}

@InputType({ description: 'A problem an employee reports to the IT desk.' })
export class ReportItIssueInput {
  @Field(() => String, { description: 'What is wrong, in a line.' })
  @IsString()
  @MaxLength(300)
  subject!: string;

  @Field(() => String, { description: "The details: the ticket's first message." })
  @IsString()
  @MaxLength(20_000)
  body!: string;

  @Field(() => TicketPriority, {
    nullable: true,
    description: 'NORMAL by default; decides the SLA targets.',
  })
  @IsOptional()
  priority?: TicketPriority | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The equipment it is about, if any (`NOT_FOUND` for no such asset).',
  })
  @IsOptional()
  @IsString()
  assetId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The same key (per employee) with the same input returns the first report instead of a second one; with other input, `IDEMPOTENCY_KEY_REUSED`.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType({ description: "An IT ticket's requester answering in the app." })
export class AddRequesterMessageInput {
  @Field(() => ID, { description: 'Their IT ticket.' })
  @IsString()
  ticketId!: string;

  @Field(() => String, { description: 'The text.' })
  @IsString()
  @MaxLength(20_000)
  body!: string;
}

@InputType({ description: 'Who works a ticket.' })
export class AssignTicketInput {
  @Field(() => ID, { description: 'The ticket.' })
  @IsString()
  ticketId!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      "An active member of the queue's staff (a support agent or lead; IT_SUPPORT for IT tickets); null unassigns.",
  })
  @IsOptional()
  @IsString()
  assigneeId?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Refuse (`STALE_TICKET`) if the ticket changed since this version.',
  })
  @IsOptional()
  expectedVersion?: number | null;
}

@InputType({ description: 'Changes to a ticket; omitted fields stay.' })
export class UpdateTicketInput {
  @Field(() => ID, { description: 'The ticket.' })
  @IsString()
  ticketId!: string;

  @Field(() => String, { nullable: true, description: 'New subject.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  subject?: string | null;

  @Field(() => TicketPriority, {
    nullable: true,
    description: 'New priority; the SLA deadlines are recomputed.',
  })
  @IsOptional()
  priority?: TicketPriority | null;

  @Field(() => [String], { nullable: true, description: 'Tags to add.' })
  @IsOptional()
  @ArrayMaxSize(20)
  addTags?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Tags to remove.' })
  @IsOptional()
  @ArrayMaxSize(20)
  removeTags?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Refuse (`STALE_TICKET`) if the ticket changed since this version.',
  })
  @IsOptional()
  expectedVersion?: number | null;
}

@InputType({ description: "A ticket's new status." })
export class UpdateTicketStatusInput {
  @Field(() => ID, { description: 'The ticket.' })
  @IsString()
  ticketId!: string;

  @Field(() => TicketStatus, { description: 'The new status (not NEW; nothing leaves CLOSED).' })
  status!: TicketStatus;

  @Field(() => Int, {
    nullable: true,
    description: 'Refuse (`STALE_TICKET`) if the ticket changed since this version.',
  })
  @IsOptional()
  expectedVersion?: number | null;
}

@InputType({ description: 'A public reply or an internal note.' })
export class ReplyToTicketInput {
  @Field(() => ID, { description: 'The ticket.' })
  @IsString()
  ticketId!: string;

  @Field(() => String, { description: 'The text.' })
  @IsString()
  @MaxLength(20_000)
  body!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'An internal note (staff only) instead of a reply; false by default.',
  })
  @IsOptional()
  internal?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'The same key never posts the same reply twice (flaky connections).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      'Files uploaded to this ticket (`POST /attachments`) that no message carries yet; a public reply mails them with it.',
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ATTACHMENTS_PER_MESSAGE)
  @IsString({ each: true })
  attachmentIds?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Refuse (`STALE_TICKET`) if the ticket changed since this version.',
  })
  @IsOptional()
  expectedVersion?: number | null;
}

@InputType({
  description:
    "A message from the correspondent's side (the customer, or an IT ticket's requester), such as from an email gateway.",
})
export class AddCustomerMessageInput {
  @Field(() => ID, { description: 'The ticket.' })
  @IsString()
  ticketId!: string;

  @Field(() => String, { description: 'The text.' })
  @IsString()
  @MaxLength(20_000)
  body!: string;
}

@InputType({ description: 'A duplicate to fold into another ticket.' })
export class MergeTicketInput {
  @Field(() => ID, { description: 'The duplicate: its messages move, then it closes with a link.' })
  @IsString()
  sourceTicketId!: string;

  @Field(() => ID, { description: 'The ticket that goes on.' })
  @IsString()
  targetTicketId!: string;
}

@InputType({ description: 'A canned response to apply.' })
export class ApplyMacroInput {
  @Field(() => ID, { description: 'The ticket.' })
  @IsString()
  ticketId!: string;

  @Field(() => ID, { description: 'The macro.' })
  @IsString()
  macroId!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Refuse (`STALE_TICKET`) if the ticket changed since this version.',
  })
  @IsOptional()
  expectedVersion?: number | null;
}

@InputType({ description: 'A new canned response.' })
export class CreateMacroInput {
  @Field(() => String, { description: 'Name (unique).' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => String, { description: 'Reply text with placeholders.' })
  @IsString()
  @MaxLength(20_000)
  body!: string;

  @Field(() => TicketStatus, { nullable: true, description: 'Status to set.' })
  @IsOptional()
  setStatus?: TicketStatus | null;

  @Field(() => TicketPriority, { nullable: true, description: 'Priority to set.' })
  @IsOptional()
  setPriority?: TicketPriority | null;

  @Field(() => [String], { nullable: true, description: 'Tags to add.' })
  @IsOptional()
  @ArrayMaxSize(20)
  addTags?: string[] | null;
}

@InputType({ description: 'New targets for one priority.' })
export class UpdateSlaPolicyInput {
  @Field(() => TicketPriority, { description: 'The priority.' })
  priority!: TicketPriority;

  @Field(() => Int, { description: 'Minutes until the first public reply is due.' })
  firstResponseMinutes!: number;

  @Field(() => Int, { description: 'Minutes until the ticket must be solved.' })
  resolutionMinutes!: number;
}

@InputType({ description: 'How new tickets are assigned.' })
export class SetAutoAssignmentInput {
  @Field(() => AutoAssignMode, { description: 'The mode.' })
  mode!: AutoAssignMode;
}

// ---- payloads ----

function ticketPayload(name: string, refusals: string) {
  @ObjectType(`${name}Payload`, {
    description: `The result of \`${name[0].toLowerCase()}${name.slice(1)}\`.`,
  })
  class TicketPayload {
    @Field(() => TicketObject, {
      nullable: true,
      description: 'The ticket as it is now; null when refused.',
    })
    ticket?: unknown;

    @Field(() => [UserError], { description: `Why it was refused (${refusals}).` })
    userErrors!: UserError[];
  }
  return TicketPayload;
}

const COMMON = '`STALE_TICKET`, `INVALID_TRANSITION`, `NOT_FOUND`, `INVALID_INPUT`';
export const CreateTicketPayload = ticketPayload('CreateTicket', '`NOT_FOUND`, `INVALID_INPUT`');
export const AssignTicketPayload = ticketPayload('AssignTicket', `\`INVALID_ASSIGNEE\`, ${COMMON}`);
export const UpdateTicketPayload = ticketPayload('UpdateTicket', COMMON);
export const UpdateTicketStatusPayload = ticketPayload('UpdateTicketStatus', COMMON);
export const AddCustomerMessagePayload = ticketPayload(
  'AddCustomerMessage',
  '`INVALID_TRANSITION`, `NOT_FOUND`, `INVALID_INPUT`',
);
export const MergeTicketPayload = ticketPayload(
  'MergeTicket',
  '`INVALID_TRANSITION`, `NOT_FOUND`, `INVALID_INPUT`',
);
export const ApplyMacroPayload = ticketPayload('ApplyMacro', COMMON);
export const ReportItIssuePayload = ticketPayload(
  'ReportItIssue',
  '`INVALID_INPUT`, `NOT_FOUND`, `IDEMPOTENCY_KEY_REUSED`',
);
export const AddRequesterMessagePayload = ticketPayload(
  'AddRequesterMessage',
  '`INVALID_TRANSITION`, `NOT_FOUND`, `INVALID_INPUT`',
);

@ObjectType({ description: 'The result of `replyToTicket`.' })
export class ReplyToTicketPayload {
  @Field(() => TicketObject, {
    nullable: true,
    description: 'The ticket as it is now; null when refused.',
  })
  ticket?: unknown;

  @Field(() => TicketMessageObject, {
    nullable: true,
    description: 'The reply or note (the first one, for a repeated idempotency key).',
  })
  message?: unknown;

  @Field(() => [UserError], {
    description: `Why it was refused (${COMMON}, \`IDEMPOTENCY_KEY_REUSED\`).`,
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `createMacro`.' })
export class CreateMacroPayload {
  @Field(() => MacroObject, { nullable: true, description: 'The new macro.' })
  macro?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`NAME_TAKEN`, `INVALID_INPUT`).' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `updateSlaPolicy`.' })
export class UpdateSlaPolicyPayload {
  @Field(() => SlaPolicyObject, { nullable: true, description: 'The policy now.' })
  policy?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`INVALID_INPUT`).' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `setAutoAssignment`.' })
export class SetAutoAssignmentPayload {
  @Field(() => AutoAssignMode, { nullable: true, description: 'The mode now.' })
  mode?: AutoAssignMode;

  @Field(() => [UserError], { description: 'Why it was refused.' })
  userErrors!: UserError[];
}
