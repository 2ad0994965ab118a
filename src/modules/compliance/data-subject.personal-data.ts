import { personalRecords, type PersonalDataSource } from '../common/personal-data';
import { hashEmail } from './subject-email';

/** The subject's own data subject requests, found by the hash of their address. */
export const dataSubjectRequestPersonalData: PersonalDataSource = {
  name: 'privacy requests',
  description: 'The requests you made about your personal data, and how each was answered.',
  fields: {
    'data_subject_request.email': 'your address, kept until the request is answered',
    'data_subject_request.email_masked': 'your address, masked',
    'data_subject_request.email_hash': 'a one-way fingerprint of your address',
    'data_subject_request.kind': 'what you asked for (a copy, or erasure)',
    'data_subject_request.status': 'where the request stands',
    'data_subject_request.kept': 'what an erasure kept, and why',
    'data_subject_request.erased': 'what an erasure deleted or anonymised',
    'data_subject_request.refusal_reason': 'why a request was refused',
  },
  collect: (em, subject) =>
    personalRecords(
      em,
      'data_subject_request',
      `SELECT r.id, json_build_object(
                'kind', r.kind, 'status', r.status, 'email', r.email_masked,
                'openedAt', r.opened_at, 'dueAt', r.due_at, 'fulfilledAt', r.fulfilled_at,
                'kept', r.kept, 'erased', r.erased, 'refusedAt', r.refused_at,
                'refusalReason', r.refusal_reason) AS data
         FROM data_subject_request r WHERE r.email_hash = ? ORDER BY r.id`,
      [hashEmail(subject.email)],
      'DataSubjectRequest',
    ),
};
