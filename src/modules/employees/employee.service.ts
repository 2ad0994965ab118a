import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { findRowsById, type Row } from '../../read';
import { inTransaction, isUniqueViolation, pgArray } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { AuditKind, AuditResult, auditInsert } from '../../events/audit-trail';
import { runLockingSqlUnaudited } from '../../db/sql';
import { toGlobalId } from '../../graphql/global-id';
import { type Viewer, hasAnyRole } from '../common/viewer';
import { isCalendarDate } from '../../graphql/scalars';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { hashPassword, NO_PASSWORD_HASH, verifyPassword } from '../auth/password';
import { Role } from '../common/role';
import {
  emailAddress,
  likePattern,
  nonNegativeAmount,
  optionalText,
  requiredText,
} from '../common/input-rules';
import { Department, Employee, EmployeeStatus, SalaryChange } from './employee.entity';
import type { RequestScope } from '../common/scope';

export interface HireDraft {
  name: string;
  email: string;
  title?: string | null;
  departmentId?: number | null;
  managerId?: number | null;
  hireDate: string;
  salary?: string | null;
  roles: Role[];
  /** Null: no password yet (`NO_PASSWORD_HASH`), so they cannot sign in until one is set. */
  password: string | null;
}

export interface EmployeeChanges {
  name?: string | null;
  title?: string | null;
  departmentId?: number | null;
  managerId?: number | null;
  status?: EmployeeStatus | null;
}

export interface EmployeeListFilter {
  departmentId?: number | null;
  status?: EmployeeStatus | null;
  role?: Role | null;
  search?: string | null;
}

/** Things other modules must do when someone leaves (the support desk unassigns their tickets). */
export interface TerminationListener {
  employeeTerminated(
    tx: EntityManager,
    employeeId: number,
    actorId: number,
    lastDay: string,
  ): Promise<void>;
}

/** Things other modules must do when someone is hired (people makes their onboarding checklist). */
export interface HireListener {
  employeeHired(
    tx: EntityManager,
    employee: { id: number; hireDate: string },
    actorId: number | null,
  ): Promise<void>;
}

/** Whether an employee in this status may sign in and keep using their tokens. */
export function maySignIn(status: EmployeeStatus): boolean {
  return status === EmployeeStatus.ACTIVE || status === EmployeeStatus.ON_LEAVE;
}

/** Who may see an employee's pay: HR, ADMIN, and the employee themself. */
export const PAY_READERS: readonly Role[] = [Role.HR];

/** Whether a viewer may see this employee's pay (PAY_READERS, or their own). */
export function mayReadPay(viewer: Viewer, employeeId: number): boolean {
  return viewer.employeeId === employeeId || hasAnyRole(viewer, PAY_READERS);
}
export const MIN_PASSWORD_LENGTH = 10;

const field = (name: string) => ['input', name];

function date(value: string, path: string[]): string {
  if (!isCalendarDate(value))
    throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Not a calendar date', path);
  return value;
}

export class EmployeeService {
  private readonly terminationListeners: TerminationListener[] = [];
  private readonly hireListeners: HireListener[] = [];
  private readonly accessListeners: ((employeeId: number) => void)[] = [];

  onTermination(listener: TerminationListener): void {
    this.terminationListeners.push(listener);
  }

  /** Called in every hire's transaction (`create`), whichever mutation hires. */
  onHire(listener: HireListener): void {
    this.hireListeners.push(listener);
  }

  /** Told once a change that may affect who can sign in, or with which roles, has committed. */
  onAccessChange(listener: (employeeId: number) => void): void {
    this.accessListeners.push(listener);
  }

  private accessChanged(employeeId: number): void {
    for (const listener of this.accessListeners) listener(employeeId);
  }

