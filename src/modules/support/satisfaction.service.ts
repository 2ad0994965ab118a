import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { Clock } from '../common/clock';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { integerInRange, optionalText } from '../common/input-rules';
import type { RequestScope } from '../common/scope';
import type { TicketCorrespondents } from './correspondent';
import { SatisfactionSurvey } from './satisfaction.entity';
import { snapshotOf, type SolveListener } from './support.service';
import type { SurveyTokens } from './survey-tokens';
import type { TicketMail } from './ticket-mail';
import { Ticket } from './ticket.entity';

/** How long a survey takes answers (and changes to its answer), from when it was sent. */
export const SURVEY_OPEN_DAYS = 7;
/** The longest comment kept. */
export const MAX_SURVEY_COMMENT = 2000;

const DAY = 24 * 3600_000;

/** A survey as its public page shows it. */
export interface SurveyView {
  survey: SatisfactionSurvey;
  ticketNumber: string;
  ticketSubject: string;
  /** When it stops taking answers. */
  closesAt: Date;
  open: boolean;
}

export function surveyClosesAt(survey: Pick<SatisfactionSurvey, 'sentAt'>): Date {
  return new Date(survey.sentAt.getTime() + SURVEY_OPEN_DAYS * DAY);
}

const invalidToken = () =>
  new BusinessRuleError(
    UserErrorCode.INVALID_TOKEN,
    'This survey link is not valid: use the link from the email',
    ['input', 'token'],
  );

/**
 * Satisfaction: a one-question survey when an agent solves a ticket, and the answer. It goes to
 * the ticket's correspondent: the customer, or, on the IT queue, the employee who reported it
 * (the IT desk is rated by its users as the support desk is by customers; `supportMetrics` gives
 * each queue's figures apart).
 *
 * Rules a maintainer must keep:
 * - A survey is made only by a solve an agent (a person) makes, in that change's transaction and
 *   under the ticket's lock (SupportService tells its SolveListeners); the system's auto-solve and
 *   merges never make one, nor tickets whose correspondent has no email address.
 * - Its email is queued in the same transaction; the link carries a signed token (SurveyTokens).
 * - One answer per survey, replaced by a later one until SURVEY_OPEN_DAYS after it was sent (by
 *   the injected clock); each answer that changes something records a SATISFACTION_RATED event.
 */
export class SatisfactionService implements SolveListener {
  private mail: TicketMail | undefined;
  private tokens: SurveyTokens | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly correspondents: TicketCorrespondents,
    /** CSAT_SURVEYS: false makes no surveys at all. */
    private readonly enabled: boolean,
  ) {}

  /** Surveys are mailed through `mail` with links signed by `tokens` (none: the demo seed). */
  sendWith(mail: TicketMail, tokens: SurveyTokens): void {
    this.mail = mail;
    this.tokens = tokens;
  }

  /** The token of a survey's link (the demo seed and tests have none to sign with: null). */
  tokenFor(surveyId: number): string | null {
    return this.tokens?.tokenFor(surveyId) ?? null;
  }

  async ticketSolved(tx: EntityManager, ticket: Ticket, solverId: number): Promise<void> {
    if (!this.enabled) return;
    const correspondent = await this.correspondents.of(tx, ticket);
    if (!correspondent.email) return;
    const survey = tx.create(SatisfactionSurvey, {
      ticket,
      solveVersion: ticket.version,
      agent: ticket.assignee?.id ?? solverId,
      sentAt: this.clock.now(),
    });
    await tx.flush();
    const token = this.tokens?.tokenFor(survey.id);
    if (token) await this.mail?.satisfactionSurvey(tx, ticket, correspondent, token);
  }

  /** The survey of a ticket's latest solve, or null (the demo seed answers it). */
  async latestOfTicket({ em }: RequestScope, ticketId: number): Promise<SatisfactionSurvey | null> {
    return em.fork().findOne(SatisfactionSurvey, { ticket: ticketId }, { orderBy: { id: 'desc' } });
  }

  /** The survey a token opens, as its page shows it; null for a forged token or no such survey. */
  async view({ em }: RequestScope, token: string): Promise<SurveyView | null> {
    const surveyId = this.tokens?.surveyIdOf(token) ?? null;
    if (surveyId === null) return null;
    const survey = await em
      .fork()
      .findOne(SatisfactionSurvey, { id: surveyId }, { populate: ['ticket'] });
    if (!survey) return null;
    const closesAt = surveyClosesAt(survey);
    return {
      survey,
      ticketNumber: survey.ticket.number,
      ticketSubject: survey.ticket.subject,
      closesAt,
      open: this.clock.now() < closesAt,
    };
  }

  /** The answer through a survey's link (`INVALID_TOKEN`, `SURVEY_CLOSED`). */
  async respond(
    scope: RequestScope,
    token: string,
    rating: number,
    comment: string | null | undefined,
  ): Promise<{ satisfaction: SatisfactionSurvey }> {
    const surveyId = this.tokens?.surveyIdOf(token) ?? null;
    if (surveyId === null) throw invalidToken();
    return this.answer(scope, surveyId, rating, comment);
  }

  /**
   * Records (or replaces) a survey's answer. The survey is locked, so two answers at once apply
   * one after the other; an answer equal to the current one changes nothing and records nothing.
   */
  async answer(
    { em }: RequestScope,
    surveyId: number,
    rating: number,
    comment: string | null | undefined,
  ): Promise<{ satisfaction: SatisfactionSurvey }> {
    const value = integerInRange(rating, ['input', 'rating'], 1, 5);
    const text = optionalText(comment, ['input', 'comment'], MAX_SURVEY_COMMENT);
    return inTransaction(em, async (tx) => {
      const survey = await tx.findOne(
        SatisfactionSurvey,
        { id: surveyId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!survey) throw invalidToken();
      const now = this.clock.now();
      if (now >= surveyClosesAt(survey))
        throw new BusinessRuleError(
          UserErrorCode.SURVEY_CLOSED,
          `This survey closed ${SURVEY_OPEN_DAYS} days after it was sent`,
          ['input', 'token'],
        );
      if (survey.rating === value && survey.comment === text) return { satisfaction: survey };
      const previousRating = survey.rating;
      survey.rating = value;
      survey.comment = text;
      survey.respondedAt = now;
      await tx.flush();
      const ticket = await tx.findOneOrFail(Ticket, { id: survey.ticket.id });
      // The ticket itself does not change: its queues see it stay where it is.
      const snapshot = snapshotOf(ticket, now);
      await recordEvent(tx, {
        streamType: 'Ticket',
        streamId: ticket.id,
        type: 'SATISFACTION_RATED',
        payload: {
          surveyId: survey.id,
          rating: value,
          previousRating,
          comment: text,
          agentId: survey.agent.id,
          before: snapshot,
          after: snapshot,
        },
        actorId: null,
      });
      return { satisfaction: survey };
    });
  }
}
