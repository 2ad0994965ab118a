/**
 * Ticket search: what a search text means, as SQL over the search documents that the triggers in
 * `sql/ticket_search_*.sql` keep (`ticket_search`, one row per ticket). Every place that searches
 * tickets (the `tickets` list and its ranking, a customer's tickets, the live `ticketEvents`
 * filter) goes through `ticketSearch`, so they all mean the same thing.
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
export const RANKED_CANDIDATES = 500;

/** A search as SQL: the tsquery expression and its parameters. */
export interface TicketSearch {
  /** A `tsquery` expression (with `?` placeholders). */
  query: string;
  params: string[];
  /**
   * The document a viewer may search, over `ticket_search` at `alias`: with internal notes only
   * for viewers who read them (the expression matches the GIN index `ticket_search_all_idx`).
   */
  document(alias: string): string;
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
  const document = (alias: string) =>
    withNotes
      ? `(${alias}.public_document || ${alias}.notes_document)`
      : `${alias}.public_document`;
  const typing = /(^|\s)([\p{L}\p{N}]+)$/u.exec(search);
  const quotes = (search.match(/"/g) ?? []).length;
  const typed = text !== search.trimStart(); // a space after the last word: it is complete
  if (typed || !typing || typing[2].length < MIN_PREFIX || quotes % 2 === 1)
    return { query: `websearch_to_tsquery('${SEARCH_CONFIG}', ?)`, params: [search], document };
  const before = search.slice(0, typing.index).trimEnd();
  // "a or refu": the prefix is the other side of the `or`; otherwise one more required word.
  const alternative = /(^|\s)or$/i.test(before);
  const rest = alternative ? before.replace(/or$/i, '').trimEnd() : before;
  return {
    query: `(websearch_to_tsquery('${SEARCH_CONFIG}', ?) ${alternative ? '||' : '&&'} to_tsquery('${SEARCH_CONFIG}', ?))`,
    params: [rest, `${typing[2]}:*`],
    document,
  };
}

/** Whether the ticket at `ticket` matches: one probe of its search row. */
export function ticketMatchesSql(ticket: string, search: TicketSearch): string {
  return `EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = ${ticket}.id AND ${search.document('s')} @@ ${search.query})`;
}

/**
 * The relevance of the ticket with id `ticketId`: `ts_rank` with its default weights (A 1.0,
 * B 0.4, C 0.2, D 0.1), so a subject match ranks above a customer-name match above a message
 * match; as float8, whose text form reads back exactly (cursors hold it).
 */
export function ticketScoreSql(ticketId: string, search: TicketSearch): string {
  return `(SELECT ts_rank(${search.document('s')}, ${search.query})::float8 FROM ticket_search s WHERE s.ticket_id = ${ticketId})`;
}
