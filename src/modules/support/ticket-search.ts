/**
 * Ticket search: what a search text means, as SQL over the search documents that the triggers in
 * `sql/ticket_search_*.sql` keep (`ticket_search` and `ticket_staff_search`, one row per ticket).
 * Every place that searches tickets (the `tickets` list and its ranking, a customer's tickets,
 * the live `ticketEvents` filter) goes through `ticketSearch`, so they all mean the same thing.
 */

/**
 * The text search configuration of documents and queries alike; it must be the one the SQL files
 * name. english stems ("refunds" finds "refund") and drops stop words ("the"); names are stemmed
 * the same way on both sides, so a customer's name still matches.
 */
export const SEARCH_CONFIG = 'english';

/** The shortest last word matched as a prefix (shorter ones would expand to too many words). */
const MIN_PREFIX = 3;

/**
 * How many of the newest matching tickets RELEVANCE ranks (by `ts_rank`); older matches follow,
 * newest first, unranked. Ranking reads every candidate's document, so a word in half the tickets
 * would cost a scan of half of them: this bounds it.
 */
export const RANKED_CANDIDATES = 200;

/** A search as SQL: the tsquery expression and its parameters. */
export interface TicketSearch {
  /** A `tsquery` expression (with `?` placeholders). */
  query: string;
  params: string[];
  /**
   * The documents the viewer may search: with internal notes (`ticket_staff_search`) only for
   * viewers who read them, otherwise the public ones (`ticket_search`).
   */
  table: 'ticket_search' | 'ticket_staff_search';
}

/**
 * The query for a search text, or null when the text has nothing to search for (empty). Web
 * search syntax (`websearch_to_tsquery`): words must all appear, "quoted phrases", `or`,
 * `-word` to exclude; never an error, whatever the text. The last word, while being typed (no
 * space after it, at least MIN_PREFIX letters or digits, not excluded, not quoted), also matches
 * as a prefix: "refu" finds "refund".
 */
export function ticketSearch(
  text: string | null | undefined,
  withNotes: boolean,
): TicketSearch | null {
  const search = text?.trim();
  if (!search) return null;
  const table = withNotes ? 'ticket_staff_search' : 'ticket_search';
  const typing = /(^|\s)([\p{L}\p{N}]+)$/u.exec(search);
  const quotes = (search.match(/"/g) ?? []).length;
  const typed = text !== search.trimStart(); // a space after the last word: it is complete
  if (typed || !typing || typing[2].length < MIN_PREFIX || quotes % 2 === 1)
    return { query: `websearch_to_tsquery('${SEARCH_CONFIG}', ?)`, params: [search], table };
  const before = search.slice(0, typing.index).trimEnd();
  // "a or refu": the prefix is the other side of the `or`; otherwise one more required word.
  const alternative = /(^|\s)or$/i.test(before);
  const rest = alternative ? before.replace(/or$/i, '').trimEnd() : before;
  return {
    query: `(websearch_to_tsquery('${SEARCH_CONFIG}', ?) ${alternative ? '||' : '&&'} to_tsquery('${SEARCH_CONFIG}', ?))`,
    params: [rest, `${typing[2]}:*`],
    table,
  };
}

/** Whether the ticket at `ticket` matches: one probe of its search row. */
export function ticketMatchesSql(ticket: string, search: TicketSearch): string {
  return `EXISTS (SELECT 1 FROM ${search.table} s WHERE s.ticket_id = ${ticket}.id AND s.document @@ ${search.query})`;
}

/**
 * The relevance of the ticket with id `ticketId`: `ts_rank` with its default weights (A 1.0,
 * B 0.4, C 0.2, D 0.1), so a subject match ranks above a customer-name match above a message
 * match; as float8, whose text form reads back exactly (cursors hold it).
 */
export function ticketScoreSql(ticketId: string, search: TicketSearch): string {
  return `(SELECT ts_rank(s.document, ${search.query})::float8 FROM ${search.table} s WHERE s.ticket_id = ${ticketId})`;
}
