import {
  personalRecords,
  sqlAmount,
  sqlMasked,
  type PersonalDataSource,
} from '../common/personal-data';

const SUBJECT_EMPLOYEES = 'SELECT id FROM employee WHERE email = ?';

/**
 * What the company holds about an employee: their record, pay, bank accounts (masked) and
 * documents. Never other people's data: no manager's or colleague's names beyond the department.
 */
export const employeePersonalData: PersonalDataSource = {
  name: 'employment',
  description:
    'Your employee record, salary history, payslips, year-end statements, bank accounts (masked) and the documents issued to you.',
  fields: {
    'employee.email': 'your work email address',
    'employee.name': 'your name',
    'employee.title': 'your job title',
    'employee.number': 'your employee number',
    'employee.status': 'whether you are employed',
    'employee.roles': 'what you may do in this system',
    'employee.termination_reason': 'why the employment ended',
    'employee_bank_account.holder_name': 'the name on an account you are paid into',
    'employee_bank_account.kind': 'the kind of account (IBAN or US ACH)',
    'employee_bank_account.iban': 'the IBAN (its last four characters only)',
    'employee_bank_account.account_number': 'the account number (its last four digits only)',
    'employee_bank_account.bic': "the bank's BIC",
    'employee_bank_account.routing_number': "the bank's routing number",
    'employee_bank_account.account_type': 'checking or savings',
    'employee_document.kind': 'what a document is (payslip, year-end statement)',
    'employee_document.title': "a document's title",
  },
  async collect(em, subject) {
    const employees = await personalRecords(
      em,
      'employee',
      `SELECT e.id, json_build_object(
                'name', e.name, 'email', e.email, 'number', e.number, 'title', e.title,
                'department', d.name, 'roles', e.roles, 'status', e.status,
                'hireDate', e.hire_date, 'terminationDate', e.termination_date,
                'terminationReason', e.termination_reason,
                'salaryHistory', (SELECT coalesce(json_agg(json_build_object(
                    'annualSalary', ${sqlAmount('s.annual_salary_minor')},
                    'effectiveFrom', s.effective_from) ORDER BY s.effective_from, s.id), '[]')
                    FROM salary_change s WHERE s.employee_id = e.id),
                'payslips', (SELECT coalesce(json_agg(json_build_object(
                    'periodStart', r.period_start, 'periodEnd', r.period_end,
                    'daysWorked', p.days_worked, 'gross', ${sqlAmount('p.gross_minor')},
                    'withholding', ${sqlAmount('p.withholding_minor')},
                    'net', ${sqlAmount('p.net_minor')}) ORDER BY r.period_start, p.id), '[]')
                    FROM payslip p JOIN payroll_run r ON r.id = p.run_id
                    WHERE p.employee_id = e.id),
                'yearEndStatements', (SELECT coalesce(json_agg(json_build_object(
                    'taxYear', y.tax_year, 'version', y.version, 'final', y.final,
                    'gross', ${sqlAmount('y.gross_minor')},
                    'withholding', ${sqlAmount('y.withholding_minor')},
                    'net', ${sqlAmount('y.net_minor')}) ORDER BY y.tax_year, y.version), '[]')
                    FROM year_end_statement y WHERE y.employee_id = e.id),
                'trainingCompletions', (SELECT coalesce(json_agg(json_build_object(
                    'course', c.name, 'completedOn', t.completed_on, 'expiresOn', t.expires_on)
                    ORDER BY t.completed_on, t.id), '[]')
                    FROM training_completion t JOIN course c ON c.id = t.course_id
                    WHERE t.employee_id = e.id)) AS data
         FROM employee e LEFT JOIN department d ON d.id = e.department_id
        WHERE e.id IN (${SUBJECT_EMPLOYEES}) ORDER BY e.id`,
      [subject.email],
      'Employee',
    );
    const bankAccounts = await personalRecords(
      em,
      'employee_bank_account',
      `SELECT b.id, json_build_object(
                'holderName', b.holder_name, 'kind', b.kind, 'iban', ${sqlMasked('b.iban')},
                'bic', b.bic, 'routingNumber', b.routing_number,
                'accountNumber', ${sqlMasked('b.account_number')},
                'accountType', b.account_type, 'effectiveFrom', b.effective_from) AS data
         FROM employee_bank_account b
        WHERE b.employee_id IN (${SUBJECT_EMPLOYEES}) ORDER BY b.effective_from, b.id`,
      [subject.email],
    );
    const documents = await personalRecords(
      em,
      'employee_document',
      `SELECT d.id, json_build_object(
                'kind', d.kind, 'title', d.title, 'issuedOn', d.issued_on, 'sentAt', d.sent_at) AS data
         FROM employee_document d
        WHERE d.employee_id IN (${SUBJECT_EMPLOYEES}) ORDER BY d.issued_on, d.id`,
      [subject.email],
    );
    return [...employees, ...bankAccounts, ...documents];
  },
};
