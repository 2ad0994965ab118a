import { personalRecords, sqlAmount, type PersonalDataSource } from '../common/personal-data';

/** The subject's invoices and payments: the books, which the law says to keep. */
export const receivablesPersonalData: PersonalDataSource = {
  name: 'invoices and payments',
  description:
    'Your invoices and the payments received from you (kept for the books as long as the law requires).',
  fields: {
    'invoice.number': "the invoice's number",
    'invoice.status': 'whether it is open, paid or void',
    'payment.reference': 'the reference your payment carried',
  },
  async collect(em, subject) {
    const invoices = await personalRecords(
      em,
      'invoice',
      `SELECT i.id, json_build_object(
                'number', i.number, 'status', i.status, 'total', ${sqlAmount('i.total_minor')},
                'amountPaid', ${sqlAmount('i.amount_paid_minor')}, 'issueDate', i.issue_date,
                'dueDate', i.due_date, 'sentAt', i.sent_at) AS data
         FROM invoice i JOIN customer c ON c.id = i.customer_id
        WHERE c.email = ? ORDER BY i.id`,
      [subject.email],
      'Invoice',
    );
    const payments = await personalRecords(
      em,
      'payment',
      `SELECT p.id, json_build_object(
                'amount', ${sqlAmount('p.amount_minor')}, 'receivedOn', p.received_on,
                'reference', p.reference,
                'invoices', (SELECT coalesce(json_agg(i.number ORDER BY i.id), '[]')
                               FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
                              WHERE a.payment_id = p.id)) AS data
         FROM payment p JOIN customer c ON c.id = p.customer_id
        WHERE c.email = ? ORDER BY p.id`,
      [subject.email],
    );
    return [...invoices, ...payments];
  },
};
