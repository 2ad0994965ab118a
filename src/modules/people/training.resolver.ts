import { GraphQLError } from 'graphql';
import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import { daysBetween } from '../common/calendar-dates';
import { parseGlobalId } from '../../graphql/global-id';
import { registerNodeType } from '../../graphql/node-registry';
import { NodeResolver } from '../../graphql/relay';
import { asQueryInput, toPayload } from '../../graphql/user-error';
import { readById, ReadsKeyOnly, type Row, type RowOf } from '../../read';
import { Permissions } from '../auth/permissions';
import { hasAnyRole } from '../common/viewer';
import type { RequestContext } from '../context';
import type { Employee } from '../employees/employee.entity';
import { employeeRows } from '../employees/employee.reads';
import { DepartmentObject, EmployeeObject } from '../employees/employee.types';
import { Course, TrainingCompletion } from './training.entity';
import {
  completionRows,
  completionsOfEmployee,
  courseList,
  courseRows,
  departmentsOfCourse,
  requiredTrainingOf,
} from './training.reads';
import { DEFAULT_DUE_WITHIN_DAYS, windowDays, type TrainingMatrixRow } from './training.service';
import {
  CourseObject,
  CreateCourseInput,
  CreateCoursePayload,
  OWN_TRAINING_RULE,
  RecordTrainingCompletionInput,
  RecordTrainingCompletionPayload,
  TrainingCompletionObject,
  TrainingMatrixEntryObject,
  TrainingMatrixFilter,
} from './training.types';

const HR = Permissions.people.training;

registerNodeType({
  typeName: 'Course',
  entity: Course,
  roles: [],
  load: (context, id) => readById(context, Course, id),
});
registerNodeType({
  typeName: 'TrainingCompletion',
  entity: TrainingCompletion,
  roles: HR,
  load: (context, id) => readById(context, TrainingCompletion, id),
});

/** Checks the viewer may see this employee's training: HR, ADMIN and the employee themself. */
function authoriseTrainingRead(context: RequestContext, employeeId: number): void {
  const viewer = signedIn(context);
  if (viewer.employeeId !== employeeId && !hasAnyRole(viewer, HR))
    throw new GraphQLError(
      "Not allowed: only HR, ADMIN and the employee themself see an employee's training",
      { extensions: { code: 'FORBIDDEN' } },
    );
}

/** A matrix row as the API shows it. */
function entryView(row: TrainingMatrixRow, context: RequestContext): TrainingMatrixEntryObject {
  return {
    employee: employeeRows.byId(context, row.employeeId),
    course: courseRows.byId(context, row.courseId),
    status: row.status,
    latestCompletion: completionRows.byId(context, row.completionId),
    expiresOn: row.expiresOn,
  };
}

@Resolver(() => CourseObject)
export class CourseResolver extends NodeResolver(CourseObject, 'Course') {
  @Authorized()
  @Query(() => [CourseObject], { description: 'Every training course, by name.' })
  courses(@Ctx() context: RequestContext) {
    return courseList(context);
  }

  @Authorized(...HR)
  @Mutation(() => CreateCoursePayload, {
    description:
      'Adds a training course (`INVALID_INPUT`, `NAME_TAKEN`, `NOT_FOUND` for a department). Requires one of: HR, ADMIN.',
  })
  createCourse(
    @Arg('input', () => CreateCourseInput, { description: 'The course.' }) input: CreateCourseInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const requiredForDepartmentIds = (input.requiredForDepartmentIds ?? []).map((id, index) =>
      parseGlobalId(id, 'Department', `input.requiredForDepartmentIds.${index}`),
    );
    return toPayload(async () => ({
      course: await context.services.training.createCourse(context, viewer, {
        ...input,
        requiredForDepartmentIds,
      }),
    }));
  }

  @FieldResolver(() => [DepartmentObject], {
    description: 'It is required for the employees of these departments and their sub-departments.',
  })
  @ReadsKeyOnly()
  async requiredForDepartments(@Root() course: RowOf<Course>, @Ctx() context: RequestContext) {
    return (await departmentsOfCourse.load(context, course.id)).map((link) => link.department);
  }
}

