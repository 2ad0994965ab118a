import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../db/sql';

/** What a scrubbed email's address becomes: nobody's. */
export const REDACTED_ADDRESS = 'redacted@invalid';

/** Which mail an erasure scrubs: to or from these addresses, or on these tickets. */
export interface MailSubject {
  /** Compared lower-cased. */
  addresses: readonly string[];
  ticketIds: readonly number[];
  /** Tickets left alone (under a legal hold), even when the mail is to or from the addresses. */
  exceptTicketIds?: readonly number[];
}

/**
 * Outbound emails made anonymous, in the caller's transaction: the address, subject, bodies and
 * the sent message's text go; the row stays (kind, dates, status, Message-ID), so the outbox
 * still counts what was sent. One still queued is withheld (FAILED, with the reason) and never
 * goes out. Answers how many rows changed.
 */
export async function redactOutboundEmails(
  tx: EntityManager,
  emailIds: readonly number[],
  reason: string,
): Promise<number> {
  if (emailIds.length === 0) return 0;
  const rows = await runSql<{ id: string }>(
    tx,
    `UPDATE outbound_email
        SET to_address = '${REDACTED_ADDRESS}', reply_to = NULL, subject = '(redacted)',
            text_body = '', html_body = NULL, raw = NULL,
            status = CASE WHEN status = 'QUEUED' THEN 'FAILED' ELSE status END,
            error = CASE WHEN status = 'QUEUED' THEN ? ELSE NULL END
      WHERE id = ANY(?::bigint[])
      RETURNING id`,
    [`Withheld: ${reason}`, emailIds],
  );
  return rows.length;
}

/**
 * Erasure of the mail about someone (in the caller's transaction): outbound emails to one of
 * the addresses or on one of the tickets are redacted (`redactOutboundEmails`); inbound emails
 * from one of the addresses or threaded onto one of the tickets lose their sender, subject,
 * reason and raw message (the row stays, with its Message-ID, so the same message is still
 * recognised as a duplicate). Answers the counts.
 */
export async function scrubMail(
  tx: EntityManager,
  subject: MailSubject,
  reason: string,
): Promise<{ outbound: number; inbound: number }> {
  const addresses = subject.addresses.map((address) => address.trim().toLowerCase());
  const ticketIds = [...subject.ticketIds];
  const except = [...(subject.exceptTicketIds ?? [])];
  const outboundRows = await runSql<{ id: string }>(
    tx,
    `SELECT id FROM outbound_email
      WHERE (${mailboxAddressSql('to_address')} = ANY(?::text[]) OR ticket_id = ANY(?::bigint[]))
        AND to_address <> '${REDACTED_ADDRESS}'
        AND (ticket_id IS NULL OR ticket_id <> ALL(?::bigint[]))
      ORDER BY id FOR UPDATE`,
    [addresses, ticketIds, except],
  );
  const outbound = await redactOutboundEmails(
    tx,
    outboundRows.map((row) => Number(row.id)),
    'erased',
  );
  const inbound = await runSql<{ id: string }>(
    tx,
    `UPDATE inbound_email
        SET from_address = NULL, subject = NULL, reason = ?, raw = ''::bytea, size = 0
      WHERE (${mailboxAddressSql('from_address')} = ANY(?::text[]) OR ticket_id = ANY(?::bigint[]))
        AND octet_length(raw) > 0
        AND (ticket_id IS NULL OR ticket_id <> ALL(?::bigint[]))
      RETURNING id`,
    [reason, addresses, ticketIds, except],
  );
  return { outbound: outbound, inbound: inbound.length };
}

/** Deletes the attachments (bytes and rows) of the tickets, in the caller's transaction. */
export async function deleteTicketAttachments(
  tx: EntityManager,
  ticketIds: readonly number[],
): Promise<number> {
  if (ticketIds.length === 0) return 0;
  const rows = await runSql<{ id: string }>(
    tx,
    'DELETE FROM attachment WHERE ticket_id = ANY(?::bigint[]) RETURNING id',
    [ticketIds],
  );
  return rows.length;
}

/** Deletes these attachments (bytes and rows), in the caller's transaction. */
export async function deleteAttachments(
  tx: EntityManager,
  attachmentIds: readonly number[],
): Promise<number> {
  if (attachmentIds.length === 0) return 0;
  const rows = await runSql<{ id: string }>(
    tx,
    'DELETE FROM attachment WHERE id = ANY(?::bigint[]) RETURNING id',
    [attachmentIds],
  );
  return rows.length;
}

/**
 * The bare address of a mailbox column, lower-cased: `"Pat Doe" <pat@example.org>` and
 * `pat@example.org` both give `pat@example.org`. How a person's mail is found by their address.
 */
export function mailboxAddressSql(column: string): string {
  return `lower(coalesce(substring(${column} from '<([^<>]*)>\\s*$'), ${column}))`;
}
