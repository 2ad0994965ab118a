import { personalRecords, sqlAmount, type PersonalDataSource } from '../common/personal-data';

/** The orders of the subject's customer account, with their lines. */
export const orderPersonalData: PersonalDataSource = {
  name: 'orders',
  description: 'The orders you placed, what was in them and how they were shipped.',
  fields: {
    'order.number': "the order's number",
    'order.status': 'where the order stands',
    'order.note': 'the note given with the order',
    'order.currency': "the order's currency",
    'order.carrier': 'who shipped it',
    'order.tracking_number': "the shipment's tracking number",
    'order.cancel_reason': 'why it was cancelled',
  },
  collect: (em, subject) =>
    personalRecords(
      em,
      'order',
      `SELECT o.id, json_build_object(
                'number', o.number, 'status', o.status, 'note', o.note,
                'total', ${sqlAmount('o.total_minor')}, 'currency', o.currency,
                'carrier', o.carrier, 'trackingNumber', o.tracking_number,
                'cancelReason', o.cancel_reason, 'createdAt', o.created_at,
                'shippedAt', o.shipped_at, 'deliveredAt', o.delivered_at,
                'cancelledAt', o.cancelled_at,
                'lines', (SELECT coalesce(json_agg(json_build_object(
                            'product', p.name, 'sku', p.sku, 'quantity', l.quantity,
                            'unitPrice', ${sqlAmount('l.unit_price_minor')},
                            'total', ${sqlAmount('l.total_minor')}) ORDER BY l.line_no), '[]')
                            FROM order_line l JOIN product p ON p.id = l.product_id
                           WHERE l.order_id = o.id)) AS data
         FROM "order" o JOIN customer c ON c.id = o.customer_id
        WHERE c.email = ? ORDER BY o.id`,
      [subject.email],
      'Order',
    ),
};
