import { GraphQLError } from 'graphql';
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
} from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { readById, type Row } from '../../read';
import { Permissions } from '../auth/permissions';
import { hasAnyRole } from '../common/viewer';
import type { RequestContext } from '../context';
import type { EmployeeBankAccount } from './employee-bank-account.entity';
import { maskedNumber } from './employee-bank-account.service';
import {
  EmployeeBankAccountObject,
  SetEmployeeBankAccountInput,
  SetEmployeeBankAccountPayload,
} from './employee-bank-account.types';
import { Employee } from './employee.entity';
import { bankAccountToday, itemsOfPaymentFile, paymentFilePage } from './employee.reads';
import { authorisePayRead } from './employee.resolver';
import { EmployeeObject, PAY_FIELD_RULE, PayrollRunObject } from './employee.types';
import { PaymentFile, type PaymentFileItem } from './payment-file.entity';
import {
  CreatePaymentFileInput,
  CreatePaymentFilePayload,
  PAYMENT_FILE_CONTENT_READERS,
  PAYMENT_FILE_READERS,
  PaymentFileConnection,
  PaymentFileFilter,
  PaymentFileItemObject,
  PaymentFileObject,
  ReturnPaymentInput,
  ReturnPaymentPayload,
  SettlePaymentFileInput,
  SettlePaymentFilePayload,
  VoidPaymentFileInput,
  VoidPaymentFilePayload,
} from './payment-file.types';
import { PayrollRun } from './payroll.entity';

const { manage: MANAGE, settle: SETTLE } = Permissions.people.payments;

registerNodeType({
  typeName: 'PaymentFile',
  entity: PaymentFile,
  roles: SETTLE,
  load: (context, id) => readById(context, PaymentFile, id),
});

function bankAccountView(account: EmployeeBankAccount): EmployeeBankAccountObject {
  return {
    holderName: account.holderName,
    kind: account.kind,
    maskedNumber: maskedNumber(account),
    effectiveFrom: account.effectiveFrom,
  };
}

/** What paying people adds to employees: their bank account. */
@Resolver(() => EmployeeObject)
export class EmployeeBankAccountResolver {
  @Authorized()
  @Mutation(() => SetEmployeeBankAccountPayload, {
    description:
      'Sets the bank account an employee is paid into from a date, keeping earlier ones; the employee is mailed the masked account and the date (`INVALID_INPUT`, `NOT_FOUND`). Requires one of: HR, ADMIN, or being the employee themself; anyone else gets FORBIDDEN.',
  })
  setEmployeeBankAccount(
    @Arg('input', () => SetEmployeeBankAccountInput, { description: 'The account and its date.' })
    input: SetEmployeeBankAccountInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const employeeId = parseGlobalId(input.employeeId, 'Employee', 'input.employeeId');
    if (viewer.employeeId !== employeeId && !hasAnyRole(viewer, MANAGE))
      throw new GraphQLError(
        "Not allowed: only HR, ADMIN and the employee themself set an employee's bank account",
        { extensions: { code: 'FORBIDDEN' } },
      );
    return toPayload(async () => {
      const { bankAccount } = await context.services.employeeBankAccounts.set(context, viewer, {
        ...input,
        employeeId,
      });
      return { bankAccount: bankAccountView(bankAccount) };
    });
  }

  @FieldResolver(() => EmployeeBankAccountObject, {
    nullable: true,
    description: `The bank account their pay goes to today, masked (null: none on record). ${PAY_FIELD_RULE}`,
  })
  async bankAccount(
    @Root() employee: Row<Employee>,
    @Ctx() context: RequestContext,
  ): Promise<EmployeeBankAccountObject | null> {
    await authorisePayRead(context, employee.id, 'bankAccount');
    const account = await bankAccountToday.load(context, employee.id);
    return account === null ? null : bankAccountView(account);
  }
}

