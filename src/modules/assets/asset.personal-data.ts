import { personalRecords, type PersonalDataSource } from '../common/personal-data';

/** Company equipment an employee held: check-outs, what they accepted, what came back. */
export const assetPersonalData: PersonalDataSource = {
  name: 'equipment',
  description: 'Company equipment checked out to you, the terms you accepted and its return.',
  fields: {
    'asset_assignment.location': 'where the equipment went with you',
    'asset_assignment.note': 'a note on the check-out',
    'asset_assignment.accepted_terms_sha256': 'the fingerprint of the custody terms you accepted',
    'asset_assignment_line.condition': 'the condition it came back in',
    'asset_assignment_line.return_note': 'a note on its return',
    'asset_assignment_line.wipe_method': 'how its data was wiped',
  },
  collect: (em, subject) =>
    personalRecords(
      em,
      'asset_assignment',
      `SELECT g.id, json_build_object(
                'checkedOutAt', g.checked_out_at, 'location', g.location,
                'expectedReturn', g.expected_return, 'acceptedAt', g.accepted_at,
                'acceptedTermsVersion', g.terms_version,
                'acceptedTermsSha256', g.accepted_terms_sha256, 'note', g.note,
                'closedAt', g.closed_at,
                'assets', (SELECT coalesce(json_agg(json_build_object(
                    'tag', a.tag, 'type', a.type, 'model', a.model,
                    'checkedInAt', l.checked_in_at, 'condition', l.condition,
                    'dataWiped', l.data_wiped, 'wipeMethod', l.wipe_method,
                    'returnNote', l.return_note) ORDER BY l.id), '[]')
                    FROM asset_assignment_line l JOIN asset a ON a.id = l.asset_id
                    WHERE l.assignment_id = g.id)) AS data
         FROM asset_assignment g
        WHERE g.employee_id IN (SELECT id FROM employee WHERE email = ?) ORDER BY g.id`,
      [subject.email],
      'AssetAssignment',
    ),
};
