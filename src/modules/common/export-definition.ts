import type { Role } from './role';
import type { Viewer } from './viewer';

/**
 * What a module declares to make one of its lists exportable (`createExport`): a SELECT written
 * as parts, and who may run it. The module that owns the tables writes it (ledger.exports.ts,
 * support.exports.ts, …); modules/export-kinds.ts collects them; the compliance module runs them
 * as `COPY (SELECT …) TO STDOUT` and knows nothing of their tables. A new list is one declaration.
 *
 * The SQL is the module's own text: nothing a client sends is ever written into it except the
 * period's bounds, which are checked calendar dates (`periodCondition`).
 */
export interface ExportDefinition {
  /** The `ExportKind` value: upper snake case (`JOURNAL`). */
  kind: string;
  /** What one row is, for the API's description of the kind. */
  description: string;
  /** Who may export it besides COMPLIANCE (auditors export every kind) and ADMIN. */
  readers: readonly Role[];
  /** The columns, in order: the CSV header and the NDJSON keys. */
  columns: readonly ExportColumn[];
  /** The FROM clause without `FROM`: tables, their aliases and joins. */
  from: string;
  /** Rows never exported, whatever the filters (the audit trail's unsealed rows). */
  where?: string;
  /** The column `from` and `to` bound, and whether it holds dates or timestamps. */
  period: { column: string; type: 'date' | 'timestamptz' };
  /** The ORDER BY clause without `ORDER BY`: a total order, so two exports list rows alike. */
  orderBy: string;
  /**
   * Parts of the list only some readers see: a name for each (kept with the export, shown in its
   * manifest) and its condition; `scopeOf` picks the one for a viewer (undefined: everything).
   */
  scopes?: Record<string, { description: string; where: string }>;
  scopeOf?(viewer: Viewer): string | undefined;
}

/** One exported column. */
export interface ExportColumn {
  /** The CSV header and NDJSON key: lower snake case. */
  name: string;
  /** The SQL expression; money as a decimal string (`moneySql`), references as global IDs. */
  sql: string;
}

/** The filters an export was made with, as they are kept and shown in its manifest. */
export interface ExportFilters {
  /** First day, inclusive (YYYY-MM-DD). */
  from: string | null;
  /** Last day, inclusive (YYYY-MM-DD). */
  to: string | null;
  /** The part of the list the requester could see (`ExportDefinition.scopes`), if limited. */
  scope: string | null;
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The period's condition (true when open): a date column between the days inclusive, a
 * timestamp column from the first day's start to the last day's end, in UTC. The days are
 * checked here again, since they are written into the statement (COPY takes no parameters).
 */
export function periodCondition(
  period: ExportDefinition['period'],
  filters: Pick<ExportFilters, 'from' | 'to'>,
): string {
  const conditions: string[] = [];
  for (const day of [filters.from, filters.to])
    if (day !== null && !CALENDAR_DATE.test(day)) throw new Error(`not a calendar date: ${day}`);
  if (period.type === 'date') {
    if (filters.from) conditions.push(`${period.column} >= DATE '${filters.from}'`);
    if (filters.to) conditions.push(`${period.column} <= DATE '${filters.to}'`);
  } else {
    if (filters.from)
      conditions.push(`${period.column} >= (DATE '${filters.from}')::timestamp AT TIME ZONE 'UTC'`);
    if (filters.to)
      conditions.push(
        `${period.column} < (DATE '${filters.to}' + 1)::timestamp AT TIME ZONE 'UTC'`,
      );
  }
  return conditions.length > 0 ? conditions.join(' AND ') : 'true';
}

/** Integer minor units as a decimal string with two places: 123456 → '1234.56', -5 → '-0.05'. */
export function moneySql(minorColumn: string): string {
  return `(${minorColumn} * 0.01)::text`;
}

/**
 * A key column as the API's global ID (base64url of `<Type>:<key>`, as graphql/global-id.ts
 * writes it), null when the key is; so an exported row names records the way the API does.
 */
export function globalIdSql(typeName: string, keyColumn: string): string {
  if (!/^[A-Za-z]+$/.test(typeName)) throw new Error(`not a type name: ${typeName}`);
  return `rtrim(translate(encode(convert_to('${typeName}:' || ${keyColumn}, 'UTF8'), 'base64'), '+/', '-_'), '=')`;
}

/** A timestamp as ISO 8601 in UTC with microseconds (`2026-01-31T09:30:00.000000Z`), alike in CSV and NDJSON. */
export function timestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
