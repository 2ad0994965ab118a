import type { FilterQuery } from '@mikro-orm/core';
import type { RequestContext } from '../context';
import {
  defineGroupLoader,
  defineLoader,
  readPage,
  readPagesPerParent,
  rowReader,
  type PageArgs,
} from '../../read';
import { Account, JournalEntry, JournalLine } from './ledger.entity';
import { Bill, Invoice, Vendor } from './receivables.entity';

/** How accounts, journal entries, invoices, vendors and bills read. */

/** Rows by key, for the modules that show them (banking's matches and suggestions). */
export const accountRows = rowReader(Account);
export const journalEntryRows = rowReader(JournalEntry);
export const invoiceRows = rowReader(Invoice);
export const billRows = rowReader(Bill);
export const vendorRows = rowReader(Vendor);

export function accountPage(context: RequestContext, where: FilterQuery<Account>, args: PageArgs) {
  return readPage(context, Account, where, args, { orderBy: { code: 'asc' } });
}

/** Newest first: by date, then number. */
export function journalEntryPage(
  context: RequestContext,
  where: () => FilterQuery<JournalEntry>,
  args: PageArgs,
) {
  return readPage(context, JournalEntry, where, args, {
    orderBy: { date: 'desc', number: 'desc' },
  });
}

export function invoicePage(context: RequestContext, where: FilterQuery<Invoice>, args: PageArgs) {
  return readPage(context, Invoice, where, args, { orderBy: { id: 'desc' } });
}

/** A customer's invoices, newest first, one statement for every customer of the request. */
export function invoicesOfCustomer(
  context: RequestContext,
  customerId: number,
  where: FilterQuery<Invoice>,
  args: PageArgs,
) {
  return readPagesPerParent(
    context,
    Invoice,
    { property: 'customer', id: customerId },
    where,
    args,
    {
      orderBy: { id: 'desc' },
    },
  );
}

export function vendorPage(context: RequestContext, args: PageArgs) {
  return readPage(context, Vendor, {}, args, { orderBy: { name: 'asc', id: 'asc' } });
}

export function billPage(context: RequestContext, args: PageArgs) {
  return readPage(context, Bill, {}, args, { orderBy: { id: 'desc' } });
}

/** An account's net (debits less credits) of postings dated on or before a day. */
export const accountNetAsOf = defineLoader<
  { accountId: number; asOf: string },
  bigint,
  RequestContext
>(
  'ledger.accountNetAsOf',
  async (context, keys) => {
    const byDay = new Map<string, number[]>();
    for (const { accountId, asOf } of keys)
      byDay.set(asOf, [...(byDay.get(asOf) ?? []), accountId]);
    const nets = new Map<string, Map<number, bigint>>();
    for (const [asOf, ids] of byDay)
      nets.set(asOf, await context.services.statements.netAsOf(context.em, ids, asOf));
    return keys.map(({ accountId, asOf }) => nets.get(asOf)?.get(accountId) ?? 0n);
  },
  { cacheKeyFn: ({ accountId, asOf }) => `${asOf}|${accountId}` },
);

/** A journal line's account balance after it, in date order. */
export const runningBalanceOfLine = defineLoader<number, bigint, RequestContext>(
  'ledger.runningBalanceOfLine',
  async (context, ids) => {
    const balances = await context.services.statements.runningBalances(context.em, ids);
    return ids.map((id) => balances.get(id) ?? 0n);
  },
);

/** What a customer owes: their receivable balance. */
export const balanceOfCustomer = defineLoader<number, bigint, RequestContext>(
  'ledger.balanceOfCustomer',
  async (context, ids) => {
    const balances = await context.services.receivables.customerBalances(context.em, ids);
    return ids.map((id) => balances.get(id) ?? 0n);
  },
);

export const linesOfEntry = defineGroupLoader<JournalLine>(
  'ledger.linesOfEntry',
  (context, ids) =>
    context.em.find(
      JournalLine,
      { entry: { $in: [...ids] } },
      { orderBy: { entry: 'asc', lineNo: 'asc' } },
    ),
  (line) => line.entry.id,
);

/** The entry that reversed an entry (null while it stands). */
export const reversalOfEntry = defineLoader<number, JournalEntry | null>(
  'ledger.reversalOfEntry',
  async (context, ids) => {
    const reversals = await context.em.find(JournalEntry, { reversalOfId: { $in: [...ids] } });
    const byOriginal = new Map(reversals.map((reversal) => [reversal.reversalOfId, reversal]));
    return ids.map((id) => byOriginal.get(id) ?? null);
  },
);

/** The invoice issued when an order shipped (null before). */
export const invoiceOfOrder = defineLoader<number, Invoice | null>(
  'ledger.invoiceOfOrder',
  async (context, ids) => {
    const invoices = await context.em.find(Invoice, { orderId: { $in: [...ids] } });
    const byOrder = new Map(invoices.map((invoice) => [invoice.orderId, invoice]));
    return ids.map((id) => byOrder.get(id) ?? null);
  },
);
