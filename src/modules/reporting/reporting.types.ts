import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { CalendarDateScalar } from '../../graphql/scalars';

export enum ReportPeriod {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}

registerEnumType(ReportPeriod, {
  name: 'ReportPeriod',
  description: 'How a report groups days (UTC).',
  valuesConfig: {
    DAY: { description: 'One row per calendar day.' },
    WEEK: { description: 'One row per ISO week, starting on Monday.' },
    MONTH: { description: 'One row per calendar month.' },
  },
});

@ObjectType({ description: 'Sales in one period.' })
export class SalesReportRow {
  @Field(() => CalendarDateScalar, { description: 'The first day of the period.' })
  periodStart!: string;

  @Field(() => Int, { description: 'Orders placed in the period (cancelled ones excluded).' })
  orders!: number;

  @Field(() => Int, { description: 'Units on those orders.' })
  units!: number;

  @Field(() => Money, { description: 'Value of those orders.' })
  revenue!: Money;
}

@ObjectType({ description: 'Orders, units and revenue per period, computed in the database.' })
export class SalesReport {
  @Field(() => CalendarDateScalar, { description: 'First day covered.' })
  from!: string;

  @Field(() => CalendarDateScalar, { description: 'Last day covered.' })
  to!: string;

  @Field(() => ReportPeriod, { description: 'How the rows are grouped.' })
  groupBy!: ReportPeriod;

  @Field(() => [SalesReportRow], {
    description: 'One row per period in the range, empty periods included, oldest first.',
  })
  rows!: SalesReportRow[];

  @Field(() => Int, { description: 'Orders across the range.' })
  totalOrders!: number;

  @Field(() => Int, { description: 'Units across the range.' })
  totalUnits!: number;

  @Field(() => Money, { description: 'Revenue across the range.' })
  totalRevenue!: Money;
}
