import { type GraphQLResolveInfo, GraphQLError } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Info,
} from 'type-graphql';
import { loadHistory } from '../../events/history';
import { HistoryEntry } from '../../events/history.types';
import { signedIn } from '../../graphql/auth-checker';
import type { GraphQLContext } from '../../graphql/context';
import type { RequestContext } from '../context';
import type { Viewer } from '../common/viewer';
import { parseGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { CalendarDateScalar, DecimalScalar } from '../../graphql/scalars';
import { toPayload } from '../../graphql/user-error';
import { Permissions } from '../auth/permissions';
import { Department, Employee, SalaryAccess } from './employee.entity';
import { PayrollRun, PayrollRunStatus, Payslip } from './payroll.entity';
import type { PayTotals } from './employee-documents.service';
import { mayReadPay } from './employee.service';
import {
  ChangeEmployeeRolesInput,
  ChangeEmployeeRolesPayload,
  ChangeSalaryInput,
  ChangeSalaryPayload,
  CreateDepartmentInput,
  CreateDepartmentPayload,
  DepartmentObject,
  EmployeeConnection,
  EmployeeFilter,
  EmployeeObject,
  HireEmployeeInput,
  HireEmployeePayload,
  PAY_FIELD_RULE,
  PayrollRunConnection,
  PayrollRunObject,
  PayslipObject,
  PayTotalsObject,
  PostPayrollRunInput,
  PostPayrollRunPayload,
  RunPayrollInput,
  RunPayrollPayload,
  SalaryAccessObject,
  SalaryStepObject,
  SetEmployeePasswordInput,
  SetEmployeePasswordPayload,
  TerminateEmployeeInput,
  TerminateEmployeePayload,
  UpdateEmployeeInput,
  UpdateEmployeePayload,
} from './employee.types';
import {
  readById,
  readList,
  readRelated,
  readRoot,
  Reads,
  ReadsKeyOnly,
  type RowOf,
  type Row,
} from '../../read';
import {
  childrenOfDepartment,
  employeePage,
  employeesOfDepartment,
  payReadsRecorded,
  payrollRunPage,
  payrollRunRows,
  payslipRows,
  yearToDateOfPayslip,
  payslipsOfEmployee,
  payslipsOfRun,
  reportsOfManager,
  salaryHistoryOfEmployee,
  salaryToday,
  type PayField,
} from './employee.reads';

registerNodeType({
  typeName: 'Employee',
  entity: Employee,
  roles: [],
  load: (context, id) => readById(context, Employee, id),
});
registerNodeType({
  typeName: 'Department',
  entity: Department,
  roles: [],
  load: (context, id) => readById(context, Department, id),
});
registerNodeType({
  typeName: 'PayrollRun',
  entity: PayrollRun,
  roles: Permissions.employees.payroll,
  load: (context, id) => readById(context, PayrollRun, id),
});

const HR = Permissions.employees.manage;

function payForbidden(): GraphQLError {
  return new GraphQLError(
    "Not allowed: only HR, ADMIN and the employee themself see an employee's pay",
    { extensions: { code: 'FORBIDDEN' } },
  );
}

/** Checks the viewer may read this employee's pay, and records the read (batched per request). */
/** Refuses a viewer who may not read this employee's pay, and records a read of someone else's. */
export async function authorisePayRead(
  context: RequestContext,
  subjectId: number,
  field: PayField,
): Promise<Viewer> {
  const viewer = signedIn(context);
  if (!mayReadPay(viewer, subjectId)) throw payForbidden();
  await payReadsRecorded[field].load(context, subjectId);
  return viewer;
}

function optionalId(
  value: string | null | undefined,
  type: string,
  argument: string,
): number | null | undefined {
  if (value === undefined) return undefined;
  return value === null ? null : parseGlobalId(value, type, argument);
}

@Resolver(() => EmployeeObject)
export class EmployeeResolver extends NodeResolver(EmployeeObject, 'Employee') {
  @Authorized()
  @Query(() => EmployeeConnection, { description: 'The staff directory, by name.' })
  employees(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => EmployeeFilter, {
      nullable: true,
      description: 'Which employees to list.',
    })
    filter: EmployeeFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const departmentId = filter?.departmentId
      ? parseGlobalId(filter.departmentId, 'Department', 'filter.departmentId')
      : null;
    return employeePage(
      context,
      context.services.employees.listWhere({ ...filter, departmentId }),
      args,
    );
  }

  @Authorized()
  @Query(() => EmployeeObject, { nullable: true, description: 'One employee by ID.' })
  employee(
    @Arg('id', () => ID, { description: 'The employee ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(context, info, Employee, 'Employee', parseGlobalId(id, 'Employee'));
  }

  @Authorized(...HR)
  @Mutation(() => HireEmployeePayload, {
    description: 'Hires an employee (`EMAIL_TAKEN`). Requires one of: HR, ADMIN.',
  })
  hireEmployee(
    @Arg('input', () => HireEmployeeInput, { description: 'The new employee.' })
    input: HireEmployeeInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const departmentId = optionalId(input.departmentId, 'Department', 'input.departmentId');
    const managerId = optionalId(input.managerId, 'Employee', 'input.managerId');
    return toPayload(() =>
      context.services.employees.hire(context, viewer, { ...input, departmentId, managerId }),
    );
  }

  @Authorized(...HR)
  @Mutation(() => UpdateEmployeePayload, {
    description:
      'Changes name, title, department, manager or leave status. Requires one of: HR, ADMIN.',
  })
  updateEmployee(
    @Arg('input', () => UpdateEmployeeInput, { description: 'The changes.' })
    input: UpdateEmployeeInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.employeeId, 'Employee', 'input.employeeId');
    const departmentId = optionalId(input.departmentId, 'Department', 'input.departmentId');
    const managerId = optionalId(input.managerId, 'Employee', 'input.managerId');
    return toPayload(() =>
      context.services.employees.update(context, viewer, id, {
        ...input,
        departmentId,
        managerId,
      }),
    );
  }

  @Authorized(...Permissions.admin)
  @Mutation(() => ChangeEmployeeRolesPayload, {
    description:
      "Replaces an employee's roles; takes effect on their next request. Requires: ADMIN.",
  })
  changeEmployeeRoles(
    @Arg('input', () => ChangeEmployeeRolesInput, { description: 'The new roles.' })
    input: ChangeEmployeeRolesInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.employeeId, 'Employee', 'input.employeeId');
    return toPayload(() =>
      context.services.employees.changeRoles(context, viewer, id, input.roles),
    );
  }

  @Authorized(...HR)
  @Mutation(() => ChangeSalaryPayload, {
    description:
      'Sets a new annual salary from a date, keeping the history. Requires one of: HR, ADMIN.',
  })
  changeSalary(
    @Arg('input', () => ChangeSalaryInput, { description: 'The new salary.' })
    input: ChangeSalaryInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.employeeId, 'Employee', 'input.employeeId');
    return toPayload(() =>
      context.services.employees.changeSalary(
        context,
        viewer,
        id,
        input.annualSalary,
        input.effectiveFrom,
      ),
    );
  }

  @Authorized()
  @Mutation(() => SetEmployeePasswordPayload, {
    description:
      "Sets an employee's password: HR and ADMIN for anyone (a hire from recruiting signs in once it is set), every employee for themself with their current one; others' are NOT_FOUND.",
  })
  setEmployeePassword(
    @Arg('input', () => SetEmployeePasswordInput, { description: 'Whose, and the new one.' })
    input: SetEmployeePasswordInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const employeeId = parseGlobalId(input.employeeId, 'Employee', 'input.employeeId');
    return toPayload(() =>
      context.services.employees.setPassword(context, viewer, {
        employeeId,
        password: input.password,
        currentPassword: input.currentPassword,
      }),
    );
  }

  @Authorized(...HR)
  @Mutation(() => TerminateEmployeePayload, {
    description:
      'Ends an employment: sign-in, tokens and live connections stop at once, open tickets are unassigned. Requires one of: HR, ADMIN.',
  })
  terminateEmployee(
    @Arg('input', () => TerminateEmployeeInput, { description: 'Who, when and why.' })
    input: TerminateEmployeeInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.employeeId, 'Employee', 'input.employeeId');
    return toPayload(() =>
      context.services.employees.terminate(context, viewer, id, input.date, input.reason),
    );
  }

  @Authorized(...HR)
  @Query(() => [SalaryAccessObject], {
    description:
      "The latest reads of other people's pay (at most 500), newest first. Requires one of: HR, ADMIN.",
  })
  async salaryAccessLog(
    @Arg('employeeId', () => ID, {
      nullable: true,
      description: "Only reads of this employee's pay.",
    })
    employeeId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const subjectId = employeeId ? parseGlobalId(employeeId, 'Employee', 'employeeId') : null;
    const rows = await readList(context, SalaryAccess, subjectId === null ? {} : { subjectId }, {
      orderBy: { id: 'desc' },
      limit: 500,
    });
    return rows.map((row) => ({
      reader: readById(context, Employee, row.readerId),
      subject: readById(context, Employee, row.subjectId),
      field: row.field,
      readAt: row.readAt,
    }));
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description: `Annual salary in effect today. ${PAY_FIELD_RULE}`,
  })
  async salary(
    @Root() employee: Row<Employee>,
    @Ctx() context: RequestContext,
  ): Promise<Money | null> {
    await authorisePayRead(context, employee.id, 'salary');
    const salary = await salaryToday.load(context, employee.id);
    return salary === null ? null : Money.fromMinor(salary);
  }

  @FieldResolver(() => [SalaryStepObject], {
    description: `Every salary and the day it took effect, oldest first. ${PAY_FIELD_RULE}`,
  })
  async salaryHistory(
    @Root() employee: Row<Employee>,
    @Ctx() context: RequestContext,
  ): Promise<SalaryStepObject[]> {
    await authorisePayRead(context, employee.id, 'salaryHistory');
    const steps = await salaryHistoryOfEmployee.load(context, employee.id);
    return steps.map((step) => ({
      annualSalary: Money.fromMinor(step.annualSalaryMinor),
      effectiveFrom: step.effectiveFrom,
    }));
  }

  @FieldResolver(() => [PayslipObject], {
    description: `Their payslips, newest period first. ${PAY_FIELD_RULE}`,
  })
  async payslips(@Root() employee: Row<Employee>, @Ctx() context: RequestContext) {
    await authorisePayRead(context, employee.id, 'payslips');
    return payslipsOfEmployee.load(context, employee.id);
  }

  @FieldResolver(() => DepartmentObject, { nullable: true, description: 'Their department.' })
  @Reads(Employee, 'department')
  department(@Root() employee: RowOf<Employee, 'department'>, @Ctx() context: RequestContext) {
    return readRelated(context, Department, employee.department);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Their manager.' })
  @Reads(Employee, 'manager')
  manager(@Root() employee: RowOf<Employee, 'manager'>, @Ctx() context: RequestContext) {
    return readRelated(context, Employee, employee.manager);
  }

  @FieldResolver(() => [EmployeeObject], { description: 'Their direct reports, by name.' })
  @ReadsKeyOnly()
  reports(@Root() employee: RowOf<Employee>, @Ctx() context: RequestContext) {
    return reportsOfManager.load(context, employee.id);
  }

  @Authorized(...HR)
  @FieldResolver(() => [HistoryEntry], {
    description:
      'Hires, changes of role, salary (date only) and department, terminations. Requires one of: HR, ADMIN.',
  })
  @ReadsKeyOnly()
  history(@Root() employee: RowOf<Employee>, @Ctx() context: RequestContext) {
    return loadHistory(context, 'Employee', employee.id);
  }
}

