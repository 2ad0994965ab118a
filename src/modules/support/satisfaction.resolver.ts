import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { toPayload } from '../../graphql/user-error';
import { ReadsKeyOnly, type RowOf } from '../../read';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import type { SatisfactionSurvey } from './satisfaction.entity';
import {
  AgentSatisfaction,
  RespondToSatisfactionSurveyInput,
  RespondToSatisfactionSurveyPayload,
  SatisfactionRatingObject,
} from './satisfaction.types';
import { latestSurveyOfTicket } from './support.reads';
import { TicketObject } from './support.types';
import type { Ticket } from './ticket.entity';

/** What `SatisfactionRating` resolves from: an answered survey. */
type AnsweredSurvey = Pick<SatisfactionSurvey, 'rating' | 'comment' | 'respondedAt' | 'sentAt'> & {
  agent: { id: number };
};

@Resolver(() => SatisfactionRatingObject)
export class SatisfactionResolver {
  @Mutation(() => RespondToSatisfactionSurveyPayload, {
    description:
      "A customer's answer to a satisfaction survey, through the token of its link: a rating from 1 to 5 and an optional comment. One answer per survey; sending again within 7 days of the survey replaces it, later `SURVEY_CLOSED`. Needs no bearer token (the token in the input is the credential), and is rate-limited per address and per survey with the page `/csat/<token>` (`RATE_LIMITED`).",
  })
  async respondToSatisfactionSurvey(
    @Arg('input', () => RespondToSatisfactionSurveyInput, {
      description: 'The survey token, the rating and a comment.',
    })
    input: RespondToSatisfactionSurveyInput,
    @Ctx() context: RequestContext,
  ) {
    const wait = await context.guards.survey(context.clientIp, input.token);
    if (wait > 0) {
      throw new GraphQLError(`Too many survey requests: try again in ${wait} s`, {
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: wait, http: { status: 429 } },
      });
    }
    return toPayload(() =>
      context.services.satisfaction.respond(context, input.token, input.rating, input.comment),
    );
  }

  @FieldResolver(() => EmployeeObject, {
    description:
      'The agent the answer is about: the assignee when the ticket was solved, else who solved it.',
  })
  agent(@Root() survey: AnsweredSurvey, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, survey.agent.id);
  }
}

/** A ticket's latest survey's answer. */
@Resolver(() => TicketObject)
export class TicketSatisfactionResolver {
  @FieldResolver(() => SatisfactionRatingObject, {
    nullable: true,
    description:
      "The customer's answer to the satisfaction survey of the latest solve; null until answered (and again after a re-solve, until its new survey is answered).",
  })
  @ReadsKeyOnly()
  async satisfaction(@Root() ticket: RowOf<Ticket>, @Ctx() context: RequestContext) {
    const survey = await latestSurveyOfTicket.load(context, ticket.id);
    return survey?.rating == null ? null : survey;
  }
}

@Resolver(() => AgentSatisfaction)
export class AgentSatisfactionResolver {
  @FieldResolver(() => EmployeeObject, { description: 'The agent the surveys were about.' })
  agent(@Root() figures: AgentSatisfaction, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, figures.agentId);
  }
}
