import {
  ReferenceKind,
  type EntityClass,
  type EntityMetadata,
  type EntityProperty,
  type Platform,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runKeyedSql, runSql } from '../db/sql';

/**
 * Plain rows for the read path. GraphQL only reads properties, so a page of tickets does not need
 * MikroORM entities (identity map, change tracking, hydration): a row read with SQL and mapped to
 * the entity's property names is the same to every field resolver, at a fraction of the cost.
 * A many-to-one relation becomes `{ id }` (or the loaded row when the query joined it), so code
 * written against entities (`ticket.customer.id`) reads plain rows unchanged. Rows are for
 * reading only: every write goes through MikroORM (entities, `em.insert`, `nativeUpdate`).
 */

/** Marks a plain row with the entity class it was read as (how `Node` finds its type). */
export const ROW_ENTITY = Symbol('rowEntity');

type RawRow = Record<string, unknown>;
/** `raw`: a row by column name, or a nested row as the JSON array of its columns. */
type Mapper = (raw: object) => RawRow;

interface MappedColumn {
  property: string;
  column: string;
  /** How the value converts: not at all, a date (which JSON carries as a string), by its type. */
  kind: 'plain' | 'date' | 'custom';
  convert: (value: unknown) => unknown;
  /** A many-to-one: the value is the target's key, or the target's whole row when joined. */
  reference?: { primaryKey: string };
}

/** Per entity, a mapper per choice of columns (`*` for all). */
const mappers = new WeakMap<EntityMetadata, Map<string, Mapper>>();
const mappedColumns = new WeakMap<EntityMetadata, MappedColumn[]>();
/** Select lists per entity and table alias (`selectListOf`). */
const selectLists = new WeakMap<EntityMetadata, Map<string, string>>();
/** JSON arrays of rows per entity and table alias (`rowArrayOf`). */
const rowArrays = new WeakMap<EntityMetadata, Map<string, string>>();
const columnProperties = new WeakMap<
  EntityMetadata,
  { all: ReadonlySet<string>; primaryKeys: readonly string[] }
>();

function converter(prop: EntityProperty, platform: Platform): (value: unknown) => unknown {
  const custom = prop.customType;
  const isDate = prop.runtimeType === 'Date';
  return (value) => {
    if (value === null || value === undefined) return null;
    // Rows nested as JSON carry timestamps as strings.
    if (isDate && typeof value === 'string') return new Date(value);
    return custom ? custom.convertToJSValue(value, platform) : value;
  };
}

function columnsOf(meta: EntityMetadata, platform: Platform): MappedColumn[] {
  const columns: MappedColumn[] = [];
  for (const prop of meta.props) {
    if (prop.persist === false || !prop.fieldNames || prop.fieldNames.length !== 1) continue;
    // Lazy columns (a password hash) stay out of rows, as they stay out of loaded entities.
    if (prop.lazy) continue;
    if (prop.kind === ReferenceKind.SCALAR) {
      columns.push({
        property: prop.name,
        column: prop.fieldNames[0],
        kind: prop.customType ? 'custom' : prop.runtimeType === 'Date' ? 'date' : 'plain',
        convert: converter(prop, platform),
      });
    } else if (
      prop.kind === ReferenceKind.MANY_TO_ONE ||
      (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)
    ) {
      const target = prop.targetMeta as EntityMetadata;
      const key = target.getPrimaryProps()[0];
      columns.push({
        property: prop.name,
        column: prop.fieldNames[0],
        kind: 'custom',
        convert: converter(key, platform),
        reference: { primaryKey: key.name },
      });
    }
  }
  return columns;
}

function metadataOf(em: EntityManager, entity: EntityClass<object>): EntityMetadata {
  return em.getMetadata().get(entity.name);
}

function mappedColumnsOf(em: EntityManager, meta: EntityMetadata): MappedColumn[] {
  let columns = mappedColumns.get(meta);
  if (!columns) {
    columns = columnsOf(meta, em.getPlatform());
    mappedColumns.set(meta, columns);
  }
  return columns;
}

