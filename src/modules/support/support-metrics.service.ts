import { BusinessRuleError, UserErrorCode } from '../common/errors';
import type { Clock } from '../common/clock';
import { BREACHED_SQL } from './sla';
import type { RequestScope } from '../common/scope';
import type { TicketQueue } from './ticket.entity';

export interface SupportFigures {
  from: Date;
  to: Date;
  created: number;
  solved: number;
  backlog: number;
  medianFirstResponseMinutes: number | null;
  slaBreachRate: number | null;
  csatSurveysSent: number;
  csatResponseRate: number | null;
  csatAverage: number | null;
  csatByAgent: AgentFigures[];
}

/** One agent's satisfaction figures: the surveys about them sent in the period. */
export interface AgentFigures {
  agentId: number;
  surveysSent: number;
  responses: number;
  average: number | null;
}

/** A row of the satisfaction figures as PostgreSQL's json_agg writes it. */
interface SurveyFigures {
  agent_id: number | null;
  sent: number;
  responses: number;
  average: number | null;
}

const figuresOf = (row: SurveyFigures): AgentFigures => ({
  agentId: Number(row.agent_id),
  surveysSent: Number(row.sent),
  responses: Number(row.responses),
  average: row.average === null ? null : Number(row.average),
});

/**
 * One queue's figures over a period [from, to), computed in one SQL statement: its tickets, and
 * the surveys of its tickets (the queues are rated apart). Satisfaction
 * counts the surveys sent in the period (whenever they were answered): the response rate is
 * answered / sent, the average is over the answered ones, both overall and per agent (one pass
 * over the period's surveys, by GROUPING SETS).
 */
export class SupportMetricsService {
  constructor(private readonly clock: Clock) {}

  async metrics(
    { em }: RequestScope,
    fromDay: string,
    toDay: string,
    queue: TicketQueue,
  ): Promise<SupportFigures> {
    if (fromDay > toDay)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, '"from" must not be after "to"', [
        'from',
      ]);
    const from = new Date(`${fromDay}T00:00:00.000Z`);
    const to = new Date(Date.parse(`${toDay}T00:00:00.000Z`) + 86_400_000);
    const now = this.clock.now();
    const [row] = await em.execute<
      {
        created: string;
        solved: string;
        backlog: string;
        median: number | null;
        breach_rate: string | null;
        csat: SurveyFigures[];
      }[]
    >(
      `SELECT
         (SELECT count(*) FROM ticket WHERE queue = ? AND created_at >= ? AND created_at < ?) AS created,
         (SELECT count(*) FROM ticket WHERE queue = ? AND solved_at >= ? AND solved_at < ?) AS solved,
         (SELECT count(*) FROM ticket WHERE queue = ? AND created_at < ? AND (solved_at IS NULL OR solved_at >= ?) AND (closed_at IS NULL OR closed_at >= ?)) AS backlog,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_responded_at - created_at) / 60)
            FROM ticket WHERE queue = ? AND created_at >= ? AND created_at < ? AND first_responded_at IS NOT NULL) AS median,
         (SELECT avg(CASE WHEN ${BREACHED_SQL} THEN 1.0 ELSE 0.0 END) FROM ticket WHERE queue = ? AND created_at >= ? AND created_at < ?) AS breach_rate,
         (SELECT json_agg(a ORDER BY a.agent_id NULLS FIRST) FROM (
            SELECT s.agent_id, count(*) AS sent, count(s.rating) AS responses, avg(s.rating) AS average
              FROM satisfaction_survey s JOIN ticket t ON t.id = s.ticket_id
             WHERE t.queue = ? AND s.sent_at >= ? AND s.sent_at < ?
             GROUP BY GROUPING SETS ((), (s.agent_id))) a) AS csat`,
      [
        ...[queue, from, to],
        ...[queue, from, to],
        ...[queue, to, to, to],
        ...[queue, from, to],
        ...[now, now, queue, from, to],
        ...[queue, from, to],
      ],
    );
    // The empty grouping set (agent_id null) is the whole period; it exists even with no surveys.
    const [total, ...perAgent] = row.csat.map(figuresOf);
    return {
      from,
      to,
      created: Number(row.created),
      solved: Number(row.solved),
      backlog: Number(row.backlog),
      medianFirstResponseMinutes: row.median === null ? null : Number(row.median),
      slaBreachRate: row.breach_rate === null ? null : Number(row.breach_rate),
      csatSurveysSent: total.surveysSent,
      csatResponseRate: total.surveysSent === 0 ? null : total.responses / total.surveysSent,
      csatAverage: total.average,
      csatByAgent: perAgent,
    };
  }
}
