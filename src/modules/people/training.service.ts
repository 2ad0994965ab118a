import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { inTransaction, isUniqueViolation, pgArray, sqlState } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import type { Clock } from '../common/clock';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { integerInRange, requiredText } from '../common/input-rules';
import type { Role } from '../common/role';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { EmployeeService } from '../employees/employee.service';
import { addDays, addMonths, today } from '../common/calendar-dates';
import { Course, CourseDepartment, TrainingCompletion } from './training.entity';

/** Where an employee stands on a course required for them. */
export enum TrainingStatus {
  /** Completed, and valid beyond the due window (or never expiring). */
  COMPLIANT = 'COMPLIANT',
  /** Completed, and expiring within the due window (today included). */
  DUE = 'DUE',
  /** The latest completion expired before today. */
  EXPIRED = 'EXPIRED',
  /** Never completed. */
  MISSING = 'MISSING',
}

export interface CourseDraft {
  name: string;
  validityMonths?: number | null;
  requiredForRoles?: Role[] | null;
  requiredForDepartmentIds?: number[] | null;
}

export interface CompletionDraft {
  employeeId: number;
  courseId: number;
  completedOn: string;
}

export interface TrainingMatrixFilter {
  /** Employees of this department and its sub-departments. */
  departmentId?: number | null;
  courseId?: number | null;
  employeeIds?: readonly number[] | null;
  status?: TrainingStatus | null;
}

/** One employee and one course required for them, with the latest completion. */
export interface TrainingMatrixRow {
  employeeId: number;
  courseId: number;
  status: TrainingStatus;
  completionId: number | null;
  completedOn: string | null;
  expiresOn: string | null;
}

/** The latest completion of an employee and course that may be reminded of its expiry. */
export interface ExpiringCompletion {
  completionId: number;
  employeeId: number;
  email: string;
  employeeName: string;
  courseName: string;
  expiresOn: string;
  daysLeft: number;
}

/** The default "due" window of the matrix, in days. */
export const DEFAULT_DUE_WITHIN_DAYS = 30;
/** The longest window a client may ask for, in days (ten years). */
export const MAX_WINDOW_DAYS = 3660;

/**
 * The latest completion per employee and course (`latest`): the one in force. Every question
 * about expiry asks it, so a renewal replaces the completion it renews everywhere at once.
 */
const LATEST = `SELECT DISTINCT ON (employee_id, course_id) id, employee_id, course_id, completed_on, expires_on
  FROM training_completion ORDER BY employee_id, course_id, completed_on DESC, id DESC`;

/** Departments with every department under them: (`root_id`, `department_id`), itself included. */
const SUBTREES = `subtree(root_id, department_id) AS (
    SELECT id, id FROM department
    UNION
    SELECT s.root_id, d.id FROM department d JOIN subtree s ON d.parent_id = s.department_id)`;

/** The status of a completion (or none) on `today`, with `dueWithinDays` as the due window. */
export function trainingStatus(
  completion: { completedOn: string; expiresOn: string | null } | null,
  today: string,
  dueWithinDays: number,
): TrainingStatus {
  if (!completion) return TrainingStatus.MISSING;
  if (completion.expiresOn === null) return TrainingStatus.COMPLIANT;
  if (completion.expiresOn < today) return TrainingStatus.EXPIRED;
  if (completion.expiresOn <= addDays(today, dueWithinDays)) return TrainingStatus.DUE;
  return TrainingStatus.COMPLIANT;
}

const field = (name: string) => ['input', name];

/**
 * Training: courses, completions, the matrix and expiry. The rules a maintainer must keep:
 * - completions are never changed or removed: a renewal is a new completion, and the latest per
 *   employee and course (`LATEST`) is in force;
 * - `expiresOn` is fixed when recorded (`completedOn` + the course's validity, end-of-month
 *   safe), and a certification is valid through that day;
 * - a course is required for an employee who holds one of its roles or works in one of its
 *   departments or a sub-department of one; only employees not terminated are counted.
 */