/**
 * A mapper for one entity, written as code once: an object literal with the entity's properties
 * in a fixed order, values copied as they are unless their column needs converting (cheaper
 * than a loop assigning each property by name; bench/README.md has the A/B).
 *
 * The entity marker (`ROW_ENTITY`) is inherited from a prototype shared by the entity's rows,
 * itself a plain object's: a row must still count as a plain object (MikroORM's
 * `isPlainObject`), and nothing may be defined on each row.
 */
function compileMapper(meta: EntityMetadata, columns: MappedColumn[], nested: boolean): Mapper {
  const converters = columns.map((column) => column.convert);
  const properties = columns.map((column, index) => {
    // A nested row is a JSON array of the columns in this order (`rowArrayOf`).
    const value = nested ? `raw[${index}]` : `raw[${JSON.stringify(column.column)}]`;
    const converted = `convert[${index}](v)`;
    let expression: string;
    if (column.reference)
      expression = `(v = ${value}) == null ? null : { ${JSON.stringify(column.reference.primaryKey)}: ${converted} }`;
    else if (column.kind === 'plain') expression = `(v = ${value}) === undefined ? null : v`;
    else if (column.kind === 'date')
      expression = `(v = ${value}) == null ? null : typeof v === 'string' ? new Date(v) : v`;
    else expression = `(v = ${value}, ${converted})`;
    return `${JSON.stringify(column.property)}: ${expression}`;
  });
  const body = `return function mapRow(raw) {
    let v;
    return { __proto__: rowPrototype, ${properties.join(',\n')} };
  };`;
  // The code is made of the metadata's own names, each written as a JSON string.
  const factory = new Function('convert', 'rowPrototype', body) as (
    convert: ((value: unknown) => unknown)[],
    rowPrototype: object,
  ) => Mapper;
  return factory(converters, rowPrototypeOf(meta, columns));
}

/** Whether reading a column a narrowed row did not read throws (tests), instead of answering undefined. */
let narrowedRowsThrow = false;

/**
 * Makes rows read with fewer than all columns throw when code reads one of the others, so a
 * field resolver that reads a column it did not declare fails its test. Call it before any row
 * is read (the tests' setup does); it costs nothing where it is off.
 */
export function makeNarrowedRowsThrow(): void {
  narrowedRowsThrow = true;
}

const rowPrototypes = new WeakMap<EntityMetadata, Map<string, object>>();

/**
 * What every plain row of an entity inherits: the marker naming its entity class, and (when
 * `makeNarrowedRowsThrow` is on) a getter that throws for each column the row did not read.
 */
function rowPrototypeOf(meta: EntityMetadata, read: readonly MappedColumn[]): object {
  let byChoice = rowPrototypes.get(meta);
  if (!byChoice) {
    byChoice = new Map();
    rowPrototypes.set(meta, byChoice);
  }
  const unread = narrowedRowsThrow
    ? (mappedColumns.get(meta) ?? []).filter((column) => !read.includes(column))
    : [];
  const key = unread.map((column) => column.property).join(',');
  let prototype = byChoice.get(key);
  if (!prototype) {
    const properties: PropertyDescriptorMap = {
      [ROW_ENTITY]: { value: meta.class, enumerable: false },
    };
    for (const { property } of unread)
      properties[property] = {
        get(): never {
          throw new Error(
            `${meta.className}.${property} was not read for this row: declare it in the field resolver's @Reads`,
          );
        },
        // A joined row put under the property's name (withJoined) becomes the row's own.
        set(this: object, value: unknown) {
          Object.defineProperty(this, property, {
            value,
            writable: true,
            enumerable: true,
            configurable: true,
          });
        },
        enumerable: false,
      };
    prototype = Object.create(Object.prototype, properties) as object;
    byChoice.set(key, prototype);
  }
  return prototype;
}

/**
 * Maps raw rows of one entity's table, by column name, to plain rows: with every column, or only
 * `properties` for a statement that reads only those (a page's column choice, see
 * columns.ts), so that a row holds what was read and nothing else.
 */
export function rowMapper<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  properties?: ReadonlySet<string>,
): (raw: RawRow) => T {
  return mapperOf(em, entity, properties, false) as (raw: RawRow) => T;
}

/** `rowMapper` for a row nested as a JSON array of its columns (`rowArrayOf`). */
function nestedRowMapper(
  em: EntityManager,
  entity: EntityClass<object>,
  properties?: ReadonlySet<string>,
): (raw: readonly unknown[]) => RawRow {
  return mapperOf(em, entity, properties, true) as (raw: readonly unknown[]) => RawRow;
}

