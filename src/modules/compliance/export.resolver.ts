import { GraphQLJSONObject } from 'graphql-scalars';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import { registerNodeType } from '../../graphql/node-registry';
import { CalendarDateScalar } from '../../graphql/scalars';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import type { Row } from '../../read';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import { DataExport, ExportStatus } from './export.entity';
import { exportById, exportPage } from './export.reads';
import {
  CreateExportInput,
  CreateExportPayload,
  EXPORT_ROLES,
  EXPORT_RULE,
  ExportConnection,
  ExportObject,
} from './export.types';

registerNodeType({
  typeName: 'Export',
  entity: DataExport,
  roles: EXPORT_ROLES,
  load: async (context, id) => {
    const row = await exportById(context, id);
    const viewer = context.viewer;
    return row && viewer && (context as RequestContext).services.exports.mayRead(viewer, row)
      ? row
      : null;
  },
});

@Resolver(() => ExportObject)
export class ExportResolver extends NodeResolver(ExportObject, 'Export') {
  @Authorized(...EXPORT_ROLES)
  @Mutation(() => CreateExportPayload, {
    description: `Asks for an export of a list as CSV or NDJSON over a period: a job writes it from PostgreSQL with its manifest (row count, SHA-256), and the export is DONE with a \`downloadUrl\` (\`EXPORT_NOT_ALLOWED\` for a list the viewer may not read, \`INVALID_INPUT\`). ${EXPORT_RULE}`,
  })
  createExport(
    @Arg('input', () => CreateExportInput, { description: 'The list, the format and the period.' })
    input: CreateExportInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() => context.services.exports.create(context, viewer, input));
  }

  @Authorized(...EXPORT_ROLES)
  @Query(() => ExportConnection, {
    description: `Exports, newest first: the viewer's own (COMPLIANCE and ADMIN: everyone's). ${EXPORT_RULE}`,
  })
  exports(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() context: RequestContext) {
    const viewer = signedIn(context);
    return exportPage(context, context.services.exports.visibleTo(viewer), args);
  }

  @FieldResolver(() => CalendarDateScalar, { nullable: true })
  from(@Root() row: Row<DataExport>): string | null {
    return row.periodFrom;
  }

  @FieldResolver(() => CalendarDateScalar, { nullable: true })
  to(@Root() row: Row<DataExport>): string | null {
    return row.periodTo;
  }

  @FieldResolver(() => EmployeeObject, { nullable: true })
  requestedBy(@Root() row: Row<DataExport>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, row.requestedBy);
  }

  @FieldResolver(() => String, { nullable: true })
  downloadUrl(@Root() row: Row<DataExport>, @Ctx() context: RequestContext): string | null {
    return row.status === ExportStatus.DONE ? context.services.exports.downloadUrl(row) : null;
  }

  @FieldResolver(() => String, { nullable: true })
  manifestUrl(@Root() row: Row<DataExport>, @Ctx() context: RequestContext): string | null {
    return row.status === ExportStatus.DONE ? context.services.exports.manifestUrl(row) : null;
  }

  @FieldResolver(() => GraphQLJSONObject, { nullable: true })
  manifest(@Root() row: Row<DataExport>, @Ctx() context: RequestContext) {
    return context.services.exports.manifest(row);
  }
}
