import { personalRecords, type PersonalDataSource } from '../common/personal-data';

/** The customer record whose address is the subject's. */
export const customerPersonalData: PersonalDataSource = {
  name: 'customers',
  description: 'Your customer account: name, contact details and status.',
  fields: {
    'customer.name': 'your name',
    'customer.email': 'your email address',
    'customer.phone': 'your phone number',
    'customer.company': 'the company you buy for',
    'customer.status': 'whether the account is active',
  },
  collect: (em, subject) =>
    personalRecords(
      em,
      'customer',
      `SELECT c.id, json_build_object(
                'name', c.name, 'email', c.email, 'phone', c.phone, 'company', c.company,
                'status', c.status, 'paymentTermsDays', c.payment_terms_days,
                'createdAt', c.created_at, 'updatedAt', c.updated_at) AS data
         FROM customer c WHERE c.email = ? ORDER BY c.id`,
      [subject.email],
      'Customer',
    ),
};
