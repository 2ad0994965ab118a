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
import { parseGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { asQueryInput, toPayload } from '../../graphql/user-error';
import { readById, type Row } from '../../read';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { EmployeeDocument, YearEndStatement } from './employee-document.entity';
import {
  EmployeeDocumentConnection,
  EmployeeDocumentFilter,
  EmployeeDocumentObject,
  IssueYearEndStatementsInput,
  IssueYearEndStatementsPayload,
  YearEndStatementObject,
} from './employee-documents.types';
import { Employee } from './employee.entity';
import {
  employeeDocumentPage,
  employeeDocumentRows,
  payslipRows,
  postedPayslipPage,
  yearEndStatementRows,
} from './employee.reads';
import { authorisePayRead, registerPayNode } from './employee.resolver';
import { EmployeeObject, PAY_FIELD_RULE, PayslipConnection, PayslipObject } from './employee.types';

registerPayNode('YearEndStatement', YearEndStatement, yearEndStatementRows);
registerPayNode('EmployeeDocument', EmployeeDocument, employeeDocumentRows);

/** The signed-in employee behind the request; an API token speaks for nobody's pay. */
function ownEmployeeId(context: RequestContext): number {
  const { employeeId } = signedIn(context);
  if (employeeId === null)
    throw new GraphQLError('Only an employee has their own pay and documents', {
      extensions: { code: 'FORBIDDEN' },
    });
  return employeeId;
}

@Resolver(() => YearEndStatementObject)
export class YearEndStatementResolver extends NodeResolver(
  YearEndStatementObject,
  'YearEndStatement',
) {
  @Authorized()
  @Query(() => YearEndStatementObject, {
    nullable: true,
    description: `An employee's year-end pay statement for a tax year as it stands: the latest version while it equals their payslips of posted runs that year, else a new version issued now (the first, or a correction). Null when no posted payslip of theirs falls in that year, or no such employee; a year outside 1–9999 is BAD_USER_INPUT. ${PAY_FIELD_RULE}`,
  })
  async yearEndStatement(
    @Arg('employeeId', () => ID, { description: 'The employee.' }) employeeId: string,
    @Arg('year', () => Int, { description: 'The tax year.' }) year: number,
    @Ctx() context: RequestContext,
  ) {
    const id = parseGlobalId(employeeId, 'Employee', 'employeeId');
    if (!(await readById(context, Employee, id))) return null;
    await authorisePayRead(context, id, 'documents');
    return asQueryInput(() =>
      context.services.employeeDocuments.yearEndStatement(context, id, year),
    );
  }

  @Authorized(...Permissions.employees.payroll)
  @Mutation(() => IssueYearEndStatementsPayload, {
    description:
      'Issues the year-end statement of every employee paid in a tax year: a new version only where their posted payslips changed since the last one (`INVALID_INPUT`). Requires one of: HR, ADMIN.',
  })
  issueYearEndStatements(
    @Arg('input', () => IssueYearEndStatementsInput, { description: 'The tax year.' })
    input: IssueYearEndStatementsInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(async () => ({
      statements: await context.services.employeeDocuments.issueYearEndStatements(
        context,
        viewer,
        input.year,
      ),
    }));
  }

  @FieldResolver(() => EmployeeObject, { description: 'Whose pay it states.' })
  employee(@Root() statement: Row<YearEndStatement>, @Ctx() context: RequestContext) {
    return readById(context, Employee, statement.employee.id);
  }

  @FieldResolver(() => Int, {
    description: "The tax year: payslips whose run's period ends in it.",
  })
  year(@Root() statement: Row<YearEndStatement>): number {
    return statement.taxYear;
  }

  @FieldResolver(() => Money, { description: 'Pay before withholding.' })
  gross(@Root() statement: Row<YearEndStatement>): Money {
    return Money.fromMinor(statement.grossMinor);
  }

  @FieldResolver(() => Money, { description: 'Tax withheld.' })
  withholding(@Root() statement: Row<YearEndStatement>): Money {
    return Money.fromMinor(statement.withholdingMinor);
  }

  @FieldResolver(() => Money, { description: 'Paid out: gross minus withholding.' })
  net(@Root() statement: Row<YearEndStatement>): Money {
    return Money.fromMinor(statement.netMinor);
  }

  @FieldResolver(() => String, {
    description: `Where its PDF downloads: a path on this server, signed for 15 minutes (it also answers a bearer token of HR, ADMIN or the employee). ${PAY_FIELD_RULE}`,
  })
  async pdfUrl(
    @Root() statement: Row<YearEndStatement>,
    @Ctx() context: RequestContext,
  ): Promise<string> {
    await authorisePayRead(context, statement.employee.id, 'documents');
    return context.services.yearEndStatementDocuments.pdfUrl(statement.id);
  }
}

@Resolver(() => EmployeeDocumentObject)
export class EmployeeDocumentResolver extends NodeResolver(
  EmployeeDocumentObject,
  'EmployeeDocument',
) {
  @Authorized()
  @Query(() => PayslipConnection, {
    description:
      "The signed-in employee's payslips of posted payroll runs, the latest run made first. An API token that is no employee gets FORBIDDEN.",
  })
  myPayslips(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() context: RequestContext) {
    return postedPayslipPage(context, ownEmployeeId(context), args);
  }

  @Authorized()
  @Query(() => EmployeeDocumentConnection, {
    description:
      "The signed-in employee's documents (payslips of posted runs, year-end statements), newest first. An API token that is no employee gets FORBIDDEN.",
  })
  myDocuments(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => EmployeeDocumentFilter, {
      nullable: true,
      description: 'Which documents to list.',
    })
    filter: EmployeeDocumentFilter | null,
    @Ctx() context: RequestContext,
  ) {
    return employeeDocumentPage(context, ownEmployeeId(context), filter?.kind ?? null, args);
  }

  @FieldResolver(() => String, {
    description: 'Where its PDF downloads: a path on this server, signed for 15 minutes.',
  })
  async pdfUrl(
    @Root() document: Row<EmployeeDocument>,
    @Ctx() context: RequestContext,
  ): Promise<string> {
    await authorisePayRead(context, document.employee.id, 'documents');
    const { services } = context;
    if (document.payslip) return services.payslipDocuments.pdfUrl(document.payslip.id);
    if (document.yearEndStatement)
      return services.yearEndStatementDocuments.pdfUrl(document.yearEndStatement.id);
    throw new Error(`Employee document ${document.id} names nothing`);
  }

  @FieldResolver(() => PayslipObject, {
    nullable: true,
    description: 'The payslip, when it is one.',
  })
  payslip(@Root() document: Row<EmployeeDocument>, @Ctx() context: RequestContext) {
    return payslipRows.of(context, document.payslip);
  }

  @FieldResolver(() => YearEndStatementObject, {
    nullable: true,
    description: 'The year-end statement, when it is one.',
  })
  yearEndStatement(@Root() document: Row<EmployeeDocument>, @Ctx() context: RequestContext) {
    return yearEndStatementRows.of(context, document.yearEndStatement);
  }
}

/** HR's view of anyone's documents, beside the employee's own `myDocuments`. */
@Resolver(() => EmployeeObject)
export class EmployeeDocumentsFieldResolver {
  @FieldResolver(() => EmployeeDocumentConnection, {
    description: `Their documents (payslips of posted runs, year-end statements), newest first. ${PAY_FIELD_RULE}`,
  })
  // Not key-only: a key-only field starts before its row is known to exist, and a read of a
  // missing employee's pay would be recorded.
  async documents(
    @Root() employee: Row<Employee>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => EmployeeDocumentFilter, {
      nullable: true,
      description: 'Which documents to list.',
    })
    filter: EmployeeDocumentFilter | null,
    @Ctx() context: RequestContext,
  ) {
    await authorisePayRead(context, employee.id, 'documents');
    return employeeDocumentPage(context, employee.id, filter?.kind ?? null, args);
  }
}
