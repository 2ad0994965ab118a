import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { pruneAuditTrail } from '../../events/audit-trail';
import {
  anonymiseArchivedEvents,
  archivedEventsBefore,
  deleteArchivedEvents,
  scrubEventPayloads,
} from '../../events/erasure';
import { deleteAttachments } from '../../mail/erasure';
import type { CustomerService } from '../customers/customer.service';
import { erasedCustomerName } from '../customers/customer.service';
import { redactPartyInBooks } from '../ledger/ledger-erasure';
import type { RecruitingService } from '../people/recruiting.service';
import { anonymiseTickets, closedTicketsBefore, deleteTickets } from '../support/ticket-erasure';
import { LegalHoldTargetType } from './legal-hold.entity';
import type { HoldTarget } from './legal-hold.service';
import { RetentionAction, RetentionRecordClass } from './retention-policy.entity';

/** A record retention would purge: its id (the cursor), a label without personal data, its holds. */
export interface RetentionCandidate {
  id: number;
  label: string;
  /** The holds that would keep it (a ticket: the ticket and its customer). */
  targets: HoldTarget[];
}

/** What a purge did. */
export interface PurgeResult {
  deleted: number;
  anonymised: number;
}

/** How one class of records is found and purged. */
export interface RetentionClass {
  /** Actions allowed for the class. */
  actions: readonly RetentionAction[];
  /** The smallest and largest period, in days. */
  minDays: number;
  maxDays: number;
  /** The default period (the migration's). */
  defaultDays: number;
  /** Said with every preview: what the action cannot do to some records, and why. */
  note?: (action: RetentionAction) => string | null;
  /**
   * THE query, for the preview (no lock, `limit` null: all) and the run (locked, a batch): the
   * candidates past the cutoff, by id after `afterId`. Holds are checked by the caller.
   */
  candidates(
    tx: EntityManager,
    cutoff: Date,
    afterId: number,
    limit: number | null,
    lock: boolean,
  ): Promise<RetentionCandidate[]>;
  purge(
    tx: EntityManager,
    ids: readonly number[],
    action: RetentionAction,
    now: Date,
  ): Promise<PurgeResult>;
}

const day = (date: Date) => new Date(date).toISOString().slice(0, 10);
const customerTarget = (id: number | null): HoldTarget[] =>
  id === null ? [] : [{ type: LegalHoldTargetType.CUSTOMER, id }];

