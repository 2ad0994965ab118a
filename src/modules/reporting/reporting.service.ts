import { Money } from '../../graphql/money';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { ReportPeriod, type SalesReport } from './reporting.types';
import type { RequestScope } from '../common/scope';

const TRUNCATE: Record<ReportPeriod, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };
const MAX_DAYS = 3660;

interface SalesRow {
  period_start: string;
  orders: string;
  units: string;
  revenue: string;
}

export class ReportingService {
  /** Orders (not cancelled), units and revenue per period, every period of the range present. */
  async salesReport(
    { em }: RequestScope,
    from: string,
    to: string,
    groupBy: ReportPeriod,
  ): Promise<SalesReport> {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, '"from" must not be after "to"', [
        'from',
      ]);
    if (days > MAX_DAYS)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, `At most ${MAX_DAYS} days`, ['to']);
    const unit = TRUNCATE[groupBy];
    const rows = await em.execute<SalesRow[]>(
      `WITH periods AS (
         SELECT generate_series(date_trunc(?, ?::date), date_trunc(?, ?::date), ('1 ' || ?)::interval)::date AS period_start
       ),
       sales AS (
         SELECT date_trunc(?, o.created_at AT TIME ZONE 'UTC')::date AS period_start,
                count(DISTINCT o.id) AS orders, sum(l.quantity) AS units, sum(l.total_minor) AS revenue
           FROM "order" o JOIN order_line l ON l.order_id = o.id
          WHERE o.status <> 'CANCELLED'
            AND o.created_at >= (?::date)::timestamp AT TIME ZONE 'UTC'
            AND o.created_at < ((?::date) + 1)::timestamp AT TIME ZONE 'UTC'
          GROUP BY 1
       )
       SELECT to_char(p.period_start, 'YYYY-MM-DD') AS period_start,
              coalesce(s.orders, 0) AS orders, coalesce(s.units, 0) AS units, coalesce(s.revenue, 0) AS revenue
         FROM periods p LEFT JOIN sales s USING (period_start)
        ORDER BY p.period_start`,
      [unit, from, unit, to, unit, unit, from, to],
    );
    const report = rows.map((row) => ({
      periodStart: row.period_start,
      orders: Number(row.orders),
      units: Number(row.units),
      revenueMinor: BigInt(row.revenue),
    }));
    return {
      from,
      to,
      groupBy,
      rows: report.map(({ revenueMinor, ...row }) => ({
        ...row,
        revenue: Money.fromMinor(revenueMinor),
      })),
      totalOrders: report.reduce((sum, row) => sum + row.orders, 0),
      totalUnits: report.reduce((sum, row) => sum + row.units, 0),
      totalRevenue: Money.fromMinor(report.reduce((sum, row) => sum + row.revenueMinor, 0n)),
    };
  }
}
