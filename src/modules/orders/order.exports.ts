import { Permissions } from '../auth/permissions';
import {
  globalIdSql,
  moneySql,
  timestampSql,
  type ExportDefinition,
} from '../common/export-definition';

/** Orders (without their lines), by when they were placed. */
export const ORDERS_EXPORT: ExportDefinition = {
  kind: 'ORDERS',
  description:
    'Orders: one row per order with its customer, status, total, carrier and the times it was placed, shipped, delivered or cancelled.',
  readers: Permissions.orders.read,
  columns: [
    { name: 'id', sql: globalIdSql('Order', 'o.id') },
    { name: 'number', sql: 'o.number' },
    { name: 'customer_id', sql: globalIdSql('Customer', 'o.customer_id') },
    { name: 'status', sql: 'o.status' },
    { name: 'total', sql: moneySql('o.total_minor') },
    { name: 'currency', sql: 'o.currency' },
    { name: 'carrier', sql: 'o.carrier' },
    { name: 'tracking_number', sql: 'o.tracking_number' },
    { name: 'placed_by_id', sql: globalIdSql('Employee', 'o.placed_by_id') },
    { name: 'created_at', sql: timestampSql('o.created_at') },
    { name: 'shipped_at', sql: timestampSql('o.shipped_at') },
    { name: 'delivered_at', sql: timestampSql('o.delivered_at') },
    { name: 'cancelled_at', sql: timestampSql('o.cancelled_at') },
  ],
  from: '"order" o',
  period: { column: 'o.created_at', type: 'timestamptz' },
  orderBy: 'o.created_at, o.id',
};
