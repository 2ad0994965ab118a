import type { MikroORM } from '@mikro-orm/postgresql';
import { Role } from '../common/role';
import type { Viewer } from '../common/viewer';
import type { DomainServices } from '../services';
import { ChecklistItem } from './checklist.entity';
import { Course } from './training.entity';
import { addDays, addMonths } from '../common/calendar-dates';

/** The demo employee whose onboarding is left unfinished (its blocking item is overdue). */
const UNFINISHED_ONBOARDING = 'agent@example.com';

/**
 * The demo's checklists and training, made through the services, once (when no course exists):
 * - every demo employee has an onboarding checklist (hiring made it; an older database gets it
 *   now), all done except the agent's, whose blocking "Sign the employment contract" item waits;
 * - "Data protection basics" (12 months) is required for SUPPORT_AGENT, and the agent's
 *   completion expires in 20 days (DUE, with a reminder on the way);
 * - "Fire safety" (24 months) is required for Operations and its sub-departments; only the
 *   warehouse lead has completed it.
 */
export async function seedChecklistsAndTraining(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
  demoEmails: readonly string[],
): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(Course, {})) > 0) return 0;
  const hr = await viewerFor('hr@example.com');
  for (const email of demoEmails) {
    const { employeeId } = await viewerFor(email);
    const checklist = await services.checklists.ensureOnboarding({ em }, employeeId);
    const items = await em
      .fork()
      .find(
        ChecklistItem,
        { checklist: checklist.id, doneAt: null },
        { orderBy: { position: 'asc' } },
      );
    const toDo =
      email === UNFINISHED_ONBOARDING ? items.filter((item) => item.position < 3) : items;
    for (const item of toDo) await services.checklists.completeItem({ em }, hr, item.id);
  }

  const today = services.training.today();
  const dataProtection = await services.training.createCourse({ em }, hr, {
    name: 'Data protection basics',
    validityMonths: 12,
    requiredForRoles: [Role.SUPPORT_AGENT],
  });
  await services.training.recordCompletion({ em }, hr, {
    employeeId: (await viewerFor(UNFINISHED_ONBOARDING)).employeeId,
    courseId: dataProtection.id,
    completedOn: addDays(addMonths(today, -12), 20),
  });
  const [operations] = await em.execute<{ id: string }[]>(
    "SELECT id FROM department WHERE name = 'Operations'",
  );
  const fireSafety = await services.training.createCourse({ em }, hr, {
    name: 'Fire safety',
    validityMonths: 24,
    requiredForDepartmentIds: operations ? [Number(operations.id)] : [],
  });
  await services.training.recordCompletion({ em }, hr, {
    employeeId: (await viewerFor('warehouse@example.com')).employeeId,
    courseId: fireSafety.id,
    completedOn: addMonths(today, -2),
  });
  return 2;
}