@Resolver(() => PaymentFileObject)
export class PaymentFileResolver extends NodeResolver(PaymentFileObject, 'PaymentFile') {
  @Authorized(...SETTLE)
  @Query(() => PaymentFileConnection, {
    description: `Payment files, newest first. ${PAYMENT_FILE_READERS}`,
  })
  paymentFiles(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => PaymentFileFilter, {
      nullable: true,
      description: 'Which files to list.',
    })
    filter: PaymentFileFilter | null,
    @Ctx() context: RequestContext,
  ) {
    const runId = filter?.payrollRunId
      ? parseGlobalId(filter.payrollRunId, 'PayrollRun', 'filter.payrollRunId')
      : null;
    return paymentFilePage(
      context,
      {
        ...(runId === null ? {} : { run: runId }),
        ...(filter?.status ? { status: filter.status } : {}),
      },
      args,
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => CreatePaymentFilePayload, {
    description:
      "Writes a bank file paying a posted run's unpaid payslips (one credit each, net pay to the account in force on the execution date) and stores it once; after a void or a return, a new file pays exactly what is left unpaid (`EMPLOYEE_BANK_ACCOUNT_MISSING` naming the employees, `PAYMENT_FILE_EXISTS`, `CURRENCY_MISMATCH`, `INVALID_TRANSITION`, `NOT_FOUND`, `INVALID_INPUT`). Requires one of: HR, ADMIN.",
  })
  createPaymentFile(
    @Arg('input', () => CreatePaymentFileInput, {
      description: 'The run, format, day and account.',
    })
    input: CreatePaymentFileInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const payrollRunId = parseGlobalId(input.payrollRunId, 'PayrollRun', 'input.payrollRunId');
    const bankAccountId = parseGlobalId(input.bankAccountId, 'BankAccount', 'input.bankAccountId');
    return toPayload(() =>
      context.services.paymentFiles.create(context, viewer, {
        payrollRunId,
        format: input.format,
        executionDate: input.executionDate,
        bankAccountId,
      }),
    );
  }

  @Authorized(...MANAGE)
  @Mutation(() => VoidPaymentFilePayload, {
    description:
      'Voids a file that was not settled; its bytes stay as they were and its payslips may be paid by a new file (`INVALID_TRANSITION`, `NOT_FOUND`, `INVALID_INPUT`). Requires one of: HR, ADMIN.',
  })
  voidPaymentFile(
    @Arg('input', () => VoidPaymentFileInput, { description: 'The file and why.' })
    input: VoidPaymentFileInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const paymentFileId = parseGlobalId(input.paymentFileId, 'PaymentFile', 'input.paymentFileId');
    return toPayload(() =>
      context.services.paymentFiles.void(context, viewer, { paymentFileId, reason: input.reason }),
    );
  }

  @Authorized(...SETTLE)
  @Mutation(() => SettlePaymentFilePayload, {
    description:
      "Records that the bank paid a file: posts its total from 2110 Net pay clearing to the paying bank's ledger account, once (`INVALID_TRANSITION`, `PERIOD_CLOSED`, `NOT_FOUND`, `INVALID_INPUT`). Requires one of: HR, ACCOUNTANT, ADMIN.",
  })
  settlePaymentFile(
    @Arg('input', () => SettlePaymentFileInput, { description: 'The file and the day.' })
    input: SettlePaymentFileInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const paymentFileId = parseGlobalId(input.paymentFileId, 'PaymentFile', 'input.paymentFileId');
    return toPayload(() =>
      context.services.paymentFiles.settle(context, viewer, {
        paymentFileId,
        settledOn: input.settledOn,
      }),
    );
  }

  @Authorized(...SETTLE)
  @Mutation(() => ReturnPaymentPayload, {
    description:
      "Records that the bank returned an employee's credit of a settled file: posts it back to 2110 Net pay clearing and marks it RETURNED; the employee is unpaid for the run until a new file (`createPaymentFile` for the run) pays them (`INVALID_TRANSITION`, `PERIOD_CLOSED`, `NOT_FOUND`, `INVALID_INPUT`). Requires one of: HR, ACCOUNTANT, ADMIN.",
  })
  async returnPayment(
    @Arg('input', () => ReturnPaymentInput, { description: 'The file, the employee and why.' })
    input: ReturnPaymentInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const paymentFileId = parseGlobalId(input.paymentFileId, 'PaymentFile', 'input.paymentFileId');
    const employeeId = parseGlobalId(input.employeeId, 'Employee', 'input.employeeId');
    return toPayload(async () => {
      const { paymentFile } = await context.services.paymentFiles.returnPayment(context, viewer, {
        paymentFileId,
        employeeId,
        reason: input.reason,
        returnedOn: input.returnedOn ?? null,
      });
      return { paymentFile };
    });
  }

  @FieldResolver(() => PayrollRunObject, { description: 'The payroll run it pays.' })
  payrollRun(@Root() file: Row<PaymentFile>, @Ctx() context: RequestContext) {
    return readById(context, PayrollRun, file.run.id);
  }

  @FieldResolver(() => Money, { description: 'The sum of its credits.' })
  totalAmount(@Root() file: Row<PaymentFile>): Money {
    return Money.fromMinor(file.totalMinor, file.currency);
  }

  @FieldResolver(() => Int, { description: 'How many payslips it pays (one credit each).' })
  count(@Root() file: Row<PaymentFile>): number {
    return file.itemCount;
  }

  @FieldResolver(() => ID, { description: "The company's paying bank account." })
  bankAccountId(@Root() file: Row<PaymentFile>): string {
    return toGlobalId('BankAccount', file.bankAccountId);
  }

  @Authorized(...MANAGE)
  @FieldResolver(() => String, {
    description: `The file's text exactly as stored (XML or NACHA records). ${PAYMENT_FILE_CONTENT_READERS}`,
  })
  async content(@Root() file: Row<PaymentFile>, @Ctx() context: RequestContext): Promise<string> {
    const document = await context.services.paymentFiles.content(context, file.id);
    return document.content.toString('utf8');
  }

  @Authorized(...MANAGE)
  @FieldResolver(() => String, {
    description: `Where its stored bytes download: a path on this server, signed for 15 minutes (it also answers a bearer token of HR or ADMIN). ${PAYMENT_FILE_CONTENT_READERS}`,
  })
  downloadUrl(@Root() file: Row<PaymentFile>, @Ctx() context: RequestContext): string {
    return context.services.paymentFiles.downloadUrl(file.id, file.format);
  }

  @Authorized(...MANAGE)
  @FieldResolver(() => [PaymentFileItemObject], {
    description: `Its credits, by employee. ${PAYMENT_FILE_CONTENT_READERS}`,
  })
  async items(@Root() file: Row<PaymentFile>, @Ctx() context: RequestContext) {
    const items = await itemsOfPaymentFile.load(context, file.id);
    return items.map(itemView);
  }
}

function itemView(item: PaymentFileItem) {
  return {
    id: toGlobalId('PaymentFileItem', item.id),
    employeeId: item.employee.id,
    amount: Money.fromMinor(item.amountMinor, item.file.currency),
    maskedAccount: maskedNumber(item.bankAccount),
    endToEndId: item.endToEndId,
    traceNumber: item.traceNumber,
    status: item.status,
    returnedOn: item.returnedOn,
    returnReason: item.returnReason,
  };
}

@Resolver(() => PaymentFileItemObject)
export class PaymentFileItemResolver {
  @FieldResolver(() => EmployeeObject, { description: 'Who is paid.' })
  employee(@Root() item: { employeeId: number }, @Ctx() context: RequestContext) {
    return readById(context, Employee, item.employeeId);
  }
}
