import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection, Node } from '../../graphql/relay';
import { OutboundEmailKind, OutboundEmailStatus } from '../../mail/mail.entity';

registerEnumType(OutboundEmailKind, {
  name: 'OutboundEmailKind',
  description: 'What an outbound email is for.',
  valuesConfig: {
    TICKET_REPLY: { description: "An agent's public reply, mailed to the ticket's customer." },
    TICKET_ACKNOWLEDGEMENT: {
      description: 'The acknowledgement of a ticket that arrived by email.',
    },
    SLA_BREACH_ALERT: { description: 'A note to support leads that a ticket missed a target.' },
    SATISFACTION_SURVEY: {
      description: 'The one-question satisfaction survey sent when an agent solves a ticket.',
    },
    INVOICE: { description: 'An invoice mailed to its customer, with its PDF attached.' },
    DUNNING_NOTICE: {
      description: 'A dunning notice mailed to its customer, with its PDF letter attached.',
    },
    EMPLOYEE_DOCUMENT: {
      description:
        'A payslip or final year-end statement mailed to its employee, with its PDF attached.',
    },
    TRAINING_EXPIRY_REMINDER: {
      description:
        'A reminder to an employee that a training certification expires in 30 or 7 days, or today.',
    },
    EMPLOYEE_BANK_ACCOUNT_CHANGED: {
      description:
        'To an employee: the bank account their pay goes to was changed (masked number and date).',
    },
    CANDIDATE_EMAIL: {
      description:
        'An email to a job candidate (an interview invitation, an offer); withheld once the application is rejected.',
    },
    PURCHASE_ORDER: {
      description:
        'An approved purchase order mailed to its vendor, with its PDF attached; withheld if the order was cancelled before it left.',
    },
    WORK_ORDER_OPENED: {
      description: 'To IT support staff: a maintenance plan opened a work order that fell due.',
    },
  },
});

@ObjectType('OutboundEmail', {
  implements: Node,
  description:
    'An email the desk sends: queued in the transaction that decided it, then sent by a job (or kept in the local outbox when no SMTP server is configured).',
})
export class OutboundEmailObject extends Node {
  @Field(() => OutboundEmailKind, { description: 'What it is for.' })
  kind!: OutboundEmailKind;

  @Field(() => String, { description: 'The recipient.' })
  to!: string;

  @Field(() => String, { description: 'The sender.' })
  from!: string;

  @Field(() => String, { nullable: true, description: 'Where answers go (the reply address).' })
  replyTo!: string | null;

  @Field(() => String, { description: 'Subject line.' })
  subject!: string;

  @Field(() => String, { description: 'The plain-text body.' })
  text!: string;

  @Field(() => String, { nullable: true, description: 'The HTML body.' })
  html!: string | null;

  @Field(() => OutboundEmailStatus, { description: 'Queued, sent or failed.' })
  status!: OutboundEmailStatus;

  @Field(() => Int, { description: 'Tries made so far.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last try failed, or the bounce.' })
  error!: string | null;

  @Field(() => String, { description: 'The Message-ID, without angle brackets.' })
  messageId!: string;

  @Field(() => String, { nullable: true, description: 'The Message-ID it answers.' })
  inReplyTo!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'How it left: `smtp`, or `outbox` when it was kept in the local outbox; null until sent.',
  })
  transport!: string | null;

  @Field(() => Date, { description: 'When it was queued.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the mail server accepted it.' })
  sentAt!: Date | null;
}

export const OutboundEmailConnection = Connection(
  OutboundEmailObject,
  'OutboundEmail',
  'outbound email',
);

@InputType({ description: 'Which outbound emails to list.' })
export class OutboundEmailFilter {
  @Field(() => [OutboundEmailStatus], { nullable: true, description: 'Any of these states.' })
  status?: OutboundEmailStatus[] | null;

  @Field(() => OutboundEmailKind, { nullable: true, description: 'Only emails of this kind.' })
  kind?: OutboundEmailKind | null;
}
