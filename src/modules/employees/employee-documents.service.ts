import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { Clock } from '../common/clock';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import {
  EmployeeDocument,
  EmployeeDocumentKind,
  YearEndStatement,
} from './employee-document.entity';

/** Pay summed over payslips. */
export interface PayTotals {
  grossMinor: bigint;
  withholdingMinor: bigint;
  netMinor: bigint;
  payslipCount: number;
}

interface TotalsRow {
  employee_id: string;
  payslip_count: number;
  gross_minor: string;
  withholding_minor: string;
  net_minor: string;
}

const totalsOf = (row: TotalsRow): PayTotals => ({
  grossMinor: BigInt(row.gross_minor),
  withholdingMinor: BigInt(row.withholding_minor),
  netMinor: BigInt(row.net_minor),
  payslipCount: Number(row.payslip_count),
});

/** What must happen when documents are issued to employees (they are mailed to them). */
export interface DocumentsIssuedListener {
  /** A run's payslips were posted. */
  payslipsIssued(tx: EntityManager, runId: number): Promise<void>;
  /** A final year-end statement version was issued (`documentId` is its EmployeeDocument). */
  statementIssued(tx: EntityManager, documentId: number): Promise<void>;
}

/** The first and last tax years a statement may be asked for. */
const TAX_YEARS = { first: 1, last: 9999 } as const;

/**
 * What employees receive about their pay: their documents (payslips of posted runs, year-end
 * statements) and the year-to-date and year-end sums. Every sum counts only payslips of posted
 * runs, and a payslip belongs to the tax year of its run's `periodEnd`.
 */
export class EmployeeDocumentsService {
  private readonly issuedListeners: DocumentsIssuedListener[] = [];

  constructor(private readonly clock: Clock) {}

  /** Told, inside the issuing transaction, of documents issued to employees (to mail them). */
  onIssued(listener: DocumentsIssuedListener): void {
    this.issuedListeners.push(listener);
  }

  /** The payslips of a run being posted become their employees' documents, in that transaction. */
  async payslipsPosted(tx: EntityManager, runId: number): Promise<void> {
    await tx.execute(
      `INSERT INTO employee_document (employee_id, kind, title, issued_on, payslip_id)
       SELECT s.employee_id, ?, 'Payslip ' || r.period_start || ' to ' || r.period_end, r.period_end, s.id
         FROM payslip s JOIN payroll_run r ON r.id = s.run_id
        WHERE s.run_id = ?`,
      [EmployeeDocumentKind.PAYSLIP, runId],
    );
    for (const listener of this.issuedListeners) await listener.payslipsIssued(tx, runId);
  }

  /**
   * Each payslip's year to date: it and the employee's payslips of posted runs that end earlier
   * in the same tax year (a payslip of a draft run counts itself, and no other draft).
   */
  async yearToDate(
    em: EntityManager,
    payslipIds: readonly number[],
  ): Promise<Map<number, PayTotals>> {
    if (payslipIds.length === 0) return new Map();
    const rows = await em.execute<TotalsRow[]>(
      `SELECT s.id AS employee_id, count(*)::int AS payslip_count,
              sum(o.gross_minor) AS gross_minor, sum(o.withholding_minor) AS withholding_minor,
              sum(o.net_minor) AS net_minor
         FROM payslip s
         JOIN payroll_run r ON r.id = s.run_id
         JOIN payslip o ON o.employee_id = s.employee_id
         JOIN payroll_run orun ON orun.id = o.run_id
        WHERE s.id = ANY(?::bigint[])
          AND date_part('year', orun.period_end) = date_part('year', r.period_end)
          AND (o.id = s.id OR (orun.status = 'POSTED' AND orun.period_end < r.period_end))
        GROUP BY s.id`,
      [`{${payslipIds.join(',')}}`],
    );
    return new Map(rows.map((row) => [Number(row.employee_id), totalsOf(row)]));
  }

  /**
   * The employee's statement for a tax year as it stands: the latest version while it still
   * equals their posted payslips of that year, else a new version issued now (the first, or a
   * correction). Null when no posted payslip of theirs falls in that year.
   */
  async yearEndStatement(
    { em }: RequestScope,
    employeeId: number,
    taxYear: number,
  ): Promise<YearEndStatement | null> {
    refuseUnknownTaxYear(taxYear);
    return inTransaction(em, async (tx) => {
      const [totals] = (await this.postedTotals(tx, taxYear, employeeId)).values();
      return totals ? this.issue(tx, employeeId, taxYear, totals, null) : null;
    });
  }

