import type { ExportDefinition } from './common/export-definition';
import { AUDIT_TRAIL_EXPORT } from './compliance/export-audit-trail';
import { CUSTOMERS_EXPORT } from './customers/customer.exports';
import { BILLS_EXPORT, INVOICES_EXPORT, JOURNAL_EXPORT } from './ledger/ledger.exports';
import { ORDERS_EXPORT } from './orders/order.exports';
import { TICKETS_EXPORT } from './support/support.exports';

/**
 * Every list `createExport` can write, in the order of the `ExportKind` enum. Each module
 * declares its own (`<module>.exports.ts`: the SELECT and who may run it); a new list is added
 * here.
 */
export const EXPORT_KINDS: readonly ExportDefinition[] = [
  AUDIT_TRAIL_EXPORT,
  JOURNAL_EXPORT,
  INVOICES_EXPORT,
  TICKETS_EXPORT,
  CUSTOMERS_EXPORT,
  ORDERS_EXPORT,
  BILLS_EXPORT,
];
