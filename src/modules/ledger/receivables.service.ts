import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimIdempotencyKey, completeIdempotencyKey, requestHash } from '../../db/idempotency';
import { inTransaction, isUniqueViolation } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { Viewer } from '../common/viewer';
import { isCalendarDate } from '../../graphql/scalars';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import {
  emailAddress,
  integerInRange,
  nonNegativeAmount,
  optionalText,
  percentage,
  positiveAmount,
  requiredText,
} from '../common/input-rules';
import type { CustomerService } from '../customers/customer.service';
import type { Order, OrderLine } from '../orders/order.entity';
import type { ShipmentListener } from '../orders/order.service';
import { Account } from './ledger.entity';
import { addDays, today } from '../common/calendar-dates';
import { StandardAccount, type LedgerService, type PostingLine } from './ledger.service';
import {
  Bill,
  BillPayment,
  Invoice,
  Payment,
  PaymentAllocation,
  SettlementStatus,
  Vendor,
} from './receivables.entity';
import { runKeyedSql } from '../../db/sql';
import { BillMatchStatus } from './bill-match';
import type { RequestScope } from '../common/scope';
import { formatMinorUnits, percentFromBasisPoints } from '../common/money';
import type { InvoiceIssuedListener } from './invoice-sending';

export interface AgingRow {
  partyId: number;
  currentMinor: bigint;
  days1to30Minor: bigint;
  days31to60Minor: bigint;
  days61to90Minor: bigint;
  over90Minor: bigint;
  totalMinor: bigint;
}

interface AgingSqlRow {
  party_id: string;
  current: string;
  d1_30: string;
  d31_60: string;
  d61_90: string;
  over_90: string;
  total: string;
}

function settlementStatus(paid: bigint, total: bigint): SettlementStatus {
  if (paid === 0n) return SettlementStatus.OPEN;
  return paid >= total ? SettlementStatus.PAID : SettlementStatus.PARTIALLY_PAID;
}

function postingDate(date: string | null | undefined, field: string[]): string {
  if (date == null) return today();
  if (!isCalendarDate(date))
    throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Not a calendar date', field);
  return date;
}

/**
 * Buckets outstanding amounts by days past due as of a date. `documents` yields, per party, each
 * document's due date and what is still open on it as of that date.
 */
function agingSql(documents: string): string {
  return `
    WITH open_docs AS (${documents})
    SELECT party_id,
           sum(CASE WHEN ?::date - due_date <= 0 THEN outstanding ELSE 0 END) AS current,
           sum(CASE WHEN ?::date - due_date BETWEEN 1 AND 30 THEN outstanding ELSE 0 END) AS d1_30,
           sum(CASE WHEN ?::date - due_date BETWEEN 31 AND 60 THEN outstanding ELSE 0 END) AS d31_60,
           sum(CASE WHEN ?::date - due_date BETWEEN 61 AND 90 THEN outstanding ELSE 0 END) AS d61_90,
           sum(CASE WHEN ?::date - due_date > 90 THEN outstanding ELSE 0 END) AS over_90,
           sum(outstanding) AS total
      FROM open_docs WHERE outstanding > 0
     GROUP BY party_id ORDER BY party_id`;
}

/** Runs the aging query with every placeholder bound to the as-of date. */
async function agingAsOf(em: EntityManager, documents: string, asOf: string): Promise<AgingRow[]> {
  const sql = agingSql(documents);
  const params = Array.from({ length: sql.split('?').length - 1 }, () => asOf);
  return toAgingRows(await em.execute<AgingSqlRow[]>(sql, params));
}

function toAgingRows(rows: AgingSqlRow[]): AgingRow[] {
  return rows.map((row) => ({
    partyId: Number(row.party_id),
    currentMinor: BigInt(row.current),
    days1to30Minor: BigInt(row.d1_30),
    days31to60Minor: BigInt(row.d31_60),
    days61to90Minor: BigInt(row.d61_90),
    over90Minor: BigInt(row.over_90),
    totalMinor: BigInt(row.total),
  }));
}

/** A vendor's terms as clients send them: each optional (unchanged or the default when omitted). */
export interface VendorTermsInput {
  email?: string | null;
  paymentTermsDays?: number | null;
  /** Percentages with at most two decimals, such as "10.00". */
  receiptTolerancePercent?: string | null;
  priceTolerancePercent?: string | null;
  /** A Decimal amount, such as "5.00". */
  priceToleranceAmount?: string | null;
}

const vendorField = (name: string) => ['input', name];

function vendorNameTaken(name: string): BusinessRuleError {
  return new BusinessRuleError(
    UserErrorCode.NAME_TAKEN,
    `A vendor named ${name} exists`,
    vendorField('name'),
  );
}

/** The terms given, checked and in the vendor's units (basis points, minor units). */
function vendorTerms(
  input: VendorTermsInput,
): Partial<
  Pick<
    Vendor,
    | 'paymentTermsDays'
    | 'receiptToleranceBasisPoints'
    | 'priceToleranceBasisPoints'
    | 'priceToleranceAmountMinor'
  >
