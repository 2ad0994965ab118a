import { defineGroupLoader, readList, rowReader, type ReadContext } from '../../read';
import { Course, CourseDepartment, TrainingCompletion } from './training.entity';

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