function mapperOf(
  em: EntityManager,
  entity: EntityClass<object>,
  properties: ReadonlySet<string> | undefined,
  nested: boolean,
): Mapper {
  const meta = metadataOf(em, entity);
  let byChoice = mappers.get(meta);
  if (!byChoice) {
    byChoice = new Map();
    mappers.set(meta, byChoice);
  }
  const key = `${nested ? 'nested' : 'named'}|${properties ? [...properties].join(',') : '*'}`;
  let mapper = byChoice.get(key);
  if (!mapper) {
    mapper = compileMapper(meta, chosenColumns(em, meta, '', properties).columns(), nested);
    byChoice.set(key, mapper);
  }
  return mapper;
}

/** SQL text built once per entity, table alias and choice of columns (it is on every hot read). */
function perAlias(
  cache: WeakMap<EntityMetadata, Map<string, string>>,
  meta: EntityMetadata,
  alias: string,
  build: () => string,
): string {
  let byAlias = cache.get(meta);
  if (!byAlias) {
    byAlias = new Map();
    cache.set(meta, byAlias);
  }
  let text = byAlias.get(alias);
  if (text === undefined) {
    text = build();
    byAlias.set(alias, text);
  }
  return text;
}

/** The properties of an entity that plain rows read from columns, and its primary key's. */
export function columnPropertiesOf(
  em: EntityManager,
  entity: EntityClass<object>,
): { all: ReadonlySet<string>; primaryKeys: readonly string[] } {
  const meta = metadataOf(em, entity);
  let properties = columnProperties.get(meta);
  if (!properties) {
    properties = {
      all: new Set(mappedColumnsOf(em, meta).map((column) => column.property)),
      primaryKeys: meta.getPrimaryProps().map((prop) => prop.name),
    };
    columnProperties.set(meta, properties);
  }
  return properties;
}

/**
 * The mapped columns to read: all, or those of `properties` (see columns.ts), with
 * the cache key of that choice.
 */
function chosenColumns(
  em: EntityManager,
  meta: EntityMetadata,
  alias: string,
  properties: ReadonlySet<string> | undefined,
): { key: string; columns: () => MappedColumn[] } {
  const all = () => mappedColumnsOf(em, meta);
  if (!properties) return { key: alias, columns: all };
  return {
    key: `${alias}|${[...properties].join(',')}`,
    columns: () => all().filter((column) => properties.has(column.property)),
  };
}

/**
 * The columns a plain row is read from, written out (`alias.col, …`) rather than `*`: statements
 * are prepared (see db/sql.ts), and a prepared `*` breaks when a migration adds a column. With
 * `properties`, only those columns: the row's other properties are then null.
 */
export function selectListOf(
  em: EntityManager,
  entity: EntityClass<object>,
  alias = '',
  properties?: ReadonlySet<string>,
): string {
  const meta = metadataOf(em, entity);
  const chosen = chosenColumns(em, meta, alias, properties);
  return perAlias(selectLists, meta, chosen.key, () => {
    const platform = em.getPlatform();
    const prefix = alias ? `${alias}.` : '';
    return chosen
      .columns()
      .map((column) => `${prefix}${platform.quoteIdentifier(column.column)}`)
      .join(', ');
  });
}

/**
 * A row of an entity as JSON, for rows nested in their parent's statement: an array of the
 * columns plain rows read (or only those of `properties`), in the order `nestedRowMapper` reads
 * them. An array rather than an object, so that no column names are written by PostgreSQL and
 * parsed again by `pg` for every row.
 */
export function rowArrayOf(
  em: EntityManager,
  entity: EntityClass<object>,
  alias: string,
  properties?: ReadonlySet<string>,
): string {
  const meta = metadataOf(em, entity);
  const chosen = chosenColumns(em, meta, alias, properties);
  return perAlias(rowArrays, meta, chosen.key, () => {
    // A function takes at most 100 arguments.
    if (chosen.columns().length > 100)
      throw new Error(`${meta.className}: too many columns to nest`);
    return `json_build_array(${selectListOf(em, entity, alias, properties)})`;
  });
}