  /**
   * Records reads of other people's pay (batched: one insert per request and field). Read
   * through the API (`origin` given), it is also a protected read in the audit trail, in the
   * same transaction; downloads are recorded there by the document endpoint.
   */
  async recordPayReads(
    em: EntityManager,
    viewer: Viewer,
    subjectIds: readonly number[],
    fieldName: string,
    origin?: { ip: string | null; requestId: string | null },
  ): Promise<void> {
    const others = [...new Set(subjectIds)].filter((id) => id !== viewer.employeeId);
    if (others.length === 0) return;
    const record = `INSERT INTO salary_access (reader_id, subject_id, field, read_at)
      SELECT ?, unnest(?::bigint[]), ?, now()`;
    const recordValues = [viewer.employeeId, pgArray(others), fieldName];
    if (!origin) return void (await runLockingSqlUnaudited(em, record, recordValues));
    // One statement, a transaction of its own: the pay log and the audit trail's read together.
    const subjects = others.map((id) => toGlobalId('Employee', id));
    const audit = auditInsert([
      {
        kind: AuditKind.READ,
        action: `Employee.${fieldName}`,
        result: AuditResult.OK,
        actorId: viewer.employeeId,
        apiTokenId: viewer.apiTokenId ?? null,
        target: subjects.length === 1 ? subjects[0] : null,
        detail: { count: subjects.length, subjects: subjects.slice(0, 100) },
        ip: origin.ip,
        requestId: origin.requestId,
      },
    ]);
    await runLockingSqlUnaudited(em, `WITH audited AS (${audit.sql}) ${record}`, [
      ...audit.params,
      ...recordValues,
    ]);
  }

