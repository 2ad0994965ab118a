import type { EntityClass } from '@mikro-orm/core';
import type { JoinedField } from './pages';
import { joinedRow, joinedRows, rowArrayOf } from './rows';

/**
 * Joined fields: rows read beside each item of a page, in the page's own statement, when the
 * query selects the field. The SQL they write is named by its own text (a page's shape is kept
 * per query document by that name), so two joined fields never share a shape by mistake.
 */

/** Stand-ins for the aliases, to name a joined field's SQL by its text. */
const PARENT = '$parent';
const ROW = '$row';

/**
 * One row of `entity` per item (a ticket's last message): `sql(parent, row)` is a scalar
 * subquery over `entity`'s table aliased `alias`, selecting `row`, that yields at most one row
 * for the item aliased `parent`.
 */
export function joinOne(options: {
  field: string;
  entity: EntityClass<object>;
  alias: string;
  sql: (parent: string, row: string) => string;
}): JoinedField {
  const { field, entity, alias, sql } = options;
  return {
    field,
    key: `${field}:${sql(PARENT, ROW)}`,
    entity,
    join: (em, parent, columns) =>
      joinedRow(
        em,
        entity,
        field,
        sql(parent, rowArrayOf(em, entity, alias, columns.own)),
        columns.own,
      ),
  };
}

/**
 * The rows of `entity` that belong to each item (an order's lines), as a list in `orderBy`
 * order, each with the many-to-one relations named in `join`. `where(parent)` picks them, over
 * `entity`'s table aliased `alias`, for the item aliased `parent`.
 */
export function joinMany(options: {
  field: string;
  entity: EntityClass<object>;
  alias: string;
  where: (parent: string) => string;
  orderBy: string;
  join?: readonly string[];
}): JoinedField {
  const { field, entity, alias, where, orderBy, join = [] } = options;
  return {
    field,
    key: `${field}:${where(PARENT)}:${orderBy}:${join.join(',')}`,
    entity,
    join: (em, parent, columns) =>
      joinedRows(em, entity, field, alias, `WHERE ${where(parent)}`, orderBy, join, columns),
  };
}
