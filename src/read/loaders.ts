import type { EntityClass, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { findRowsById, isLoadedRow } from './rows';

/** What every read needs of a request: its entity manager and its loaders. */
export interface ReadContext {
  em: EntityManager;
  loaders: Loaders;
}

/**
 * A loader defined once, by name, for one relation (as Saleor's `dataloaders.py` has one class
 * per relation): `load` batches every key one request asks for into one call of `batch`.
 * Two definitions may not share a name: the second one throws where it is defined, so a name
 * always means one batch function.
 */
export interface NamedLoader<K, V, Context extends ReadContext = ReadContext> {
  readonly name: string;
  load(context: Context, key: K): Promise<V>;
  /** Tells the request's loader a value it already knows (what a mutation just wrote). */
  prime(context: Context, key: K, value: V): void;
}

const definedLoaders = new Map<string, unknown>();

/**
 * Defines a named loader. `batch` gets the keys of one request (deduplicated) and answers a
 * value per key, in the same order.
 */
export function defineLoader<K, V, Context extends ReadContext = ReadContext>(
  name: string,
  batch: (context: Context, keys: readonly K[]) => Promise<readonly V[]>,
  options?: DataLoader.Options<K, V, string | K>,
): NamedLoader<K, V, Context> {
  const existing = definedLoaders.get(name);
  if (existing !== undefined && existing !== batch)
    throw new Error(`A loader named "${name}" is already defined with another batch function`);
  definedLoaders.set(name, batch);
  const instance = (context: Context) =>
    context.loaders.instanceOf(
      loader,
      () => new DataLoader<K, V, string | K>((keys) => batch(context, keys), options),
    );
  const loader: NamedLoader<K, V, Context> = {
    name,
    load: (context, key) => instance(context).load(key),
    prime: (context, key, value) => void instance(context).prime(key, value),
  };
  return loader;
}

/**
 * A loader whose rows are grouped by a parent key (an order's lines): `load` answers the rows
 * of one parent, `rows` reads the rows of many in one statement.
 */
export function defineGroupLoader<T>(
  name: string,
  rows: (context: ReadContext, keys: readonly number[]) => Promise<T[]>,
  keyOf: (row: T) => number,
): NamedLoader<number, T[]> {
  return defineLoader<number, T[]>(name, async (context, keys) => {
    const groups = new Map<number, T[]>(keys.map((key) => [key, []]));
    for (const row of await rows(context, keys)) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/**
 * The DataLoaders of one request, made on first use: each named loader (and each entity's
 * by-id loader) has one instance per request, so a page of 50 rows costs one query per relation.
 */
export class Loaders {
  private readonly instances = new Map<object | string, DataLoader<unknown, unknown>>();

  /**
   * The request's instance for `owner`: a named loader, an entity class (its by-id loader), or
   * the key a page per parent derives from its statement's text and values.
   */
  instanceOf<K, V>(owner: object | string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let instance = this.instances.get(owner) as DataLoader<K, V> | undefined;
    if (!instance) {
      instance = make();
      this.instances.set(owner, instance as DataLoader<unknown, unknown>);
    }
    return instance;
  }
}

interface HasNumericId {
  id: number;
}

/**
 * Rows of one entity by primary key, batched per request; null for a missing key. They are
 * plain rows (see rows.ts): for reading, not for changing through the unit of work.
 */
export function readById<T extends HasNumericId>(
  context: ReadContext,
  entity: EntityClass<T>,
  id: number,
): Promise<T | null> {
  return context.loaders
    .instanceOf<number, T | null>(
      entity,
      () =>
        new DataLoader<number, T | null>(async (ids) => {
          const rows = await findRowsById(context.em, entity, ids);
          const byId = new Map(rows.map((row) => [row.id, row]));
          return ids.map((key) => byId.get(key) ?? null);
        }),
    )
    .load(id);
}

/**
 * A short list read whole (configuration: departments, macros, policies), through MikroORM's
 * own query building. Lists that grow with use are pages (`readPage`), not this.
 */
export function readList<T extends object>(
  context: ReadContext,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  options: { orderBy: QueryOrderMap<T>; limit?: number },
): Promise<T[]> {
  return context.em.find(entity, where, options);
}

/**
 * The row a many-to-one relation points to: the row itself when the parent's statement read it
 * (see pages.ts), otherwise loaded by key, batched per request.
 */
export function readRelated<T extends HasNumericId>(
  context: ReadContext,
  entity: EntityClass<T>,
  reference: { id: number } | null | undefined,
): T | Promise<T | null> | null {
  if (!reference) return null;
  if (isLoadedRow(reference)) return reference as T;
  return readById(context, entity, reference.id);
}

/**
 * How other modules read an entity's rows: by id, or as the row a many-to-one points to. The
 * module that owns the entity exports one (`employeeRows = rowReader(Employee)` in its reads.ts),
 * so no other module needs its entity class to read it.
 */
export function rowReader<T extends HasNumericId>(entity: EntityClass<T>) {
  /** The row of an id, batched per request; null for a null id (an optional reference). */
  function byId(context: ReadContext, id: number): Promise<T | null>;
  function byId(context: ReadContext, id: number | null): Promise<T | null> | null;
  function byId(context: ReadContext, id: number | null): Promise<T | null> | null {
    return id === null ? null : readById(context, entity, id);
  }
  return {
    byId,
    of: (
      context: ReadContext,
      reference: { id: number } | null | undefined,
    ): T | Promise<T | null> | null => readRelated(context, entity, reference),
  };
}
