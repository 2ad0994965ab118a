import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import { raw } from '@mikro-orm/core';
import { runPlannedSql } from '../db/sql';
import type { ReadContext } from './loaders';
import {
  build,
  decodeCursor,
  planPage,
  toConnection,
  type ConnectionShape,
  type PageArgs,
  type PageOptions,
  type Where,
} from './pages';
import { primaryKeyColumnOf, selectItem, selectListOf } from './rows';

/** A score over a row's key: SQL with `?` placeholders and their values. */
export interface RowScore {
  /** The score of the row whose key is the SQL expression `key` (a float8; higher first). */
  sql(key: string): string;
  params: readonly unknown[];
}

export interface RankedPageOptions extends Omit<PageOptions, 'orderBy'> {
  score: RowScore;
  /**
   * How many of the matching rows, the last in key order (the newest, for a serial key), are
   * scored and ranked. The rest follow them, last key first, unscored: a filter that matches half
   * a table costs `candidates` scores, not half a table's.
   */
  candidates: number;
}

/** The score the unranked rows after the candidates sort by: below any real score. */
const UNRANKED = -1;

/**
 * One page of an entity's rows ranked by a score, highest first, keyset-paginated over
 * (score, key): the cursor holds both, so a page continues exactly where the last ended, with no
 * gap or duplicate, in either direction. Only the newest `candidates` matches are scored (see
 * `RankedPageOptions`); the items read only the columns and joined rows the query selects, as
 * `readPage`'s do, and the total count (all matches) runs only when asked.
 */
export async function readRankedPage<Entity extends object>(
  context: ReadContext,
  entity: EntityClass<Entity>,
  filter: Where<Entity>,
  args: PageArgs,
  options: RankedPageOptions,
): Promise<ConnectionShape<Entity>> {
  const { em } = context;
  const key = primaryKeyColumnOf(em, entity as EntityClass<object>);
  const meta = em.getMetadata().get(entity.name);
  // The page's shape (columns, joined rows, direction, size) as for a list sorted by key.
  const plan = planPage(
    em,
    entity,
    {
      first: args.first,
      last: args.last,
      after: null,
      before: args.before === undefined ? undefined : null,
    },
    { ...options, orderBy: { [meta.primaryKeys[0]]: 'desc' } },
  );
  const after = decodeCursor(args.after, 'after', ['number', 'number']);
  const before = decodeCursor(args.before, 'before', ['number', 'number']);
  const backwards = args.last != null || (before !== undefined && args.first == null);
  const matching = em
    .createQueryBuilder(entity, 'e0')
    .select(raw(`e0.${key}`))
    .where(build(filter) as FilterQuery<Entity>)
    .getKnexQuery()
    .toSQL();
  // Forwards: score and key descending, after the `after` cursor and before the `before` one;
  // backwards the same list walked from its end, then turned around by toConnection.
  const order = backwards ? 'ASC' : 'DESC';
  const bounds: string[] = [];
  const boundValues: unknown[] = [];
  if (after !== undefined) {
    bounds.push(`(score, id) < (?::float8, ?::bigint)`);
    boundValues.push(...after);
  }
  if (before !== undefined) {
    bounds.push(`(score, id) > (?::float8, ?::bigint)`);
    boundValues.push(...before);
  }
  const where = bounds.length ? `WHERE ${bounds.join(' AND ')}` : '';
  const limit = plan.size + 1;
  // The unranked rows are read only when the ranked ones cannot fill the page: when every
  // candidate slot was taken (there may be older matches) and, walking forwards, the ranked rows
  // after the cursor are fewer than the page. Both tests are one-time filters, so a rare word
  // (fewer matches than candidates) and a first page never walk the older rows at all.
  const olderNeeded = [
    `(SELECT count(*) FROM candidates) = ${Number(options.candidates)}`,
    ...(backwards ? [] : [`(SELECT count(*) FROM ranked) < ${limit}`]),
  ].join(' AND ');
  const sql = `
    WITH candidates AS MATERIALIZED (
      SELECT m.${key} AS id FROM (${matching.sql}) m ORDER BY m.${key} DESC LIMIT ${Number(options.candidates)}
    ), ranked AS MATERIALIZED (
      SELECT id, score FROM (SELECT c.id, coalesce(${options.score.sql('c.id')}, 0) AS score FROM candidates c) scored
        ${where} ORDER BY score ${order}, id ${order} LIMIT ${limit}
    ), keys AS (
      SELECT id, score FROM ranked
      UNION ALL
      (SELECT id, score FROM (SELECT m.${key} AS id, ${UNRANKED}::float8 AS score FROM (${matching.sql}) m
                               WHERE ${olderNeeded} AND m.${key} < (SELECT min(id) FROM candidates)) older
        ${where} ORDER BY id ${order} LIMIT ${limit})
    )
    SELECT ${[selectListOf(em, entity as EntityClass<object>, 'e0', plan.columns), ...plan.joins.map(selectItem)].join(', ')},
           k.score AS __score, k.id AS __key
      FROM keys k JOIN ${em.getPlatform().quoteIdentifier(meta.tableName)} e0 ON e0.${key} = k.id
     ORDER BY k.score ${order}, k.id ${order} LIMIT ${limit}`;
  const bindings = [
    ...matching.bindings,
    ...options.score.params,
    ...boundValues,
    ...matching.bindings,
    ...boundValues,
  ];
  // Planned for its values every time: the matching keys are read from the GIN index for a rare
  // word and by walking the key for a common one.
  const records = await runPlannedSql(em, sql, bindings);
  return toConnection(
    em,
    entity,
    { ...plan, after, before, backwards },
    records,
    () => em.count(entity, build(filter)),
    (record) => [Number(record.__score), Number(record.__key)],
  );
}
