import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql';
import { scrubEventPayloads } from '../../events/erasure';
import { recordEvent } from '../../events/event-log';
import { deleteTicketAttachments, scrubMail } from '../../mail/erasure';

/** What an anonymised ticket's subject and every message body become. */
export const ERASED_TICKET_TEXT = '[erased]';

/** A ticket as erasure and retention name it: no personal data. */
export interface TicketRef {
  id: number;
  number: string;
  status: string;
  customerId: number | null;
  updatedAt: Date;
}

interface TicketRow {
  id: string;
  number: string;
  status: string;
  customer_id: string | null;
  updated_at: Date;
}

const toRef = (row: TicketRow): TicketRef => ({
  id: Number(row.id),
  number: row.number,
  status: row.status,
  customerId: row.customer_id === null ? null : Number(row.customer_id),
  updatedAt: new Date(row.updated_at),
});

/** The customer's tickets, by id, locked for the erasure. */
export async function ticketsOfCustomer(
  tx: EntityManager,
  customerId: number,
): Promise<TicketRef[]> {
  const rows = await runSql<TicketRow>(
    tx,
    `SELECT id, number, status, customer_id, updated_at FROM ticket
      WHERE customer_id = ? ORDER BY id FOR UPDATE`,
    [customerId],
  );
  return rows.map(toRef);
}

/**
 * Closed tickets last changed before the cutoff, not anonymised yet (subject not the marker),
 * by id after `afterId`, at most `limit` (null: all): the CLOSED_TICKETS retention class, for its preview (no lock)
 * and its run (`lock`: skipping tickets another transaction holds).
 */
export async function closedTicketsBefore(
  tx: EntityManager,
  cutoff: Date,
  afterId: number,
  limit: number | null,
  lock: boolean,
): Promise<TicketRef[]> {
  const rows = await runSql<TicketRow>(
    tx,
    `SELECT id, number, status, customer_id, updated_at FROM ticket
      WHERE status = 'CLOSED' AND updated_at < ? AND subject <> ? AND id > ?
      ORDER BY id ${limit === null ? '' : `LIMIT ${Math.trunc(limit)}`}
      ${lock ? 'FOR UPDATE SKIP LOCKED' : ''}`,
    [cutoff, ERASED_TICKET_TEXT, afterId],
  );
  return rows.map(toRef);
}

/** The texts an erasure looks for elsewhere (event payloads): subjects and message bodies. */
export async function ticketTexts(
  tx: EntityManager,
  ticketIds: readonly number[],
): Promise<string[]> {
  if (ticketIds.length === 0) return [];
  const rows = await runSql<{ text: string }>(
    tx,
    `SELECT subject AS text FROM ticket WHERE id = ANY(?::bigint[])
     UNION SELECT body FROM ticket_message WHERE ticket_id = ANY(?::bigint[])
     UNION SELECT comment FROM satisfaction_survey WHERE ticket_id = ANY(?::bigint[]) AND comment IS NOT NULL`,
    [ticketIds, ticketIds, ticketIds],
  );
  return rows.map((row) => row.text).filter((text) => text !== ERASED_TICKET_TEXT);
}

/**
 * Anonymises tickets in the caller's transaction: the subject and every message body (the
 * customer's and the agents', which quote them) become the marker, satisfaction comments go,
 * attachments are deleted (bytes and rows), the tickets' emails are scrubbed, and their event
 * streams lose the personal strings (and so does any other payload holding their text or one
 * of `needles`, except the streams of `exceptTicketIds`: tickets under a hold). The search rows follow (the ticket_search triggers). The
 * ticket, its number, status, dates and SLA figures stay.
 */
export async function anonymiseTickets(
  tx: EntityManager,
  ticketIds: readonly number[],
  options: { needles?: readonly string[]; exceptTicketIds?: readonly number[] } = {},
): Promise<{ messages: number; attachments: number }> {
  if (ticketIds.length === 0) return { messages: 0, attachments: 0 };
  const needles = [...(await ticketTexts(tx, ticketIds)), ...(options.needles ?? [])];
  const except = options.exceptTicketIds ?? [];
  await runSql(tx, 'UPDATE ticket SET subject = ? WHERE id = ANY(?::bigint[])', [
    ERASED_TICKET_TEXT,
    ticketIds,
  ]);
  const messages = await runSql<{ id: string }>(
    tx,
    `UPDATE ticket_message SET body = ? WHERE ticket_id = ANY(?::bigint[]) AND body <> ?
     RETURNING id`,
    [ERASED_TICKET_TEXT, ticketIds, ERASED_TICKET_TEXT],
  );
  await runSql(
    tx,
    'UPDATE satisfaction_survey SET comment = NULL WHERE ticket_id = ANY(?::bigint[])',
    [ticketIds],
  );
  const attachments = await deleteTicketAttachments(tx, ticketIds);
  await scrubMail(tx, { addresses: [], ticketIds }, 'erased');
  await scrubEventPayloads(
    tx,
    [{ type: 'Ticket', ids: ticketIds }],
    needles,
    except.length > 0 ? [{ type: 'Ticket', ids: except }] : [],
  );
  for (const id of ticketIds)
    await recordEvent(tx, {
      streamType: 'Ticket',
      streamId: id,
      type: 'ANONYMISED',
      payload: {},
      actorId: null,
    });
  return { messages: messages.length, attachments };
}

/**
 * Deletes tickets in the caller's transaction, with all that hangs off them: messages, surveys
 * and search rows (cascades), attachments; their emails are scrubbed (the outbox keeps its
 * rows) and their event streams lose the personal strings.
 */
export async function deleteTickets(
  tx: EntityManager,
  ticketIds: readonly number[],
): Promise<{ tickets: number; attachments: number }> {
  if (ticketIds.length === 0) return { tickets: 0, attachments: 0 };
  const needles = await ticketTexts(tx, ticketIds);
  const attachments = await deleteTicketAttachments(tx, ticketIds);
  await scrubMail(tx, { addresses: [], ticketIds }, 'erased');
  await scrubEventPayloads(tx, [{ type: 'Ticket', ids: ticketIds }], needles);
  await runSql(
    tx,
    'UPDATE ticket SET merged_into_id = NULL WHERE merged_into_id = ANY(?::bigint[])',
    [ticketIds],
  );
  const deleted = await runSql<{ id: string }>(
    tx,
    'DELETE FROM ticket WHERE id = ANY(?::bigint[]) RETURNING id',
    [ticketIds],
  );
  return { tickets: deleted.length, attachments };
}
