import type { MikroORM } from '@mikro-orm/postgresql';
import type { Viewer } from '../common/viewer';
import { ApplicationStage, JobOpening, Recommendation } from './recruiting.entity';
import { departmentIdNamed } from './recruiting.reads';
import type { RecruitingService } from './recruiting.service';

const DAY = 86_400_000;

/**
 * The demo's recruiting: one open position with two applications, one just received and one
 * interviewed (a scorecard) with an offer in the band. Made through the service, as HR and the
 * interviewer; seeded once (nothing when an opening exists).
 */
export async function seedRecruiting(
  orm: MikroORM,
  recruiting: RecruitingService,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(JobOpening, {})) > 0) return 0;
  const departmentId = await departmentIdNamed(em, 'Customer Support');
  if (departmentId === null) return 0;
  const hr = await viewerFor('hr@example.com');
  const opening = await recruiting.openJobOpening({ em }, hr, {
    title: 'Support Engineer',
    departmentId,
    headcount: 2,
    salaryMin: '50000.00',
    salaryMax: '65000.00',
  });
  await recruiting.addApplication({ em }, hr, {
    jobOpeningId: opening.id,
    name: 'Jordan Rivera',
    email: 'jordan.rivera@example.net',
    phone: '+1 555 0100',
    resumeText: 'Five years of customer support in SaaS; Zendesk and SQL.',
    consentToRetain: false,
  });
  const screened = await recruiting.addApplication({ em }, hr, {
    jobOpeningId: opening.id,
    name: 'Priya Nair',
    email: 'priya.nair@example.net',
    phone: null,
    resumeText: 'Technical support lead; scripting in Python; on-call rotations.',
    consentToRetain: true,
  });
  await recruiting.moveApplication({ em }, hr, {
    applicationId: screened.id,
    stage: ApplicationStage.SCREENING,
    expectedVersion: screened.version,
    reason: 'Strong resume',
  });
  // The second one was interviewed two days ago, scored, and has an offer in the band.
  const lead = await viewerFor('lead@example.com');
  const now = Date.now();
  const interview = await recruiting.scheduleInterview({ em }, hr, {
    applicationId: screened.id,
    interviewerIds: [lead.employeeId],
    scheduledAt: new Date(now - 2 * DAY),
  });
  await recruiting.submitScorecard({ em }, lead, {
    interviewId: interview.id,
    rating: 4,
    recommendation: Recommendation.YES,
    notes: 'Calm under pressure; knows our tooling.',
  });
  await recruiting.makeOffer({ em }, hr, {
    applicationId: screened.id,
    salary: '60000.00',
    startDate: new Date(now + 30 * DAY).toISOString().slice(0, 10),
  });
  return 2;
}
