import {
  BigIntType,
  DateType,
  RawQueryFragment,
  ReferenceKind,
  type EntityMetadata,
  type EntityProperty,
} from '@mikro-orm/core';

/** A statement as knex renders it: `?` placeholders (runSql's dialect) and their values. */
export interface Statement {
  sql: string;
  bindings: readonly unknown[];
}

/**
 * Where each binding of a cached statement comes from: a value's index, the same as text (how
 * the builder binds a number for a bigint column), or a constant (LIMIT).
 */
type Slot = number | { text: number } | { constant: number };

/** Distinct shapes kept; past this, statements are built every time, as before. */
const MAX_SHAPES = 1000;
/** Per shape, its SQL and where its bindings come from; null for a shape built every time. */
const shapes = new Map<string, { sql: string; slots: Slot[] } | null>();

/** Stand-ins for the values while a shape is built, each recognisable in the bindings. */
const STRING_STAND_IN = '\u0001bd-stand-in:';
const numberStandIn = (index: number) => -(1e15 + index) - 0.5;
/** Constants the builder adds itself: a page's LIMIT (at most 101 rows). */
const isConstant = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1000;

type Value = string | number;

/**
 * The filter's shape, which fixes its SQL (keys, operators, nulls, booleans, list lengths, the
 * type of each value), with its string and number values collected in order. Undefined for a
 * filter the builder may render differently for other values: raw SQL, dates, objects.
 */
