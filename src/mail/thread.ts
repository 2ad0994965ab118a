import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../db/sql';

/** How far back a reply's `References` reaches: mail clients need the first and the last few. */
const MAX_REFERENCES = 20;

export interface ThreadHeaders {
  /** The message answered: the customer's newest email on the ticket, else our newest. */
  inReplyTo: string | null;
  /** Message-IDs of the ticket's emails, oldest first (the first one and the newest ones). */
  references: string[];
}

/** The threading headers of a new email on a ticket, from the emails it sent and received. */
export async function threadHeaders(tx: EntityManager, ticketId: number): Promise<ThreadHeaders> {
  const rows = await runSql<{ message_id: string; inbound: boolean }>(
    tx,
    `SELECT message_id, inbound FROM (
       SELECT message_id, created_at AS at, id, false AS inbound FROM outbound_email
        WHERE ticket_id = ? AND kind <> 'SLA_BREACH_ALERT'
       UNION ALL
       SELECT message_id, received_at AS at, id, true AS inbound FROM inbound_email
        WHERE ticket_id = ? AND outcome IN ('THREADED', 'NEW_TICKET')
     ) thread ORDER BY at, id`,
    [ticketId, ticketId],
  );
  const ids = rows.map((row) => row.message_id);
  const references =
    ids.length <= MAX_REFERENCES ? ids : [ids[0], ...ids.slice(ids.length - MAX_REFERENCES + 1)];
  const lastInbound = [...rows].reverse().find((row) => row.inbound);
  return {
    inReplyTo: lastInbound?.message_id ?? ids.at(-1) ?? null,
    references,
  };
}

/**
 * The ticket a message answers, from the Message-IDs it names (In-Reply-To first, then its
 * References newest first): the first that is an email of a ticket, sent or received. Null when
 * none is.
 */
export async function ticketOfThread(
  tx: EntityManager,
  messageIds: readonly string[],
): Promise<{ ticketId: number; messageId: string } | null> {
  if (messageIds.length === 0) return null;
  const rows = await runSql<{ message_id: string; ticket_id: string }>(
    tx,
    `SELECT message_id, ticket_id FROM outbound_email
      WHERE message_id = ANY(?) AND ticket_id IS NOT NULL AND kind <> 'SLA_BREACH_ALERT'
     UNION ALL
     SELECT message_id, ticket_id FROM inbound_email
      WHERE message_id = ANY(?) AND ticket_id IS NOT NULL`,
    [messageIds, messageIds],
  );
  for (const messageId of messageIds) {
    const row = rows.find((candidate) => candidate.message_id === messageId);
    if (row) return { ticketId: Number(row.ticket_id), messageId };
  }
  return null;
}