export class TrainingService {
  constructor(
    private readonly employees: EmployeeService,
    private readonly clock: Clock,
  ) {}

  /** Today, by the clock (UTC). */
  today(): string {
    return today(this.clock);
  }

  async createCourse({ em }: RequestScope, viewer: Viewer, draft: CourseDraft): Promise<Course> {
    const name = requiredText(draft.name, field('name'), 200);
    const validityMonths =
      draft.validityMonths == null
        ? null
        : integerInRange(draft.validityMonths, field('validityMonths'), 1, 600);
    const roles = [...new Set(draft.requiredForRoles ?? [])];
    const departmentIds = [...new Set(draft.requiredForDepartmentIds ?? [])];
    const taken = () =>
      new BusinessRuleError(UserErrorCode.NAME_TAKEN, `A course named ${name} exists`, [
        ...field('name'),
      ]);
    try {
      return await inTransaction(em, async (tx) => {
        if (await tx.count(Course, { name })) throw taken();
        const course = tx.create(Course, {
          name,
          validityMonths,
          requiredForRoles: roles,
          createdById: viewer.employeeId,
        });
        await tx.flush();
        if (departmentIds.length > 0)
          await tx.insertMany(
            CourseDepartment,
            departmentIds.map((id) => ({ course: course.id, department: id })),
          );
        await recordEvent(tx, {
          streamType: 'Course',
          streamId: course.id,
          type: 'CREATED',
          payload: { name, validityMonths, requiredForRoles: roles, departmentIds },
          actorId: viewer.employeeId,
        });
        return course;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'course_name_unique')) throw taken();
      if (sqlState(error) === '23503')
        throw new BusinessRuleError(
          UserErrorCode.NOT_FOUND,
          'No such department',
          field('requiredForDepartmentIds'),
        );
      throw error;
    }
  }

