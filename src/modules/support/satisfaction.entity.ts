import {
  BigIntType,
  Check,
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Employee } from '../employees/employee.entity';
import { Ticket } from './ticket.entity';

/**
 * The one-question survey sent when an agent solves a ticket, and the customer's answer. One per
 * solve: the solving change makes it under the ticket's lock, and `solveVersion` (the ticket's
 * version after that change) is unique per ticket, so one change can never make two.
 */
@Entity({ tableName: 'satisfaction_survey' })
@Unique({ name: 'satisfaction_survey_solve_unique', properties: ['ticket', 'solveVersion'] })
@Index({ name: 'satisfaction_survey_sent_idx', properties: ['sentAt'] })
@Check({
  name: 'satisfaction_survey_rating_check',
  expression: 'rating >= 1 and rating <= 5',
})
export class SatisfactionSurvey {
  [OptionalProps]?: 'rating' | 'comment' | 'respondedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Ticket, { deleteRule: 'cascade' })
  ticket!: Ticket;

  /** The ticket's version after the change that solved it. */
  @Property({ type: 'integer' })
  solveVersion!: number;

  /** Whom the answer is about: the assignee when the ticket was solved, else the agent who solved it. */
  @ManyToOne(() => Employee, { deleteRule: 'restrict', index: 'satisfaction_survey_agent_idx' })
  agent!: Employee;

  /** When it was made and its email queued; answers are taken for 7 days from then. */
  @Property({ type: 'timestamptz' })
  sentAt!: Date;

  /** 1 (bad) to 5 (great); null until answered. */
  @Property({ type: 'smallint', nullable: true })
  rating: number | null = null;

  @Property({ type: 'text', nullable: true })
  comment: string | null = null;

  /** When the (latest) answer arrived. */
  @Property({ type: 'timestamptz', nullable: true })
  respondedAt: Date | null = null;
}
