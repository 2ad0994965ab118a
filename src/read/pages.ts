import DataLoader from 'dataloader';
import { Cursor, raw, type EntityClass, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { runKeyedSql, runPlannedSql, runSql } from '../db/sql';
import {
  type Selection,
  itemSelection,
  joinedColumns,
  neededProperties,
  relationColumns,
} from './columns';
import type { ReadContext } from './loaders';
import { DEFAULT_PAGE_SIZE } from './page-size';
import {
  columnOf,
  joinableRelations,
  rowMapper,
  runtimeTypeOf,
  selectItem,
  selectListOf,
  withJoined,
  type JoinedColumns,
  type JoinedRelation,
} from './rows';
import { shapedStatement, type Statement } from './statement-shapes';

/**
 * Pages of a list: keyset pagination over an entity's table, read as plain rows, with the
 * columns, joined rows and cursors worked out from the query's selection. `readPage` reads one
 * page; `readPagesPerParent` reads a page per parent (a customer's orders) for every parent of a
 * request in one statement.
 */

/** The Relay arguments of a list (`first`/`after`, `last`/`before`). */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Where a page sits in its list (Relay's `PageInfo`). */
export interface PageInfoShape {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** A page as a Relay connection answers it. */
export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfoShape;
  readonly totalCount: Promise<number>;
}

function badCursor(name: string): GraphQLError {
  return new GraphQLError(`"${name}" is not a valid cursor for this list`, {
    extensions: { code: 'BAD_USER_INPUT', argument: name },
  });
}

/**
 * A cursor is the sort key of a row: its values in `orderBy` order, as base64url JSON. One from
 * another list (other keys, other types) is refused here, before it reaches SQL.
 */
export function decodeCursor(
  value: string | null | undefined,
  name: string,
  keyTypes: readonly string[],
): unknown[] | undefined {
  if (value === null || value === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = Cursor.decode(value);
  } catch {
    throw badCursor(name);
  }
  const fits = (key: unknown, type: string) =>
    type === 'Date'
      ? key instanceof Date && !Number.isNaN(key.getTime())
      : type === 'number'
        ? typeof key === 'number' && Number.isFinite(key)
        : type === 'string'
          ? typeof key === 'string'
          : key !== null && typeof key !== 'object';
  if (
    !Array.isArray(decoded) ||
    decoded.length !== keyTypes.length ||
    !decoded.every((key, index) => fits(key, keyTypes[index]))
  )
    throw badCursor(name);
  return decoded;
}

type Ordering = Record<string, 'asc' | 'desc'>;

/** A filter, or a function that builds one (a filter with raw SQL fragments serves one query only). */
export type Where<Entity> = FilterQuery<Entity> | (() => FilterQuery<Entity>);

/**
 * A field of the items that is not a relation but is read in the page's statement too when the
 * query selects it (a ticket's last message): `join` gives the row to put under the field's name.
 */
export interface JoinedField {
  field: string;
  /**
   * Names the SQL `join` writes: a page's shape is kept per query document by it (two joined
   * fields with the same key must write the same SQL for the same columns).
   */
  key: string;
  /** The entity of the rows it joins. */
  entity: EntityClass<object>;
  /** `columns`: what the field's selection reads of the joined rows. */
  join(em: EntityManager, alias: string, columns: JoinedColumns): JoinedRelation;
}

export interface PageOptions {
  orderBy: Ordering;
  /**
   * The connection field's resolve info: many-to-one relations the query selects on the items
   * are read in the same statement, so their field resolvers need no second query, and the
   * items and those rows read only the columns the selected fields need (columns.ts).
   */
  info?: GraphQLResolveInfo;
  /** Further fields read in the same statement when the query selects them. */
  joinedFields?: readonly JoinedField[];
  /**
   * The filter's best plan depends on its values (a text search): the statement is planned for
   * them at every call (`runPlannedSql`) rather than kept prepared.
   */
  planEachTime?: boolean;
}

/** Everything a page query needs from its arguments, checked. */
export interface PagePlan {
  properties: string[];
  descending: boolean;
  after?: unknown[];
  before?: unknown[];
  backwards: boolean;
  size: number;
  /** The properties the selected fields read; undefined: all. */
  columns: ReadonlySet<string> | undefined;
  joins: readonly JoinedRelation[];
  /** What it reads, the columns and the joined rows, as a key (statement shapes, batches). */
  reads: string;
}

export function planPage<Entity extends object>(
  em: EntityManager,
  entity: EntityClass<Entity>,
  args: PageArgs,
  options: PageOptions,
): PagePlan {
  if (args.first != null && args.last != null) {
    throw new GraphQLError('Use either "first" or "last", not both', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const properties = Object.keys(options.orderBy);
  const descending = options.orderBy[properties[0]] === 'desc';
  if (properties.some((property) => (options.orderBy[property] === 'desc') !== descending))
    throw new Error('readPage: every sort key must go in the same direction');
  const keyTypes = properties.map((property) => runtimeTypeOf(em, entity, property));
  const after = decodeCursor(args.after, 'after', keyTypes);
  const before = decodeCursor(args.before, 'before', keyTypes);
  const backwards = args.last != null || (before !== undefined && args.first == null);
  const size = backwards ? (args.last ?? DEFAULT_PAGE_SIZE) : (args.first ?? DEFAULT_PAGE_SIZE);
  const selection = options.info && itemSelection(options.info);
  const { columns, joins, reads } = selection
    ? keptPageShape(em, entity as EntityClass<object>, selection, properties, options.joinedFields)
    : pageShape(em, entity as EntityClass<object>, undefined, properties, options.joinedFields);
  return { properties, descending, after, before, backwards, size, columns, joins, reads };
}

/** What a page reads for the query's selection: the columns, and the rows joined to each item. */
interface PageShape {
  columns: ReadonlySet<string> | undefined;
  joins: readonly JoinedRelation[];
  /** The two above as a key (pages that read alike share a batch). */
  reads: string;
}

function pageShape(
  em: EntityManager,
  target: EntityClass<object>,
  selection: Selection | undefined,
  properties: readonly string[],
  joinedFields: readonly JoinedField[] = [],
): PageShape {
  const selected = new Set(selection?.fields.keys());
  const joins = [
    ...joinableRelations(em, target, selected, 'e0', relationColumns(em, selection)),
    ...joinedFields
      .filter((joined) => selected.has(joined.field))
      .map((joined) =>
        joined.join(
          em,
          'e0',
          joinedColumns(em, joined.entity, selection?.fields.get(joined.field)),
        ),
      ),
  ];
  const columns = selection && neededProperties(em, target, selection, properties);
  const reads = `${columns ? [...columns].join(',') : '*'}|${joins.map(selectItem).join(';')}`;
  return { columns, joins, reads };
}

/** Page shapes per selection (one per query document), by entity, sort keys and joined fields. */
const pageShapes = new WeakMap<Selection, Map<string, PageShape>>();

/**
 * The page shape of a selection, worked out once per query document rather than per request.
 */
function keptPageShape(
  em: EntityManager,
  target: EntityClass<object>,
  selection: Selection,
  properties: readonly string[],
  joinedFields: readonly JoinedField[] = [],
): PageShape {
  let shapes = pageShapes.get(selection);
  if (!shapes) {
    shapes = new Map();
    pageShapes.set(selection, shapes);
  }
  const key = `${target.name}|${properties.join(',')}|${joinedFields.map((joined) => joined.key).join(',')}`;
  let shape = shapes.get(key);
  if (!shape) {
    shape = pageShape(em, target, selection, properties, joinedFields);
    shapes.set(key, shape);
  }
  return shape;
}

/** The page's query (alias `e0`): filter, cursor conditions, order and one row beyond the page. */
function pageQuery<Entity extends object>(
  em: EntityManager,
  entity: EntityClass<Entity>,
  where: FilterQuery<Entity>,
  plan: PagePlan,
) {
  const { properties, descending, after, before, backwards, size, joins } = plan;
  const tuple = `(${properties.map((property) => `e0.${columnOf(em, entity, property)}`).join(', ')})`;
  const placeholders = `(${properties.map(() => '?').join(', ')})`;
  // Reading backwards walks the list in reverse, then turns the page around.
  const reversed = backwards !== descending;
  const query = em
    .createQueryBuilder(entity, 'e0')
    .select([
      raw(selectListOf(em, entity as EntityClass<object>, 'e0', plan.columns)),
      ...joins.map((join) => raw(selectItem(join))),
    ])
    .where(where)
    .orderBy(
      Object.fromEntries(properties.map((property) => [property, reversed ? 'desc' : 'asc'])),
    )
    .limit(size + 1);
  if (after !== undefined)
    query.andWhere(`${tuple} ${descending ? '<' : '>'} ${placeholders}`, after);
  if (before !== undefined)
    query.andWhere(`${tuple} ${descending ? '>' : '<'} ${placeholders}`, before);
  return query;
}

/**
 * The page query's SQL and bindings, rendered by the query builder once per shape of filter and
 * plan (statement-shapes.ts). `parentColumn` joins it to the parents of a page per parent.
 */
function pageStatement<Entity extends object>(
  em: EntityManager,
  entity: EntityClass<Entity>,
  where: FilterQuery<Entity>,
  plan: PagePlan,
  parentColumn?: string,
): Statement {
  const afterCount = plan.after?.length ?? -1;
  const beforeCount = plan.before?.length ?? -1;
  const key = [
    entity.name,
    plan.properties.join(','),
    plan.descending,
    plan.backwards,
    plan.size,
    afterCount,
    beforeCount,
    plan.reads,
    parentColumn ?? '',
  ].join('|');
  const cursor = [...(plan.after ?? []), ...(plan.before ?? [])];
  return shapedStatement(
    key,
    where,
    cursor,
    (filter, values) => {
      const positions = {
        after: plan.after && values.slice(0, afterCount),
        before: plan.before && values.slice(Math.max(afterCount, 0)),
      };
      const query = pageQuery(em, entity, filter, { ...plan, ...positions });
      if (parentColumn) query.andWhere(`e0.${parentColumn} = parent.id`);
      return query.getKnexQuery().toSQL();
    },
    () => em.getMetadata().get(entity.name),
  );
}

/**
 * Turns the raw records of a page query into the connection. A row's cursor is its sort key:
 * its `orderBy` properties, or `recordKey` of its record when the key is not in the row (a score).
 */
export function toConnection<Entity extends object>(
  em: EntityManager,
  entity: EntityClass<Entity>,
  plan: PagePlan,
  records: Record<string, unknown>[],
  count: () => Promise<number>,
  recordKey?: (record: Record<string, unknown>) => unknown[],
): ConnectionShape<Entity> {
  const { properties, after, before, backwards, size, joins } = plan;
  const more = records.length > size;
  const toRow = rowMapper(em, entity, plan.columns);
  const page = records.slice(0, size);
  const rows = page.map((record) => withJoined(toRow(record), record, joins) as Entity);
  const keys = recordKey ? page.map(recordKey) : undefined;
  if (backwards) {
    rows.reverse();
    keys?.reverse();
  }
  const keyOf = (row: Entity, index: number) =>
    keys?.[index] ?? properties.map((property) => (row as Record<string, unknown>)[property]);
  const cursorAt = (index: number) =>
    index < 0 || index >= rows.length ? null : Cursor.encode(keyOf(rows[index], index));
  // Edges (a cursor per row) and the page's info are built only for a query that asks for them:
  // most pages read `nodes` and `pageInfo`, which needs only the first and last cursor, and a
  // page inside another object (a customer's last orders) often only `nodes`.
  let edges: ConnectionShape<Entity>['edges'] | undefined;
  let pageInfo: PageInfoShape | undefined;
  let counted: Promise<number> | undefined;
  return {
    get edges() {
      edges ??= rows.map((node, index) => ({ cursor: cursorAt(index) as string, node }));
      return edges;
    },
    nodes: rows,
    get pageInfo() {
      pageInfo ??= {
        hasNextPage: backwards ? before !== undefined : more,
        hasPreviousPage: backwards ? more : after !== undefined,
        startCursor: cursorAt(0),
        endCursor: cursorAt(rows.length - 1),
      };
      return pageInfo;
    },
    get totalCount() {
      counted ??= count();
      return counted;
    },
  };
}

// A filter with raw SQL fragments serves one query only: a factory builds it for each.
export function build<Entity>(where: Where<Entity>): FilterQuery<Entity> {
  return typeof where === 'function' ? (where as () => FilterQuery<Entity>)() : where;
}

/**
 * One page of an entity's rows. `filter` is a MikroORM filter (the one `em.find` takes), or a
 * function that builds one (a filter with raw SQL fragments serves one query only); `orderBy`
 * must end with a unique key, all in one direction, so every cursor is a precise place and a
 * row-value comparison `(a, b) > (x, y)` walks the matching index. The total count runs only
 * when a client asks.
 */
export async function readPage<Entity extends object>(
  context: ReadContext,
  entity: EntityClass<Entity>,
  filter: Where<Entity>,
  args: PageArgs,
  options: PageOptions,
): Promise<ConnectionShape<Entity>> {
  const { em } = context;
  const plan = planPage(em, entity, args, options);
  const { sql, bindings } = pageStatement(em, entity, build(filter), plan);
  const records = await (options.planEachTime ? runPlannedSql : runSql)(em, sql, bindings);
  return toConnection(em, entity, plan, records, () => em.count(entity, build(filter)));
}

/**
 * A page of an entity per parent (a customer's orders, a ticket's messages): every parent that
 * one request asks for with the same page is read in one statement, a LATERAL join of the page
 * query over the parents' keys, instead of one query per parent. `parent` names the many-to-one
 * property that points to the parent. Pages share a batch when their statements are the same
 * text with the same values: the key is derived from the filter as built, never written by hand.
 */
export function readPagesPerParent<Entity extends object>(
  context: ReadContext,
  entity: EntityClass<Entity>,
  parent: { property: string; id: number },
  filter: Where<Entity>,
  args: PageArgs,
  options: PageOptions,
): Promise<ConnectionShape<Entity>> {
  const { em } = context;
  const plan = planPage(em, entity, args, options);
  const column = columnOf(em, entity, parent.property);
  const where = build(filter);
  const inner = pageStatement(em, entity, where, plan, column);
  const batchKey = `${entity.name}.${parent.property}|${inner.sql}|${JSON.stringify(inner.bindings)}`;
  return context.loaders
    .instanceOf(batchKey, () => {
      const countFor = (id: number) =>
        em.count(entity, {
          $and: [build(filter), { [parent.property]: id }],
        } as FilterQuery<Entity>);
      return new DataLoader<number, ConnectionShape<Entity>>(async (ids) => {
        const direction = plan.backwards !== plan.descending ? 'DESC' : 'ASC';
        const order = plan.properties
          .map((property) => `page.${columnOf(em, entity, property)} ${direction}`)
          .join(', ');
        // The parents' keys are one array parameter: the same statement for any number of them.
        const records = await runKeyedSql(
          em,
          `SELECT parent.id AS __parent_id, page.*
           FROM unnest(?::bigint[]) AS parent(id)
           CROSS JOIN LATERAL (${inner.sql}) page
          ORDER BY parent.id, ${order}`,
          [ids, ...inner.bindings],
        );
        const byParent = new Map<number, Record<string, unknown>[]>(ids.map((id) => [id, []]));
        for (const record of records) byParent.get(Number(record.__parent_id))?.push(record);
        return ids.map((id) =>
          toConnection(em, entity, plan, byParent.get(id) ?? [], () => countFor(id)),
        );
      });
    })
    .load(parent.id);
}