> {
  return {
    ...(input.paymentTermsDays != null && {
      paymentTermsDays: integerInRange(
        input.paymentTermsDays,
        vendorField('paymentTermsDays'),
        0,
        365,
      ),
    }),
    ...(input.receiptTolerancePercent != null && {
      receiptToleranceBasisPoints: percentage(
        input.receiptTolerancePercent,
        vendorField('receiptTolerancePercent'),
      ),
    }),
    ...(input.priceTolerancePercent != null && {
      priceToleranceBasisPoints: percentage(
        input.priceTolerancePercent,
        vendorField('priceTolerancePercent'),
      ),
    }),
    ...(input.priceToleranceAmount != null && {
      priceToleranceAmountMinor: nonNegativeAmount(
        input.priceToleranceAmount,
        vendorField('priceToleranceAmount'),
      ),
    }),
  };
}

/** A vendor's terms as events record them (percentages and amounts as decimal strings). */
function vendorTermsPayload(vendor: Vendor) {
  return {
    paymentTermsDays: vendor.paymentTermsDays,
    receiptTolerancePercent: percentFromBasisPoints(vendor.receiptToleranceBasisPoints),
    priceTolerancePercent: percentFromBasisPoints(vendor.priceToleranceBasisPoints),
    priceToleranceAmount: formatMinorUnits(vendor.priceToleranceAmountMinor),
  };
}

/** Receivables (invoices, customer payments) and payables (vendors, bills), posted through the ledger. */
export class ReceivablesService implements ShipmentListener {
  private issuedListener: InvoiceIssuedListener | undefined;

  constructor(
    private readonly ledger: LedgerService,
    private readonly customers: CustomerService,
  ) {}

  /** Billing registers here to mail each invoice (a job enqueued in the issuing transaction). */
  onInvoiceIssued(listener: InvoiceIssuedListener): void {
    this.issuedListener = listener;
  }

