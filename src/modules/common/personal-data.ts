import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The registry of personal data: every module that keeps data about people declares a
 * `PersonalDataSource` in its own folder (`<thing>.personal-data.ts`), and
 * src/modules/personal-data.ts lists them. A data subject request (compliance/) finds a person
 * through them; a test holds every text and jsonb column of the schema either to a source's
 * `fields` or to the list of columns that are not collected, with the reason.
 */

/** The person a data subject request is about, found by email across the modules. */
export interface DataSubject {
  /** Trimmed and lower-cased. */
  email: string;
}

/** A value as data.json holds it (dates as ISO strings, amounts as decimal strings). */
export type PersonalValue =
  string | number | boolean | null | PersonalValue[] | { [key: string]: PersonalValue };

/** One row held about the subject, with the values that are theirs. */
export interface PersonalDataRecord {
  /** The table it is in (`ticket_message`). */
  table: string;
  /** Its id in that table. */
  id: string;
  /** What it holds about the subject, by name; nested rows (an order's lines) as lists. */
  values: Record<string, PersonalValue>;
  /**
   * The record's stream in the event log (`Ticket`, its id), when its changes are recorded
   * there: the event log's source reads the events of every stream the sources before it found.
   */
  stream?: { type: string; id: string };
}

/** A module's personal data: where it is, what each column holds, and how to find a person's. */
export interface PersonalDataSource {
  /** Unique and stable (`customers`, `tickets`): the bundle's sections and the match counts. */
  name: string;
  /** What the source is, for the person reading their bundle. */
  description: string;
  /** Each column it reads, `table.column`, and what it holds about the person. */
  fields: Readonly<Record<string, string>>;
  /**
   * Everything the source holds about the subject. Runs inside the request's transaction, after
   * the sources listed before it, whose records it is given.
   */
  collect(
    em: EntityManager,
    subject: DataSubject,
    found: readonly PersonalDataRecord[],
  ): Promise<PersonalDataRecord[]>;
}

interface RecordRow {
  id: string | number;
  data: Record<string, PersonalValue>;
}

/**
 * Records from a statement that answers `id` and `data` (a `json_build_object(…)`, which keeps
 * the order of its keys, with dates as ISO strings). `streamType` names the record's stream in
 * the event log, when it has one.
 */
export async function personalRecords(
  em: EntityManager,
  table: string,
  sql: string,
  params: readonly unknown[],
  streamType?: string,
): Promise<PersonalDataRecord[]> {
  const rows = await em.execute<RecordRow[]>(sql, [...params]);
  return rows.map((row) => {
    const id = String(row.id);
    return {
      table,
      id,
      values: row.data,
      ...(streamType ? { stream: { type: streamType, id } } : {}),
    };
  });
}

/** The ids of the records of one table that the earlier sources found. */
export function foundIds(found: readonly PersonalDataRecord[], table: string): string[] {
  return found.filter((record) => record.table === table).map((record) => record.id);
}

/** SQL for an amount in minor units as a decimal string ("12.50"). */
export function sqlAmount(column: string): string {
  return `to_char(${column}::numeric / 100, 'FM999999999999990.00')`;
}

/** An account number shown by its last four characters only (`•••• 4321`). */
export function sqlMasked(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL ELSE '•••• ' || right(${column}, 4) END`;
}