  /**
   * Issues the statement of every employee paid in the tax year (HR, at year end): a new
   * version only where the posted payslips no longer equal the latest one.
   */
  async issueYearEndStatements(
    { em }: RequestScope,
    viewer: Viewer,
    taxYear: number,
  ): Promise<YearEndStatement[]> {
    refuseUnknownTaxYear(taxYear);
    return inTransaction(em, async (tx) => {
      const statements: YearEndStatement[] = [];
      for (const [employeeId, totals] of await this.postedTotals(tx, taxYear, null)) {
        statements.push(await this.issue(tx, employeeId, taxYear, totals, viewer.employeeId));
        // Each flush compares every entity the manager holds: with the issued ones let go, a
        // year of thousands of employees costs each the same instead of ever more.
        tx.clear();
      }
      return statements;
    });
  }

  /** The sums of posted payslips per employee in a tax year (one employee's, or everyone's). */
  private async postedTotals(
    tx: EntityManager,
    taxYear: number,
    employeeId: number | null,
  ): Promise<Map<number, PayTotals>> {
    const rows = await tx.execute<TotalsRow[]>(
      `SELECT s.employee_id, count(*)::int AS payslip_count, sum(s.gross_minor) AS gross_minor,
              sum(s.withholding_minor) AS withholding_minor, sum(s.net_minor) AS net_minor
         FROM payslip s JOIN payroll_run r ON r.id = s.run_id
        WHERE r.status = 'POSTED'
          AND r.period_end >= make_date(?, 1, 1) AND r.period_end < make_date(? + 1, 1, 1)
          AND (?::bigint IS NULL OR s.employee_id = ?)
        GROUP BY s.employee_id ORDER BY s.employee_id`,
      [taxYear, taxYear, employeeId, employeeId],
    );
    return new Map(rows.map((row) => [Number(row.employee_id), totalsOf(row)]));
  }

  /**
   * The latest version if it equals `totals`, else the next version with them. Issues for one
   * employee and year queue behind each other, so two at once make one version.
   */
  private async issue(
    tx: EntityManager,
    employeeId: number,
    taxYear: number,
    totals: PayTotals,
    actorId: number | null,
  ): Promise<YearEndStatement> {
    await tx.execute('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [
      `year-end-statement:${employeeId}:${taxYear}`,
    ]);
    const now = this.clock.now();
    const final = now.toISOString().slice(0, 10) > `${taxYear}-12-31`;
    const latest = await tx.findOne(
      YearEndStatement,
      { employee: employeeId, taxYear },
      { orderBy: { version: 'desc' } },
    );
    if (
      latest &&
      latest.grossMinor === totals.grossMinor &&
      latest.withholdingMinor === totals.withholdingMinor &&
      latest.netMinor === totals.netMinor &&
      latest.payslipCount === totals.payslipCount &&
      latest.final === final
    )
      return latest;
    const statement = tx.create(YearEndStatement, {
      employee: employeeId,
      taxYear,
      version: (latest?.version ?? 0) + 1,
      ...totals,
      final,
      issuedAt: now,
    });
    const document = tx.create(EmployeeDocument, {
      employee: employeeId,
      kind: EmployeeDocumentKind.YEAR_END_STATEMENT,
      title: `Year-end pay statement ${taxYear}${statement.version > 1 ? ` (version ${statement.version})` : ''}${final ? '' : ' (provisional)'}`,
      issuedOn: now.toISOString().slice(0, 10),
      yearEndStatement: statement,
    });
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Employee',
      streamId: employeeId,
      type: 'YEAR_END_STATEMENT_ISSUED',
      payload: { taxYear, version: statement.version, final },
      actorId,
    });
    // A provisional statement is listed but not mailed: the final one is the tax document.
    if (final)
      for (const listener of this.issuedListeners) await listener.statementIssued(tx, document.id);
    return statement;
  }
}

function refuseUnknownTaxYear(taxYear: number): void {
  if (!Number.isInteger(taxYear) || taxYear < TAX_YEARS.first || taxYear > TAX_YEARS.last)
    throw new BusinessRuleError(
      UserErrorCode.INVALID_INPUT,
      `A tax year is from ${TAX_YEARS.first} to ${TAX_YEARS.last}`,
      ['year'],
    );
}
