import type { EntityManager } from '@mikro-orm/postgresql';
import { deleteStoredDocuments } from '../../documents/document-store';
import { AuditKind, AuditResult, recordAudit } from '../../events/audit-trail';
import { scrubEventPayloads, type EventStreams } from '../../events/erasure';
import { scrubMail } from '../../mail/erasure';
import { scrubCounterparty } from '../banking/banking-erasure';
import { redactCustomerDunning } from '../collections/collections-erasure';
import type { Clock } from '../common/clock';
import { refuse, UserErrorCode } from '../common/errors';
import type { CustomerService } from '../customers/customer.service';
import { erasedCustomerName } from '../customers/customer.service';
import {
  anonymiseTerminatedEmployee,
  employeeByEmail,
  payrollRecordCount,
} from '../employees/employee-erasure';
import {
  invoicesOfCustomer,
  paymentCountOfCustomer,
  redactPartyInBooks,
} from '../ledger/ledger-erasure';
import { clearCustomerOrderText } from '../orders/order-erasure';
import type { RecruitingService } from '../people/recruiting.service';
import { anonymiseTickets, ticketsOfCustomer, ticketTexts } from '../support/ticket-erasure';
import type { DataSubject, ErasureResult, KeptRecord, SubjectEraser } from './data-subject';
import { LegalHoldTargetType } from './legal-hold.entity';
import { describeHold, type HoldTarget, type LegalHoldService } from './legal-hold.service';

/** The audit record's action for an erasure. */
export const ERASURE_AUDIT_ACTION = 'compliance.erasure';

const BOOKS = 'the books: kept by law; the customer is anonymised';

/** A list of numbers for `kept`, shortened past a dozen. */
function numbers(list: readonly string[]): string {
  return list.length <= 12
    ? list.join(', ')
    : `${list.slice(0, 12).join(', ')} and ${list.length - 12} more`;
}

/**
 * The ERASURE side of a data subject request (see data-subject.ts). In the caller's transaction:
 * finds what is held about the email (customer, tickets, candidates, employee, mail), locks the
 * legal holds on every record it may touch, refuses the whole erasure when the customer or
 * employee record itself is held, leaves held tickets alone, and erases the rest through the
 * modules that own it. The books never change: invoices, payments, orders and journal entries
 * stay, their party anonymised (only a memo naming the party loses the name).
 */
export class ErasureService implements SubjectEraser {
  constructor(
    private readonly customers: CustomerService,
    private readonly recruiting: RecruitingService,
    private readonly legalHolds: LegalHoldService,
    private readonly clock: Clock,
  ) {}

