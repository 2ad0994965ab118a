import { ArrayMaxSize, IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { HistoryEntry } from '../../events/history.types';
import { Money } from '../../graphql/money';
import { Connection, Node } from '../../graphql/relay';
import { CalendarDateScalar, DecimalScalar } from '../../graphql/scalars';
import { UserError } from '../../graphql/user-error';
import { Role } from '../common/role';
import { EmployeeStatus } from './employee.entity';
import { PayrollRunStatus } from './payroll.entity';

export const PAY_FIELD_RULE =
  "Requires one of: HR, ADMIN, or being the employee themself; anyone else gets FORBIDDEN. Every read of another person's pay is recorded.";

registerEnumType(EmployeeStatus, {
  name: 'EmployeeStatus',
  description: 'Where an employee stands in their employment.',
  valuesConfig: {
    ACTIVE: { description: 'Working here; may sign in.' },
    ON_LEAVE: { description: 'Employed but away; may sign in.' },
    TERMINATED: { description: 'No longer works here; cannot sign in, holds no live connection.' },
  },
});

registerEnumType(PayrollRunStatus, {
  name: 'PayrollRunStatus',
  description: 'Whether a payroll run has reached the ledger.',
  valuesConfig: {
    DRAFT: { description: 'Computed, with payslips; not yet posted.' },
    POSTED: { description: 'Posted to the ledger. Final.' },
  },
});

@ObjectType('Department', {
  implements: Node,
  description: 'A department; departments form a tree.',
})
export class DepartmentObject extends Node {
  @Field(() => String, { description: 'Department name (unique).' })
  name!: string;

  @Field(() => DepartmentObject, { nullable: true, description: 'The department it belongs to.' })
  parent!: unknown;

  @Field(() => [DepartmentObject], { description: 'Its sub-departments.' })
  children!: unknown[];

  @Field(() => EmployeeObject, { nullable: true, description: 'Who heads it.' })
  head!: unknown;

  @Field(() => [EmployeeObject], { description: 'Its employees, by name.' })
  employees!: unknown[];
}

@ObjectType('SalaryStep', {
  description: `An annual salary and the day it took effect. ${PAY_FIELD_RULE}`,
})
export class SalaryStepObject {
  @Field(() => Money, { description: 'Annual salary.' })
  annualSalary!: Money;

  @Field(() => CalendarDateScalar, { description: 'The first day it applies.' })
  effectiveFrom!: string;
}

@ObjectType('Employee', {
  implements: Node,
  description: 'A person who works here and may sign in to Backdesk.',
})
export class EmployeeObject extends Node {
  @Field(() => String, { description: 'Employee number, such as E-000042.' })
  number!: string;

  @Field(() => String, { description: 'Full name.' })
  name!: string;

  @Field(() => String, { description: 'Work email address, used to sign in (lower-case).' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Job title.' })
  title!: string | null;

  @Field(() => EmployeeStatus, { description: 'Employment status.' })
  status!: EmployeeStatus;

  @Field(() => [Role], { description: 'Access roles.' })
  roles!: Role[];

  @Field(() => DepartmentObject, { nullable: true, description: 'Their department.' })
  department!: unknown;

  @Field(() => EmployeeObject, { nullable: true, description: 'Their manager.' })
  manager!: unknown;

  @Field(() => [EmployeeObject], { description: 'Their direct reports, by name.' })
  reports!: unknown[];

  @Field(() => CalendarDateScalar, { description: 'First working day.' })
  hireDate!: string;

  @Field(() => CalendarDateScalar, {
    nullable: true,
    description: 'Last working day, once terminated.',
  })
  terminationDate!: string | null;

  @Field(() => Money, {
    nullable: true,
    description: `Annual salary in effect today. ${PAY_FIELD_RULE}`,
  })
  salary!: Money | null;

  @Field(() => Date, { description: 'When the record was created.' })
  createdAt!: Date;

  @Field(() => [HistoryEntry], {
    description:
      'Hires, changes of role, salary (date only) and department, terminations. Requires one of: HR, ADMIN.',
  })
  history!: HistoryEntry[];
}

export const EmployeeConnection = Connection(EmployeeObject, 'Employee', 'employee');

@ObjectType('PayTotals', { description: 'Pay summed over payslips.' })
export class PayTotalsObject {
  @Field(() => Money, { description: 'Pay before withholding.' })
  gross!: Money;

  @Field(() => Money, { description: 'Tax withheld.' })
  withholding!: Money;

  @Field(() => Money, { description: 'Paid out: gross minus withholding.' })
  net!: Money;

  @Field(() => Int, { description: 'How many payslips the sums cover.' })
  payslipCount!: number;
}

@ObjectType('Payslip', {
  implements: Node,
  description: `One employee's pay for a payroll run. ${PAY_FIELD_RULE}`,
})
export class PayslipObject extends Node {
  @Field(() => EmployeeObject, { description: 'Who is paid.' })
  employee!: unknown;

  @Field(() => Int, { description: 'Days of the period they were employed.' })
  daysWorked!: number;

  @Field(() => Money, { description: 'Pay before withholding.' })
  gross!: Money;

  @Field(() => Money, { description: 'Tax withheld.' })
  withholding!: Money;

  @Field(() => Money, { description: 'Paid out: gross minus withholding.' })
  net!: Money;

  @Field(() => CalendarDateScalar, { description: 'First day of the period.' })
  periodStart!: string;

  @Field(() => CalendarDateScalar, { description: 'Last day of the period.' })
  periodEnd!: string;

  @Field(() => Int, {
    description: "The tax year it belongs to: the year of its run's period end.",
  })
  taxYear!: number;

  @Field(() => Boolean, { description: 'Whether its payroll run is posted (final).' })
  posted!: boolean;

  @Field(() => PayTotalsObject, {
    description:
      'This payslip and the earlier payslips of posted runs in the same tax year, summed.',
  })
  yearToDate!: PayTotalsObject;

  @Field(() => String, {
    description: `Where its PDF downloads: a path on this server, signed for 15 minutes (it also answers a bearer token of HR, ADMIN or the employee). ${PAY_FIELD_RULE}`,
  })
  pdfUrl!: string;
}

export const PayslipConnection = Connection(PayslipObject, 'Payslip', 'payslip');

@ObjectType('PayrollRun', {
  implements: Node,
  description: 'A payroll for a period. Requires one of: HR, ADMIN.',
})
export class PayrollRunObject extends Node {
  @Field(() => CalendarDateScalar, { description: 'First day of the period.' })
  periodStart!: string;

  @Field(() => CalendarDateScalar, { description: 'Last day of the period.' })
  periodEnd!: string;

  @Field(() => PayrollRunStatus, { description: 'Draft or posted.' })
  status!: PayrollRunStatus;

  @Field(() => DecimalScalar, {
    description: 'The flat withholding rate applied, such as "0.2000".',
  })
  withholdingRate!: string;

  @Field(() => Money, { description: 'Sum of gross pay.' })
  totalGross!: Money;

  @Field(() => Money, { description: 'Sum of withholding.' })
  totalWithholding!: Money;

  @Field(() => Money, { description: 'Sum of net pay.' })
  totalNet!: Money;

  @Field(() => [PayslipObject], { description: 'One payslip per employee paid, by employee.' })
  payslips!: unknown[];

  @Field(() => Date, { nullable: true, description: 'When it was posted to the ledger.' })
  postedAt!: Date | null;

  @Field(() => Date, { description: 'When it was computed.' })
  createdAt!: Date;
}

export const PayrollRunConnection = Connection(PayrollRunObject, 'PayrollRun', 'payroll run');

@ObjectType('SalaryAccess', { description: "A record of someone reading another person's pay." })
export class SalaryAccessObject {
  @Field(() => EmployeeObject, { description: 'Who read it.' })
  reader!: unknown;

  @Field(() => EmployeeObject, { description: 'Whose pay was read.' })
  subject!: unknown;

  @Field(() => String, {
    description: 'What was read: salary, salaryHistory, payslips, payslipPdf or bankAccount.',
  })
  field!: string;

  @Field(() => Date, { description: 'When.' })
  readAt!: Date;
}

@InputType({ description: 'Which employees to list.' })
export class EmployeeFilter {
  @Field(() => ID, { nullable: true, description: 'Only this department.' })
  @IsOptional()
  @IsString()
  departmentId?: string | null;

  @Field(() => EmployeeStatus, { nullable: true, description: 'Only this status.' })
  @IsOptional()
  status?: EmployeeStatus | null;

  @Field(() => Role, { nullable: true, description: 'Only holders of this role.' })
  @IsOptional()
  role?: Role | null;

  @Field(() => String, {
    nullable: true,
    description: 'Matches name, email, title or number, case-insensitively.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string | null;
}

@InputType({ description: 'A new employee.' })
export class HireEmployeeInput {
  @Field(() => String, { description: 'Full name.' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => String, { description: 'Work email (unique).' })
  @IsString()
  @MaxLength(320)
  email!: string;

  @Field(() => String, { nullable: true, description: 'Job title.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string | null;

  @Field(() => ID, { nullable: true, description: 'Their department.' })
  @IsOptional()
  @IsString()
  departmentId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Their manager.' })
  @IsOptional()
  @IsString()
  managerId?: string | null;

  @Field(() => CalendarDateScalar, { description: 'First working day.' })
  hireDate!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Annual salary from the hire date.' })
  @IsOptional()
  salary?: string | null;

  @Field(() => [Role], { description: 'Access roles (may be empty).' })
  @ArrayMaxSize(7)
  roles!: Role[];

  @Field(() => String, { description: 'Initial password (at least 10 characters).' })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

@InputType({
  description: 'Changes to an employee; omitted fields stay, null clears department or manager.',
})
export class UpdateEmployeeInput {
  @Field(() => ID, { description: 'The employee.' })
  @IsString()
  employeeId!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New title.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string | null;

  @Field(() => ID, { nullable: true, description: 'New department; null for none.' })
  @IsOptional()
  @IsString()
  departmentId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'New manager; null for none. A loop is refused (`MANAGER_CYCLE`).',
  })
  @IsOptional()
  @IsString()
  managerId?: string | null;

  @Field(() => EmployeeStatus, {
    nullable: true,
    description: 'ACTIVE or ON_LEAVE (terminate with terminateEmployee).',
  })
  @IsOptional()
  status?: EmployeeStatus | null;
}

@InputType({ description: "An employee's new roles." })
export class ChangeEmployeeRolesInput {
  @Field(() => ID, { description: 'The employee.' })
  @IsString()
  employeeId!: string;

  @Field(() => [Role], { description: 'The complete new set of roles.' })
  @ArrayMaxSize(7)
  roles!: Role[];
}

@InputType({ description: 'A new annual salary from a date.' })
export class ChangeSalaryInput {
  @Field(() => ID, { description: 'The employee.' })
  @IsString()
  employeeId!: string;

  @Field(() => DecimalScalar, { description: 'The new annual salary.' })
  annualSalary!: string;

  @Field(() => CalendarDateScalar, {
    description: 'The first day it applies (payroll prorates by day).',
  })
  effectiveFrom!: string;
}

@InputType({ description: "An employee's new password." })
export class SetEmployeePasswordInput {
  @Field(() => ID, { description: 'The employee.' })
  @IsString()
  employeeId!: string;

  @Field(() => String, { description: 'The new password (at least 10 characters).' })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Their current password: needed when employees change their own.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  currentPassword?: string | null;
}

@InputType({ description: 'The end of an employment.' })
export class TerminateEmployeeInput {
  @Field(() => ID, { description: 'The employee.' })
  @IsString()
  employeeId!: string;

  @Field(() => CalendarDateScalar, { description: 'Their last working day.' })
  date!: string;

  @Field(() => String, { description: 'Why, for the record.' })
  @IsString()
  @MaxLength(1000)
  reason!: string;
}

@InputType({ description: 'A new department.' })
export class CreateDepartmentInput {
  @Field(() => String, { description: 'Department name (unique).' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => ID, { nullable: true, description: 'The department it belongs to.' })
  @IsOptional()
  @IsString()
  parentId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Who heads it.' })
  @IsOptional()
  @IsString()
  headId?: string | null;
}

@InputType({ description: 'The period to pay.' })
export class RunPayrollInput {
  @Field(() => CalendarDateScalar, { description: 'First day.' })
  periodStart!: string;

  @Field(() => CalendarDateScalar, { description: 'Last day.' })
  periodEnd!: string;

  @Field(() => String, { nullable: true, description: 'Makes retries safe.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'The draft run to post.' })
export class PostPayrollRunInput {
  @Field(() => ID, { description: 'The payroll run.' })
  @IsString()
  payrollRunId!: string;
}

function employeePayload(name: string, refusals: string) {
  @ObjectType(name, {
    description: `The result of \`${name[0].toLowerCase()}${name.slice(1, -'Payload'.length)}\`.`,
  })
  class EmployeePayload {
    @Field(() => EmployeeObject, {
      nullable: true,
      description: 'The employee as it is now; null when refused.',
    })
    employee?: unknown;

    @Field(() => [UserError], { description: `Why it was refused (${refusals}).` })
    userErrors!: UserError[];
  }
  return EmployeePayload;
}

export const HireEmployeePayload = employeePayload(
  'HireEmployeePayload',
  '`EMAIL_TAKEN`, `NOT_FOUND`, `INVALID_INPUT`',
);
export const UpdateEmployeePayload = employeePayload(
  'UpdateEmployeePayload',
  '`MANAGER_CYCLE`, `NOT_FOUND`, `INVALID_INPUT`',
);
export const ChangeEmployeeRolesPayload = employeePayload(
  'ChangeEmployeeRolesPayload',
  '`NOT_FOUND`, `INVALID_INPUT`',
);
export const ChangeSalaryPayload = employeePayload(
  'ChangeSalaryPayload',
  '`NOT_FOUND`, `INVALID_INPUT`',
);
export const SetEmployeePasswordPayload = employeePayload(
  'SetEmployeePasswordPayload',
  '`INVALID_CREDENTIALS` (the current password), `INVALID_TRANSITION` (terminated), `NOT_FOUND`, `INVALID_INPUT`',
);
export const TerminateEmployeePayload = employeePayload(
  'TerminateEmployeePayload',
  '`INVALID_TRANSITION`, `NOT_FOUND`, `INVALID_INPUT`',
);

@ObjectType({ description: 'The result of `createDepartment`.' })
export class CreateDepartmentPayload {
  @Field(() => DepartmentObject, { nullable: true, description: 'The new department.' })
  department?: unknown;

  @Field(() => [UserError], { description: 'Why it was refused (`NAME_TAKEN`, `NOT_FOUND`).' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `runPayroll`.' })
export class RunPayrollPayload {
  @Field(() => PayrollRunObject, { nullable: true, description: 'The draft run.' })
  payrollRun?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`PAYROLL_PERIOD_OVERLAP`, `INVALID_INPUT`, `IDEMPOTENCY_KEY_REUSED`).',
  })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of `postPayrollRun`.' })
export class PostPayrollRunPayload {
  @Field(() => PayrollRunObject, { nullable: true, description: 'The posted run.' })
  payrollRun?: unknown;

  @Field(() => [UserError], {
    description:
      'Why it was refused (`ALREADY_POSTED`, `PAYROLL_PERIOD_OVERLAP`, `PERIOD_CLOSED`, `NOT_FOUND`).',
  })
  userErrors!: UserError[];
}
