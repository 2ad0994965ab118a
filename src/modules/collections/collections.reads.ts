import type { FilterQuery } from '@mikro-orm/core';
import {
  defineGroupLoader,
  defineLoader,
  readList,
  readPage,
  readPagesPerParent,
  rowReader,
  type PageArgs,
  type ReadContext,
} from '../../read';
import { Invoice } from '../ledger/receivables.entity';
import {
  CustomerDunningPolicy,
  DunningLevel,
  DunningNotice,
  DunningNoticeLine,
  DunningPolicy,
  InvoiceDunning,
} from './collections.entity';

/** How dunning policies, notices and the dunning state of invoices read. */

/** Notices, newest first. */
export function dunningNoticePage(
  context: ReadContext,
  where: FilterQuery<DunningNotice>,
  args: PageArgs,
) {
  return readPage(context, DunningNotice, where, args, { orderBy: { id: 'desc' } });
}

/** A customer's notices, newest first, one statement for every customer of the request. */
export function noticesOfCustomer(context: ReadContext, customerId: number, args: PageArgs) {
  return readPagesPerParent(
    context,
    DunningNotice,
    { property: 'customer', id: customerId },
    {},
    args,
    { orderBy: { id: 'desc' } },
  );
}

/** Every policy (a short configuration list), by name. */
export function policyList(context: ReadContext): Promise<DunningPolicy[]> {
  return readList(context, DunningPolicy, {}, { orderBy: { name: 'asc', id: 'asc' } });
}

export const levelsOfPolicy = defineGroupLoader<DunningLevel>(
  'collections.levelsOfPolicy',
  (context, ids) =>
    context.em.find(
      DunningLevel,
      { policy: { $in: [...ids] } },
      { orderBy: { policy: 'asc', level: 'asc' } },
    ),
  (level) => level.policy.id,
);

export const linesOfNotice = defineGroupLoader<DunningNoticeLine>(
  'collections.linesOfNotice',
  (context, ids) =>
    context.em.find(
      DunningNoticeLine,
      { notice: { $in: [...ids] } },
      { populate: ['invoice'], orderBy: { id: 'asc' } },
    ),
  (line) => line.notice.id,
);

/** An invoice's dunning state (null: never disputed nor dunned). */
export const dunningOfInvoice = defineLoader<number, InvoiceDunning | null>(
  'collections.dunningOfInvoice',
  async (context, ids) => {
    const rows = await context.em.find(InvoiceDunning, { invoice: { $in: [...ids] } });
    const byInvoice = new Map(rows.map((row) => [row.invoice.id, row]));
    return ids.map((id) => byInvoice.get(id) ?? null);
  },
);

/** The notice whose charges an invoice bills (null for an ordinary invoice). */
export const noticeOfChargeInvoice = defineLoader<number, DunningNotice | null>(
  'collections.noticeOfChargeInvoice',
  async (context, ids) => {
    const rows = await context.em.find(DunningNotice, { chargeInvoice: { $in: [...ids] } });
    const byInvoice = new Map(rows.map((row) => [row.chargeInvoice?.id, row]));
    return ids.map((id) => byInvoice.get(id) ?? null);
  },
);

/** The policy assigned to a customer (null: the default). */
export const policyOfCustomer = defineLoader<number, DunningPolicy | null>(
  'collections.policyOfCustomer',
  async (context, ids) => {
    const rows = await context.em.find(
      CustomerDunningPolicy,
      { customer: { $in: [...ids] } },
      { populate: ['policy'] },
    );
    const byCustomer = new Map(rows.map((row) => [row.customer.id, row.policy]));
    return ids.map((id) => byCustomer.get(id) ?? null);
  },
);

/** Invoices by key (a notice's charge invoice). */
export const invoiceRows = rowReader(Invoice);
