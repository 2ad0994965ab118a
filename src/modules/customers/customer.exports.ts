import { Permissions } from '../auth/permissions';
import { globalIdSql, timestampSql, type ExportDefinition } from '../common/export-definition';

/** Customers and their contact details, by when they were added. */
export const CUSTOMERS_EXPORT: ExportDefinition = {
  kind: 'CUSTOMERS',
  description:
    'Customers: one row per customer with their contact details, status and payment terms.',
  readers: Permissions.customers.read,
  columns: [
    { name: 'id', sql: globalIdSql('Customer', 'c.id') },
    { name: 'name', sql: 'c.name' },
    { name: 'email', sql: 'c.email' },
    { name: 'phone', sql: 'c.phone' },
    { name: 'company', sql: 'c.company' },
    { name: 'status', sql: 'c.status' },
    { name: 'payment_terms_days', sql: 'c.payment_terms_days' },
    { name: 'created_at', sql: timestampSql('c.created_at') },
    { name: 'updated_at', sql: timestampSql('c.updated_at') },
  ],
  from: 'customer c',
  period: { column: 'c.created_at', type: 'timestamptz' },
  orderBy: 'c.created_at, c.id',
};