  async erase(tx: EntityManager, subject: DataSubject, actorId: number): Promise<ErasureResult> {
    const email = subject.email.trim().toLowerCase();
    const now = this.clock.now();
    const customer = await this.customers.findByEmail(tx, email);
    const employee = await employeeByEmail(tx, email);
    const candidates = await this.recruiting.candidatesByEmail(tx, email);
    const tickets = customer ? await ticketsOfCustomer(tx, customer.id) : [];

    const targets: HoldTarget[] = [
      ...(customer ? [{ type: LegalHoldTargetType.CUSTOMER, id: customer.id }] : []),
      ...(employee ? [{ type: LegalHoldTargetType.EMPLOYEE, id: employee.id }] : []),
      ...tickets.map((ticket) => ({ type: LegalHoldTargetType.TICKET, id: ticket.id })),
    ];
    const holds = await this.legalHolds.lockHolds(tx, targets);
    const recordHold = holds.find(
      (hold) =>
        (hold.targetType === LegalHoldTargetType.CUSTOMER && hold.targetId === customer?.id) ||
        (hold.targetType === LegalHoldTargetType.EMPLOYEE && hold.targetId === employee?.id),
    );
    if (recordHold) refuse(UserErrorCode.LEGAL_HOLD, `Held: ${describeHold(recordHold)}`);

    const erased: ErasureResult['erased'] = [];
    const kept: KeptRecord[] = [];
    const count = (what: string, n: number) => {
      if (n > 0) erased.push({ what, count: n });
    };

    const heldTicketIds = new Set<number>();
    for (const hold of holds)
      if (hold.targetType === LegalHoldTargetType.TICKET) {
        const ticket = tickets.find((candidate) => candidate.id === hold.targetId);
        if (!ticket || heldTicketIds.has(ticket.id)) continue;
        heldTicketIds.add(ticket.id);
        kept.push({
          what: `ticket ${ticket.number} (messages and attachments)`,
          why: describeHold(hold),
        });
      }
    const erasable = tickets.filter((ticket) => !heldTicketIds.has(ticket.id));
    const erasableIds = erasable.map((ticket) => ticket.id);
    const heldIds = [...heldTicketIds];

    // What to look for elsewhere (event payloads, memos), read before anything changes.
    const needles = [
      email,
      ...(customer ? [customer.name] : []),
      ...(employee && employee.terminated ? [employee.name] : []),
      ...candidates.map((candidate) => candidate.name),
      ...(await ticketTexts(tx, erasableIds)),
    ];
    const streams: EventStreams[] = [];

    if (erasableIds.length > 0) {
      const result = await anonymiseTickets(tx, erasableIds, { needles, exceptTicketIds: heldIds });
      count('tickets (subject and messages anonymised)', erasableIds.length);
      count('ticket messages', result.messages);
      count('attachments', result.attachments);
      streams.push({ type: 'Ticket', ids: erasableIds });
    }

    if (customer) {
      const partyName = erasedCustomerName(customer.id);
      const orderNumbers = await clearCustomerOrderText(tx, customer.id);
      const invoices = await invoicesOfCustomer(tx, customer.id);
      const payments = await paymentCountOfCustomer(tx, customer.id);
      count(
        'memos and payment references naming the customer',
        await redactPartyInBooks(tx, needles, partyName),
      );
      const noticeIds = await redactCustomerDunning(tx, customer.id, needles, partyName);
      count(
        'bank statement lines (counterparty)',
        await scrubCounterparty(tx, customer.name, needles, partyName),
      );
      count(
        'stored documents (rendered again when asked)',
        await deleteStoredDocuments(tx, [
          ...invoices.map((invoice) => `invoice:${invoice.id}`),
          ...noticeIds.map((id) => `dunning-notice:${id}`),
        ]),
      );
      if (await this.customers.deleteIfUnreferenced(tx, customer.id))
        count('customer record (deleted)', 1);
      else {
        await this.customers.anonymise(tx, customer.id, now);
        count('customer record (anonymised)', 1);
      }
      if (orderNumbers.length > 0)
        kept.push({
          what: `orders ${numbers(orderNumbers)} (lines and totals; notes erased)`,
          why: BOOKS,
        });
      if (invoices.length > 0)
        kept.push({
          what: `invoices ${numbers(invoices.map((invoice) => invoice.number))} (amounts and lines)`,
          why: BOOKS,
        });
      if (payments > 0)
        kept.push({ what: `${payments} payment(s) (amounts and dates)`, why: BOOKS });
      if (noticeIds.length > 0)
        kept.push({
          what: `${noticeIds.length} dunning notice(s) (fees and interest)`,
          why: BOOKS,
        });
      streams.push({ type: 'Customer', ids: [customer.id] });
    }

    const mail = await scrubMail(
      tx,
      { addresses: [email], ticketIds: erasableIds, exceptTicketIds: heldIds },
      'erased',
    );
    count('outbound emails', mail.outbound);
    count('inbound emails', mail.inbound);

    if (candidates.length > 0) {
      const ids = candidates.map((candidate) => candidate.id);
      count(
        'candidates (anonymised)',
        await this.recruiting.anonymiseCandidates(tx, ids, { erasure: true }),
      );
      streams.push({ type: 'Candidate', ids });
    }

    if (employee) {
      const payslips = await payrollRecordCount(tx, employee.id);
      if (employee.terminated) {
        const accounts = await anonymiseTerminatedEmployee(tx, employee.id);
        count('employee record (anonymised)', 1);
        count('employee bank accounts (anonymised)', accounts);
        streams.push({ type: 'Employee', ids: [employee.id] });
      } else
        kept.push({
          what: `employee ${employee.number} (employment record)`,
          why: 'employment: the record is needed while they are employed; erase after termination',
        });
      if (payslips > 0)
        kept.push({
          what: `${payslips} payslip(s) and payroll of employee ${employee.number}`,
          why: 'legal duty: payroll records are kept by law, and the books rely on them',
        });
    }

    count(
      'event log entries (personal text scrubbed)',
      await scrubEventPayloads(
        tx,
        streams,
        needles,
        heldIds.length > 0 ? [{ type: 'Ticket', ids: heldIds }] : [],
      ),
    );

    await recordAudit(tx, {
      kind: AuditKind.SYSTEM,
      action: ERASURE_AUDIT_ACTION,
      result: AuditResult.OK,
      actorId,
      detail: {
        customerId: customer?.id ?? null,
        employeeId: employee?.id ?? null,
        candidateIds: candidates.map((candidate) => candidate.id),
        ticketIds: erasableIds,
        heldTicketIds: heldIds,
        erased: Object.fromEntries(erased.map((item) => [item.what, item.count])),
        kept: kept.length,
      },
    });
    return { erased, kept };
  }
}
