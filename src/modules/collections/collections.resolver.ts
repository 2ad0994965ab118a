import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { readById, readRoot, ReadsKeyOnly, type Row, type RowOf } from '../../read';
import { Permissions } from '../auth/permissions';
import { formatMinorUnits } from '../common/money';
import type { RequestContext } from '../context';
import type { Customer } from '../customers/customer.entity';
import { customerRows } from '../customers/customer.reads';
import { CustomerObject } from '../customers/customer.types';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import type { Invoice } from '../ledger/receivables.entity';
import { InvoiceObject } from '../ledger/ledger.types';
import {
  DunningNotice,
  type DunningLevel,
  type DunningNoticeLine,
  type DunningPolicy,
} from './collections.entity';
import {
  dunningNoticePage,
  dunningOfInvoice,
  invoiceRows,
  levelsOfPolicy,
  linesOfNotice,
  noticeOfChargeInvoice,
  noticesOfCustomer,
  policyList,
  policyOfCustomer,
} from './collections.reads';
import {
  DunningLevelObject,
  DunningNoticeConnection,
  DunningNoticeFilter,
  DunningNoticeLineObject,
  DunningNoticeObject,
  DunningPolicyObject,
  RunDunningInput,
  RunDunningPayload,
  SetCustomerDunningPolicyInput,
  SetCustomerDunningPolicyPayload,
  SetDunningPolicyInput,
  SetDunningPolicyPayload,
  SetInvoiceDisputedInput,
  SetInvoiceDisputedPayload,
  WaiveDunningChargesInput,
  WaiveDunningChargesPayload,
} from './collections.types';

const READ = Permissions.collections.read;
const WRITE = Permissions.collections.write;
const RECEIVABLES = Permissions.receivables.read;

registerNodeType({
  typeName: 'DunningNotice',
  entity: DunningNotice,
  roles: READ,
  load: (context, id) => readById(context, DunningNotice, id),
});

/** Basis points as a percentage with two decimals (800 → "8.00"). */
const percent = (basisPoints: number) => formatMinorUnits(BigInt(basisPoints));

function levelView(level: DunningLevel): DunningLevelObject {
  return {
    level: level.level,
    daysOverdue: level.daysOverdue,
    fee: Money.fromMinor(level.feeMinor),
    annualInterestRate: percent(level.interestBasisPoints),
    letterText: level.letterText,
  };
}

function lineView(line: DunningNoticeLine): DunningNoticeLineObject {
  return {
    invoice: line.invoice,
    daysOverdue: line.daysOverdue,
    amountOpen: Money.fromMinor(line.openMinor),
    fee: Money.fromMinor(line.feeMinor),
    interest: Money.fromMinor(line.interestMinor),
    annualInterestRate: percent(line.interestBasisPoints),
    interestSegments: line.segments.map((segment) => ({
      from: segment.from,
      to: segment.to,
      days: segment.days,
      outstanding: Money.fromMinor(segment.outstandingMinor),
    })),
  };
}

@Resolver(() => DunningPolicyObject)
export class DunningPolicyResolver {
  @Authorized(...READ)
  @Query(() => [DunningPolicyObject], {
    description: 'Every dunning policy, by name. Requires one of: ACCOUNTANT, REPORTING, ADMIN.',
  })
  dunningPolicies(@Ctx() context: RequestContext) {
    return policyList(context);
  }

  @Authorized(...WRITE)
  @Mutation(() => SetDunningPolicyPayload, {
    description:
      'Creates a dunning policy, or replaces the name, default flag and levels of one (`INVALID_INPUT`, `NAME_TAKEN`, `NOT_FOUND`). Requires one of: ACCOUNTANT, ADMIN.',
  })
  setDunningPolicy(
    @Arg('input', () => SetDunningPolicyInput, { description: 'The policy.' })
    input: SetDunningPolicyInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = input.id ? parseGlobalId(input.id, 'DunningPolicy', 'input.id') : null;
    return toPayload(async () => ({
      policy: await context.services.collections.setDunningPolicy(context, viewer, {
        ...input,
        id,
      }),
    }));
  }

  @FieldResolver(() => ID, { description: 'The global ID of the policy.' })
  id(@Root() policy: Row<DunningPolicy>): string {
    return toGlobalId('DunningPolicy', policy.id);
  }

  @FieldResolver(() => [DunningLevelObject], { description: 'Its levels, lowest first.' })
  async levels(
    @Root() policy: Row<DunningPolicy>,
    @Ctx() context: RequestContext,
  ): Promise<DunningLevelObject[]> {
    return (await levelsOfPolicy.load(context, policy.id)).map(levelView);
  }
}

