import { IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
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
import { ReadsKeyOnly } from '../read/columns';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../read/page-size';
import type { ConnectionShape, PageInfoShape } from '../read/pages';
import { toGlobalId } from './global-id';
import { nodeTypeNameOf } from './node-registry';

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
export class PageInfo implements PageInfoShape {
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

/**
 * The base of every resolver of a `Node` type: its `id` field turns the entity's primary key into
 * the opaque global ID.
 */
export function NodeResolver(ObjectClass: ClassType, typeName: string) {
  @Resolver(() => ObjectClass)
  abstract class NodeIdResolver {
    @FieldResolver(() => ID, { description: 'The opaque global ID of this object.' })
    @ReadsKeyOnly()
    id(@RootArg() root: { id: number }): string {
      return toGlobalId(typeName, root.id);
    }
  }
  return NodeIdResolver;
}
