import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { CalendarDateScalar } from '../../graphql/scalars';
import { asQueryInput } from '../../graphql/user-error';
import { Permissions } from '../auth/permissions';
import { ReportPeriod, SalesReport } from './reporting.types';

@Resolver()
export class ReportingResolver {
  @Authorized(...Permissions.reports.sales)
  @Query(() => SalesReport, {
    description:
      'Orders, units and revenue per day, week or month (UTC), cancelled orders excluded.',
  })
  salesReport(
    @Arg('from', () => CalendarDateScalar, { description: 'First day (inclusive).' }) from: string,
    @Arg('to', () => CalendarDateScalar, { description: 'Last day (inclusive).' }) to: string,
    @Arg('groupBy', () => ReportPeriod, {
      defaultValue: ReportPeriod.DAY,
      description: 'How to group the days.',
    })
    groupBy: ReportPeriod,
    @Ctx() context: RequestContext,
  ): Promise<SalesReport> {
    return asQueryInput(() => context.services.reporting.salesReport(context, from, to, groupBy));
  }
}
