import { defineGroupLoader, defineLoader, readList, rowReader, type ReadContext } from '../../read';
import type { RequestContext } from '../context';
import { Course, CourseDepartment, TrainingCompletion } from './training.entity';
import type { TrainingMatrixRow } from './training.service';

/** How courses and training completions read. */

/** Every course (a short configuration list), by name. */
export function courseList(context: ReadContext): Promise<Course[]> {
  return readList(context, Course, {}, { orderBy: { name: 'asc', id: 'asc' } });
}

/** The departments a course is required for. */
export const departmentsOfCourse = defineGroupLoader<CourseDepartment>(
  'people.departmentsOfCourse',
  (context, ids) =>
    context.em.find(
      CourseDepartment,
      { course: { $in: [...ids] } },
      { populate: ['department'], orderBy: { department: { name: 'asc' } } },
    ),
  (link) => link.course.id,
);

/** An employee's completions, newest first (the history, renewals included). */
export const completionsOfEmployee = defineGroupLoader<TrainingCompletion>(
  'people.completionsOfEmployee',
  (context, ids) =>
    context.em.find(
      TrainingCompletion,
      { employee: { $in: [...ids] } },
      { orderBy: { employee: 'asc', completedOn: 'desc', id: 'desc' } },
    ),
  (completion) => completion.employee.id,
);

export const courseRows = rowReader(Course);
export const completionRows = rowReader(TrainingCompletion);

/**
 * The courses required for each employee asked about in a request, with status, keyed
 * `<employeeId>:<dueWithinDays>` (one statement per due window).
 */
export const requiredTrainingOf = defineLoader<string, TrainingMatrixRow[], RequestContext>(
  'people.requiredTrainingOf',
  async (context, keys) => {
    const byWindow = new Map<number, number[]>();
    for (const key of keys) {
      const [employeeId, days] = key.split(':').map(Number);
      byWindow.set(days, [...(byWindow.get(days) ?? []), employeeId]);
    }
    const rows = new Map<string, TrainingMatrixRow[]>();
    for (const [days, employeeIds] of byWindow) {
      for (const row of await context.services.training.matrix(context, { employeeIds }, days)) {
        const key = `${row.employeeId}:${days}`;
        rows.set(key, [...(rows.get(key) ?? []), row]);
      }
    }
    return keys.map((key) => rows.get(key) ?? []);
  },
);
