import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { systemClock, type Clock } from '../common/clock';
import type { EmployeeStatus } from '../employees/employee.entity';
import type { Role } from '../common/role';

/** What a session request needs to know about its employee: may they still sign in, as what. */
export interface EmployeeAccess {
  roles: Role[];
  status: EmployeeStatus;
}

/**
 * For a change that reaches the table without going through the API (SQL by hand): every change
 * made through the API drops the entry the moment it commits. Read again once a second, an
 * employee costs one statement a second instead of one per request.
 */
const MAX_AGE_MS = 1000;
/** Far more than a company's staff; a bound, so a flood of distinct ids cannot grow the map. */
const MAX_ENTRIES = 10_000;

/**
 * The roles and status of employees with live sessions. Every session request checks them (a
 * termination or a change of roles takes effect on the next request), and reading them was one
 * SQL statement on every request, a large part of what a small read costs (bench/README.md).
 *
 * An entry is dropped when a change to its employee commits: on this instance by the employee
 * service itself, right after the commit, and on every instance by the employee's event in the
 * event log (the dispatcher delivers each one, and catches up within a second if a notification
 * is lost). A read that was under way when an entry was dropped does not store what it read: it
 * may predate the change.
 */
export class EmployeeAccessCache {
  private readonly entries = new Map<number, { access: EmployeeAccess; readAt: number }>();
  /** Bumped by every `forget`: a read that started before one may hold what changed. */
  private generation = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  async read(em: EntityManager, employeeId: number): Promise<EmployeeAccess | undefined> {
    const startedAt = this.clock.now().getTime();
    const cached = this.entries.get(employeeId);
    // An entry stamped later than now (the clock was set back) is read again too.
    const age = cached ? startedAt - cached.readAt : MAX_AGE_MS;
    if (cached && age >= 0 && age < MAX_AGE_MS) return cached.access;
    const generation = this.generation;
    const [access] = await runSql<EmployeeAccess>(
      em,
      'SELECT roles, status FROM employee WHERE id = ?',
      [employeeId],
    );
    if (access && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(employeeId, { access, readAt: startedAt });
    }
    return access;
  }

  /** The employee's status or roles changed (or may have): read them again next time. */
  forget(employeeId: number): void {
    this.generation += 1;
    this.entries.delete(employeeId);
  }
}
