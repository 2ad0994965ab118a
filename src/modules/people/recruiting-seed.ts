import type { MikroORM } from '@mikro-orm/postgresql';
import type { Viewer } from '../common/viewer';
import { ApplicationStage, JobOpening } from './recruiting.entity';
import { departmentIdNamed } from './recruiting.reads';
import type { RecruitingService } from './recruiting.service';

/**
 * The demo's recruiting: one open position with two applications, one just received and one in
 * screening. Made through the service, as HR; seeded once (nothing when an opening exists).
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
  return 2;
}