function shapeOf(filter: unknown, values: Value[]): string | undefined {
  if (filter === null) return 'null';
  if (typeof filter === 'boolean') return String(filter);
  if (typeof filter === 'string' || (typeof filter === 'number' && Number.isFinite(filter))) {
    values.push(filter);
    return typeof filter === 'string' ? 's' : 'n';
  }
  if (typeof filter !== 'object') return undefined;
  const parts: string[] = [];
  if (Array.isArray(filter)) {
    for (const item of filter) {
      const part = shapeOf(item, values);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    return `[${parts.join(',')}]`;
  }
  if (Object.getPrototypeOf(filter) !== Object.prototype || RawQueryFragment.isRaw(filter))
    return undefined;
  if (Object.getOwnPropertySymbols(filter).length > 0) return undefined;
  for (const [key, value] of Object.entries(filter)) {
    if (RawQueryFragment.isKnownFragment(key)) return undefined;
    const part = shapeOf(value, values);
    if (part === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${part}`);
  }
  return `{${parts.join(',')}}`;
}

/** The filter with each collected value replaced by its stand-in, in the same order. */
function withStandIns(filter: unknown, next: { index: number }): unknown {
  if (typeof filter === 'string') return `${STRING_STAND_IN}${next.index++}`;
  if (typeof filter === 'number') return numberStandIn(next.index++);
  if (Array.isArray(filter)) return filter.map((item) => withStandIns(item, next));
  if (filter !== null && typeof filter === 'object')
    return Object.fromEntries(
      Object.entries(filter).map(([key, value]) => [key, withStandIns(value, next)]),
    );
  return filter;
}

/**
 * Whether a property's values reach the bindings unchanged, so a stand-in may take a value's
 * place: plain columns, and the types whose conversion is a plain `String()` (bigint keys) or
 * none (dates as strings). Enum arrays check each item against the enum, so a stand-in is
 * refused; arrays and JSON are rewritten into literals; other custom types may do anything.
 */
function takesStandIns(prop: EntityProperty): boolean {
  if (prop.kind === ReferenceKind.EMBEDDED || prop.array) return false;
  const type = prop.customType;
  return type === undefined || type instanceof BigIntType || type instanceof DateType;
}

const LOGICAL = new Set(['$and', '$or']);

/**
 * Whether every property the filter reaches takes stand-ins, from the entity's metadata: a key
 * that names no property (an operator where a property belongs), or a property of a type that
 * converts its values, makes the shape one to build every time.
 */
export function standInsFit(meta: EntityMetadata, filter: unknown): boolean {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return false;
  for (const [key, value] of Object.entries(filter)) {
    if (LOGICAL.has(key)) {
      if (!Array.isArray(value) || !value.every((item) => standInsFit(meta, item))) return false;
      continue;
    }
    if (key === '$not') {
      if (!standInsFit(meta, value)) return false;
      continue;
    }
    const prop = (meta.properties as Record<string, EntityProperty | undefined>)[key];
    if (prop === undefined) return false;
    if (prop.kind !== ReferenceKind.SCALAR && prop.targetMeta && isNestedFilter(value)) {
      // A condition on the related entity's own properties (`customer: { name: … }`).
      if (!standInsFit(prop.targetMeta, value)) return false;
    } else if (!takesStandIns(prop)) return false;
  }
  return true;
}

/** An object naming properties (not only operators such as `$in`) or holding `$and`/`$or`. */
function isNestedFilter(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).some((key) => !key.startsWith('$') || LOGICAL.has(key) || key === '$not')
  );
}

function slotOf(binding: unknown, count: number): Slot | undefined {
  if (typeof binding === 'string' && binding.startsWith(STRING_STAND_IN)) {
    const index = Number(binding.slice(STRING_STAND_IN.length));
    return index < count ? index : undefined;
  }
  const number = typeof binding === 'string' ? Number(binding) : binding;
  if (typeof number === 'number' && number < -1e15 && !Number.isInteger(number)) {
    const index = -number - 0.5 - 1e15;
    if (!Number.isInteger(index) || index < 0 || index >= count) return undefined;
    if (binding === number) return index;
    return binding === String(number) ? { text: index } : undefined;
  }
  return isConstant(binding) ? { constant: binding } : undefined;
}

function valueIndexOf(slot: Slot): number | undefined {
  if (typeof slot === 'number') return slot;
  return 'text' in slot ? slot.text : undefined;
}

/**
 * A statement that MikroORM's query builder renders, built once per shape. Rendering a filter
 * into SQL costs more CPU than running the statement, and the SQL depends only on the filter's shape and on `key`
 * (everything else that shapes the query), not on its values. So each shape is built once with
 * stand-ins for the values, and the statement remembers which binding takes which value.
 *
 * `extra` are further values the build passes through as bindings (cursor positions): they get
 * stand-ins too. A shape is only kept when every binding is a stand-in that came through
 * unchanged or the page's LIMIT, and the SQL text holds no stand-in; otherwise (the builder
 * converted or inlined a value) that shape is built every time, as it would be without this.
 *
 * What a shape cannot derive falls back to the builder with the real values, never to an error:
 * with `meta` (the filtered entity's metadata, asked for once per shape), a filter that reaches
 * a property whose type converts its values (enum arrays, arrays, JSON, other custom types) is
 * built every time without trying stand-ins (see `standInsFit`); and a build that throws on the
 * stand-ins makes its shape one built every time too.
 */
export function shapedStatement<Filter>(
  key: string,
  filter: Filter,
  extra: readonly unknown[],
  build: (filter: Filter, extra: readonly unknown[]) => Statement,
  meta?: () => EntityMetadata,
): Statement {
  const values: unknown[] = [];
  const shape = shapeOf(filter, values as Value[]);
  if (shape === undefined) return build(filter, extra);
  values.push(...extra);
  const shapeKey = `${key}|${shape}|${extra.length}`;
  let cached = shapes.get(shapeKey);
  if (cached === undefined) {
    if (shapes.size >= MAX_SHAPES) return build(filter, extra);
    cached =
      meta && !standInsFit(meta(), filter) ? null : withStandInsBuilt(filter, extra, values, build);
    shapes.set(shapeKey, cached);
  }
  if (cached === null) return build(filter, extra);
  return {
    sql: cached.sql,
    bindings: cached.slots.map((slot) =>
      typeof slot === 'number'
        ? values[slot]
        : 'text' in slot
          ? String(values[slot.text])
          : slot.constant,
    ),
  };
}

/** The shape's SQL and slots, built with stand-ins; null when it cannot be (see above). */
function withStandInsBuilt<Filter>(
  filter: Filter,
  extra: readonly unknown[],
  values: readonly unknown[],
  build: (filter: Filter, extra: readonly unknown[]) => Statement,
): { sql: string; slots: Slot[] } | null {
  const next = { index: 0 };
  const standInFilter = withStandIns(filter, next) as Filter;
  const standInExtra = extra.map((_, offset) => `${STRING_STAND_IN}${next.index + offset}`);
  let built: Statement;
  try {
    built = build(standInFilter, standInExtra);
  } catch {
    // The builder refused a stand-in (a type that checks its values): the real values decide.
    return null;
  }
  const slots = built.bindings.map((binding) => slotOf(binding, values.length));
  const complete = (all: (Slot | undefined)[]): all is Slot[] => !all.includes(undefined);
  // Every value must be bound: one that is not was written into the text.
  const faithful =
    complete(slots) &&
    new Set(slots.map(valueIndexOf).filter((index) => index !== undefined)).size ===
      values.length &&
    !built.sql.includes(STRING_STAND_IN);
  return faithful ? { sql: built.sql, slots } : null;
}