/** Registers a type that states someone's pay: `node(id:)` answers it only to its readers. */
export function registerPayNode<T extends { employee: { id: number } }>(
  typeName: string,
  entity: abstract new (...args: never[]) => T,
  rows: { byId(context: GraphQLContext, id: number): Promise<T | null> },
): void {
  registerNodeType({
    typeName,
    entity,
    roles: [],
    load: async (context, id) => {
      const row = await rows.byId(context, id);
      return row && mayReadPay(signedIn(context), row.employee.id) ? row : null;
    },
  });
}

registerPayNode('Payslip', Payslip, payslipRows);

@Resolver(() => PayslipObject)
export class PayslipResolver extends NodeResolver(PayslipObject, 'Payslip') {
  @FieldResolver(() => EmployeeObject, { description: 'Who is paid.' })
  employee(@Root() slip: Row<Payslip>, @Ctx() context: RequestContext) {
    return readById(context, Employee, slip.employee.id);
  }

  @FieldResolver(() => Money, { description: 'Pay before withholding.' })
  gross(@Root() slip: Row<Payslip>): Money {
    return Money.fromMinor(slip.grossMinor);
  }

  @FieldResolver(() => Money, { description: 'Tax withheld.' })
  withholding(@Root() slip: Row<Payslip>): Money {
    return Money.fromMinor(slip.withholdingMinor);
  }

