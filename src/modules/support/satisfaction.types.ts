import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';

@ObjectType('SatisfactionRating', {
  description: "A customer's answer to the satisfaction survey sent when a ticket was solved.",
})
export class SatisfactionRatingObject {
  @Field(() => Int, { description: 'How the customer rated the help: 1 (bad) to 5 (great).' })
  rating!: number;

  @Field(() => String, { nullable: true, description: "The customer's comment, if any." })
  comment!: string | null;

  @Field(() => Date, { description: 'When the answer (or its latest change) arrived.' })
  respondedAt!: Date;

  @Field(() => Date, { description: 'When the survey was sent (answers are taken for 7 days).' })
  sentAt!: Date;

  @Field(() => EmployeeObject, {
    description:
      'The agent the answer is about: the assignee when the ticket was solved, else who solved it.',
  })
  agent!: unknown;
}

@InputType({ description: "A customer's answer to a satisfaction survey." })
export class RespondToSatisfactionSurveyInput {
  @Field(() => String, { description: 'The token from the survey link (`/csat/<token>`).' })
  @IsString()
  @MaxLength(200)
  token!: string;

  @Field(() => Int, { description: 'The rating: 1 (bad) to 5 (great).' })
  @IsInt()
  rating!: number;

  @Field(() => String, {
    nullable: true,
    description: 'An optional comment (trimmed; at most 2000 characters).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  comment?: string | null;
}

@ObjectType({ description: 'The result of `respondToSatisfactionSurvey`.' })
export class RespondToSatisfactionSurveyPayload {
  @Field(() => SatisfactionRatingObject, {
    nullable: true,
    description: 'The answer as recorded; null when refused.',
  })
  satisfaction?: unknown;

  @Field(() => [UserError], {
    description:
      'Why the answer was refused (`INVALID_TOKEN`, `SURVEY_CLOSED`, `INVALID_INPUT` on `rating` or `comment`); empty on success.',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: "One agent's satisfaction figures over a period." })
export class AgentSatisfaction {
  /** The agent's id (resolved into `agent`). */
  agentId!: number;

  @Field(() => EmployeeObject, { description: 'The agent the surveys were about.' })
  agent?: unknown;

  @Field(() => Int, { description: 'Surveys about this agent sent in the period.' })
  surveysSent!: number;

  @Field(() => Int, { description: 'Of those, how many the customer answered.' })
  responses!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'The average rating (1 to 5) of those answers; null when none were answered.',
  })
  average!: number | null;
}