/** The table of an entity, quoted for SQL. */
export function tableOf(em: EntityManager, entity: EntityClass<object>): string {
  return em.getPlatform().quoteIdentifier(metadataOf(em, entity).tableName);
}

/** The column of an entity's property (for ORDER BY and keyset conditions). */
export function columnOf(em: EntityManager, entity: EntityClass<object>, property: string): string {
  const prop = metadataOf(em, entity).properties[property];
  if (!prop?.fieldNames?.length) throw new Error(`${entity.name}.${property} has no column`);
  return prop.fieldNames[0];
}

/** What a property holds in JavaScript: 'Date', 'number', 'string', ... (from the metadata). */
export function runtimeTypeOf(
  em: EntityManager,
  entity: EntityClass<object>,
  property: string,
): string {
  return metadataOf(em, entity).properties[property]?.runtimeType ?? 'unknown';
}

/** The primary key column of an entity with a single-column key. */
export function primaryKeyColumnOf(em: EntityManager, entity: EntityClass<object>): string {
  return metadataOf(em, entity).getPrimaryProps()[0].fieldNames[0];
}

/** Rows of one entity by primary key (one statement), as plain rows. */
export function findRowsById<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  ids: readonly (number | string)[],
): Promise<T[]> {
  if (ids.length === 0) return Promise.resolve([]);
  const key = primaryKeyColumnOf(em, entity as EntityClass<object>);
  // One array parameter: the same statement text (and kept plan) for any number of keys.
  return selectRows(em, entity, 'r', `WHERE r.${key} = ANY(?)`, [ids], [], runKeyedSql);
}

/**
 * Rows of one entity chosen by SQL: `rest` follows `SELECT * FROM <table> <alias>` (a WHERE,
 * ORDER BY, LIMIT, or a LATERAL join that picks them), with `?` placeholders. The many-to-one
 * relations named in `join` come with each row, read in the same statement. `run` is
 * `runKeyedSql` for a lookup by key.
 */
export async function selectRows<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  alias: string,
  rest: string,
  params: readonly unknown[],
  join: readonly string[] = [],
  run: typeof runSql = runSql,
): Promise<T[]> {
  const target = entity as EntityClass<object>;
  const joins = joinableRelations(em, target, new Set(join), alias);
  const raws = await run<RawRow>(
    em,
    `SELECT ${[selectListOf(em, target, alias), ...joins.map(selectItem)].join(', ')} FROM ${tableOf(em, target)} ${alias} ${rest}`,
    params,
  );
  const toRow = rowMapper(em, entity);
  return raws.map((raw) => withJoined(toRow(raw), raw, joins) as T);
}

/**
 * Rows of one entity chosen by SQL, for a loader: `rest` follows `SELECT … FROM <table> <alias>`
 * (a WHERE and ORDER BY with `?` placeholders); the many-to-one relations named in `join` come
 * with each row, read in the same statement.
 */
export function readRows<T extends object>(
  context: { em: EntityManager },
  entity: EntityClass<T>,
  query: { alias: string; rest: string; params: readonly unknown[]; join?: readonly string[] },
): Promise<T[]> {
  return selectRows(context.em, entity, query.alias, query.rest, query.params, query.join);
}

export interface JoinedRelation {
  property: string;
  /** The column the related row comes back in, as JSON. */
  column: string;
  /** The scalar subquery that reads it, parenthesised. */
  value: string;
  /** The related row (or rows), read from the JSON `value` yields (null when there is none). */
  fromJson(json: unknown): unknown;
}

/**
 * A row of `target` read beside its parent in the parent's statement: `rowSql` is a scalar
 * subquery that yields at most one row of the target's table as JSON, written by `rowArrayOf`
 * with the same `properties`.
 */
export function joinedRow(
  em: EntityManager,
  target: EntityClass<object>,
  property: string,
  rowSql: string,
  /** The properties `rowSql` reads, when not all. */
  properties?: ReadonlySet<string>,
): JoinedRelation {
  const column = `__joined_${property}`;
  const toRow = nestedRowMapper(em, target, properties);
  const fromJson = (json: unknown) =>
    json === null || json === undefined ? null : toRow(json as unknown[]);
  return {
    property,
    column,
    value: `(${rowSql})`,
    fromJson,
  };
}