  @FieldResolver(() => Money, { description: 'Paid out: gross minus withholding.' })
  net(@Root() slip: Row<Payslip>): Money {
    return Money.fromMinor(slip.netMinor);
  }

  @FieldResolver(() => CalendarDateScalar, { description: 'First day of the period.' })
  async periodStart(@Root() slip: Row<Payslip>, @Ctx() context: RequestContext) {
    return (await runOf(context, slip)).periodStart;
  }

  @FieldResolver(() => CalendarDateScalar, { description: 'Last day of the period.' })
  async periodEnd(@Root() slip: Row<Payslip>, @Ctx() context: RequestContext) {
    return (await runOf(context, slip)).periodEnd;
  }

  @FieldResolver(() => Int, {
    description: "The tax year it belongs to: the year of its run's period end.",
  })
  async taxYear(@Root() slip: Row<Payslip>, @Ctx() context: RequestContext) {
    return Number((await runOf(context, slip)).periodEnd.slice(0, 4));
  }

  @FieldResolver(() => Boolean, { description: 'Whether its payroll run is posted (final).' })
  async posted(@Root() slip: Row<Payslip>, @Ctx() context: RequestContext) {
    return (await runOf(context, slip)).status === PayrollRunStatus.POSTED;
  }

  @FieldResolver(() => PayTotalsObject, {
    description:
      'This payslip and the earlier payslips of posted runs in the same tax year, summed.',
  })
  async yearToDate(
    @Root() slip: Row<Payslip>,
    @Ctx() context: RequestContext,
  ): Promise<PayTotalsObject> {
    await authorisePayRead(context, slip.employee.id, 'payslips');
    return payTotalsView(await yearToDateOfPayslip.load(context, slip.id));
  }