/** The six classes, wired to the modules that own their records. */
export function retentionClasses(
  customers: CustomerService,
  recruiting: RecruitingService,
): Record<RetentionRecordClass, RetentionClass> {
  return {
    CLOSED_TICKETS: {
      actions: [RetentionAction.DELETE, RetentionAction.ANONYMIZE],
      minDays: 30,
      maxDays: 36_500,
      defaultDays: 730,
      async candidates(tx, cutoff, afterId, limit, lock) {
        const tickets = await closedTicketsBefore(tx, cutoff, afterId, limit, lock);
        return tickets.map((ticket) => ({
          id: ticket.id,
          label: `Ticket ${ticket.number} closed ${day(ticket.updatedAt)}`,
          targets: [
            { type: LegalHoldTargetType.TICKET, id: ticket.id },
            ...customerTarget(ticket.customerId),
          ],
        }));
      },
      async purge(tx, ids, action) {
        if (action === RetentionAction.DELETE)
          return { deleted: (await deleteTickets(tx, ids)).tickets, anonymised: 0 };
        await anonymiseTickets(tx, ids);
        return { deleted: 0, anonymised: ids.length };
      },
    },
    INACTIVE_CUSTOMERS: {
      actions: [RetentionAction.DELETE, RetentionAction.ANONYMIZE],
      minDays: 365,
      maxDays: 36_500,
      defaultDays: 1095,
      note: (action) =>
        action === RetentionAction.DELETE
          ? 'Customers with orders, invoices, payments or tickets are anonymised, never deleted: the books rely on them.'
          : 'Orders, invoices and payments stay, with the customer anonymised: the books rely on them.',
      async candidates(tx, cutoff, afterId, limit, lock) {
        const rows = await runSql<{ id: string; updated_at: Date }>(
          tx,
          `SELECT c.id, c.updated_at FROM customer c
            WHERE c.anonymized_at IS NULL AND c.updated_at < ? AND c.created_at < ? AND c.id > ?
              AND NOT EXISTS (SELECT 1 FROM "order" o WHERE o.customer_id = c.id AND o.updated_at >= ?)
              AND NOT EXISTS (SELECT 1 FROM ticket t WHERE t.customer_id = c.id AND t.updated_at >= ?)
              AND NOT EXISTS (SELECT 1 FROM invoice i WHERE i.customer_id = c.id AND i.issue_date >= ?::date)
              AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.customer_id = c.id AND p.created_at >= ?)
            ORDER BY c.id ${limit === null ? '' : `LIMIT ${Math.trunc(limit)}`}
            ${lock ? 'FOR UPDATE OF c SKIP LOCKED' : ''}`,
          [cutoff, cutoff, afterId, cutoff, cutoff, cutoff, cutoff],
        );
        return rows.map((row) => ({
          id: Number(row.id),
          label: `Customer #${row.id} inactive since ${day(row.updated_at)}`,
          targets: customerTarget(Number(row.id)),
        }));
      },
      async purge(tx, ids, action, now) {
        const result: PurgeResult = { deleted: 0, anonymised: 0 };
        for (const id of ids) {
          const [row] = await runSql<{ name: string; email: string }>(
            tx,
            'SELECT name, email FROM customer WHERE id = ?',
            [id],
          );
          if (!row) continue;
          await scrubEventPayloads(tx, [{ type: 'Customer', ids: [id] }], [row.name, row.email]);
          if (action === RetentionAction.DELETE && (await customers.deleteIfUnreferenced(tx, id))) {
            result.deleted += 1;
            continue;
          }
          await redactPartyInBooks(tx, [row.name, row.email], erasedCustomerName(id));
          await customers.anonymise(tx, id, now);
          result.anonymised += 1;
        }
        return result;
      },
    },
    REJECTED_APPLICANTS: {
      actions: [RetentionAction.ANONYMIZE],
      minDays: 30,
      maxDays: 3650,
      defaultDays: 180,
      note: () =>
        'Candidates who consented to be kept are not included; applications stay (the openings’ figures), anonymised.',
      async candidates(tx, cutoff, afterId, limit, lock) {
        const rows = await recruiting.expiredCandidates(tx, cutoff, limit, lock, afterId);
        return rows.map((row) => ({ ...row, targets: [] }));
      },
      async purge(tx, ids) {
        return {
          deleted: 0,
          anonymised: await recruiting.anonymiseCandidates(tx, ids, { retention: true }),
        };
      },
    },
    EVENT_LOG: {
      actions: [RetentionAction.DELETE, RetentionAction.ANONYMIZE],
      minDays: 30,
      maxDays: 36_500,
      defaultDays: 365,
      note: () => 'Only archived events: the live event log is archived by its own window.',
      async candidates(tx, cutoff, afterId, limit, lock) {
        const rows = await archivedEventsBefore(tx, cutoff, afterId, limit, lock);
        return rows.map((row) => ({ ...row, targets: [] }));
      },
      async purge(tx, ids, action) {
        if (action === RetentionAction.DELETE)
          return { deleted: await deleteArchivedEvents(tx, ids), anonymised: 0 };
        return { deleted: 0, anonymised: await anonymiseArchivedEvents(tx, ids) };
      },
    },
    AUDIT_TRAIL: {
      actions: [RetentionAction.DELETE],
      minDays: 365,
      maxDays: 36_500,
      defaultDays: 2555,
      note: () =>
        'The oldest records go as a prefix of the chain; the chain is anchored at the last one deleted and still verifies.',
      // Audit records are purged by pruneAuditTrail (a prefix, its own lock): see RetentionService.
      async candidates(tx, cutoff, afterId, limit) {
        const seqs = await pruneAuditTrail(tx, cutoff, limit ?? 2_147_483_647, true);
        return seqs
          .filter((seq) => seq > afterId)
          .map((seq) => ({ id: seq, label: `Audit record #${seq}`, targets: [] }));
      },
      async purge() {
        throw new Error('the audit trail is pruned by pruneAuditTrail');
      },
    },
    ATTACHMENTS: {
      actions: [RetentionAction.DELETE],
      minDays: 30,
      maxDays: 36_500,
      defaultDays: 730,
      async candidates(tx, cutoff, afterId, limit, lock) {
        const rows = await runSql<{
          id: string;
          ticket_id: string;
          customer_id: string | null;
          created_at: Date;
        }>(
          tx,
          `SELECT a.id, a.ticket_id, t.customer_id, a.created_at FROM attachment a
             LEFT JOIN ticket t ON t.id = a.ticket_id
            WHERE a.created_at < ? AND a.id > ?
            ORDER BY a.id ${limit === null ? '' : `LIMIT ${Math.trunc(limit)}`}
            ${lock ? 'FOR UPDATE OF a SKIP LOCKED' : ''}`,
          [cutoff, afterId],
        );
        return rows.map((row) => ({
          id: Number(row.id),
          label: `Attachment #${row.id} from ${day(row.created_at)}`,
          targets: [
            { type: LegalHoldTargetType.TICKET, id: Number(row.ticket_id) },
            ...customerTarget(row.customer_id === null ? null : Number(row.customer_id)),
          ],
        }));
      },
      async purge(tx, ids) {
        return { deleted: await deleteAttachments(tx, ids), anonymised: 0 };
      },
    },
  };
}
