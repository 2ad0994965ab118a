import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { recordEvent } from '../../events/event-log';
import { EmployeeStatus } from './employee.entity';

/** An employee as erasure names them: no personal data. */
export interface EmployeeRef {
  id: number;
  number: string;
  status: EmployeeStatus;
  /** Terminated: erasure anonymises them; otherwise their record is kept (employment). */
  terminated: boolean;
  name: string;
}

/** The employee with this email (compared lower-cased), locked, or null. */
export async function employeeByEmail(
  tx: EntityManager,
  email: string,
): Promise<EmployeeRef | null> {
  const [row] = await runSql<{ id: string; number: string; status: EmployeeStatus; name: string }>(
    tx,
    'SELECT id, number, status, name FROM employee WHERE lower(email) = lower(?) FOR UPDATE',
    [email.trim()],
  );
  return row
    ? {
        id: Number(row.id),
        number: row.number,
        status: row.status,
        terminated: row.status === EmployeeStatus.TERMINATED,
        name: row.name,
      }
    : null;
}

/** Whether the employee has payslips or payroll (kept: a legal duty, and the books). */
export async function payrollRecordCount(tx: EntityManager, employeeId: number): Promise<number> {
  const [row] = await runSql<{ count: number }>(
    tx,
    'SELECT count(*)::int AS count FROM payslip WHERE employee_id = ?',
    [employeeId],
  );
  return row.count;
}

/**
 * Anonymises a terminated employee (erasure; the caller's transaction): the name, the email (a
 * placeholder that keeps the unique constraint and can never sign in), the title and the
 * termination reason go, and their bank accounts lose holder and numbers (the payment files made
 * from them keep their own copy: the books). Payslips and payroll stay. The password is replaced
 * by one nobody knows.
 */
export async function anonymiseTerminatedEmployee(tx: EntityManager, id: number): Promise<number> {
  await runSql(
    tx,
    `UPDATE employee SET name = ?, email = ?, title = NULL, termination_reason = NULL,
            password_hash = 'erased', updated_at = now()
      WHERE id = ? AND status = 'TERMINATED'`,
    [`Erased employee ${id}`, `erased-employee-${id}@erased.invalid`, id],
  );
  const accounts = await runSql<{ id: string }>(
    tx,
    `UPDATE employee_bank_account
        SET holder_name = ?,
            iban = CASE WHEN iban IS NULL THEN NULL ELSE 'ERASED' END,
            bic = NULL,
            routing_number = CASE WHEN routing_number IS NULL THEN NULL ELSE 'ERASED' END,
            account_number = CASE WHEN account_number IS NULL THEN NULL ELSE 'ERASED' END
      WHERE employee_id = ? RETURNING id`,
    [`Erased employee ${id}`, id],
  );
  await recordEvent(tx, {
    streamType: 'Employee',
    streamId: id,
    type: 'ANONYMISED',
    payload: {},
    actorId: null,
  });
  return accounts.length;
}