  @FieldResolver(() => String, {
    description: `Where its PDF downloads: a path on this server, signed for 15 minutes (it also answers a bearer token of HR, ADMIN or the employee). ${PAY_FIELD_RULE}`,
  })
  async pdfUrl(@Root() slip: Row<Payslip>, @Ctx() context: RequestContext): Promise<string> {
    await authorisePayRead(context, slip.employee.id, 'payslips');
    return context.services.payslipDocuments.pdfUrl(slip.id);
  }
}

async function runOf(context: RequestContext, slip: Row<Payslip>): Promise<Row<PayrollRun>> {
  const run = await payrollRunRows.of(context, slip.run);
  if (!run) throw new Error(`Payslip ${slip.id} has no payroll run`);
  return run;
}

/** Sums of pay as GraphQL shows them. */
export function payTotalsView(totals: PayTotals): PayTotalsObject {
  return {
    gross: Money.fromMinor(totals.grossMinor),
    withholding: Money.fromMinor(totals.withholdingMinor),
    net: Money.fromMinor(totals.netMinor),
    payslipCount: totals.payslipCount,
  };
}

/** The employee behind a change in any object's history (events/ knows only their id). */
@Resolver(() => HistoryEntry)
export class HistoryActorResolver {
  @FieldResolver(() => EmployeeObject, {
    nullable: true,
    description: 'Who made the change; null for the system.',
  })
  actor(@Root() entry: { actorId: number | null }, @Ctx() context: RequestContext) {
    return entry.actorId === null ? null : readById(context, Employee, entry.actorId);
  }
}

@Resolver(() => DepartmentObject)
export class DepartmentResolver extends NodeResolver(DepartmentObject, 'Department') {
  @Authorized()
  @Query(() => [DepartmentObject], { description: 'Every department, by name.' })
  departments(@Ctx() context: RequestContext) {
    return readList(context, Department, {}, { orderBy: { name: 'asc' } });
  }

