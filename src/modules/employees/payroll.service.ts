import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimIdempotencyKey, completeIdempotencyKey, requestHash } from '../../db/idempotency';
import { inTransaction } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { Viewer } from '../common/viewer';
import { isCalendarDate } from '../../graphql/scalars';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { StandardAccount, type LedgerService } from '../ledger/ledger.service';
import { Employee } from './employee.entity';
import { grossPay, withholding, type SalaryStep } from './payroll-calculation';
import { PayrollRun, PayrollRunStatus, Payslip } from './payroll.entity';
import { daysBetween } from '../common/calendar-dates';
import type { RequestScope } from '../common/scope';
import type { EmployeeDocumentsService } from './employee-documents.service';

const MAX_PERIOD_DAYS = 366;

/** Payroll: draft runs with a payslip per employee, posted to the ledger once. */
export class PayrollService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly documents: EmployeeDocumentsService,
    private readonly withholdingBasisPoints: number,
  ) {}

  async run(
    { em }: RequestScope,
    viewer: Viewer,
    input: { periodStart: string; periodEnd: string; idempotencyKey?: string | null },
  ): Promise<{ payrollRun: PayrollRun }> {
    const { periodStart, periodEnd } = input;
    if (!isCalendarDate(periodStart))
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Not a calendar date', [
        'input',
        'periodStart',
      ]);
    if (!isCalendarDate(periodEnd) || periodEnd < periodStart) {
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        'The period ends on or after it starts',
        ['input', 'periodEnd'],
      );
    }
    if (daysBetween(periodStart, periodEnd) >= MAX_PERIOD_DAYS) {
      throw new BusinessRuleError(
        UserErrorCode.INVALID_INPUT,
        `A period is at most ${MAX_PERIOD_DAYS} days`,
        ['input', 'periodEnd'],
      );
    }
    const key = input.idempotencyKey ?? null;
    return inTransaction(em, async (tx) => {
      if (key !== null) {
        const claim = await claimIdempotencyKey(
          tx,
          'runPayroll',
          key,
          requestHash({ periodStart, periodEnd }),
        );
        if (!claim.fresh)
          return { payrollRun: await tx.findOneOrFail(PayrollRun, { id: Number(claim.resultId) }) };
      }
      await this.serialise(tx);
      await this.refuseOverlapWithPosted(tx, periodStart, periodEnd, null);
      const employees = await tx.find(
        Employee,
        {
          hireDate: { $lte: periodEnd },
          $or: [{ terminationDate: null }, { terminationDate: { $gte: periodStart } }],
        },
        { orderBy: { id: 'asc' } },
      );
      const salaries = await this.salarySteps(
        tx,
        employees.map((e) => e.id),
      );
      const run = tx.create(PayrollRun, {
        periodStart,
        periodEnd,
        withholdingRateBp: this.withholdingBasisPoints,
        totalGrossMinor: 0n,
        totalWithholdingMinor: 0n,
        totalNetMinor: 0n,
        createdById: viewer.employeeId,
      });
      for (const employee of employees) {
        const { grossMinor, daysWorked } = grossPay(
          periodStart,
          periodEnd,
          employee,
          salaries.get(employee.id) ?? [],
        );
        if (grossMinor === 0n) continue;
        const withheld = withholding(grossMinor, this.withholdingBasisPoints);
        tx.create(Payslip, {
          run,
          employee,
          daysWorked,
          grossMinor,
          withholdingMinor: withheld,
          netMinor: grossMinor - withheld,
        });
        run.totalGrossMinor += grossMinor;
        run.totalWithholdingMinor += withheld;
        run.totalNetMinor += grossMinor - withheld;
      }
      await tx.flush();
      if (key !== null) await completeIdempotencyKey(tx, 'runPayroll', key, run.id);
      await recordEvent(tx, {
        streamType: 'PayrollRun',
        streamId: run.id,
        type: 'DRAFTED',
        payload: { periodStart, periodEnd },
        actorId: viewer.employeeId,
      });
      return { payrollRun: run };
    });
  }

  /**
   * Posts a draft run: Dr 6000 gross / Cr 2100 withholding / Cr 2110 net pay clearing, dated the
   * period's last day. Net pay leaves clearing when a payment file settles (PaymentFileService).
   */
  async post(
    { em }: RequestScope,
    viewer: Viewer,
    runId: number,
  ): Promise<{ payrollRun: PayrollRun }> {
    return inTransaction(em, async (tx) => {
      await this.serialise(tx);
      const run = await tx.findOne(
        PayrollRun,
        { id: runId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!run)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such payroll run', [
          'input',
          'payrollRunId',
        ]);
      if (run.status === PayrollRunStatus.POSTED) {
        throw new BusinessRuleError(
          UserErrorCode.ALREADY_POSTED,
          'This payroll run was already posted',
          ['input', 'payrollRunId'],
        );
      }
      await this.refuseOverlapWithPosted(tx, run.periodStart, run.periodEnd, run.id);
      if (run.totalGrossMinor === 0n) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          'The run pays nobody: nothing to post',
          ['input', 'payrollRunId'],
        );
      }
      const [salaries, liabilities, clearing] = await this.ledger.accountIdsOf(tx, [
        StandardAccount.SALARIES_EXPENSE,
        StandardAccount.PAYROLL_LIABILITIES,
        StandardAccount.NET_PAY_CLEARING,
      ]);
      const lines = [
        { accountId: salaries, debitMinor: run.totalGrossMinor, creditMinor: 0n },
        ...(run.totalWithholdingMinor > 0n
          ? [{ accountId: liabilities, debitMinor: 0n, creditMinor: run.totalWithholdingMinor }]
          : []),
        { accountId: clearing, debitMinor: 0n, creditMinor: run.totalNetMinor },
      ];
      run.status = PayrollRunStatus.POSTED;
      run.postedAt = new Date();
      await recordEvent(tx, {
        streamType: 'PayrollRun',
        streamId: run.id,
        type: 'POSTED',
        payload: { periodStart: run.periodStart, periodEnd: run.periodEnd },
        actorId: viewer.employeeId,
      });
      await tx.flush();
      const entry = await this.ledger.post(tx, {
        date: run.periodEnd,
        memo: `Payroll ${run.periodStart} to ${run.periodEnd}`,
        source: 'PAYROLL',
        actorId: viewer.employeeId,
        lines,
      });
      run.journalEntryId = entry.id;
      await this.documents.payslipsPosted(tx, run.id);
      return { payrollRun: run };
    });
  }

  /** Payroll runs queue behind each other, so two posts of overlapping periods cannot both pass. */
  private async serialise(tx: EntityManager): Promise<void> {
    await tx.execute("SELECT pg_advisory_xact_lock(hashtext('payroll'))");
  }

  private async refuseOverlapWithPosted(
    tx: EntityManager,
    start: string,
    end: string,
    exceptId: number | null,
  ): Promise<void> {
    const overlapping = await tx.findOne(PayrollRun, {
      status: PayrollRunStatus.POSTED,
      periodStart: { $lte: end },
      periodEnd: { $gte: start },
      ...(exceptId === null ? {} : { id: { $ne: exceptId } }),
    });
    if (overlapping) {
      throw new BusinessRuleError(
        UserErrorCode.PAYROLL_PERIOD_OVERLAP,
        `A posted payroll already covers ${overlapping.periodStart} to ${overlapping.periodEnd}`,
        ['input', 'periodStart'],
      );
    }
  }

  private async salarySteps(
    tx: EntityManager,
    employeeIds: number[],
  ): Promise<Map<number, SalaryStep[]>> {
    const steps = new Map<number, SalaryStep[]>();
    if (employeeIds.length === 0) return steps;
    const rows = await tx.execute<
      { employee_id: string; effective_from: string; annual_salary_minor: string }[]
    >(
      `SELECT employee_id, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, annual_salary_minor FROM salary_change
        WHERE employee_id IN (${employeeIds.map(() => '?').join(', ')}) ORDER BY employee_id, effective_from`,
      employeeIds,
    );
    for (const row of rows) {
      const list = steps.get(Number(row.employee_id)) ?? [];
      list.push({
        effectiveFrom: row.effective_from,
        annualMinor: BigInt(row.annual_salary_minor),
      });
      steps.set(Number(row.employee_id), list);
    }
    return steps;
  }
}
