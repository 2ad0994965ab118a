import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimIdempotencyKey, completeIdempotencyKey, requestHash } from '../../db/idempotency';
import { runSql } from '../../db/sql';
import { inTransaction, isUniqueViolation } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import { isCalendarDate } from '../../graphql/scalars';
import type { Clock } from '../common/clock';
import { BusinessRuleError, refuse, UserErrorCode } from '../common/errors';
import { integerInRange, nonNegativeAmount, requiredText } from '../common/input-rules';
import { parseMinorUnits } from '../common/money';
import type { RequestScope } from '../common/scope';
import type { Viewer } from '../common/viewer';
import type { CustomerService } from '../customers/customer.service';
import type { Invoice } from '../ledger/receivables.entity';
import { posting } from '../ledger/ledger.service';
import type { ReceivablesService } from '../ledger/receivables.service';
import {
  CustomerDunningPolicy,
  DunningLevel,
  DunningNotice,
  DunningNoticeLine,
  DunningPolicy,
  InvoiceDunning,
  type InterestSegment,
} from './collections.entity';
import { daysBetween } from '../common/calendar-dates';
import { interestOver, type AppliedPayment } from './interest';

/** Called in the transaction that writes a notice (the notice mailer enqueues its job). */
export interface NoticeIssuedListener {
  noticeIssued(tx: EntityManager, noticeId: number): Promise<void>;
}

/** A level as a client sends it. */
export interface DunningLevelDraft {
  level: number;
  daysOverdue: number;
  fee: string;
  annualInterestRate: string;
  letterText: string;
}

/** At most this many levels per policy. */
const MAX_LEVELS = 10;
/** A yearly rate above 100.00% is a typo, not a policy. */
const MAX_RATE_BASIS_POINTS = 10_000;

/** Advisory lock namespaces (`pg_advisory_xact_lock(namespace, key)`). */
const POLICY_LOCK = 0x64756e01;
const CUSTOMER_RUN_LOCK = 0x64756e02;

/** A percentage with at most two decimals ("8.00"), as basis points (800). */
function ratePercent(value: string, field: string[]): number {
  const parsed = parseMinorUnits(value, { allowZero: true });
  if (!parsed.ok)
    refuse(UserErrorCode.INVALID_INPUT, 'A percentage with at most two decimals', field);
  if (parsed.minor > BigInt(MAX_RATE_BASIS_POINTS))
    refuse(UserErrorCode.INVALID_INPUT, 'At most 100.00 percent a year', field);
  return Number(parsed.minor);
}

/** What one invoice gets on a run: the level it is at afterwards, its fee and its interest. */
interface NoticeItem {
  invoice: Invoice;
  state: InvoiceDunning | undefined;
  level: DunningLevel;
  /** True when the invoice reaches `level` on this run (and pays its fee). */
  raises: boolean;
  daysOverdue: number;
  openMinor: bigint;
  feeMinor: bigint;
  interestMinor: bigint;
  segments: InterestSegment[];
  /** The new `interestThrough` (unchanged when no interest was due). */
  interestThrough: string | null;
}

/**
 * The invoices a run looks at (`i`, with its dunning state `d`; values: the day twice): due before
 * the day, not disputed, not a charge invoice, and either unpaid or dunned and paid in full after
 * the day through which interest was charged (its final segment is owed).
 */
const CANDIDATES = `FROM invoice i LEFT JOIN invoice_dunning d ON d.invoice_id = i.id
  WHERE i.due_date < ?::date AND i.issue_date <= ?::date
    AND NOT coalesce(d.disputed, false)
    AND NOT EXISTS (SELECT 1 FROM dunning_notice n WHERE n.charge_invoice_id = i.id)
    AND (i.status <> 'PAID'
         OR (coalesce(d.level, 0) > 0
             AND coalesce(d.interest_through, i.due_date) <
                 (SELECT max(a.applied_on) FROM payment_allocation a WHERE a.invoice_id = i.id)))`;

