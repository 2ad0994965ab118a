import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import { badId, decodeGlobalId, parseGlobalId, toGlobalId } from '../../graphql/global-id';
import { registerNodeType } from '../../graphql/node-registry';
import { NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { readById } from '../../read';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { employeeRows } from '../employees/employee.reads';
import { EmployeeObject } from '../employees/employee.types';
import { legalHoldList } from './compliance.reads';
import {
  COMPLIANCE_ONLY,
  LegalHoldObject,
  LegalHoldPayload,
  PlaceLegalHoldInput,
  ReleaseLegalHoldInput,
} from './compliance.types';
import { LegalHold, LegalHoldTargetType } from './legal-hold.entity';
import type { HoldTarget } from './legal-hold.service';

const HOLDS = Permissions.compliance.legalHolds;

/** The global ID's type of each kind of held record. */
const TARGET_TYPE_NAMES: Record<LegalHoldTargetType, string> = {
  CUSTOMER: 'Customer',
  EMPLOYEE: 'Employee',
  TICKET: 'Ticket',
};

/** A Customer, Employee or Ticket ID as a hold target, or BAD_USER_INPUT. */
function holdTarget(globalId: string, argumentName: string): HoldTarget {
  const decoded = decodeGlobalId(globalId);
  const type = (Object.keys(TARGET_TYPE_NAMES) as LegalHoldTargetType[]).find(
    (candidate) => TARGET_TYPE_NAMES[candidate] === decoded?.typeName,
  );
  if (!decoded || !type) throw badId(argumentName, 'Customer, Employee or Ticket');
  return { type, id: parseGlobalId(globalId, decoded.typeName, argumentName) };
}

registerNodeType({
  typeName: 'LegalHold',
  entity: LegalHold,
  roles: HOLDS,
  load: (context, id) => readById(context, LegalHold, id),
});

@Resolver(() => LegalHoldObject)
export class LegalHoldResolver extends NodeResolver(LegalHoldObject, 'LegalHold') {
  @Authorized(...HOLDS)
  @Query(() => [LegalHoldObject], {
    description: `Legal holds, newest first: the active ones unless \`includeReleased\`, or those on one record. ${COMPLIANCE_ONLY}`,
  })
  legalHolds(
    @Arg('includeReleased', () => Boolean, {
      defaultValue: false,
      description: 'Released holds too.',
    })
    includeReleased: boolean,
    @Arg('targetId', () => ID, {
      nullable: true,
      description: 'Only the holds on this Customer, Employee or Ticket.',
    })
    targetId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const where: Record<string, unknown> = includeReleased ? {} : { releasedAt: null };
    if (targetId) {
      const target = holdTarget(targetId, 'targetId');
      Object.assign(where, { targetType: target.type, targetId: target.id });
    }
    return legalHoldList(context, where);
  }

  @Authorized(...HOLDS)
  @Mutation(() => LegalHoldPayload, {
    description: `Places a legal hold on a customer, employee or ticket: retention and erasure leave it (and, for a customer, their tickets, orders and invoices) alone until it is released (\`NOT_FOUND\`). ${COMPLIANCE_ONLY}`,
  })
  placeLegalHold(
    @Arg('input', () => PlaceLegalHoldInput, { description: 'The record and the reason.' })
    input: PlaceLegalHoldInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const target = holdTarget(input.targetId, 'input.targetId');
    return toPayload(() =>
      context.services.legalHolds.placeHold(context, viewer, target, input.reason),
    );
  }

  @Authorized(...HOLDS)
  @Mutation(() => LegalHoldPayload, {
    description: `Releases a legal hold (\`NOT_FOUND\`, \`INVALID_TRANSITION\` when already released). ${COMPLIANCE_ONLY}`,
  })
  releaseLegalHold(
    @Arg('input', () => ReleaseLegalHoldInput, { description: 'The hold and why it ends.' })
    input: ReleaseLegalHoldInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() =>
      context.services.legalHolds.releaseHold(
        context,
        viewer,
        parseGlobalId(input.legalHoldId, 'LegalHold', 'input.legalHoldId'),
        input.reason,
      ),
    );
  }

  @FieldResolver(() => String, {
    description: 'The held record (a Customer, Employee or Ticket ID).',
  })
  targetId(@Root() hold: LegalHold): string {
    return toGlobalId(TARGET_TYPE_NAMES[hold.targetType], hold.targetId);
  }

  @FieldResolver(() => Boolean, { description: 'Whether it still holds (not released).' })
  active(@Root() hold: LegalHold): boolean {
    return hold.releasedAt === null;
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who placed it.' })
  placedBy(@Root() hold: LegalHold, @Ctx() context: RequestContext) {
    return employeeRows.of(context, hold.placedBy);
  }

  @FieldResolver(() => EmployeeObject, { nullable: true, description: 'Who released it.' })
  releasedBy(@Root() hold: LegalHold, @Ctx() context: RequestContext) {
    return employeeRows.byId(context, hold.releasedById);
  }
}
