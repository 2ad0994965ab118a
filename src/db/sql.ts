import { createHash } from 'node:crypto';
import type { Knex } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pendingAudit } from './audit-hook';
import { BackdeskConnection } from './driver';

/**
 * Statement texts that get a name of their own; any beyond run unnamed, so a caller that builds
 * texts without bound (it should not) cannot make every connection hold ever more statements.
 */
const MAX_NAMED_STATEMENTS = 1000;

interface StatementText {
  /** Undefined past MAX_NAMED_STATEMENTS. */
  name: string | undefined;
  /** The text with `$n` placeholders, as knex writes it for `pg`. */
  positional: string;
}

const statementTexts = new Map<string, StatementText>();

/** `?` placeholders numbered, as knex numbers a raw statement's (`\\?` stays a question mark). */
function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\\?\?\??/g, (match) => {
    if (match === '\\?') return '?';
    if (match === '??') throw new Error('runSql binds values only: write identifiers out');
    index += 1;
    return `$${index}`;
  });
}

function statementText(sql: string): StatementText {
  let text = statementTexts.get(sql);
  if (text === undefined) {
    const name =
      statementTexts.size < MAX_NAMED_STATEMENTS
        ? `bd_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`
        : undefined;
    text = { name, positional: numberPlaceholders(sql) };
    // Past the bound, texts are worked out each time rather than kept.
    if (name) statementTexts.set(sql, text);
  }
  return text;
}

/**
 * Runs one SQL statement (`?` placeholders) with its values bound, as a prepared statement named
 * after its text: in the entity manager's transaction when it has one, otherwise on the read
 * pipeline (`statement-pipeline.ts`), which sends a turn's statements in one write.
 * `em.execute` writes the values into the text instead, so PostgreSQL parses and plans every
 * statement anew; bound to a named statement, each connection parses and plans it once. On the
 * hot paths that halves the database's CPU per statement and saves the driver formatting the
 * values into SQL.
 *
 * Values go through `pg` as they are: an array is one PostgreSQL array (`= ANY(?)`), not a
 * list spread into the text as `em.execute` would spread it. Write the columns out rather than
 * `*`: a prepared `SELECT *` fails once a migration adds a column to its table.
 */
export function runSql<T extends object = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  return run<T>(em, sql, params);
}

/**
 * `runSql` for a read that looks rows up by key: by primary keys, or a page of children per
 * parent key. Outside a transaction it runs on connections where PostgreSQL plans each statement
 * once and keeps the plan (db/driver.ts), instead of planning it anew at every call: planning
 * cost more than running these (bench/README.md).
 * Only for statements whose best plan does not depend on the values: a kept plan is made without
 * them, and a report's date range or a search pattern can want another plan for other values.
 */
export function runKeyedSql<T extends object = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  return run<T>(em, sql, params, 'keyed');
}

/**
 * `runSql` for a statement that takes locks outside a transaction (a write that is a transaction
 * of its own): on the locking pipeline, never on the read pipeline, where waiting for a lock
 * would hold up every read written behind it on that connection (`statement-pipeline.ts`).
 */
export async function runLockingSql<T extends object = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const audit = em.getTransactionContext() ? undefined : pendingAudit(em);
  const record = audit?.claim(undefined);
  if (!audit || !record) return run<T>(em, sql, params, 'locking');
  // The statement is a transaction of its own: the mutation's audit record goes in its WITH
  // clause, so it commits with it (db/audit-hook.ts). PostgreSQL runs a data-modifying WITH that
  // nothing reads after the main query, so the record takes the commit lock after the
  // statement's own locks, as the commit would.
  const audited = /^\s*WITH\s/i.test(sql)
    ? sql.replace(/^\s*WITH\s/i, `WITH audited AS (${record.sql}), `)
    : `WITH audited AS (${record.sql}) ${sql}`;
  try {
    const rows = await run<T>(em, audited, [...record.params, ...params], 'locking');
    audit.settle(true);
    return rows;
  } catch (error) {
    audit.settle(false);
    throw error;
  }
}

/**
 * `runLockingSql` for a statement that records audit entries itself (events/audit-trail.ts):
 * never given the pending mutation's record.
 */
export function runLockingSqlUnaudited<T extends object = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  return run<T>(em, sql, params, 'locking');
}

/**
 * `runSql` for a read whose best plan depends on its values (a text search: a rare word wants
 * its GIN index, a word in most tickets a walk of the sort order). It runs unnamed, so PostgreSQL
 * plans it for the values given at every call; a named statement gets, from its sixth run, a plan
 * made without values, which served every search like the first five.
 */
export function runPlannedSql<T extends object = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  return run<T>(em, sql, params, 'reads', false);
}

async function run<T extends object>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
  pipeline: 'reads' | 'keyed' | 'locking' = 'reads',
  named = true,
): Promise<T[]> {
  const values = params.map((value) => (value === undefined ? null : value));
  const text = statementText(sql);
  const { positional } = text;
  const name = named ? text.name : undefined;
  const transaction = em.getTransactionContext<Knex.Transaction>();
  const connection = em.getConnection();
  try {
    if (!transaction && connection instanceof BackdeskConnection)
      return await connection[pipeline].query<T>({ text: positional, values, name });
    const statement = em.getKnex().raw(sql, values as Knex.RawBinding[]);
    if (name) statement.options({ name });
    if (transaction) statement.transacting(transaction);
    const result = (await statement) as { rows: T[] };
    return result.rows;
  } catch (error) {
    // The same exceptions (and SQLSTATEs) as em.execute throws, for the callers that tell them apart.
    throw em.getDriver().convertException(error as Error);
  }
}
