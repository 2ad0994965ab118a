import { Permissions } from '../auth/permissions';
import {
  globalIdSql,
  moneySql,
  timestampSql,
  type ExportDefinition,
} from '../common/export-definition';

/** The journal: one row per line, with its entry's number, date and memo and its account. */
export const JOURNAL_EXPORT: ExportDefinition = {
  kind: 'JOURNAL',
  description:
    "The journal: one row per journal line, with its entry's number, date and memo, the account's code and name, and the debit and credit as decimals.",
  readers: Permissions.ledger.read,
  columns: [
    { name: 'entry_number', sql: 'e.number' },
    { name: 'entry_date', sql: 'e.date::text' },
    { name: 'entry_memo', sql: 'e.memo' },
    { name: 'entry_source', sql: 'e.source' },
    { name: 'line_no', sql: 'l.line_no' },
    { name: 'account_code', sql: 'a.code' },
    { name: 'account_name', sql: 'a.name' },
    { name: 'debit', sql: moneySql('l.debit_minor') },
    { name: 'credit', sql: moneySql('l.credit_minor') },
    { name: 'line_memo', sql: 'l.memo' },
    { name: 'customer_id', sql: globalIdSql('Customer', 'l.customer_id') },
    { name: 'vendor_id', sql: globalIdSql('Vendor', 'l.vendor_id') },
  ],
  from: 'journal_line l JOIN journal_entry e ON e.id = l.entry_id JOIN account a ON a.id = l.account_id',
  period: { column: 'l.entry_date', type: 'date' },
  orderBy: 'e.number, l.line_no',
};

/** Invoices to customers, by issue date. */
export const INVOICES_EXPORT: ExportDefinition = {
  kind: 'INVOICES',
  description: 'Invoices: one row per invoice, with its customer, amounts, status and dates.',
  readers: Permissions.receivables.read,
  columns: [
    { name: 'id', sql: globalIdSql('Invoice', 'i.id') },
    { name: 'number', sql: 'i.number' },
    { name: 'customer_id', sql: globalIdSql('Customer', 'i.customer_id') },
    { name: 'order_id', sql: globalIdSql('Order', 'i.order_id') },
    { name: 'status', sql: 'i.status' },
    { name: 'total', sql: moneySql('i.total_minor') },
    { name: 'amount_paid', sql: moneySql('i.amount_paid_minor') },
    { name: 'amount_due', sql: moneySql('(i.total_minor - i.amount_paid_minor)') },
    { name: 'issue_date', sql: 'i.issue_date::text' },
    { name: 'due_date', sql: 'i.due_date::text' },
    { name: 'issued_at', sql: timestampSql('i.issued_at') },
    { name: 'sent_at', sql: timestampSql('i.sent_at') },
  ],
  from: 'invoice i',
  period: { column: 'i.issue_date', type: 'date' },
  orderBy: 'i.issue_date, i.id',
};

/** Vendors' bills, by bill date. */
export const BILLS_EXPORT: ExportDefinition = {
  kind: 'BILLS',
  description:
    "Vendors' bills: one row per bill, with its vendor, expense account, amounts, status and dates.",
  readers: Permissions.ledger.read,
  columns: [
    { name: 'id', sql: globalIdSql('Bill', 'b.id') },
    { name: 'number', sql: 'b.number' },
    { name: 'vendor_id', sql: globalIdSql('Vendor', 'b.vendor_id') },
    { name: 'vendor_name', sql: 'v.name' },
    { name: 'expense_account_code', sql: 'a.code' },
    { name: 'status', sql: 'b.status' },
    { name: 'amount', sql: moneySql('b.amount_minor') },
    { name: 'amount_paid', sql: moneySql('b.amount_paid_minor') },
    { name: 'bill_date', sql: 'b.bill_date::text' },
    { name: 'due_date', sql: 'b.due_date::text' },
    { name: 'memo', sql: 'b.memo' },
    { name: 'match_status', sql: 'b.match_status' },
    { name: 'created_at', sql: timestampSql('b.created_at') },
  ],
  from: 'bill b JOIN vendor v ON v.id = b.vendor_id JOIN account a ON a.id = b.expense_account_id',
  period: { column: 'b.bill_date', type: 'date' },
  orderBy: 'b.bill_date, b.id',
};