  /** Shipping issues the invoice and posts revenue and cost of goods sold, in the shipping transaction. */
  async orderShipped(
    tx: EntityManager,
    order: Order,
    lines: OrderLine[],
    actorId: number,
  ): Promise<void> {
    const customer = await this.customers.requireExisting(tx, order.customer.id, [
      'input',
      'orderId',
    ]);
    const issueDate = today();
    const number = await this.ledger.nextNumber(tx, 'invoice', 'INV');
    const costMinor = lines.reduce(
      (sum, line) => sum + line.unitCostMinor * BigInt(line.quantity),
      0n,
    );
    const [ar, revenue, cogs, inventory] = await this.ledger.accountIdsOf(tx, [
      StandardAccount.ACCOUNTS_RECEIVABLE,
      StandardAccount.SALES_REVENUE,
      StandardAccount.COST_OF_GOODS_SOLD,
      StandardAccount.INVENTORY,
    ]);
    const entry = await this.ledger.post(tx, {
      date: issueDate,
      memo: `Invoice ${number} for order ${order.number}`,
      source: 'INVOICE',
      actorId,
      lines: [
        { accountId: ar, debitMinor: order.totalMinor, creditMinor: 0n, customerId: customer.id },
        { accountId: revenue, debitMinor: 0n, creditMinor: order.totalMinor },
        ...(costMinor > 0n
          ? [
              { accountId: cogs, debitMinor: costMinor, creditMinor: 0n },
              { accountId: inventory, debitMinor: 0n, creditMinor: costMinor },
            ]
          : []),
      ],
    });
    const invoice = tx.create(Invoice, {
      number,
      customer: customer.id,
      orderId: order.id,
      totalMinor: order.totalMinor,
      issueDate,
      dueDate: addDays(issueDate, customer.paymentTermsDays),
      journalEntryId: entry.id,
    });
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Invoice',
      streamId: invoice.id,
      type: 'ISSUED',
      payload: {
        number,
        orderId: order.id,
        customerId: customer.id,
        total: order.totalMinor.toString(),
      },
      actorId,
    });
    await this.issuedListener?.invoiceIssued(tx, invoice.id);
  }

  /** Records a customer's payment (Dr Cash / Cr AR) and applies it to their oldest open invoices. */
  async recordPayment(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      customerId: number;
      amount: string;
      idempotencyKey?: string | null;
      date?: string | null;
      reference?: string | null;
    },
  ): Promise<{ payment: Payment; invoices: Invoice[] }> {
    const amountMinor = positiveAmount(input.amount, ['input', 'amount']);
    const receivedOn = postingDate(input.date, ['input', 'date']);
    const reference = optionalText(input.reference, ['input', 'reference'], 200);
    const key = input.idempotencyKey ?? null;
    return inTransaction(em, async (tx) => {
      if (key !== null) {
        const claim = await claimIdempotencyKey(
          tx,
          'recordPayment',
          key,
          requestHash({ ...input, amountMinor, receivedOn }),
        );
        if (!claim.fresh) {
          const payment = await tx.findOneOrFail(Payment, { id: Number(claim.resultId) });
          const allocations = await tx.find(
            PaymentAllocation,
            { payment: payment.id },
            { populate: ['invoice'] },
          );
          return { payment, invoices: allocations.map((a) => a.invoice) };
        }
      }
      const { payment, invoices } = await this.receivePayment(tx, {
        customerId: input.customerId,
        amountMinor,
        receivedOn,
        reference,
        cashAccountId: null,
        allocations: null,
        actorId: viewer.employeeId,
      });
      if (key !== null) await completeIdempotencyKey(tx, 'recordPayment', key, payment.id);
      return { payment, invoices };
    });
  }

  /** Whose each invoice is: invoice id → customer id (unknown ids are left out). */
  async customersOfInvoices(
    em: EntityManager,
    invoiceIds: readonly number[],
  ): Promise<Map<number, number>> {
    const rows = await runKeyedSql<{ id: string; customer_id: string }>(
      em,
      'SELECT id, customer_id FROM invoice WHERE id = ANY(?)',
      [invoiceIds],
    );
    return new Map(rows.map((row) => [Number(row.id), Number(row.customer_id)]));
  }

  /**
   * The one path by which a customer's money is received, in the caller's transaction:
   * Dr the cash account / Cr Accounts Receivable, applied to the given invoices (bank
   * reconciliation) or, when none are given, to the customer's oldest open invoices
   * (`recordPayment`). Refuses paying more than is open (`OVERPAYMENT`).
   */
  async receivePayment(
    tx: EntityManager,
    receipt: {
      customerId: number;
      amountMinor: bigint;
      receivedOn: string;
      reference: string | null;
      /** The ledger account the money arrived in; 1000 Cash when null. */
      cashAccountId: number | null;
      /** Exact amounts per invoice, summing to `amountMinor`; oldest first when null. */
      allocations: ReadonlyArray<{
        invoiceId: number;
        amountMinor: bigint;
        field: string[];
      }> | null;
      actorId: number | null;
    },
  ): Promise<{ payment: Payment; invoices: Invoice[]; journalEntryId: number }> {
    const { amountMinor, receivedOn, reference } = receipt;
    const customer = await this.customers.requireExisting(tx, receipt.customerId, [
      'input',
      'customerId',
    ]);
    // Lock the invoices it may pay (id order, like every invoice writer) before the accounts: the
    // named ones, or all the customer's open ones when it pays oldest first.
    const open = await tx.find(
      Invoice,
      {
        customer: customer.id,
        status: { $ne: SettlementStatus.PAID },
        ...(receipt.allocations === null
          ? {}
          : { id: { $in: receipt.allocations.map((allocation) => allocation.invoiceId) } }),
      },
      { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const openOf = (invoice: Invoice) => invoice.totalMinor - invoice.amountPaidMinor;
    let plan: Array<{ invoice: Invoice; appliedMinor: bigint }>;
    if (receipt.allocations === null) {
      const owedMinor = open.reduce((sum, invoice) => sum + openOf(invoice), 0n);
      if (amountMinor > owedMinor) {
        throw new BusinessRuleError(
          UserErrorCode.OVERPAYMENT,
          `The customer owes ${owedMinor} cents; the payment is more than that`,
          ['input', 'amount'],
        );
      }
      plan = [];
      let remaining = amountMinor;
      const oldestFirst = [...open].sort(
        (a, b) => a.issueDate.localeCompare(b.issueDate) || a.id - b.id,
      );
      for (const invoice of oldestFirst) {
        if (remaining === 0n) break;
        const applied = remaining < openOf(invoice) ? remaining : openOf(invoice);
        plan.push({ invoice, appliedMinor: applied });
        remaining -= applied;
      }
    } else {
      const byId = new Map(open.map((invoice) => [invoice.id, invoice]));
      const planned = new Map<number, bigint>();
      plan = [];
      for (const allocation of receipt.allocations) {
        const invoice = byId.get(allocation.invoiceId);
        if (!invoice)
          throw new BusinessRuleError(
            UserErrorCode.NOT_FOUND,
            'No open invoice of this customer has that ID (it may be paid already)',
            allocation.field,
          );
        const already = planned.get(invoice.id) ?? 0n;
        if (already + allocation.amountMinor > openOf(invoice))
          throw new BusinessRuleError(
            UserErrorCode.OVERPAYMENT,
            `Only ${formatMinorUnits(openOf(invoice))} is open on invoice ${invoice.number}`,
            allocation.field,
          );
        planned.set(invoice.id, already + allocation.amountMinor);
        plan.push({ invoice, appliedMinor: allocation.amountMinor });
      }
    }
    const cash = receipt.cashAccountId ?? (await this.ledger.accountId(tx, StandardAccount.CASH));
    const ar = await this.ledger.accountId(tx, StandardAccount.ACCOUNTS_RECEIVABLE);
    const entry = await this.ledger.post(tx, {
      date: receivedOn,
      memo: `Payment from ${customer.name}${reference ? ` (${reference})` : ''}`,
      source: 'PAYMENT',
      actorId: receipt.actorId,
      lines: [
        { accountId: cash, debitMinor: amountMinor, creditMinor: 0n },
        { accountId: ar, debitMinor: 0n, creditMinor: amountMinor, customerId: customer.id },
      ],
    });
    const payment = tx.create(Payment, {
      customer: customer.id,
      amountMinor,
      receivedOn,
      reference,
      journalEntryId: entry.id,
      createdById: receipt.actorId,
    });
    const touched: Invoice[] = [];
    for (const { invoice, appliedMinor } of plan) {
      invoice.amountPaidMinor += appliedMinor;
      invoice.status = settlementStatus(invoice.amountPaidMinor, invoice.totalMinor);
      tx.create(PaymentAllocation, {
        payment,
        invoice,
        amountMinor: appliedMinor,
        appliedOn: receivedOn,
      });
      if (!touched.includes(invoice)) touched.push(invoice);
    }
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Customer',
      streamId: customer.id,
      type: 'PAYMENT_RECEIVED',
      payload: {
        paymentId: payment.id,
        amount: amountMinor.toString(),
        invoices: touched.map((i) => i.number),
      },
      actorId: receipt.actorId,
    });
    return { payment, invoices: touched, journalEntryId: entry.id };
  }

  /** What each customer still owes as of a date, by days past due. */
  async arAging({ em }: RequestScope, asOf: string): Promise<AgingRow[]> {
    const documents = `
      SELECT i.customer_id AS party_id, i.due_date,
             i.total_minor - coalesce((SELECT sum(a.amount_minor) FROM payment_allocation a
                                        WHERE a.invoice_id = i.id AND a.applied_on <= ?::date), 0) AS outstanding
        FROM invoice i WHERE i.issue_date <= ?::date`;
    return agingAsOf(em, documents, asOf);
  }

  /** What we still owe each vendor as of a date, by days past due. */
  async apAging({ em }: RequestScope, asOf: string): Promise<AgingRow[]> {
    const documents = `
      SELECT b.vendor_id AS party_id, b.due_date,
             b.amount_minor - coalesce((SELECT sum(p.amount_minor) FROM bill_payment p
                                         WHERE p.bill_id = b.id AND p.paid_on <= ?::date), 0) AS outstanding
        FROM bill b WHERE b.bill_date <= ?::date`;
    return agingAsOf(em, documents, asOf);
  }

  /** What a customer owes: their receivable lines in the ledger (the AR subledger). */
  async customerBalances(
    em: EntityManager,
    customerIds: readonly number[],
  ): Promise<Map<number, bigint>> {
    const ar = await this.ledger.accountId(em, StandardAccount.ACCOUNTS_RECEIVABLE);
    const rows = await runKeyedSql<{ customer_id: string; balance: string }>(
      em,
      `SELECT customer_id, sum(debit_minor) - sum(credit_minor) AS balance FROM journal_line
        WHERE account_id = ? AND customer_id = ANY(?) GROUP BY customer_id`,
      [ar, customerIds],
    );
    return new Map(rows.map((row) => [Number(row.customer_id), BigInt(row.balance)]));
  }

  /** A vendor (its terms), read for another module; null when there is none. */
  findVendor(em: EntityManager, vendorId: number): Promise<Vendor | null> {
    return em.findOne(Vendor, { id: vendorId });
  }

  /** A bill, read for another module (assets bought on it); null when there is none. */
  findBill(em: EntityManager, billId: number): Promise<Bill | null> {
    return em.findOne(Bill, { id: billId });
  }

  /** A bill by id, for a repeated request that answers the bill it made. */
  billById(em: EntityManager, billId: number): Promise<Bill> {
    return em.findOneOrFail(Bill, { id: billId });
  }

  async createVendor(
    { em }: RequestScope,
    viewer: Viewer,
    input: VendorTermsInput & { name: string },
  ): Promise<{ vendor: Vendor }> {
    // Purchasing's tolerances default to 10%, 5% and 5.00; each order copies them when made.
    const name = requiredText(input.name, vendorField('name'), 200);
    const email = input.email ? emailAddress(input.email, vendorField('email')) : null;
    const terms = vendorTerms({
      ...input,
      paymentTermsDays: input.paymentTermsDays ?? 30,
      receiptTolerancePercent: input.receiptTolerancePercent ?? '10.00',
      priceTolerancePercent: input.priceTolerancePercent ?? '5.00',
      priceToleranceAmount: input.priceToleranceAmount ?? '5.00',
    });
    try {
      return await inTransaction(em, async (tx) => {
        if (await tx.count(Vendor, { name })) throw vendorNameTaken(name);
        const vendor = tx.create(Vendor, { name, email, ...terms });
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'Vendor',
          streamId: vendor.id,
          type: 'CREATED',
          payload: { name, email, ...vendorTermsPayload(vendor) },
          actorId: viewer.employeeId,
        });
        return { vendor };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'vendor_name_unique')) throw vendorNameTaken(name);
      throw error;
    }
  }

  /**
   * Changes a vendor's name, address or terms; what is not given stays (`email: null` or "" removes
   * the address). Orders already made keep the tolerances they copied: the change applies to
   * orders made after it. Records UPDATED with each change as `{ from, to }`.
   */
  async updateVendor(
    { em }: RequestScope,
    viewer: Viewer,
    vendorId: number,
    input: VendorTermsInput & { name?: string | null },
  ): Promise<{ vendor: Vendor }> {
    const name =
      input.name == null ? undefined : requiredText(input.name, vendorField('name'), 200);
    const email =
      input.email === undefined
        ? undefined
        : input.email === null || input.email.trim() === ''
          ? null
          : emailAddress(input.email, vendorField('email'));
    const terms = vendorTerms(input);
    try {
      return await inTransaction(em, async (tx) => {
        const vendor = await tx.findOne(
          Vendor,
          { id: vendorId },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (!vendor)
          throw new BusinessRuleError(
            UserErrorCode.NOT_FOUND,
            'No such vendor',
            vendorField('vendorId'),
          );
        if (name !== undefined && name !== vendor.name && (await tx.count(Vendor, { name })))
          throw vendorNameTaken(name);
        const before = { name: vendor.name, email: vendor.email, ...vendorTermsPayload(vendor) };
        if (name !== undefined) vendor.name = name;
        if (email !== undefined) vendor.email = email;
        Object.assign(vendor, terms);
        const after = { name: vendor.name, email: vendor.email, ...vendorTermsPayload(vendor) };
        const changes = Object.fromEntries(
          (Object.keys(after) as (keyof typeof after)[])
            .filter((key) => after[key] !== before[key])
            .map((key) => [key, { from: before[key], to: after[key] }]),
        );
        if (Object.keys(changes).length === 0) return { vendor };
        await tx.flush();
        await recordEvent(tx, {
          streamType: 'Vendor',
          streamId: vendor.id,
          type: 'UPDATED',
          payload: { changes },
          actorId: viewer.employeeId,
        });
        return { vendor };
      });
    } catch (error) {
      if (name !== undefined && isUniqueViolation(error, 'vendor_name_unique'))
        throw vendorNameTaken(name);
      throw error;
    }
  }

  /** Records a vendor's bill: Dr the expense account / Cr accounts payable. */
  async recordBill(
    { em }: RequestScope,
    viewer: Viewer,
    input: {
      vendorId: number;
      expenseAccountId: number;
      amount: string;
      dueDate?: string | null;
      billDate?: string | null;
      memo?: string | null;
      idempotencyKey?: string | null;
    },
  ): Promise<{ bill: Bill }> {
    const amountMinor = positiveAmount(input.amount, ['input', 'amount']);
    const billDate = postingDate(input.billDate, ['input', 'billDate']);
    const memo = optionalText(input.memo, ['input', 'memo'], 1000);
    const key = input.idempotencyKey ?? null;
    return inTransaction(em, async (tx) => {
      if (key !== null) {
        const claim = await claimIdempotencyKey(
          tx,
          'recordBill',
          key,
          requestHash({ ...input, amountMinor, billDate, memo }),
        );
        if (!claim.fresh)
          return { bill: await tx.findOneOrFail(Bill, { id: Number(claim.resultId) }) };
      }
      const expense = await tx.findOne(Account, { id: input.expenseAccountId });
      if (!expense)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such account', [
          'input',
          'expenseAccountId',
        ]);
      const bill = await this.recordBillIn(tx, {
        vendorId: input.vendorId,
        billDate,
        dueDate: input.dueDate ?? null,
        memo,
        debitAccountId: expense.id,
        debits: [{ accountId: expense.id, debitMinor: amountMinor, creditMinor: 0n }],
        actorId: viewer.employeeId,
      });
      if (key !== null) await completeIdempotencyKey(tx, 'recordBill', key, bill.id);
      return { bill };
    });
  }

  /**
   * The one path by which a bill is recorded, in the caller's transaction: its debit lines (an
   * expense, or purchasing's goods-received clearing and price variance), credited in total to
   * 2000 Accounts Payable for the vendor, under the next BILL number. Purchasing passes the
   * three-way match result; a bill without one is NONE.
   */
  async recordBillIn(
    tx: EntityManager,
    draft: {
      vendorId: number;
      billDate: string;
      /** The vendor's payment terms from the bill date when null. */
      dueDate: string | null;
      memo: string | null;
      /** The account the bill is shown as debited to (`Bill.expenseAccount`). */
      debitAccountId: number;
      /** Debit lines (a credit on one of them, such as a favourable variance, nets against AP). */
      debits: PostingLine[];
      match?: { status: BillMatchStatus; exceptions: string[] };
      actorId: number | null;
      /** What the caller records with the bill, run before the posting, which runs last. */
      beforePosting?: (bill: Bill) => Promise<void>;
    },
  ): Promise<Bill> {
    const vendor = await tx.findOne(Vendor, { id: draft.vendorId });
    if (!vendor)
      throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such vendor', ['input', 'vendorId']);
    const { billDate, memo } = draft;
    const dueDate =
      draft.dueDate === null
        ? addDays(billDate, vendor.paymentTermsDays)
        : postingDate(draft.dueDate, ['input', 'dueDate']);
    if (dueDate < billDate)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Due before the bill date', [
        'input',
        'dueDate',
      ]);
    const amountMinor = draft.debits.reduce(
      (sum, line) => sum + line.debitMinor - line.creditMinor,
      0n,
    );
    if (amountMinor <= 0n)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'A bill is for a positive amount', [
        'input',
        'lines',
      ]);
    const number = await this.ledger.nextNumber(tx, 'bill', 'BILL');
    const ap = await this.ledger.accountId(tx, StandardAccount.ACCOUNTS_PAYABLE);
    const journalEntryId = await this.ledger.allocateEntryId(tx);
    const match = draft.match ?? { status: BillMatchStatus.NONE, exceptions: [] };
    const bill = tx.create(Bill, {
      number,
      vendor,
      expenseAccount: tx.getReference(Account, draft.debitAccountId),
      amountMinor,
      billDate,
      dueDate,
      memo,
      journalEntryId,
      matchStatus: match.status,
      matchExceptions: match.exceptions,
    });
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Bill',
      streamId: bill.id,
      type: 'RECORDED',
      payload: { number, amount: amountMinor.toString(), matchStatus: match.status },
      actorId: draft.actorId,
    });
    await draft.beforePosting?.(bill);
    await this.ledger.post(tx, {
      entryId: journalEntryId,
      date: billDate,
      memo: `Bill ${number} from ${vendor.name}${memo ? `: ${memo}` : ''}`,
      source: 'BILL',
      actorId: draft.actorId,
      lines: [
        ...draft.debits,
        { accountId: ap, debitMinor: 0n, creditMinor: amountMinor, vendorId: vendor.id },
      ],
    });
    return bill;
  }

  /**
   * `approveBillVariance`: lets an EXCEPTION bill be paid, recording who, when and why. A bill
   * without an exception, or one already approved, is refused (`INVALID_TRANSITION`).
   */
  async approveBillVariance(
    { em }: RequestScope,
    viewer: Viewer,
    billId: number,
    reason: string,
  ): Promise<{ bill: Bill }> {
    const why = requiredText(reason, ['input', 'reason'], 1000);
    return inTransaction(em, async (tx) => {
      const bill = await tx.findOne(Bill, { id: billId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!bill)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such bill', ['input', 'billId']);
      if (bill.matchStatus !== BillMatchStatus.EXCEPTION)
        throw new BusinessRuleError(
          UserErrorCode.INVALID_TRANSITION,
          `Bill ${bill.number} has no match exception to approve`,
          ['input', 'billId'],
        );
      if (bill.varianceApprovedAt !== null)
        throw new BusinessRuleError(
          UserErrorCode.INVALID_TRANSITION,
          `Bill ${bill.number}'s variance is already approved`,
          ['input', 'billId'],
        );
      bill.varianceApprovedById = viewer.employeeId;
      bill.varianceApprovedAt = new Date();
      bill.varianceApprovalReason = why;
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'Bill',
        streamId: bill.id,
        type: 'VARIANCE_APPROVED',
        payload: { reason: why, exceptions: bill.matchExceptions },
        actorId: viewer.employeeId,
      });
      return { bill };
    });
  }

  /** Pays (part of) a bill: Dr accounts payable / Cr cash. */
  async payBill(
    { em }: RequestScope,
    viewer: Viewer,
    input: { billId: number; amount: string; date?: string | null; idempotencyKey?: string | null },
  ): Promise<{ bill: Bill }> {
    const amountMinor = positiveAmount(input.amount, ['input', 'amount']);
    const paidOn = postingDate(input.date, ['input', 'date']);
    const key = input.idempotencyKey ?? null;
    return inTransaction(em, async (tx) => {
      if (key !== null) {
        const claim = await claimIdempotencyKey(
          tx,
          'payBill',
          key,
          requestHash({ ...input, amountMinor, paidOn }),
        );
        if (!claim.fresh)
          return { bill: await tx.findOneOrFail(Bill, { id: Number(claim.resultId) }) };
      }
      const { bill } = await this.payBillIn(tx, {
        billId: input.billId,
        amountMinor,
        paidOn,
        cashAccountId: null,
        actorId: viewer.employeeId,
        field: ['input', 'billId'],
        amountField: ['input', 'amount'],
      });
      if (key !== null) await completeIdempotencyKey(tx, 'payBill', key, bill.id);
      return { bill };
    });
  }

  /**
   * The one path by which a bill is paid, in the caller's transaction: Dr Accounts Payable /
   * Cr the cash account (1000 Cash when null). Refuses paying more than is due (`OVERPAYMENT`).
   */
  async payBillIn(
    tx: EntityManager,
    payment: {
      billId: number;
      amountMinor: bigint;
      paidOn: string;
      cashAccountId: number | null;
      actorId: number | null;
      /** The input fields named by a refusal: the bill, and the amount. */
      field: string[];
      amountField: string[];
    },
  ): Promise<{ bill: Bill; journalEntryId: number }> {
    const { amountMinor, paidOn } = payment;
    // The bill's row alone: a joined populate would lock its vendor too, and every payment and
    // bill of that vendor would queue behind this one.
    const bill = await tx.findOne(
      Bill,
      { id: payment.billId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!bill) throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such bill', payment.field);
    await tx.populate(bill, ['vendor']);
    if (bill.matchStatus === BillMatchStatus.EXCEPTION && bill.varianceApprovedAt === null)
      throw new BusinessRuleError(
        UserErrorCode.MATCH_EXCEPTION,
        `Bill ${bill.number} does not match its purchase order (${bill.matchExceptions.join('; ')}): approveBillVariance first`,
        payment.field,
      );
    const dueMinor = bill.amountMinor - bill.amountPaidMinor;
    if (amountMinor > dueMinor) {
      throw new BusinessRuleError(
        UserErrorCode.OVERPAYMENT,
        `Only ${formatMinorUnits(dueMinor)} is due on bill ${bill.number}`,
        payment.amountField,
      );
    }
    const ap = await this.ledger.accountId(tx, StandardAccount.ACCOUNTS_PAYABLE);
    const cash = payment.cashAccountId ?? (await this.ledger.accountId(tx, StandardAccount.CASH));
    const entry = await this.ledger.post(tx, {
      date: paidOn,
      memo: `Payment of bill ${bill.number} to ${bill.vendor.name}`,
      source: 'BILL_PAYMENT',
      actorId: payment.actorId,
      lines: [
        { accountId: ap, debitMinor: amountMinor, creditMinor: 0n, vendorId: bill.vendor.id },
        { accountId: cash, debitMinor: 0n, creditMinor: amountMinor },
      ],
    });
    bill.amountPaidMinor += amountMinor;
    bill.status = settlementStatus(bill.amountPaidMinor, bill.amountMinor);
    tx.create(BillPayment, { bill, amountMinor, paidOn, journalEntryId: entry.id });
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Bill',
      streamId: bill.id,
      type: 'PAID',
      payload: { amount: amountMinor.toString(), status: bill.status },
      actorId: payment.actorId,
    });
    return { bill, journalEntryId: entry.id };
  }

  /**
   * Takes back a received payment (a bank match undone), in the caller's transaction: posts the
   * mirror of its entry and un-applies it from its invoices. The allocations stay, with negative
   * rows dated the day it was taken back, so aging as of any earlier day is unchanged.
   */
  async reversePayment(
    tx: EntityManager,
    journalEntryId: number,
    reversal: { date: string; memo: string; actorId: number | null },
  ): Promise<{ journalEntryId: number }> {
    const payment = await tx.findOneOrFail(Payment, { journalEntryId });
    const allocations = await tx.find(
      PaymentAllocation,
      { payment: payment.id },
      { orderBy: { invoice: 'asc' } },
    );
    const invoices = await tx.find(
      Invoice,
      { id: { $in: allocations.map((a) => a.invoice.id) } },
      { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const entry = await this.ledger.postMirror(tx, journalEntryId, {
      date: reversal.date,
      memo: reversal.memo,
      actorId: reversal.actorId,
    });
    for (const allocation of allocations) {
      const invoice = invoices.find((i) => i.id === allocation.invoice.id);
      if (!invoice) continue;
      invoice.amountPaidMinor -= allocation.amountMinor;
      invoice.status = settlementStatus(invoice.amountPaidMinor, invoice.totalMinor);
      tx.create(PaymentAllocation, {
        payment,
        invoice,
        amountMinor: -allocation.amountMinor,
        appliedOn: reversal.date,
      });
    }
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Customer',
      streamId: payment.customer.id,
      type: 'PAYMENT_REVERSED',
      payload: { paymentId: payment.id, amount: payment.amountMinor.toString() },
      actorId: reversal.actorId,
    });
    return { journalEntryId: entry.id };
  }

  /** Takes back a bill payment (a bank match undone): the mirror entry, and the bill open again. */
  async reverseBillPayment(
    tx: EntityManager,
    journalEntryId: number,
    reversal: { date: string; memo: string; actorId: number | null },
  ): Promise<{ journalEntryId: number }> {
    const paid = await tx.findOneOrFail(BillPayment, { journalEntryId });
    const bill = await tx.findOneOrFail(
      Bill,
      { id: paid.bill.id },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const entry = await this.ledger.postMirror(tx, journalEntryId, {
      date: reversal.date,
      memo: reversal.memo,
      actorId: reversal.actorId,
    });
    bill.amountPaidMinor -= paid.amountMinor;
    bill.status = settlementStatus(bill.amountPaidMinor, bill.amountMinor);
    tx.create(BillPayment, {
      bill,
      amountMinor: -paid.amountMinor,
      paidOn: reversal.date,
      journalEntryId: entry.id,
    });
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Bill',
      streamId: bill.id,
      type: 'PAYMENT_REVERSED',
      payload: { amount: paid.amountMinor.toString(), status: bill.status },
      actorId: reversal.actorId,
    });
    return { journalEntryId: entry.id };
  }

  /**
   * Collections: bills a dunning notice's fee and interest as a charge invoice (no order) in the
   * caller's transaction, posted Dr Accounts Receivable for the customer / Cr 4900 Late fees and
   * interest. It is not mailed on its own: the notice that caused it carries it.
   */
  async issueChargeInvoice(
    tx: EntityManager,
    charge: {
      customerId: number;
      amountMinor: bigint;
      date: string;
      memo: string;
      actorId: number | null;
    },
  ): Promise<Invoice> {
    const customer = await this.customers.requireExisting(tx, charge.customerId, []);
    const number = await this.ledger.nextNumber(tx, 'invoice', 'INV');
    const [ar, lateFees] = await this.ledger.accountIdsOf(tx, [
      StandardAccount.ACCOUNTS_RECEIVABLE,
      StandardAccount.LATE_FEES_AND_INTEREST,
    ]);
    const entry = await this.ledger.post(tx, {
      date: charge.date,
      memo: `Invoice ${number}: ${charge.memo}`,
      source: 'DUNNING_CHARGE',
      actorId: charge.actorId,
      lines: [
        { accountId: ar, debitMinor: charge.amountMinor, creditMinor: 0n, customerId: customer.id },
        { accountId: lateFees, debitMinor: 0n, creditMinor: charge.amountMinor },
      ],
    });
    const invoice = tx.create(Invoice, {
      number,
      customer: customer.id,
      orderId: null,
      totalMinor: charge.amountMinor,
      issueDate: charge.date,
      dueDate: addDays(charge.date, customer.paymentTermsDays),
      journalEntryId: entry.id,
      // Its notice's letter is its mail: the invoice sweep must not mail it again on its own.
      sentAt: new Date(),
    });
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Invoice',
      streamId: invoice.id,
      type: 'ISSUED',
      payload: {
        number,
        customerId: customer.id,
        total: charge.amountMinor.toString(),
        dunningCharge: true,
      },
      actorId: charge.actorId,
    });
    return invoice;
  }

  /**
   * Collections: waives what is open on a charge invoice, in the caller's transaction. The
   * reversal is posted Dr 4900 Late fees and interest / Cr Accounts Receivable, and recorded as a
   * settlement of the invoice (a `Payment` whose journal entry is that reversal, referenced
   * `Waiver: …`), so its status, the aging as of a date and the customer's balance agree.
   * Answers the amount waived (0 when nothing was open).
   */
  async waiveChargeInvoice(
    tx: EntityManager,
    waiver: { invoiceId: number; date: string; reason: string; actorId: number | null },
  ): Promise<bigint> {
    const invoice = await tx.findOneOrFail(
      Invoice,
      { id: waiver.invoiceId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const openMinor = invoice.totalMinor - invoice.amountPaidMinor;
    if (openMinor <= 0n) return 0n;
    const [ar, lateFees] = await this.ledger.accountIdsOf(tx, [
      StandardAccount.ACCOUNTS_RECEIVABLE,
      StandardAccount.LATE_FEES_AND_INTEREST,
    ]);
    const entry = await this.ledger.post(tx, {
      date: waiver.date,
      memo: `Waiver of invoice ${invoice.number}: ${waiver.reason}`,
      source: 'DUNNING_WAIVER',
      actorId: waiver.actorId,
      lines: [
        { accountId: lateFees, debitMinor: openMinor, creditMinor: 0n },
        { accountId: ar, debitMinor: 0n, creditMinor: openMinor, customerId: invoice.customer.id },
      ],
    });
    const payment = tx.create(Payment, {
      customer: invoice.customer.id,
      amountMinor: openMinor,
      receivedOn: waiver.date,
      reference: `Waiver: ${waiver.reason}`.slice(0, 200),
      journalEntryId: entry.id,
      createdById: waiver.actorId,
    });
    tx.create(PaymentAllocation, {
      payment,
      invoice,
      amountMinor: openMinor,
      appliedOn: waiver.date,
    });
    invoice.amountPaidMinor += openMinor;
    invoice.status = settlementStatus(invoice.amountPaidMinor, invoice.totalMinor);
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Invoice',
      streamId: invoice.id,
      type: 'WAIVED',
      payload: { number: invoice.number, amount: openMinor.toString(), reason: waiver.reason },
      actorId: waiver.actorId,
    });
    return openMinor;
  }

  /**
   * Collections: locks invoices (id order, like every invoice writer) in the caller's
   * transaction and answers them as they are now, so a dunning run or a dispute and a payment
   * take turns.
   */
  lockInvoices(tx: EntityManager, ids: readonly number[]): Promise<Invoice[]> {
    return tx.find(
      Invoice,
      { id: { $in: [...ids] } },
      { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
  }
}
