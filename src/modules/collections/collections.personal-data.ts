import { personalRecords, sqlAmount, type PersonalDataSource } from '../common/personal-data';

/** Reminders sent to the subject's customer account, and the invoices they disputed. */
export const collectionsPersonalData: PersonalDataSource = {
  name: 'payment reminders',
  description: 'The payment reminders sent to you, and the invoices you disputed.',
  fields: {
    'dunning_notice.letter_text': 'the text of the reminder letter',
    'dunning_notice.waive_reason': 'why its charges were waived',
    'invoice_dunning.dispute_reason': 'why you disputed an invoice',
  },
  async collect(em, subject) {
    const notices = await personalRecords(
      em,
      'dunning_notice',
      `SELECT n.id, json_build_object(
                'level', n.level, 'asOf', n.as_of, 'letterText', n.letter_text,
                'fee', ${sqlAmount('n.fee_minor')}, 'interest', ${sqlAmount('n.interest_minor')},
                'sentAt', n.sent_at, 'waivedAt', n.waived_at, 'waiveReason', n.waive_reason,
                'invoices', (SELECT coalesce(json_agg(i.number ORDER BY i.id), '[]')
                               FROM dunning_notice_line l JOIN invoice i ON i.id = l.invoice_id
                              WHERE l.notice_id = n.id)) AS data
         FROM dunning_notice n JOIN customer c ON c.id = n.customer_id
        WHERE c.email = ? ORDER BY n.id`,
      [subject.email],
      'DunningNotice',
    );
    const disputes = await personalRecords(
      em,
      'invoice_dunning',
      `SELECT d.invoice_id AS id, json_build_object(
                'invoice', i.number, 'level', d.level, 'disputed', d.disputed,
                'disputeReason', d.dispute_reason) AS data
         FROM invoice_dunning d JOIN invoice i ON i.id = d.invoice_id
         JOIN customer c ON c.id = i.customer_id
        WHERE c.email = ? AND (d.disputed OR d.dispute_reason IS NOT NULL) ORDER BY d.invoice_id`,
      [subject.email],
    );
    return [...notices, ...disputes];
  },
};