@Resolver(() => DunningNoticeObject)
export class DunningNoticeResolver extends NodeResolver(DunningNoticeObject, 'DunningNotice') {
  @Authorized(...READ)
  @Query(() => DunningNoticeConnection, {
    description: 'Dunning notices, newest first. Requires one of: ACCOUNTANT, REPORTING, ADMIN.',
  })
  dunningNotices(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => DunningNoticeFilter, {
      nullable: true,
      description: 'Which notices to list.',
    })
    filter: DunningNoticeFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const customerId = filter?.customerId
      ? parseGlobalId(filter.customerId, 'Customer', 'filter.customerId')
      : null;
    return dunningNoticePage(context, customerId === null ? {} : { customer: customerId }, args);
  }

  @Authorized(...READ)
  @Query(() => DunningNoticeObject, {
    nullable: true,
    description: 'One dunning notice by ID. Requires one of: ACCOUNTANT, REPORTING, ADMIN.',
  })
  dunningNotice(
    @Arg('id', () => ID, { description: 'The notice ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(
      context,
      info,
      DunningNotice,
      'DunningNotice',
      parseGlobalId(id, 'DunningNotice'),
    );
  }

  @Authorized(...WRITE)
  @Mutation(() => RunDunningPayload, {
    description:
      'Runs dunning for a day now (the daily job `collections.run-dunning` does it for today): a notice per customer and level reached, mailed as a PDF letter; a second run on the same day writes and sends nothing more (`INVALID_INPUT`, `PERIOD_CLOSED`, `IDEMPOTENCY_KEY_REUSED`). Requires one of: ACCOUNTANT, ADMIN.',
  })
  runDunning(
    @Arg('input', () => RunDunningInput, { description: 'The day.' }) input: RunDunningInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(async () => ({
      notices: await context.services.collections.runDunning(context, viewer.employeeId, input),
    }));
  }

  @Authorized(...WRITE)
  @Mutation(() => WaiveDunningChargesPayload, {
    description:
      "Waives what is still open of a notice's fee and interest: posts the reversal (Dr 4900 / Cr Accounts Receivable) and settles its charge invoice, recording who, when and why (`NOT_FOUND`, `INVALID_INPUT`, `INVALID_TRANSITION`). Requires one of: ACCOUNTANT, ADMIN.",
  })
  waiveDunningCharges(
    @Arg('input', () => WaiveDunningChargesInput, { description: 'The notice and why.' })
    input: WaiveDunningChargesInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const noticeId = parseGlobalId(input.noticeId, 'DunningNotice', 'input.noticeId');
    return toPayload(async () => ({
      notice: await context.services.collections.waiveDunningCharges(context, viewer, {
        noticeId,
        reason: input.reason,
      }),
    }));
  }

  @FieldResolver(() => CustomerObject, { description: 'Who is reminded.' })
  customer(@Root() notice: Row<DunningNotice>, @Ctx() context: RequestContext) {
    return customerRows.byId(context, notice.customer.id);
  }

  @FieldResolver(() => Money, { description: 'The fees charged by the notice.' })
  fee(@Root() notice: Row<DunningNotice>): Money {
    return Money.fromMinor(notice.feeMinor);
  }

  @FieldResolver(() => Money, { description: 'The interest charged by the notice.' })
  interest(@Root() notice: Row<DunningNotice>): Money {
    return Money.fromMinor(notice.interestMinor);
  }

  @FieldResolver(() => [InvoiceObject], { description: 'The overdue invoices it lists.' })
  @ReadsKeyOnly()
  async invoices(@Root() notice: RowOf<DunningNotice>, @Ctx() context: RequestContext) {
    return (await linesOfNotice.load(context, notice.id)).map((line) => line.invoice);
  }

  @FieldResolver(() => [DunningNoticeLineObject], {
    description:
      'The invoices it lists, with the fee and interest of each and how it was computed.',
  })
  @ReadsKeyOnly()
  async lines(@Root() notice: RowOf<DunningNotice>, @Ctx() context: RequestContext) {
    return (await linesOfNotice.load(context, notice.id)).map(lineView);
  }

  @FieldResolver(() => InvoiceObject, {
    nullable: true,
    description:
      'The charge invoice that bills the fee and interest (no order); null when both are zero.',
  })
  chargeInvoice(@Root() notice: Row<DunningNotice>, @Ctx() context: RequestContext) {
    return invoiceRows.of(context, notice.chargeInvoice);
  }

  @FieldResolver(() => String, {
    description:
      'Where its PDF letter downloads: a path on this server, signed for 15 minutes (it also answers a bearer token that may read dunning notices).',
  })
  @ReadsKeyOnly()
  pdfUrl(@Root() notice: RowOf<DunningNotice>, @Ctx() context: RequestContext): string {
    return context.services.dunningNoticeDocuments.pdfUrl(notice.id);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who waived its charges.' })
  waivedBy(@Root() notice: Row<DunningNotice>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, notice.waivedById);
  }
}