/**
 * The rows of `target` that belong to a parent (a one-to-many: an order's lines), read beside
 * it in the parent's statement as one JSON array, each with the many-to-one relations named in
 * `join`. `rest` follows `FROM <table> <alias>` and picks them by the parent's alias (a WHERE);
 * `orderBy` orders them. A page of parents and all their children is then one statement.
 */
export function joinedRows(
  em: EntityManager,
  target: EntityClass<object>,
  property: string,
  alias: string,
  rest: string,
  orderBy: string,
  join: readonly string[] = [],
  columns: JoinedColumns = allColumns,
): JoinedRelation {
  const column = `__joined_${property}`;
  const relations = joinableRelations(em, target, new Set(join), alias, columns.joined);
  // Each child as one array: its own columns (as `rowArrayOf` lists them), then each related row.
  const own = chosenColumns(em, metadataOf(em, target), alias, columns.own).columns().length;
  if (own + relations.length > 100) throw new Error(`${target.name}: too many columns to nest`);
  const item = `json_build_array(${[
    selectListOf(em, target, alias, columns.own),
    ...relations.map((relation) => relation.value),
  ].join(', ')})`;
  const value = `(SELECT coalesce(json_agg(${item} ORDER BY ${orderBy}), '[]'::json) FROM ${tableOf(em, target)} ${alias} ${rest})`;
  const toRow = nestedRowMapper(em, target, columns.own);
  const fromJson = (json: unknown) =>
    ((json ?? []) as unknown[][]).map((child) => {
      const row = toRow(child);
      relations.forEach((relation, index) => {
        row[relation.property] = relation.fromJson(child[own + index]);
      });
      return row;
    });
  return { property, column, value, fromJson };
}

/**
 * Which columns joined rows read (see columns.ts): `own` of the rows themselves,
 * `joined` of the row each relation of theirs points to; undefined reads all.
 */
export interface JoinedColumns {
  own?: ReadonlySet<string>;
  joined: (property: string, target: EntityClass<object>) => ReadonlySet<string> | undefined;
}

const allColumns: JoinedColumns = { joined: () => undefined };

/** The select-list item that reads a related row beside the parent's columns. */
export function selectItem(relation: JoinedRelation): string {
  return `${relation.value} AS "${relation.column}"`;
}

/** A row with the related rows its statement read beside it. */
export function withJoined(row: object, raw: RawRow, relations: readonly JoinedRelation[]): RawRow {
  const target = row as RawRow;
  for (const relation of relations)
    target[relation.property] = relation.fromJson(raw[relation.column]);
  return target;
}

/**
 * The many-to-one relations of an entity among `properties`, each as a correlated subquery on
 * the parent's alias: one statement reads a page and the rows it points to (by primary key).
 */
export function joinableRelations(
  em: EntityManager,
  entity: EntityClass<object>,
  properties: ReadonlySet<string>,
  alias: string,
  columnsOf: JoinedColumns['joined'] = allColumns.joined,
): JoinedRelation[] {
  const meta = metadataOf(em, entity);
  return meta.props
    .filter(
      (prop) =>
        properties.has(prop.name) &&
        prop.fieldNames?.length === 1 &&
        (prop.kind === ReferenceKind.MANY_TO_ONE ||
          (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)),
    )
    .map((prop) => {
      const target = prop.targetMeta as EntityMetadata;
      const targetClass = target.class as EntityClass<object>;
      const key = target.getPrimaryProps()[0].fieldNames[0];
      const table = em.getPlatform().quoteIdentifier(target.tableName);
      const columns = columnsOf(prop.name, targetClass);
      return joinedRow(
        em,
        targetClass,
        prop.name,
        `SELECT ${rowArrayOf(em, targetClass, 'j', columns)} FROM ${table} j WHERE j.${key} = ${alias}.${prop.fieldNames[0]}`,
        columns,
      );
    });
}

/** Whether a relation value is a whole row read with its parent (not just `{ id }`). */
export function isLoadedRow(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ROW_ENTITY in value;
}

/**
 * What a field resolver receives as its parent: an entity or a plain row of it, read-only. As a
 * mapped type it reaches type-graphql as a plain `Object`, so `@Root()` hands the row over as it
 * is, instead of copying it into a new entity instance for every field.
 */
export type Row<T> = Readonly<T>;