interface CandidateRow {
  id: string;
}

interface AllocationRow {
  invoice_id: string;
  applied_on: string;
  amount_minor: string;
}

/**
 * Collections: dunning policies, disputes, the dunning run and waivers. The rules a maintainer
 * must keep:
 * - an invoice's dunning level only goes up, and a level's fee is charged when the invoice
 *   reaches it, so never twice;
 * - interest is charged once per day of lateness: `interestThrough` moves to the day charged to,
 *   including the final segment up to the day an invoice that was dunned is paid in full;
 * - one notice per customer, level and day (a unique constraint); a run takes each customer's
 *   advisory lock, then their invoices' row locks in id order (as `recordPayment` does), so
 *   concurrent runs serialize per customer and the later one finds nothing more to do;
 * - charges are billed on a charge invoice (ReceivablesService.issueChargeInvoice), which is
 *   itself never dunned, and are taken back only by `waiveDunningCharges`.
 */
export class CollectionsService {
  private issuedListener: NoticeIssuedListener | undefined;

  constructor(
    private readonly receivables: ReceivablesService,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
  ) {}

  /** The notice mailer registers here (a job enqueued in the run's transaction). */
  onNoticeIssued(listener: NoticeIssuedListener): void {
    this.issuedListener = listener;
  }

  /** Creates a policy, or replaces one's name, default flag and levels. */
  async setDunningPolicy(
    { em }: RequestScope,
    viewer: Viewer,
    input: { id?: number | null; name: string; isDefault: boolean; levels: DunningLevelDraft[] },
  ): Promise<DunningPolicy> {
    const name = requiredText(input.name, ['input', 'name'], 200);
    if (input.levels.length === 0 || input.levels.length > MAX_LEVELS)
      refuse(UserErrorCode.INVALID_INPUT, `A policy has 1 to ${MAX_LEVELS} levels`, [
        'input',
        'levels',
      ]);
    const levels = input.levels.map((draft, index) => {
      const field = (name: string) => ['input', 'levels', String(index), name];
      return {
        level: integerInRange(draft.level, field('level'), 1, MAX_LEVELS),
        daysOverdue: integerInRange(draft.daysOverdue, field('daysOverdue'), 1, 3650),
        feeMinor: nonNegativeAmount(draft.fee, field('fee')),
        interestBasisPoints: ratePercent(draft.annualInterestRate, field('annualInterestRate')),
        letterText: requiredText(draft.letterText, field('letterText'), 5000),
      };
    });
    levels.forEach((level, index) => {
      if (index === 0) return;
      const before = levels[index - 1];
      if (level.level <= before.level)
        refuse(UserErrorCode.INVALID_INPUT, 'Levels are listed in increasing order', [
          'input',
          'levels',
          String(index),
          'level',
        ]);
      if (level.daysOverdue <= before.daysOverdue)
        refuse(
          UserErrorCode.INVALID_INPUT,
          'Each level needs more days overdue than the level before it',
          ['input', 'levels', String(index), 'daysOverdue'],
        );
    });
    const taken = () =>
      new BusinessRuleError(UserErrorCode.NAME_TAKEN, `A dunning policy named ${name} exists`, [
        'input',
        'name',
      ]);
    try {
      return await inTransaction(em, async (tx) => {
        // Policy writes take turns, so "one default" is decided on committed rows.
        await runSql(tx, 'SELECT pg_advisory_xact_lock(?::int, 0)', [POLICY_LOCK]);
        const sameName = await tx.count(
          DunningPolicy,
          input.id != null ? { name, id: { $ne: input.id } } : { name },
        );
        if (sameName > 0) throw taken();
        let policy: DunningPolicy;
        if (input.id != null) {
          const found = await tx.findOne(DunningPolicy, { id: input.id });
          if (!found) refuse(UserErrorCode.NOT_FOUND, 'No such dunning policy', ['input', 'id']);
          if (found.isDefault && !input.isDefault)
            refuse(
              UserErrorCode.INVALID_INPUT,
              'This is the default policy: make another policy the default instead',
              ['input', 'isDefault'],
            );
          policy = found;
          policy.name = name;
          policy.updatedAt = this.clock.now();
        } else {
          policy = tx.create(DunningPolicy, { name, isDefault: false });
        }
        if (input.isDefault && !policy.isDefault) {
          await runSql(tx, 'UPDATE dunning_policy SET is_default = false WHERE is_default', []);
          policy.isDefault = true;
        }
        await tx.flush();
        await tx.nativeDelete(DunningLevel, { policy: policy.id });
        for (const level of levels) tx.create(DunningLevel, { ...level, policy });
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'DunningPolicy',
          streamId: policy.id,
          type: input.id != null ? 'UPDATED' : 'CREATED',
          payload: {
            name,
            isDefault: policy.isDefault,
            levels: levels.map((level) => ({
              ...level,
              feeMinor: level.feeMinor.toString(),
              letterText: undefined,
            })),
          },
          actorId: viewer.employeeId,
        });
        return policy;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'dunning_policy_name_unique')) throw taken();
      throw error;
    }
  }

  /** Assigns a customer a policy other than the default (null: back to the default). */
  async setCustomerDunningPolicy(
    { em }: RequestScope,
    viewer: Viewer,
    input: { customerId: number; policyId: number | null },
  ): Promise<void> {
    await inTransaction(em, async (tx) => {
      const customer = await this.customers.requireExisting(tx, input.customerId, [
        'input',
        'customerId',
      ]);
      if (input.policyId !== null && !(await tx.count(DunningPolicy, { id: input.policyId })))
        refuse(UserErrorCode.NOT_FOUND, 'No such dunning policy', ['input', 'policyId']);
      await runSql(tx, 'DELETE FROM customer_dunning_policy WHERE customer_id = ?', [customer.id]);
      if (input.policyId !== null)
        await runSql(
          tx,
          'INSERT INTO customer_dunning_policy (customer_id, policy_id) VALUES (?, ?)',
          [customer.id, input.policyId],
        );
      await recordEvent(tx, {
        streamType: 'Customer',
        streamId: customer.id,
        type: 'DUNNING_POLICY_SET',
        payload: { policyId: input.policyId },
        actorId: viewer.employeeId,
      });
    });
  }

  /** Marks an invoice disputed (with a reason) or no longer disputed; dunning skips it meanwhile. */
  async setInvoiceDisputed(
    { em }: RequestScope,
    viewer: Viewer,
    input: { invoiceId: number; disputed: boolean; reason?: string | null },
  ): Promise<Invoice> {
    const reason = input.disputed
      ? requiredText(input.reason ?? '', ['input', 'reason'], 1000)
      : (input.reason ?? '').trim() || null;
    return inTransaction(em, async (tx) => {
      // The invoice's row lock orders this with a dunning run and with payments.
      const [invoice] = await this.receivables.lockInvoices(tx, [input.invoiceId]);
      if (!invoice) refuse(UserErrorCode.NOT_FOUND, 'No such invoice', ['input', 'invoiceId']);
      const state =
        (await tx.findOne(InvoiceDunning, { invoice: invoice.id })) ??
        tx.create(InvoiceDunning, { invoice });
      state.disputed = input.disputed;
      state.disputeReason = input.disputed ? reason : null;
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'Invoice',
        streamId: invoice.id,
        type: input.disputed ? 'DISPUTED' : 'DISPUTE_RESOLVED',
        payload: { number: invoice.number, reason },
        actorId: viewer.employeeId,
      });
      return invoice;
    });
  }

  /**
   * The dunning run for a day, in one transaction: a notice per customer and level reached (see
   * the class comment). `actorId` is null for the daily job. Answers the notices written; a
   * repeat of an idempotency key answers the notices its first run wrote.
   */
  async runDunning(
    { em }: RequestScope,
    actorId: number | null,
    input: { asOf: string; idempotencyKey?: string | null },
  ): Promise<DunningNotice[]> {
    if (!isCalendarDate(input.asOf))
      refuse(UserErrorCode.INVALID_INPUT, 'Not a calendar date', ['input', 'asOf']);
    const key = input.idempotencyKey ?? null;
    return inTransaction(em, async (tx) => {
      if (key !== null) {
        const claim = await claimIdempotencyKey(
          tx,
          'runDunning',
          key,
          requestHash({ asOf: input.asOf }),
        );
        if (!claim.fresh) {
          const ids = JSON.parse(claim.resultId) as number[];
          return tx.find(DunningNotice, { id: { $in: ids } }, { orderBy: { id: 'asc' } });
        }
      }
      const customers = await runSql<CandidateRow>(
        tx,
        `SELECT DISTINCT i.customer_id AS id ${CANDIDATES} ORDER BY 1`,
        [input.asOf, input.asOf],
      );
      const notices: DunningNotice[] = [];
      for (const row of customers)
        notices.push(...(await this.dunCustomer(tx, Number(row.id), input.asOf, actorId)));
      if (key !== null)
        await completeIdempotencyKey(
          tx,
          'runDunning',
          key,
          JSON.stringify(notices.map((notice) => notice.id)),
        );
      return notices;
    });
  }

  /** The policy that duns a customer: theirs, or the default (undefined: none). */
  private async policyOf(tx: EntityManager, customerId: number): Promise<DunningPolicy | null> {
    const assigned = await tx.findOne(
      CustomerDunningPolicy,
      { customer: customerId },
      { populate: ['policy'] },
    );
    return assigned?.policy ?? (await tx.findOne(DunningPolicy, { isDefault: true }));
  }

  private async dunCustomer(
    tx: EntityManager,
    customerId: number,
    asOf: string,
    actorId: number | null,
  ): Promise<DunningNotice[]> {
    // Keys past 2^31 share a lock with another customer: they only take turns more often.
    await runSql(tx, 'SELECT pg_advisory_xact_lock(?::int, (?::bigint % 2147483647)::int)', [
      CUSTOMER_RUN_LOCK,
      customerId,
    ]);
    const policy = await this.policyOf(tx, customerId);
    if (!policy) return [];
    const levels = await tx.find(
      DunningLevel,
      { policy: policy.id },
      { orderBy: { level: 'asc' } },
    );
    if (levels.length === 0) return [];
    // Read after the lock: a run that held it before has committed what it charged.
    const ids = await runSql<CandidateRow>(
      tx,
      `SELECT i.id ${CANDIDATES} AND i.customer_id = ? ORDER BY i.id`,
      [asOf, asOf, customerId],
    );
    if (ids.length === 0) return [];
    const invoices = await this.receivables.lockInvoices(
      tx,
      ids.map((row) => Number(row.id)),
    );
    const states = new Map(
      (
        await tx.find(
          InvoiceDunning,
          { invoice: { $in: invoices.map((i) => i.id) } },
          { refresh: true },
        )
      ).map((state) => [state.invoice.id, state]),
    );
    const payments = new Map<number, AppliedPayment[]>();
    for (const row of await runSql<AllocationRow>(
      tx,
      `SELECT invoice_id, to_char(applied_on, 'YYYY-MM-DD') AS applied_on, amount_minor
         FROM payment_allocation WHERE invoice_id = ANY(?) AND applied_on <= ?::date`,
      [invoices.map((i) => i.id), asOf],
    )) {
      const id = Number(row.invoice_id);
      payments.set(id, [
        ...(payments.get(id) ?? []),
        { appliedOn: row.applied_on, amountMinor: BigInt(row.amount_minor) },
      ]);
    }
    const items: NoticeItem[] = [];
    for (const invoice of invoices) {
      const item = this.itemFor(
        invoice,
        states.get(invoice.id),
        payments.get(invoice.id) ?? [],
        levels,
        asOf,
      );
      if (item) items.push(item);
      else this.closeIfPaid(invoice, states.get(invoice.id), payments.get(invoice.id) ?? []);
    }
    const notices: DunningNotice[] = [];
    for (const level of levels) {
      const group = items.filter((item) => item.level.level === level.level);
      if (group.length === 0) continue;
      // Already a notice at this level today: what is left waits for tomorrow's run.
      if (await tx.count(DunningNotice, { customer: customerId, level: level.level, asOf }))
        continue;
      notices.push(await this.writeNotice(tx, customerId, policy, level, group, asOf, actorId));
    }
    await tx.flush();
    return notices;
  }

  /**
   * A dunned invoice paid in full with no interest left to charge (a level without interest):
   * marked charged through its payment day, so runs stop looking at it.
   */
  private closeIfPaid(
    invoice: Invoice,
    state: InvoiceDunning | undefined,
    payments: AppliedPayment[],
  ): void {
    const paidMinor = payments.reduce((sum, payment) => sum + payment.amountMinor, 0n);
    const paidOn = payments
      .map((payment) => payment.appliedOn)
      .sort()
      .pop();
    if (!state || state.level === 0 || paidMinor < invoice.totalMinor || !paidOn) return;
    if (state.interestThrough === null || state.interestThrough < paidOn)
      state.interestThrough = paidOn;
  }

  /** What a run charges one invoice, or undefined when nothing is due on it. */
  private itemFor(
    invoice: Invoice,
    state: InvoiceDunning | undefined,
    payments: AppliedPayment[],
    levels: DunningLevel[],
    asOf: string,
  ): NoticeItem | undefined {
    const current = state?.level ?? 0;
    const paidMinor = payments.reduce((sum, payment) => sum + payment.amountMinor, 0n);
    const openMinor = invoice.totalMinor - paidMinor;
    const from = state?.interestThrough ?? invoice.dueDate;
    const daysOverdue = daysBetween(invoice.dueDate, asOf);
    if (openMinor > 0n) {
      const reached = levels.filter((level) => level.daysOverdue <= daysOverdue).pop();
      // Levels only go up: nothing happens until the invoice passes a higher one.
      if (!reached || reached.level <= current) return undefined;
      const { segments, interestMinor } = interestOver(
        invoice.totalMinor,
        payments,
        from,
        asOf,
        reached.interestBasisPoints,
      );
      return {
        invoice,
        state,
        level: reached,
        raises: true,
        daysOverdue,
        openMinor,
        feeMinor: reached.feeMinor,
        interestMinor,
        segments,
        interestThrough: interestMinor > 0n ? asOf : (state?.interestThrough ?? null),
      };
    }
    // Paid in full after it was dunned: the final segment up to the day it was paid.
    if (current === 0) return undefined;
    const level = levels.find((candidate) => candidate.level === current);
    const paidOn = payments
      .map((payment) => payment.appliedOn)
      .sort()
      .pop();
    if (!level || !paidOn || paidOn <= from) return undefined;
    const { segments, interestMinor } = interestOver(
      invoice.totalMinor,
      payments,
      from,
      paidOn,
      level.interestBasisPoints,
    );
    if (interestMinor === 0n) return undefined;
    return {
      invoice,
      state,
      level,
      raises: false,
      daysOverdue: daysBetween(invoice.dueDate, paidOn),
      openMinor,
      feeMinor: 0n,
      interestMinor,
      segments,
      interestThrough: paidOn,
    };
  }

  private async writeNotice(
    tx: EntityManager,
    customerId: number,
    policy: DunningPolicy,
    level: DunningLevel,
    items: NoticeItem[],
    asOf: string,
    actorId: number | null,
  ): Promise<DunningNotice> {
    const feeMinor = items.reduce((sum, item) => sum + item.feeMinor, 0n);
    const interestMinor = items.reduce((sum, item) => sum + item.interestMinor, 0n);
    const chargeInvoice =
      feeMinor + interestMinor > 0n
        ? await posting(['input', 'asOf'], () =>
            this.receivables.issueChargeInvoice(tx, {
              customerId,
              amountMinor: feeMinor + interestMinor,
              date: asOf,
              memo: `dunning level ${level.level} of ${asOf}: fees and interest on ${items
                .map((item) => item.invoice.number)
                .join(', ')}`,
              actorId,
            }),
          )
        : null;
    const notice = tx.create(DunningNotice, {
      customer: customerId,
      policy,
      level: level.level,
      asOf,
      feeMinor,
      interestMinor,
      letterText: level.letterText,
      chargeInvoice,
      createdById: actorId,
      createdAt: this.clock.now(),
    });
    for (const item of items) {
      tx.create(DunningNoticeLine, {
        notice,
        invoice: item.invoice,
        daysOverdue: item.daysOverdue,
        openMinor: item.openMinor,
        feeMinor: item.feeMinor,
        interestMinor: item.interestMinor,
        interestBasisPoints: item.level.interestBasisPoints,
        segments: item.segments,
      });
      const state = item.state ?? tx.create(InvoiceDunning, { invoice: item.invoice });
      if (item.raises) state.level = item.level.level;
      state.interestThrough = item.interestThrough;
    }
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'DunningNotice',
      streamId: notice.id,
      type: 'ISSUED',
      payload: {
        customerId,
        level: level.level,
        asOf,
        fee: feeMinor.toString(),
        interest: interestMinor.toString(),
        invoices: items.map((item) => item.invoice.number),
        chargeInvoiceId: chargeInvoice?.id ?? null,
      },
      actorId,
    });
    await this.issuedListener?.noticeIssued(tx, notice.id);
    return notice;
  }

  /**
   * Waives a notice's charges: reverses what is still open on its charge invoice (Dr 4900 /
   * Cr AR) and settles it, recording who, when and why. Refused when already waived, when the
   * notice charged nothing, or when its charges were paid.
   */
  async waiveDunningCharges(
    { em }: RequestScope,
    viewer: Viewer,
    input: { noticeId: number; reason: string },
  ): Promise<DunningNotice> {
    const reason = requiredText(input.reason, ['input', 'reason'], 1000);
    return inTransaction(em, async (tx) => {
      const notice = await tx.findOne(
        DunningNotice,
        { id: input.noticeId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!notice) refuse(UserErrorCode.NOT_FOUND, 'No such dunning notice', ['input', 'noticeId']);
      if (notice.waivedAt)
        refuse(UserErrorCode.INVALID_TRANSITION, "The notice's charges were waived already", [
          'input',
          'noticeId',
        ]);
      if (!notice.chargeInvoice)
        refuse(UserErrorCode.INVALID_TRANSITION, 'The notice charged no fee or interest', [
          'input',
          'noticeId',
        ]);
      const now = this.clock.now();
      const invoiceId = notice.chargeInvoice.id;
      const waivedMinor = await posting(['input', 'noticeId'], () =>
        this.receivables.waiveChargeInvoice(tx, {
          invoiceId,
          date: now.toISOString().slice(0, 10),
          reason,
          actorId: viewer.employeeId,
        }),
      );
      if (waivedMinor === 0n)
        refuse(UserErrorCode.INVALID_TRANSITION, "The notice's charges are paid: nothing is open", [
          'input',
          'noticeId',
        ]);
      notice.waivedAt = now;
      notice.waivedById = viewer.employeeId;
      notice.waiveReason = reason;
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'DunningNotice',
        streamId: notice.id,
        type: 'WAIVED',
        payload: { amount: waivedMinor.toString(), reason },
        actorId: viewer.employeeId,
      });
      return notice;
    });
  }
}