  @Authorized(...HR)
  @Mutation(() => CreateDepartmentPayload, {
    description: 'Adds a department (`NAME_TAKEN`). Requires one of: HR, ADMIN.',
  })
  createDepartment(
    @Arg('input', () => CreateDepartmentInput, { description: 'The new department.' })
    input: CreateDepartmentInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const parentId = optionalId(input.parentId, 'Department', 'input.parentId');
    const headId = optionalId(input.headId, 'Employee', 'input.headId');
    return toPayload(() =>
      context.services.employees.createDepartment(context, viewer, {
        name: input.name,
        parentId,
        headId,
      }),
    );
  }

  @FieldResolver(() => DepartmentObject, {
    nullable: true,
    description: 'The department it belongs to.',
  })
  parent(@Root() department: Row<Department>, @Ctx() context: RequestContext) {
    return readRelated(context, Department, department.parent);
  }

  @FieldResolver(() => [DepartmentObject], { description: 'Its sub-departments.' })
  children(@Root() department: Row<Department>, @Ctx() context: RequestContext) {
    return childrenOfDepartment.load(context, department.id);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who heads it.' })
  head(@Root() department: Row<Department>, @Ctx() context: RequestContext) {
    return department.headId === null ? null : readById(context, Employee, department.headId);
  }

  @FieldResolver(() => [EmployeeObject], { description: 'Its employees, by name.' })
  employees(@Root() department: Row<Department>, @Ctx() context: RequestContext) {
    return employeesOfDepartment.load(context, department.id);
  }
}

@Resolver(() => PayrollRunObject)
export class PayrollResolver extends NodeResolver(PayrollRunObject, 'PayrollRun') {
  @Authorized(...Permissions.employees.payroll)
  @Query(() => PayrollRunConnection, {
    description: 'Payroll runs, newest period first. Requires one of: HR, ADMIN.',
  })
  payrollRuns(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() context: RequestContext) {
    return payrollRunPage(context, args);
  }

  @Authorized(...Permissions.employees.payroll)
  @Mutation(() => RunPayrollPayload, {
    description:
      'Computes a draft payroll run with a payslip per employee employed in the period. Requires one of: HR, ADMIN.',
  })
  runPayroll(
    @Arg('input', () => RunPayrollInput, { description: 'The period.' }) input: RunPayrollInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() => context.services.payroll.run(context, viewer, input));
  }

  @Authorized(...Permissions.employees.payroll)
  @Mutation(() => PostPayrollRunPayload, {
    description:
      'Posts a draft run to the ledger, once (`ALREADY_POSTED`). Requires one of: HR, ADMIN.',
  })
  postPayrollRun(
    @Arg('input', () => PostPayrollRunInput, { description: 'The run.' })
    input: PostPayrollRunInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.payrollRunId, 'PayrollRun', 'input.payrollRunId');
    return toPayload(() => context.services.payroll.post(context, viewer, id));
  }

  @FieldResolver(() => DecimalScalar, {
    description: 'The flat withholding rate applied, such as "0.2000".',
  })
  withholdingRate(@Root() run: Row<PayrollRun>): string {
    const bp = run.withholdingRateBp;
    return `${Math.floor(bp / 10_000)}.${String(bp % 10_000).padStart(4, '0')}`;
  }

  @FieldResolver(() => Money, { description: 'Sum of gross pay.' })
  totalGross(@Root() run: Row<PayrollRun>): Money {
    return Money.fromMinor(run.totalGrossMinor);
  }

  @FieldResolver(() => Money, { description: 'Sum of withholding.' })
  totalWithholding(@Root() run: Row<PayrollRun>): Money {
    return Money.fromMinor(run.totalWithholdingMinor);
  }

  @FieldResolver(() => Money, { description: 'Sum of net pay.' })
  totalNet(@Root() run: Row<PayrollRun>): Money {
    return Money.fromMinor(run.totalNetMinor);
  }

  @FieldResolver(() => [PayslipObject], {
    description: 'One payslip per employee paid, by employee.',
  })
  async payslips(@Root() run: Row<PayrollRun>, @Ctx() context: RequestContext) {
    return payslipsOfRun.load(context, run.id);
  }
}
