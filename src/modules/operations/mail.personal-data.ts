import { mailboxAddressSql } from '../../mail/erasure';
import { personalRecords, type PersonalDataSource } from '../common/personal-data';

/** Mail sent to the subject's address, and mail received from it. */
export const mailPersonalData: PersonalDataSource = {
  name: 'email',
  description: 'The emails we sent to your address, and those we received from it.',
  fields: {
    'outbound_email.to_address': 'your address, as the recipient',
    'outbound_email.subject': "the email's subject",
    'outbound_email.text_body': 'what the email said',
    'outbound_email.kind': 'what the email was (a ticket reply, an invoice, a reminder…)',
    'outbound_email.status': 'whether it was sent',
    'inbound_email.from_address': 'your address, as the sender',
    'inbound_email.subject': "the email's subject",
    'inbound_email.outcome': 'what became of it (added to a ticket, refused…)',
  },
  async collect(em, subject) {
    const sent = await personalRecords(
      em,
      'outbound_email',
      `SELECT e.id, json_build_object(
                'kind', e.kind, 'to', e.to_address, 'subject', e.subject, 'text', e.text_body,
                'status', e.status, 'createdAt', e.created_at, 'sentAt', e.sent_at) AS data
         FROM outbound_email e WHERE ${mailboxAddressSql('e.to_address')} = ? ORDER BY e.id`,
      [subject.email],
    );
    const received = await personalRecords(
      em,
      'inbound_email',
      `SELECT e.id, json_build_object(
                'from', e.from_address, 'subject', e.subject, 'outcome', e.outcome,
                'size', e.size, 'receivedAt', e.received_at) AS data
         FROM inbound_email e WHERE ${mailboxAddressSql('e.from_address')} = ? ORDER BY e.id`,
      [subject.email],
    );
    return [...sent, ...received];
  },
};
