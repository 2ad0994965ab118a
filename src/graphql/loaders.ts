import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { findRowsById, isLoadedRow } from '../db/plain-rows';

/**
 * Per-request DataLoaders, created on first use. A field resolver asks for a loader by name and
 * gets the same instance for the whole request, so a page of 50 rows costs one query per relation.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(
    name: string,
    batch: DataLoader.BatchLoadFn<K, V>,
    options?: DataLoader.Options<K, V>,
  ): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch, options);
      this.loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}

interface HasNumericId {
  id: number;
}

/**
 * Loads rows of one entity by primary key, batched per request; null for a missing key. They are
 * plain rows (see db/plain-rows.ts): for reading, not for changing through the unit of work.
 */
export function byIdLoader<T extends HasNumericId>(
  context: { em: EntityManager; loaders: Loaders },
  entity: EntityClass<T>,
): DataLoader<number, T | null> {
  return context.loaders.get<number, T | null>(`byId:${entity.name}`, async (ids) => {
    const rows = await findRowsById(context.em, entity, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Loads children grouped by a parent key (e.g. order lines by order), batched per request. */
export function groupLoader<T extends object>(
  context: { em: EntityManager; loaders: Loaders },
  name: string,
  load: (keys: readonly number[]) => Promise<T[]>,
  keyOf: (row: T) => number,
): DataLoader<number, T[]> {
  return context.loaders.get<number, T[]>(`group:${name}`, async (keys) => {
    const groups = new Map<number, T[]>(keys.map((key) => [key, []]));
    for (const row of await load(keys)) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/**
 * The row a many-to-one relation points to: the row itself when the parent's query read it
 * (see `paginate`), otherwise loaded by key, batched per request.
 */
export function relatedRow<T extends HasNumericId>(
  context: { em: EntityManager; loaders: Loaders },
  entity: EntityClass<T>,
  reference: { id: number } | null | undefined,
): T | Promise<T | null> | null {
  if (!reference) return null;
  if (isLoadedRow(reference)) return reference as T;
  return byIdLoader(context, entity).load(reference.id);
}
