import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import { parseGlobalId } from '../../graphql/global-id';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { readById, type Row } from '../../read';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import { dataSubjectRequestPage } from './compliance.reads';
import { COMPLIANCE_ONLY } from './compliance.types';
import { DataSubjectRequest } from './data-subject-request.entity';
import {
  DataSubjectRequestConnection,
  DataSubjectRequestFilter,
  DataSubjectRequestObject,
  DataSubjectRequestPayload,
  ErasedCountObject,
  FulfilDataSubjectRequestInput,
  KeptRecordObject,
  OpenDataSubjectRequestInput,
  PersonalDataMatchObject,
  RefuseDataSubjectRequestInput,
} from './data-subject-request.types';

const PRIVACY = Permissions.compliance.privacy;

registerNodeType({
  typeName: 'DataSubjectRequest',
  entity: DataSubjectRequest,
  roles: PRIVACY,
  load: (context, id) => readById(context, DataSubjectRequest, id),
});

@Resolver(() => DataSubjectRequestObject)
export class DataSubjectRequestResolver extends NodeResolver(
  DataSubjectRequestObject,
  'DataSubjectRequest',
) {
  @Authorized(...PRIVACY)
  @Query(() => DataSubjectRequestConnection, {
    description: `Data subject requests, the soonest due first. ${COMPLIANCE_ONLY}`,
  })
  dataSubjectRequests(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => DataSubjectRequestFilter, {
      nullable: true,
      description: 'Which requests to list.',
    })
    filter: DataSubjectRequestFilter | null,
    @Ctx() context: RequestContext,
  ) {
    return dataSubjectRequestPage(
      context,
      context.services.dataSubjectRequests.listFilter(filter ?? {}),
      args,
    );
  }

  @Authorized(...PRIVACY)
  @Mutation(() => DataSubjectRequestPayload, {
    description: `Records a person's request about their personal data, found by their email address; due in 30 days unless configured. The address is kept only until the request is answered, and logged only masked (\`INVALID_INPUT\`, also when the same kind of request for the address is already open). ${COMPLIANCE_ONLY}`,
  })
  openDataSubjectRequest(
    @Arg('input', () => OpenDataSubjectRequestInput, { description: 'The kind and the address.' })
    input: OpenDataSubjectRequestInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.dataSubjectRequests.open(context, viewer, {
        kind: input.kind,
        email: input.email,
      }),
    );
  }

  @Authorized(...PRIVACY)
  @Mutation(() => DataSubjectRequestPayload, {
    description: `Answers a request: ACCESS makes its bundle (a ZIP of data.json and summary.pdf, at \`bundleUrl\`); ERASURE erases or anonymises everything not under a hold or a legal duty to keep, listing what it kept and why in \`kept\`. Either way the stored address is then cleared (\`NOT_FOUND\`, \`INVALID_TRANSITION\` when already answered or refused, \`LEGAL_HOLD\` when a hold stops an erasure: nothing changes). ${COMPLIANCE_ONLY}`,
  })
  fulfilDataSubjectRequest(
    @Arg('input', () => FulfilDataSubjectRequestInput, { description: 'The request.' })
    input: FulfilDataSubjectRequestInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.dataSubjectRequests.fulfil(
        context,
        viewer,
        parseGlobalId(input.requestId, 'DataSubjectRequest', 'input.requestId'),
      ),
    );
  }

  @Authorized(...PRIVACY)
  @Mutation(() => DataSubjectRequestPayload, {
    description: `Refuses a manifestly unfounded or excessive request (GDPR art. 12(5)), saying why; the stored address is cleared (\`NOT_FOUND\`, \`INVALID_INPUT\`, \`INVALID_TRANSITION\` when already answered or refused). ${COMPLIANCE_ONLY}`,
  })
  refuseDataSubjectRequest(
    @Arg('input', () => RefuseDataSubjectRequestInput, { description: 'The request and why.' })
    input: RefuseDataSubjectRequestInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.dataSubjectRequests.refuseRequest(
        context,
        viewer,
        parseGlobalId(input.requestId, 'DataSubjectRequest', 'input.requestId'),
        input.reason,
      ),
    );
  }

  @FieldResolver(() => String, {
    description: 'The address, masked (`j***@e***.com`): the full one is never shown.',
  })
  email(@Root() request: Row<DataSubjectRequest>): string {
    return request.emailMasked;
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether it is still unanswered past its due date.',
  })
  overdue(@Root() request: Row<DataSubjectRequest>, @Ctx() context: RequestContext): boolean {
    return context.services.dataSubjectRequests.isOverdue(request);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who recorded it.' })
  openedBy(@Root() request: Row<DataSubjectRequest>, @Ctx() context: RequestContext) {
    return employeeRows.of(context, request.openedBy);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who answered it.' })
  fulfilledBy(@Root() request: Row<DataSubjectRequest>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, request.fulfilledById);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who refused it.' })
  refusedBy(@Root() request: Row<DataSubjectRequest>, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, request.refusedById);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Where an ACCESS request's bundle (a ZIP of data.json and summary.pdf) downloads: a path on this server, signed for 15 minutes (it also answers a COMPLIANCE or ADMIN bearer token). Null until it is answered.",
  })
  bundleUrl(
    @Root() request: Row<DataSubjectRequest>,
    @Ctx() context: RequestContext,
  ): string | null {
    return context.services.dataSubjectRequests.bundleUrl(request);
  }

  @FieldResolver(() => [KeptRecordObject], { description: 'What an erasure kept, and why.' })
  kept(@Root() request: Row<DataSubjectRequest>): KeptRecordObject[] {
    return request.kept;
  }

  @FieldResolver(() => [ErasedCountObject], {
    nullable: true,
    description: 'What an erasure deleted or anonymised; null for other requests.',
  })
  erased(@Root() request: Row<DataSubjectRequest>): ErasedCountObject[] | null {
    return request.erased;
  }

  @FieldResolver(() => [PersonalDataMatchObject], {
    nullable: true,
    description:
      'What each source of personal data holds about the person, read now: what a bundle will hold or an erasure will remove. Null once the request is closed (its address is no longer kept).',
  })
  matches(@Root() request: Row<DataSubjectRequest>, @Ctx() context: RequestContext) {
    return context.services.dataSubjectRequests.matches(context, request);
  }

  @FieldResolver(() => Int, {
    description:
      'How many earlier requests the same person made (recognised by a hash of the address): repeated requests may be excessive.',
  })
  earlierRequests(@Root() request: Row<DataSubjectRequest>, @Ctx() context: RequestContext) {
    return context.services.dataSubjectRequests.earlierRequests(context, request);
  }
}
