import { GraphQLError } from 'graphql';
import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { parseGlobalId } from '../../graphql/global-id';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { registerNodeType } from '../../graphql/node-registry';
import { signedIn } from '../../graphql/auth-checker';
import type { Employee } from '../employees/employee.entity';
import { EmployeeObject } from '../employees/employee.types';
import { ApiToken } from './api-token.entity';
import {
  ApiTokenConnection,
  ApiTokenObject,
  CreateApiTokenInput,
  CreateApiTokenPayload,
  LoginInput,
  LoginPayload,
  RevokeApiTokenInput,
  RevokeApiTokenPayload,
} from './auth.types';
import { Role } from '../common/role';
import { readById, type Row } from '../../read';
import { apiTokenPage } from './auth.reads';
import { employeeRows } from '../employees/employee.reads';

registerNodeType({
  typeName: 'ApiToken',
  entity: ApiToken,
  roles: [Role.ADMIN],
  load: (context, id) => readById(context, ApiToken, id),
});

@Resolver(() => ApiTokenObject)
export class AuthResolver extends NodeResolver(ApiTokenObject, 'ApiToken') {
  @Mutation(() => LoginPayload, {
    description: 'Signs in with email and password and returns a session token. Needs no token.',
  })
  login(
    @Arg('input', () => LoginInput, { description: 'Email and password.' }) input: LoginInput,
    @Ctx() context: RequestContext,
  ) {
    const wait = context.guards.login(context.clientIp, input.email);
    if (wait > 0) {
      throw new GraphQLError(`Too many sign-in attempts: try again in ${wait} s`, {
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: wait, http: { status: 429 } },
      });
    }
    return toPayload(() => context.services.auth.login(context, input.email, input.password));
  }

  @Authorized()
  @Query(() => EmployeeObject, {
    description:
      'The employee making the request (for an API token: the administrator who created it).',
  })
  async me(@Ctx() context: RequestContext): Promise<Row<Employee>> {
    const viewer = signedIn(context);
    // Signing in has just read this employee's status: the row exists.
    const employee = await employeeRows.byId(context, viewer.employeeId);
    if (!employee) throw new Error(`employee ${viewer.employeeId} vanished after signing in`);
    return employee;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateApiTokenPayload, {
    description: 'Creates a long-lived API token for a tool. The secret is returned only here.',
  })
  createApiToken(
    @Arg('input', () => CreateApiTokenInput, { description: 'Name and roles of the token.' })
    input: CreateApiTokenInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.auth.createApiToken(context, viewer, input.name, input.roles),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RevokeApiTokenPayload, {
    description: 'Revokes an API token: it stops working at once.',
  })
  revokeApiToken(
    @Arg('input', () => RevokeApiTokenInput, { description: 'The token to revoke.' })
    input: RevokeApiTokenInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.id, 'ApiToken', 'input.id');
    return toPayload(() => context.services.auth.revokeApiToken(context, viewer, id));
  }

  @Authorized(Role.ADMIN)
  @Query(() => ApiTokenConnection, {
    description: 'API tokens, newest first, revoked ones included.',
  })
  apiTokens(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() context: RequestContext) {
    return apiTokenPage(context, args);
  }
}
