import {
  Cursor,
  type EntityName,
  type FilterQuery,
  type FindByCursorOptions,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { GraphQLError } from 'graphql';
import {
  ArgsType,
  Field,
  FieldResolver,
  ID,
  Int,
  InterfaceType,
  ObjectType,
  Resolver,
  Root as RootArg,
  type ClassType,
} from 'type-graphql';
import { toGlobalId } from './global-id';
import { nodeTypeNameOf } from './node-registry';

import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-size';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };

@InterfaceType('Node', {
  description:
    'An object with a global ID. Any global ID can be fetched with `node(id:)` or `nodes(ids:)`.',
  resolveType: (value: object) => nodeTypeNameOf(value),
})
export abstract class Node {
  @Field(() => ID, { description: 'The opaque global ID of this object.' })
  id!: string;
}

@ObjectType({
  description: 'Where a page sits in its list, and the cursors to move from it (Relay).',
})
export class PageInfo {
  @Field(() => Boolean, {
    description: 'Whether more items follow this page (paginating forwards).',
  })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Whether items precede this page (paginating backwards).' })
  hasPreviousPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'The cursor of the first item of the page; null on an empty page.',
  })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The cursor of the last item of the page; null on an empty page.',
  })
  endCursor!: string | null;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Return the first n items (at most ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} by default).`,
  })
  @IsOptional()
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the items after this cursor.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `Return the last n items (at most ${MAX_PAGE_SIZE}), with \`before\`.`,
  })
  @IsOptional()
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the items before this cursor.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  before?: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
}

/** Builds the `XConnection` and `XEdge` object types for a node type. */
export function Connection<T extends object>(
  NodeType: ClassType<T>,
  typeName: string,
  noun: string,
) {
  @ObjectType(`${typeName}Edge`, { description: `One ${noun} in a list, with its cursor.` })
  class Edge {
    @Field(() => String, { description: 'The cursor of this item, for `after`/`before`.' })
    cursor!: string;

    @Field(() => NodeType, { description: `The ${noun}.` })
    node!: T;
  }

  @ObjectType(`${typeName}Connection`, { description: `A page of ${noun}s (Relay connection).` })
  class ConnectionType implements ConnectionShape<T> {
    @Field(() => [Edge], { description: 'The items of this page, each with its cursor.' })
    edges!: Edge[];

    @Field(() => [NodeType], { description: 'The items of this page, without cursors.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'How to move from this page.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many items the whole list holds across all pages.' })
    totalCount!: Promise<number>;
  }
  return ConnectionType;
}

function badCursor(name: string): GraphQLError {
  return new GraphQLError(`"${name}" is not a valid cursor for this list`, {
    extensions: { code: 'BAD_USER_INPUT', argument: name },
  });
}

function checkCursor(value: string | null | undefined, name: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  try {
    const decoded = Cursor.decode(value);
    if (!Array.isArray(decoded)) throw new Error('not an array');
  } catch {
    throw badCursor(name);
  }
  return value;
}

/**
 * Keyset pagination over an entity (MikroORM's `findByCursor`): `orderBy` must end with a unique
 * key so every cursor is a precise place. The total count runs only when a client asks for it.
 */
export async function paginate<Entity extends object>(
  em: EntityManager,
  entity: EntityName<Entity>,
  filter: FilterQuery<Entity> | (() => FilterQuery<Entity>),
  args: ConnectionArgs,
  options: Omit<
    FindByCursorOptions<Entity, never, '*', never, false>,
    'first' | 'last' | 'after' | 'before' | 'includeCount'
  > &
    Required<Pick<FindByCursorOptions<Entity, never, '*', never, false>, 'orderBy'>>,
): Promise<ConnectionShape<Entity>> {
  if (args.first != null && args.last != null) {
    throw new GraphQLError('Use either "first" or "last", not both', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  // A filter with raw SQL fragments serves one query only: a factory builds it for each.
  const where = (): FilterQuery<Entity> =>
    typeof filter === 'function' ? (filter as () => FilterQuery<Entity>)() : filter;
  const after = checkCursor(args.after, 'after');
  const before = checkCursor(args.before, 'before');
  const backwards = args.last != null || (before !== undefined && args.first == null);
  const size = backwards ? (args.last ?? DEFAULT_PAGE_SIZE) : (args.first ?? DEFAULT_PAGE_SIZE);
  let page: Cursor<Entity, never, '*', never, false>;
  try {
    page = await em.findByCursor(entity, where(), {
      ...options,
      ...(backwards ? { last: size } : { first: size }),
      ...(after !== undefined ? { after } : {}),
      ...(before !== undefined ? { before } : {}),
      includeCount: false,
    } as FindByCursorOptions<Entity, never, '*', never, false>);
  } catch (error) {
    // A cursor from another list (other sort keys) fails when MikroORM maps it onto this order.
    if (error instanceof Error && /cursor/i.test(error.message))
      throw badCursor(after !== undefined ? 'after' : 'before');
    throw error;
  }
  const nodes = [...page.items] as Entity[];
  const edges = nodes.map((node) => ({ cursor: page.from(node), node }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    nodes,
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPrevPage,
      startCursor: page.startCursor,
      endCursor: page.endCursor,
    }),
    get totalCount() {
      counted ??= em.count(entity, where());
      return counted;
    },
  };
}

/**
 * The base of every resolver of a `Node` type: its `id` field turns the entity's primary key into
 * the opaque global ID.
 */
export function NodeResolver<Root extends { id: number }>(
  ObjectClass: ClassType,
  typeName: string,
) {
  @Resolver(() => ObjectClass)
  abstract class NodeIdResolver {
    @FieldResolver(() => ID, { description: 'The opaque global ID of this object.' })
    id(@RootArg() root: Root): string {
      return toGlobalId(typeName, root.id);
    }
  }
  return NodeIdResolver;
}
