import type { FilterQuery } from '@mikro-orm/core';
import { signedIn } from '../../graphql/auth-checker';
import type { RequestContext } from '../context';
import { defineGroupLoader, defineLoader, readPage, type PageArgs, rowReader } from '../../read';
import { Department, Employee, SalaryChange } from './employee.entity';
import { EmployeeBankAccount } from './employee-bank-account.entity';
import { PaymentFile, PaymentFileItem } from './payment-file.entity';
import { PayrollRun, PayrollRunStatus, Payslip } from './payroll.entity';
import {
  EmployeeDocument,
  type EmployeeDocumentKind,
  YearEndStatement,
} from './employee-document.entity';
import type { PayTotals } from './employee-documents.service';

/** How employees, departments and payroll read. */

export function employeePage(
  context: RequestContext,
  where: FilterQuery<Employee>,
  args: PageArgs,
) {
  return readPage(context, Employee, where, args, { orderBy: { name: 'asc', id: 'asc' } });
}

export function payrollRunPage(context: RequestContext, args: PageArgs) {
  return readPage(context, PayrollRun, {}, args, { orderBy: { periodStart: 'desc', id: 'desc' } });
}

/** The fields that show someone's pay; each read of one by another person is recorded. */
export type PayField = 'salary' | 'salaryHistory' | 'payslips' | 'documents' | 'bankAccount';

function payReadsRecorder(field: PayField) {
  return defineLoader<number, true, RequestContext>(
    `employees.payRead.${field}`,
    async (context, ids) => {
      await context.services.employees.recordPayReads(
        context.em.fork(),
        signedIn(context),
        ids,
        field,
        { ip: context.clientIp, requestId: context.requestId },
      );
      return ids.map(() => true as const);
    },
  );
}

/** Records, once per request and field, that the viewer read these employees' pay. */
export const payReadsRecorded: Record<PayField, ReturnType<typeof payReadsRecorder>> = {
  salary: payReadsRecorder('salary'),
  salaryHistory: payReadsRecorder('salaryHistory'),
  payslips: payReadsRecorder('payslips'),
  documents: payReadsRecorder('documents'),
  bankAccount: payReadsRecorder('bankAccount'),
};

/** The bank account an employee's pay goes to today (null: none on record). */
export const bankAccountToday = defineLoader<number, EmployeeBankAccount | null, RequestContext>(
  'employees.bankAccountToday',
  async (context, ids) => {
    const accounts = await context.services.employeeBankAccounts.inForceToday(context.em, ids);
    return ids.map((id) => accounts.get(id) ?? null);
  },
);

/** Payment files, newest first. */
export function paymentFilePage(
  context: RequestContext,
  where: FilterQuery<PaymentFile>,
  args: PageArgs,
) {
  return readPage(context, PaymentFile, where, args, { orderBy: { id: 'desc' } });
}

export const itemsOfPaymentFile = defineGroupLoader<PaymentFileItem>(
  'employees.itemsOfPaymentFile',
  (context, ids) =>
    context.em.find(
      PaymentFileItem,
      { file: { $in: [...ids] } },
      { populate: ['file', 'bankAccount'], orderBy: { file: 'asc', employee: 'asc', id: 'asc' } },
    ),
  (item) => item.file.id,
);

/** An employee's annual salary in effect today, in minor units (null: none on record). */
export const salaryToday = defineLoader<number, bigint | null, RequestContext>(
  'employees.salaryToday',
  async (context, ids) => {
    const today = new Date().toISOString().slice(0, 10);
    const salaries = await context.services.employees.salaryOn(context.em, ids, today);
    return ids.map((id) => salaries.get(id) ?? null);
  },
);

export const salaryHistoryOfEmployee = defineGroupLoader<SalaryChange>(
  'employees.salaryHistory',
  (context, ids) =>
    context.em.find(
      SalaryChange,
      { employee: { $in: [...ids] } },
      { orderBy: { employee: 'asc', effectiveFrom: 'asc' } },
    ),
  (step) => step.employee.id,
);

export const payslipsOfEmployee = defineGroupLoader<Payslip>(
  'employees.payslipsOfEmployee',
  (context, ids) =>
    context.em.find(
      Payslip,
      { employee: { $in: [...ids] } },
      { populate: ['run'], orderBy: { run: { periodStart: 'desc' } } },
    ),
  (slip) => slip.employee.id,
);

export const payslipsOfRun = defineGroupLoader<Payslip>(
  'employees.payslipsOfRun',
  (context, ids) =>
    context.em.find(
      Payslip,
      { run: { $in: [...ids] } },
      { populate: ['run'], orderBy: { employee: 'asc' } },
    ),
  (slip) => slip.run.id,
);

export const reportsOfManager = defineGroupLoader<Employee>(
  'employees.reportsOfManager',
  (context, ids) =>
    context.em.find(Employee, { manager: { $in: [...ids] } }, { orderBy: { name: 'asc' } }),
  (report) => report.manager?.id ?? 0,
);

export const childrenOfDepartment = defineGroupLoader<Department>(
  'employees.childrenOfDepartment',
  (context, ids) =>
    context.em.find(Department, { parent: { $in: [...ids] } }, { orderBy: { name: 'asc' } }),
  (child) => child.parent?.id ?? 0,
);

export const employeesOfDepartment = defineGroupLoader<Employee>(
  'employees.employeesOfDepartment',
  (context, ids) =>
    context.em.find(Employee, { department: { $in: [...ids] } }, { orderBy: { name: 'asc' } }),
  (employee) => employee.department?.id ?? 0,
);

/** An employee's payslips of posted runs, the latest run made first (payslip ids follow runs). */
export function postedPayslipPage(context: RequestContext, employeeId: number, args: PageArgs) {
  return readPage(
    context,
    Payslip,
    { employee: employeeId, run: { status: PayrollRunStatus.POSTED } },
    args,
    { orderBy: { id: 'desc' } },
  );
}

/** An employee's documents, newest first. */
export function employeeDocumentPage(
  context: RequestContext,
  employeeId: number,
  kind: EmployeeDocumentKind | null,
  args: PageArgs,
) {
  return readPage(
    context,
    EmployeeDocument,
    kind === null ? { employee: employeeId } : { employee: employeeId, kind },
    args,
    { orderBy: { issuedOn: 'desc', id: 'desc' } },
  );
}

/** Each payslip's year to date (EmployeeDocumentsService.yearToDate), batched per request. */
export const yearToDateOfPayslip = defineLoader<number, PayTotals, RequestContext>(
  'employees.yearToDateOfPayslip',
  async (context, ids) => {
    const totals = await context.services.employeeDocuments.yearToDate(context.em, ids);
    return ids.map((id) => {
      const found = totals.get(id);
      if (!found) throw new Error(`Payslip ${id} has no year to date`);
      return found;
    });
  },
);

export const payrollRunRows = rowReader(PayrollRun);
export const payslipRows = rowReader(Payslip);
export const yearEndStatementRows = rowReader(YearEndStatement);
export const employeeDocumentRows = rowReader(EmployeeDocument);

/** How other modules read employees: by id, or as what a many-to-one points to. */
export const employeeRows = rowReader(Employee);