  /** Records a completion: always a new one (a renewal keeps the history). */
  async recordCompletion(
    { em }: RequestScope,
    viewer: Viewer,
    draft: CompletionDraft,
  ): Promise<TrainingCompletion> {
    if (!isCalendarDate(draft.completedOn))
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'Not a calendar date',
        field('completedOn'),
      );
    if (draft.completedOn > this.today())
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'A completion cannot be in the future',
        field('completedOn'),
      );
    return inTransaction(em, async (tx) => {
      await this.employees.requireExisting(tx, draft.employeeId, field('employeeId'));
      const course = await tx.findOne(Course, { id: draft.courseId });
      if (!course)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such course', field('courseId'));
      const expiresOn =
        course.validityMonths === null ? null : addMonths(draft.completedOn, course.validityMonths);
      const completion = tx.create(TrainingCompletion, {
        employee: this.employees.reference(tx, draft.employeeId),
        course,
        completedOn: draft.completedOn,
        expiresOn,
        recordedById: viewer.employeeId,
      });
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'TrainingCompletion',
        streamId: completion.id,
        type: 'RECORDED',
        payload: {
          employeeId: draft.employeeId,
          courseId: course.id,
          completedOn: draft.completedOn,
          expiresOn,
        },
        actorId: viewer.employeeId,
      });
      return completion;
    });
  }

  /** The employees and the courses required for them, with status, by employee name then course name. */
  async matrix(
    { em }: RequestScope,
    filter: TrainingMatrixFilter,
    dueWithinDays: number,
  ): Promise<TrainingMatrixRow[]> {
    const today = this.today();
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.departmentId != null) {
      where.push('e.department_id IN (SELECT department_id FROM subtree WHERE root_id = ?)');
      params.push(filter.departmentId);
    }
    if (filter.courseId != null) {
      where.push('r.course_id = ?');
      params.push(filter.courseId);
    }
    if (filter.employeeIds != null) {
      where.push('r.employee_id = ANY(?::bigint[])');
      params.push(pgArray(filter.employeeIds));
    }
    const rows = await runSql<{
      employee_id: string;
      course_id: string;
      completion_id: string | null;
      completed_on: string | null;
      expires_on: string | null;
    }>(
      em,
      `WITH RECURSIVE ${SUBTREES},
       required AS (
         SELECT e.id AS employee_id, c.id AS course_id
           FROM employee e JOIN course c ON e.roles && c.required_for_roles
          WHERE e.status <> 'TERMINATED'
         UNION
         SELECT e.id, cd.course_id
           FROM employee e JOIN subtree s ON s.department_id = e.department_id
           JOIN course_department cd ON cd.department_id = s.root_id
          WHERE e.status <> 'TERMINATED'),
       latest AS (${LATEST})
       SELECT r.employee_id, r.course_id, l.id AS completion_id,
              to_char(l.completed_on, 'YYYY-MM-DD') AS completed_on,
              to_char(l.expires_on, 'YYYY-MM-DD') AS expires_on
         FROM required r
         JOIN employee e ON e.id = r.employee_id
         JOIN course c ON c.id = r.course_id
         LEFT JOIN latest l ON l.employee_id = r.employee_id AND l.course_id = r.course_id
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY e.name, e.id, c.name, c.id`,
      params,
    );
    return rows
      .map((row) => {
        const completion =
          row.completed_on === null
            ? null
            : { completedOn: row.completed_on, expiresOn: row.expires_on };
        return {
          employeeId: Number(row.employee_id),
          courseId: Number(row.course_id),
          status: trainingStatus(completion, today, dueWithinDays),
          completionId: row.completion_id === null ? null : Number(row.completion_id),
          completedOn: row.completed_on,
          expiresOn: row.expires_on,
        };
      })
      .filter((row) => !filter.status || row.status === filter.status);
  }

  /**
   * The completions in force (latest per employee and course, employees not terminated) that
   * expire within `withinDays` from today, including those already expired: by expiry, then id.
   */
  async expiringIds({ em }: RequestScope, withinDays: number): Promise<number[]> {
    const today = this.today();
    const rows = await runSql<{ id: string }>(
      em,
      `SELECT l.id FROM (${LATEST}) l JOIN employee e ON e.id = l.employee_id
        WHERE e.status <> 'TERMINATED' AND l.expires_on IS NOT NULL AND l.expires_on <= ?::date
        ORDER BY l.expires_on, l.id`,
      [addDays(today, withinDays)],
    );
    return rows.map((row) => Number(row.id));
  }

  /**
   * The completions in force that expire between today and `horizonDays` from now (both
   * included), of employees not terminated, with what a reminder needs.
   */
  async expiringSoon(em: EntityManager, horizonDays: number): Promise<ExpiringCompletion[]> {
    const today = this.today();
    const rows = await runSql<{
      id: string;
      employee_id: string;
      email: string;
      name: string;
      course_name: string;
      expires_on: string;
      days_left: number;
    }>(
      em,
      `SELECT l.id, l.employee_id, e.email, e.name, c.name AS course_name,
              to_char(l.expires_on, 'YYYY-MM-DD') AS expires_on, (l.expires_on - ?::date) AS days_left
         FROM (${LATEST}) l JOIN employee e ON e.id = l.employee_id JOIN course c ON c.id = l.course_id
        WHERE e.status <> 'TERMINATED' AND l.expires_on >= ?::date AND l.expires_on <= ?::date
        ORDER BY l.expires_on, l.id`,
      [today, today, addDays(today, horizonDays)],
    );
    return rows.map((row) => ({
      completionId: Number(row.id),
      employeeId: Number(row.employee_id),
      email: row.email,
      employeeName: row.name,
      courseName: row.course_name,
      expiresOn: row.expires_on,
      daysLeft: Number(row.days_left),
    }));
  }
}

/** A window of days as an argument: 0 to ten years. */
export function windowDays(value: number, argument: string): number {
  return integerInRange(value, [argument], 0, MAX_WINDOW_DAYS);
}