@Resolver(() => TrainingCompletionObject)
export class TrainingCompletionResolver extends NodeResolver(
  TrainingCompletionObject,
  'TrainingCompletion',
) {
  @Authorized(...HR)
  @Mutation(() => RecordTrainingCompletionPayload, {
    description:
      'Records that an employee completed a course: always a new completion (a renewal keeps the history and stops the reminders of the one it renews). Employees cannot record their own (`INVALID_INPUT`, `NOT_FOUND`). Requires one of: HR, ADMIN.',
  })
  recordTrainingCompletion(
    @Arg('input', () => RecordTrainingCompletionInput, { description: 'The completion.' })
    input: RecordTrainingCompletionInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const employeeId = parseGlobalId(input.employeeId, 'Employee', 'input.employeeId');
    const courseId = parseGlobalId(input.courseId, 'Course', 'input.courseId');
    return toPayload(async () => ({
      trainingCompletion: await context.services.training.recordCompletion(context, viewer, {
        employeeId,
        courseId,
        completedOn: input.completedOn,
      }),
    }));
  }

  @Authorized(...HR)
  @Query(() => [TrainingMatrixEntryObject], {
    description:
      'For each employee not terminated and each course required for them (by role, or by department including sub-departments), where they stand today, by employee name then course name. Requires one of: HR, ADMIN.',
  })
  async trainingMatrix(
    @Arg('filter', () => TrainingMatrixFilter, { nullable: true, description: 'Which rows.' })
    filter: TrainingMatrixFilter | null,
    @Arg('dueWithinDays', () => Int, {
      defaultValue: DEFAULT_DUE_WITHIN_DAYS,
      description: 'A completion expiring within this many days from today is DUE (0 to 3660).',
    })
    dueWithinDays: number,
    @Ctx() context: RequestContext,
  ) {
    const days = await asQueryInput(async () => windowDays(dueWithinDays, 'dueWithinDays'));
    const rows = await context.services.training.matrix(
      context,
      {
        departmentId: filter?.departmentId
          ? parseGlobalId(filter.departmentId, 'Department', 'filter.departmentId')
          : null,
        courseId: filter?.courseId
          ? parseGlobalId(filter.courseId, 'Course', 'filter.courseId')
          : null,
        employeeIds: filter?.employeeId
          ? [parseGlobalId(filter.employeeId, 'Employee', 'filter.employeeId')]
          : null,
        status: filter?.status ?? null,
      },
      days,
    );
    return rows.map((row) => entryView(row, context));
  }

  @Authorized(...HR)
  @Query(() => [TrainingCompletionObject], {
    description:
      'Certifications in force (the latest completion per employee and course, employees not terminated) that expire within `withinDays` from today, those already expired included, soonest first. Requires one of: HR, ADMIN.',
  })
  async certificationsExpiring(
    @Arg('withinDays', () => Int, {
      description: 'Days from today (0 to 3660): 0 is those expiring today or expired.',
    })
    withinDays: number,
    @Ctx() context: RequestContext,
  ) {
    const days = await asQueryInput(async () => windowDays(withinDays, 'withinDays'));
    const ids = await context.services.training.expiringIds(context, days);
    return Promise.all(ids.map((id) => completionRows.byId(context, id)));
  }

  @FieldResolver(() => EmployeeObject, { description: 'Who completed it.' })
  employee(@Root() completion: Row<TrainingCompletion>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, completion.employee);
  }

  @FieldResolver(() => CourseObject, { description: 'The course.' })
  course(@Root() completion: Row<TrainingCompletion>, @Ctx() context: RequestContext) {
    return courseRows.of(context, completion.course);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      'Days from today to `expiresOn` (0: expires today, negative: expired); null: never expires.',
  })
  daysUntilExpiry(
    @Root() completion: Row<TrainingCompletion>,
    @Ctx() context: RequestContext,
  ): number | null {
    if (completion.expiresOn === null) return null;
    const today = context.services.training.today();
    return daysBetween(today, completion.expiresOn);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who recorded it.' })
  recordedBy(@Root() completion: Row<TrainingCompletion>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, completion.recordedById);
  }
}

/** What training adds to employees: the courses required for them, and their completions. */
@Resolver(() => EmployeeObject)
export class EmployeeTrainingResolver {
  @FieldResolver(() => [TrainingMatrixEntryObject], {
    description: `The courses required for them, with where they stand today, by course name. ${OWN_TRAINING_RULE}`,
  })
  @ReadsKeyOnly()
  async training(
    @Root() employee: RowOf<Employee>,
    @Arg('dueWithinDays', () => Int, {
      defaultValue: DEFAULT_DUE_WITHIN_DAYS,
      description: 'A completion expiring within this many days from today is DUE (0 to 3660).',
    })
    dueWithinDays: number,
    @Ctx() context: RequestContext,
  ): Promise<TrainingMatrixEntryObject[]> {
    authoriseTrainingRead(context, employee.id);
    const days = await asQueryInput(async () => windowDays(dueWithinDays, 'dueWithinDays'));
    const rows = await requiredTrainingOf.load(context, `${employee.id}:${days}`);
    return rows.map((row) => entryView(row, context));
  }

  @FieldResolver(() => [TrainingCompletionObject], {
    description: `Every course they completed, newest first (renewals included). ${OWN_TRAINING_RULE}`,
  })
  @ReadsKeyOnly()
  trainingCompletions(@Root() employee: RowOf<Employee>, @Ctx() context: RequestContext) {
    authoriseTrainingRead(context, employee.id);
    return completionsOfEmployee.load(context, employee.id);
  }
}