/** What collections adds to invoices: disputes and the dunning level. */
@Resolver(() => InvoiceObject)
export class InvoiceDunningResolver {
  @Authorized(...WRITE)
  @Mutation(() => SetInvoiceDisputedPayload, {
    description:
      'Marks an invoice disputed (a reason is required) or no longer disputed; dunning skips disputed invoices (`INVALID_INPUT`, `NOT_FOUND`). Requires one of: ACCOUNTANT, ADMIN.',
  })
  setInvoiceDisputed(
    @Arg('input', () => SetInvoiceDisputedInput, { description: 'The invoice and its dispute.' })
    input: SetInvoiceDisputedInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const invoiceId = parseGlobalId(input.invoiceId, 'Invoice', 'input.invoiceId');
    return toPayload(async () => ({
      invoice: await context.services.collections.setInvoiceDisputed(context, viewer, {
        ...input,
        invoiceId,
      }),
    }));
  }

  @Authorized(...RECEIVABLES)
  @FieldResolver(() => Boolean, {
    description:
      'Whether the customer disputes it: dunning skips it meanwhile. Requires one of: ACCOUNTANT, REPORTING, SUPPORT_AGENT, SUPPORT_LEAD, ADMIN.',
  })
  @ReadsKeyOnly()
  async disputed(@Root() invoice: RowOf<Invoice>, @Ctx() context: RequestContext) {
    return (await dunningOfInvoice.load(context, invoice.id))?.disputed ?? false;
  }

  @Authorized(...RECEIVABLES)
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Why it is disputed (null when it is not). Requires one of: ACCOUNTANT, REPORTING, SUPPORT_AGENT, SUPPORT_LEAD, ADMIN.',
  })
  @ReadsKeyOnly()
  async disputeReason(@Root() invoice: RowOf<Invoice>, @Ctx() context: RequestContext) {
    return (await dunningOfInvoice.load(context, invoice.id))?.disputeReason ?? null;
  }

  @Authorized(...RECEIVABLES)
  @FieldResolver(() => Int, {
    description:
      'The highest dunning level it has reached (0: never dunned); it never goes down. Requires one of: ACCOUNTANT, REPORTING, SUPPORT_AGENT, SUPPORT_LEAD, ADMIN.',
  })
  @ReadsKeyOnly()
  async dunningLevel(@Root() invoice: RowOf<Invoice>, @Ctx() context: RequestContext) {
    return (await dunningOfInvoice.load(context, invoice.id))?.level ?? 0;
  }

  @Authorized(...RECEIVABLES)
  @FieldResolver(() => Boolean, {
    description:
      'Whether it is a charge invoice billing the fees and interest of a dunning notice (never itself dunned). Requires one of: ACCOUNTANT, REPORTING, SUPPORT_AGENT, SUPPORT_LEAD, ADMIN.',
  })
  @ReadsKeyOnly()
  async isDunningCharge(@Root() invoice: RowOf<Invoice>, @Ctx() context: RequestContext) {
    return (await noticeOfChargeInvoice.load(context, invoice.id)) !== null;
  }
}

/** What collections adds to customers: their notices and their policy. */
@Resolver(() => CustomerObject)
export class CustomerDunningResolver {
  @Authorized(...WRITE)
  @Mutation(() => SetCustomerDunningPolicyPayload, {
    description:
      'Assigns a customer a dunning policy other than the default, or back to the default with a null `policyId` (`NOT_FOUND`). Requires one of: ACCOUNTANT, ADMIN.',
  })
  setCustomerDunningPolicy(
    @Arg('input', () => SetCustomerDunningPolicyInput, { description: 'The customer and policy.' })
    input: SetCustomerDunningPolicyInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const customerId = parseGlobalId(input.customerId, 'Customer', 'input.customerId');
    const policyId = input.policyId
      ? parseGlobalId(input.policyId, 'DunningPolicy', 'input.policyId')
      : null;
    return toPayload(async () => {
      await context.services.collections.setCustomerDunningPolicy(context, viewer, {
        customerId,
        policyId,
      });
      return { customer: await customerRows.byId(context, customerId) };
    });
  }

  @Authorized(...READ)
  @FieldResolver(() => DunningNoticeConnection, {
    description:
      "The customer's dunning notices, newest first. Requires one of: ACCOUNTANT, REPORTING, ADMIN.",
  })
  @ReadsKeyOnly()
  dunningNotices(
    @Root() customer: RowOf<Customer>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: RequestContext,
  ) {
    return noticesOfCustomer(context, customer.id, args);
  }

  @Authorized(...READ)
  @FieldResolver(() => DunningPolicyObject, {
    nullable: true,
    description:
      'The dunning policy assigned to the customer; null when the default policy duns them. Requires one of: ACCOUNTANT, REPORTING, ADMIN.',
  })
  @ReadsKeyOnly()
  dunningPolicy(@Root() customer: RowOf<Customer>, @Ctx() context: RequestContext) {
    return policyOfCustomer.load(context, customer.id);
  }
}
