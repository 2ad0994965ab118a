import { personalRecords, sqlAmount, type PersonalDataSource } from '../common/personal-data';
import { candidateEmailKey } from './candidate-email';

/** The subject's candidate record (found by its key, the address trimmed and lower-cased). */
const SUBJECT_CANDIDATES = 'SELECT id FROM candidate WHERE email_key = ?';

/** What recruiting holds about an applicant: their applications and what was said of them. */
export const recruitingPersonalData: PersonalDataSource = {
  name: 'job applications',
  description:
    'Your applications: your contact details, your résumé, how each application went, the interviewers’ assessments and any offer.',
  fields: {
    'candidate.name': 'your name',
    'candidate.email': 'your email address',
    'candidate.email_key': 'your email address as we look it up (trimmed, lower-case)',
    'candidate.phone': 'your phone number',
    'application.resume_text': 'the résumé you sent',
    'application.stage': 'where the application stands',
    'application.rejection_reason': 'why it was declined',
    'application_stage_change.from_stage': 'the stage an application left',
    'application_stage_change.to_stage': 'the stage it moved to',
    'application_stage_change.reason': 'why it moved',
    'scorecard.recommendation': "an interviewer's recommendation",
    'scorecard.notes': "an interviewer's notes about you",
    'offer.status': 'where an offer stands',
    'offer.response_reason': 'what you answered to an offer',
  },
  async collect(em, subject) {
    const key = candidateEmailKey(subject.email);
    const candidates = await personalRecords(
      em,
      'candidate',
      `SELECT c.id, json_build_object(
                'name', c.name, 'email', c.email, 'phone', c.phone, 'createdAt', c.created_at,
                'anonymizedAt', c.anonymized_at) AS data
         FROM candidate c WHERE c.id IN (${SUBJECT_CANDIDATES}) ORDER BY c.id`,
      [key],
      'Candidate',
    );
    const applications = await personalRecords(
      em,
      'application',
      `SELECT a.id, json_build_object(
                'jobOpening', o.title, 'stage', a.stage, 'resumeText', a.resume_text,
                'consentToRetain', a.consent_to_retain, 'createdAt', a.created_at,
                'rejectedAt', a.rejected_at, 'rejectionReason', a.rejection_reason,
                'stageChanges', (SELECT coalesce(json_agg(json_build_object(
                    'from', s.from_stage, 'to', s.to_stage, 'reason', s.reason, 'at', s.at)
                    ORDER BY s.id), '[]') FROM application_stage_change s
                    WHERE s.application_id = a.id),
                'interviews', (SELECT coalesce(json_agg(json_build_object(
                    'scheduledAt', i.scheduled_at,
                    'scorecards', (SELECT coalesce(json_agg(json_build_object(
                        'rating', sc.rating, 'recommendation', sc.recommendation,
                        'notes', sc.notes, 'submittedAt', sc.submitted_at) ORDER BY sc.id), '[]')
                        FROM scorecard sc WHERE sc.interview_id = i.id))
                    ORDER BY i.id), '[]') FROM interview i WHERE i.application_id = a.id),
                'offers', (SELECT coalesce(json_agg(json_build_object(
                    'salary', ${sqlAmount('f.salary_minor')}, 'startDate', f.start_date,
                    'status', f.status, 'respondedAt', f.responded_at,
                    'responseReason', f.response_reason) ORDER BY f.id), '[]')
                    FROM offer f WHERE f.application_id = a.id)) AS data
         FROM application a JOIN job_opening o ON o.id = a.job_opening_id
        WHERE a.candidate_id IN (${SUBJECT_CANDIDATES}) ORDER BY a.id`,
      [key],
      'Application',
    );
    return [...candidates, ...applications];
  },
};