  /** Creates an employee inside the caller's transaction (also used by the demo seed). */
  async create(tx: EntityManager, draft: HireDraft, actorId: number | null): Promise<Employee> {
    const email = emailAddress(draft.email, field('email'));
    if (draft.password !== null && draft.password.length < MIN_PASSWORD_LENGTH) {
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `A password has at least ${MIN_PASSWORD_LENGTH} characters`,
        field('password'),
      );
    }
    const roles = [...new Set(draft.roles)];
    const hireDate = date(draft.hireDate, field('hireDate'));
    const salaryMinor =
      draft.salary == null ? null : nonNegativeAmount(draft.salary, field('salary'));
    if (await tx.count(Employee, { email })) throw emailTaken();
    const department =
      draft.departmentId == null
        ? null
        : await this.requireDepartment(tx, draft.departmentId, field('departmentId'));
    const manager =
      draft.managerId == null
        ? null
        : await this.requireEmployee(tx, draft.managerId, field('managerId'));
    const [{ number }] = await tx.execute<{ number: string }[]>(
      "SELECT 'E-' || lpad(nextval('employee_number_seq')::text, 6, '0') AS number",
    );
    const employee = tx.create(Employee, {
      number,
      email,
      name: requiredText(draft.name, field('name'), 200),
      title: optionalText(draft.title, field('title'), 200),
      passwordHash: draft.password === null ? NO_PASSWORD_HASH : await hashPassword(draft.password),
      roles,
      department,
      manager,
      hireDate,
    });
    await tx.flush();
    if (salaryMinor !== null)
      tx.create(SalaryChange, {
        employee,
        annualSalaryMinor: salaryMinor,
        effectiveFrom: hireDate,
        createdById: actorId,
      });
    for (const listener of this.hireListeners)
      await listener.employeeHired(tx, { id: employee.id, hireDate }, actorId);
    await recordEvent(tx, {
      streamType: 'Employee',
      streamId: employee.id,
      type: 'HIRED',
      payload: {
        number,
        email,
        roles,
        hireDate,
        departmentId: department?.id ?? null,
        managerId: manager?.id ?? null,
      },
      actorId,
    });
    return employee;
  }

  async hire(
    { em }: RequestScope,
    viewer: Viewer,
    draft: HireDraft,
  ): Promise<{ employee: Employee }> {
    try {
      return await inTransaction(em, async (tx) => ({
        employee: await this.create(tx, draft, viewer.employeeId),
      }));
    } catch (error) {
      if (isUniqueViolation(error, 'employee_email_unique')) throw emailTaken();
      throw error;
    }
  }

  async update(
    { em }: RequestScope,
    viewer: Viewer,
    id: number,
    changes: EmployeeChanges,
  ): Promise<{ employee: Employee }> {
    const result = await inTransaction(em, async (tx) => {
      const employee = await this.lockEmployee(tx, id);
      const changed: Record<string, unknown> = {};
      if (changes.name != null)
        changed.name = employee.name = requiredText(changes.name, field('name'), 200);
      if (changes.title != null)
        changed.title = employee.title = optionalText(changes.title, field('title'), 200);
      if (
        changes.departmentId !== undefined &&
        changes.departmentId !== (employee.department?.id ?? null)
      ) {
        employee.department =
          changes.departmentId === null
            ? null
            : await this.requireDepartment(tx, changes.departmentId, field('departmentId'));
        changed.departmentId = changes.departmentId;
      }
      if (changes.managerId !== undefined && changes.managerId !== (employee.manager?.id ?? null)) {
        if (changes.managerId !== null)
          await this.refuseManagerCycle(tx, employee.id, changes.managerId);
        employee.manager =
          changes.managerId === null ? null : tx.getReference(Employee, changes.managerId);
        changed.managerId = changes.managerId;
      }
      if (changes.status != null && changes.status !== employee.status) {
        if (changes.status === EmployeeStatus.TERMINATED) {
          throw new BusinessRuleError(
            UserErrorCode.INVALID_INPUT,
            'Use terminateEmployee to end employment',
            field('status'),
          );
        }
        changed.status = employee.status = changes.status;
      }
      if (Object.keys(changed).length > 0) {
        await recordEvent(tx, {
          streamType: 'Employee',
          streamId: id,
          type: 'UPDATED',
          payload: changed,
          actorId: viewer.employeeId,
        });
      }
      return { employee };
    });
    this.accessChanged(id);
    return result;
  }

  async changeRoles(
    { em }: RequestScope,
    viewer: Viewer,
    id: number,
    roles: Role[],
  ): Promise<{ employee: Employee }> {
    const result = await inTransaction(em, async (tx) => {
      const employee = await this.lockEmployee(tx, id);
      const next = [...new Set(roles)];
      if (
        employee.id === viewer.employeeId &&
        employee.roles.includes(Role.ADMIN) &&
        !next.includes(Role.ADMIN)
      ) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          'You cannot remove your own ADMIN role',
          field('roles'),
        );
      }
      const before = employee.roles;
      employee.roles = next;
      await recordEvent(tx, {
        streamType: 'Employee',
        streamId: id,
        type: 'ROLES_CHANGED',
        payload: { from: before, to: next },
        actorId: viewer.employeeId,
      });
      return { employee };
    });
    this.accessChanged(id);
    return result;
  }

  /** A new annual salary from a date; earlier history is kept. */
  async changeSalary(
    { em }: RequestScope,
    viewer: Viewer,
    id: number,
    salary: string,
    effectiveFrom: string,
  ): Promise<{ employee: Employee }> {
    const annualSalaryMinor = nonNegativeAmount(salary, field('annualSalary'));
    const from = date(effectiveFrom, field('effectiveFrom'));
    try {
      return await inTransaction(em, async (tx) => {
        const employee = await this.lockEmployee(tx, id);
        if (from < employee.hireDate) {
          throw new BusinessRuleError(
            UserErrorCode.INVALID_INPUT,
            'A salary cannot start before the hire date',
            field('effectiveFrom'),
          );
        }
        const existing = await tx.findOne(SalaryChange, { employee: id, effectiveFrom: from });
        if (existing) existing.annualSalaryMinor = annualSalaryMinor;
        else
          tx.create(SalaryChange, {
            employee,
            annualSalaryMinor,
            effectiveFrom: from,
            createdById: viewer.employeeId,
          });
        // The amount is private: the audit trail says that it changed and from when, not to what.
        await recordEvent(tx, {
          streamType: 'Employee',
          streamId: id,
          type: 'SALARY_CHANGED',
          payload: { effectiveFrom: from },
          actorId: viewer.employeeId,
        });
        return { employee };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'salary_change_effective_unique'))
        return this.changeSalary({ em }, viewer, id, salary, effectiveFrom);
      throw error;
    }
  }

  /** Ends employment: sign-in, tokens and live connections stop; others' follow-up runs in the same transaction. */
  /**
   * Sets an employee's password: HR and ADMIN for anyone (a new hire from recruiting has none
   * until then, and a forgotten one is replaced), an employee for themself only with their
   * current one. A terminated employee's stays as it is.
   */
  async setPassword(
    { em }: RequestScope,
    viewer: Viewer,
    input: { employeeId: number; password: string; currentPassword?: string | null },
  ): Promise<{ employee: Employee }> {
    const byHr = hasAnyRole(viewer, [Role.HR]);
    if (!byHr && viewer.employeeId !== input.employeeId)
      throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such employee', field('employeeId'));
    if (input.password.length < MIN_PASSWORD_LENGTH)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `A password has at least ${MIN_PASSWORD_LENGTH} characters`,
        field('password'),
      );
    const passwordHash = await hashPassword(input.password);
    return inTransaction(em, async (tx) => {
      const employee = await this.lockEmployee(tx, input.employeeId);
      if (employee.status === EmployeeStatus.TERMINATED)
        throw new BusinessRuleError(
          UserErrorCode.INVALID_TRANSITION,
          `${employee.name} no longer works here`,
          field('employeeId'),
        );
      const ownChange = viewer.employeeId === employee.id;
      // The hash is a lazy property: read only for this check.
      if (ownChange) await tx.populate(employee, ['passwordHash']);
      if (ownChange && !(await verifyPassword(input.currentPassword ?? '', employee.passwordHash)))
        throw new BusinessRuleError(
          UserErrorCode.INVALID_CREDENTIALS,
          'The current password is wrong',
          field('currentPassword'),
        );
      employee.passwordHash = passwordHash;
      await recordEvent(tx, {
        streamType: 'Employee',
        streamId: employee.id,
        type: 'PASSWORD_SET',
        payload: { byThemself: ownChange },
        actorId: viewer.employeeId,
      });
      return { employee };
    });
  }

  async terminate(
    { em }: RequestScope,
    viewer: Viewer,
    id: number,
    lastDay: string,
    reason: string,
  ): Promise<{ employee: Employee }> {
    const terminationDate = date(lastDay, field('date'));
    const why = requiredText(reason, field('reason'), 1000);
    if (id === viewer.employeeId)
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'You cannot terminate yourself',
        field('employeeId'),
      );
    const result = await inTransaction(em, async (tx) => {
      const employee = await this.lockEmployee(tx, id);
      if (employee.status === EmployeeStatus.TERMINATED) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_TRANSITION,
          `${employee.name} was already terminated`,
          field('employeeId'),
        );
      }
      if (terminationDate < employee.hireDate) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          'The last day cannot be before the hire date',
          field('date'),
        );
      }
      employee.status = EmployeeStatus.TERMINATED;
      employee.terminationDate = terminationDate;
      employee.terminationReason = why;
      for (const listener of this.terminationListeners)
        await listener.employeeTerminated(tx, id, viewer.employeeId, terminationDate);
      await recordEvent(tx, {
        streamType: 'Employee',
        streamId: id,
        type: 'TERMINATED',
        payload: { date: terminationDate, reason: why },
        actorId: viewer.employeeId,
      });
      return { employee };
    });
    this.accessChanged(id);
    return result;
  }

  async createDepartment(
    { em }: RequestScope,
    viewer: Viewer,
    input: { name: string; parentId?: number | null; headId?: number | null },
  ): Promise<{ department: Department }> {
    const name = requiredText(input.name, field('name'), 200);
    const taken = () =>
      new BusinessRuleError(
        UserErrorCode.NAME_TAKEN,
        `A department named ${name} exists`,
        field('name'),
      );
    try {
      return await inTransaction(em, async (tx) => {
        if (await tx.count(Department, { name })) throw taken();
        const parent =
          input.parentId == null
            ? null
            : await this.requireDepartment(tx, input.parentId, field('parentId'));
        const head =
          input.headId == null
            ? null
            : await this.requireEmployee(tx, input.headId, field('headId'));
        const department = tx.create(Department, { name, parent, headId: head?.id ?? null });
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'Department',
          streamId: department.id,
          type: 'CREATED',
          payload: { name, parentId: parent?.id ?? null },
          actorId: viewer.employeeId,
        });
        return { department };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'department_name_unique')) throw taken();
      throw error;
    }
  }

  /** The employee with this email (any case), with their password hash, for signing in. */
  findForSignIn(em: EntityManager, email: string): Promise<Employee | null> {
    return em.findOne(
      Employee,
      { email: email.trim().toLowerCase() },
      { populate: ['passwordHash'] },
    );
  }

  /**
   * An employee who exists, read as a plain row (checked, not changed): how other modules (the
   * support desk) reach an employee.
   */
  async requireExisting(
    tx: EntityManager,
    id: number,
    fieldPath: string[] | null,
  ): Promise<Row<Employee>> {
    const [employee] = await findRowsById(tx, Employee, [id]);
    if (!employee)
      throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such employee', fieldPath);
    return employee;
  }

  /** Whether an employee is active and holds one of the roles (ADMIN is not one of them). */
  isActiveInRole(employee: Pick<Employee, 'status' | 'roles'>, roles: readonly Role[]): boolean {
    return (
      employee.status === EmployeeStatus.ACTIVE &&
      employee.roles.some((role) => roles.includes(role))
    );
  }

  /** The ids of the active employees who hold one of the roles, in id order. */
  async activeIdsInRole(tx: EntityManager, roles: readonly Role[]): Promise<number[]> {
    const rows = await tx.execute<{ id: string }[]>(
      "SELECT id FROM employee WHERE status = 'ACTIVE' AND roles && ?::text[] ORDER BY id",
      [pgArray(roles)],
    );
    return rows.map((row) => Number(row.id));
  }

  /** The active employees who hold one of the roles, as plain rows in id order (alerts go to them). */
  async activeInRole(tx: EntityManager, roles: readonly Role[]): Promise<Row<Employee>[]> {
    const rows = await findRowsById(tx, Employee, await this.activeIdsInRole(tx, roles));
    return rows.sort((a, b) => a.id - b.id);
  }

  /** An employee as the target of another table's relation (an assignee), without reading it. */
  reference(tx: EntityManager, id: number): Employee {
    return tx.getReference(Employee, id);
  }

  listWhere(filter: EmployeeListFilter | null | undefined): Record<string, unknown> {
    const where: Record<string, unknown> = {};
    if (filter?.departmentId != null) where.department = filter.departmentId;
    if (filter?.status) where.status = filter.status;
    if (filter?.role) where.roles = { $contains: [filter.role] };
    if (filter?.search?.trim()) {
      const pattern = likePattern(filter.search);
      where.$or = [
        { name: { $ilike: pattern } },
        { email: { $ilike: pattern } },
        { title: { $ilike: pattern } },
        { number: { $ilike: pattern } },
      ];
    }
    return where;
  }

  /** The salary in effect on a day, or null when none is set. */
  async salaryOn(
    em: EntityManager,
    employeeIds: readonly number[],
    day: string,
  ): Promise<Map<number, bigint>> {
    const rows = await em.execute<{ employee_id: string; annual_salary_minor: string }[]>(
      `SELECT DISTINCT ON (employee_id) employee_id, annual_salary_minor FROM salary_change
        WHERE employee_id IN (${employeeIds.map(() => '?').join(', ')}) AND effective_from <= ?
        ORDER BY employee_id, effective_from DESC`,
      [...employeeIds, day],
    );
    return new Map(rows.map((row) => [Number(row.employee_id), BigInt(row.annual_salary_minor)]));
  }

  private async lockEmployee(tx: EntityManager, id: number): Promise<Employee> {
    const employee = await tx.findOne(Employee, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!employee)
      throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such employee', field('employeeId'));
    return employee;
  }

  private async requireEmployee(tx: EntityManager, id: number, path: string[]): Promise<Employee> {
    const employee = await tx.findOne(Employee, { id });
    if (!employee) throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such employee', path);
    return employee;
  }

  /** A department that exists (how other modules check a department key they are given). */
  async requireDepartment(tx: EntityManager, id: number, path: string[]): Promise<Department> {
    const department = await tx.findOne(Department, { id });
    if (!department)
      throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such department', path);
    return department;
  }

  /** Refuses a manager whose own chain of managers leads back to the employee. */
  private async refuseManagerCycle(
    tx: EntityManager,
    employeeId: number,
    managerId: number,
  ): Promise<void> {
    await this.requireEmployee(tx, managerId, field('managerId'));
    // Two concurrent changes (A under B, B under A) must not both pass: manager changes queue here.
    await tx.execute("SELECT pg_advisory_xact_lock(hashtext('employee.manager'))");
    const [loop] = await tx.execute<{ loops: boolean }[]>(
      `WITH RECURSIVE chain(id, depth) AS (
         SELECT ?::bigint, 0
         UNION ALL
         SELECT e.manager_id, c.depth + 1 FROM employee e JOIN chain c ON e.id = c.id
          WHERE e.manager_id IS NOT NULL AND c.depth < 1000
       )
       SELECT EXISTS (SELECT 1 FROM chain WHERE id = ?) AS loops`,
      [managerId, employeeId],
    );
    if (loop?.loops) {
      throw new BusinessRuleError(
        UserErrorCode.MANAGER_CYCLE,
        'That manager reports (directly or not) to this employee',
        field('managerId'),
      );
    }
  }
}

function emailTaken(): BusinessRuleError {
  return new BusinessRuleError(
    UserErrorCode.EMAIL_TAKEN,
    'Another employee already uses this email address',
    field('email'),
  );
}
