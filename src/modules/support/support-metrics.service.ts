import { BusinessRuleError, UserErrorCode } from '../common/errors';
import type { Clock } from '../common/clock';
import { BREACHED_SQL } from './sla';
import type { RequestScope } from '../common/scope';

export interface SupportFigures {
  from: Date;
  to: Date;
  created: number;
  solved: number;
  backlog: number;
  medianFirstResponseMinutes: number | null;
  slaBreachRate: number | null;
}

/** Support desk figures over a period [from, to), computed in one SQL statement. */
export class SupportMetricsService {
  constructor(private readonly clock: Clock) {}

  async metrics({ em }: RequestScope, fromDay: string, toDay: string): Promise<SupportFigures> {
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
      }[]
    >(
      `SELECT
         (SELECT count(*) FROM ticket WHERE created_at >= ? AND created_at < ?) AS created,
         (SELECT count(*) FROM ticket WHERE solved_at >= ? AND solved_at < ?) AS solved,
         (SELECT count(*) FROM ticket WHERE created_at < ? AND (solved_at IS NULL OR solved_at >= ?) AND (closed_at IS NULL OR closed_at >= ?)) AS backlog,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_responded_at - created_at) / 60)
            FROM ticket WHERE created_at >= ? AND created_at < ? AND first_responded_at IS NOT NULL) AS median,
         (SELECT avg(CASE WHEN ${BREACHED_SQL} THEN 1.0 ELSE 0.0 END) FROM ticket WHERE created_at >= ? AND created_at < ?) AS breach_rate`,
      [from, to, from, to, to, to, to, from, to, now, now, from, to],
    );
    return {
      from,
      to,
      created: Number(row.created),
      solved: Number(row.solved),
      backlog: Number(row.backlog),
      medianFirstResponseMinutes: row.median === null ? null : Number(row.median),
      slaBreachRate: row.breach_rate === null ? null : Number(row.breach_rate),
    };
  }
}
