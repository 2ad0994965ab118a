import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, ID, Info, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from './context';
import { decodeGlobalId } from './global-id';
import { hasAnyRole } from '../modules/common/viewer';
import { startKeyOnlyFields } from '../read/look-ahead';
import { nodeRegistration } from './node-registry';
import { Node } from './relay';

const MAX_NODES = 100;

@Resolver()
export class NodeQueryResolver {
  @Authorized()
  @Query(() => Node, {
    nullable: true,
    description:
      'Fetches any object by its global ID; null if it does not exist or you may not see it.',
  })
  node(
    @Arg('id', () => ID, { description: 'A global ID.' }) id: string,
    @Ctx() context: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<object | null> {
    return loadNode(context, info, id);
  }

  @Authorized()
  @Query(() => [Node], {
    nullable: 'items',
    description: `Fetches objects by global ID, in the order given (at most ${MAX_NODES}); null for each one that does not exist or is not visible.`,
  })
  nodes(
    @Arg('ids', () => [ID], { description: 'Global IDs.' }) ids: string[],
    @Ctx() context: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<(object | null)[]> {
    if (ids.length > MAX_NODES) {
      throw new GraphQLError(`"ids" may hold at most ${MAX_NODES} IDs`, {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return Promise.all(ids.map((id) => loadNode(context, info, id)));
  }
}

async function loadNode(
  context: GraphQLContext,
  info: GraphQLResolveInfo,
  globalId: string,
): Promise<object | null> {
  const decoded = decodeGlobalId(globalId);
  if (!decoded || !/^[1-9]\d{0,15}$/.test(decoded.key)) return null;
  const registration = nodeRegistration(decoded.typeName);
  if (!registration || !context.viewer) return null;
  if (registration.roles.length > 0 && !hasAnyRole(context.viewer, registration.roles)) return null;
  const key = Number(decoded.key);
  const row = registration.load(context, key);
  startKeyOnlyFields(info, context, decoded.typeName, key);
  return row;
}
