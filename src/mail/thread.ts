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
