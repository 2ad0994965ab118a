import type { GraphQLResolveInfo } from 'graphql';
import type { Viewer } from '../common/viewer';
import type { RequestContext } from '../context';
import { Attachment } from '../../mail/mail.entity';
import {
  defineGroupLoader,
  defineLoader,
  readById,
  joinOne,
  readPage,
  readPagesPerParent,
  readRankedPage,
  readRows,
  type PageArgs,
  type ReadContext,
  type Row,
  type RowOf,
  type Where,
} from '../../read';
import { RANKED_CANDIDATES, ticketScoreSql, ticketSearch } from './ticket-search';
import { TicketOrder } from './support.types';
import { Ticket, TicketMessage, TicketQueue } from './ticket.entity';
import { ALL_QUEUES, queuesOfList, readsNotesIn, readsNotesInAll } from './ticket-queues';
import { OutboundEmail } from '../../mail/mail.entity';
import { SatisfactionSurvey } from './satisfaction.entity';

/**
 * How tickets and their conversations read. Internal notes are read only for viewers who may
 * see them (`withNotes`): every read here that can reach a note takes that flag.
 */

/**
 * Whether the viewer reads the internal notes of one ticket, which they reached through a read
 * that checked its queue (or as its requester): at once when the answer is the same for every
 * queue, otherwise by the ticket's queue (its row, batched and usually loaded already).
 */
export function readsNotesOnTicket(
  context: ReadContext & { viewer?: Viewer },
  ticketId: number,
): boolean | Promise<boolean> {
  const { viewer } = context;
  const noted = ALL_QUEUES.filter((queue) => readsNotesIn(viewer, queue));
  if (noted.length === 0) return false;
  if (noted.length === ALL_QUEUES.length) return true;
  return readById(context, Ticket, ticketId).then(
    (ticket) => ticket !== null && readsNotesIn(viewer, ticket.queue),
  );
}

export const TICKET_ORDERINGS = {
  [TicketOrder.SLA_DUE]: { nextDueAt: 'asc', id: 'asc' },
  [TicketOrder.PRIORITY]: { priorityRank: 'asc', createdAt: 'asc', id: 'asc' },
  [TicketOrder.CREATED]: { createdAt: 'desc', id: 'desc' },
  [TicketOrder.UPDATED]: { updatedAt: 'desc', id: 'desc' },
  // Without a search there is nothing to rank: newest first (with one, ticketPage ranks).
  [TicketOrder.RELEVANCE]: { createdAt: 'desc', id: 'desc' },
} as const;

/**
 * The order of `tickets` when the client names none: the best matches first for a search (what
 * a search box expects), otherwise the SLA queue.
 */
export function defaultTicketOrder(search: string | null | undefined): TicketOrder {
  return search?.trim() ? TicketOrder.RELEVANCE : TicketOrder.SLA_DUE;
}

/**
 * The latest message of the ticket at `ticket` (internal notes only `withNotes`), selecting
 * `what`: one index probe on (ticket_id, id), however long the conversation is.
 */
function latestMessageSql(ticket: string, withNotes: boolean, what: string): string {
  return `SELECT ${what} FROM ticket_message last
           WHERE last.ticket_id = ${ticket}.id ${withNotes ? '' : 'AND NOT last.internal'}
           ORDER BY last.id DESC LIMIT 1`;
}

/** A page of tickets reads each one's last message in its own statement when the query asks. */
const lastMessageJoined = {
  withNotes: joinOne({
    field: 'lastMessage',
    entity: TicketMessage,
    alias: 'last',
    sql: (ticket, row) => latestMessageSql(ticket, true, row),
  }),
  withoutNotes: joinOne({
    field: 'lastMessage',
    entity: TicketMessage,
    alias: 'last',
    sql: (ticket, row) => latestMessageSql(ticket, false, row),
  }),
};

function lastMessageLoader(withNotes: boolean) {
  return defineLoader<number, TicketMessage | null>(
    `support.lastMessage.${withNotes ? 'withNotes' : 'withoutNotes'}`,
    async (context, ids) => {
      const messages = await readRows(context, TicketMessage, {
        alias: 'm',
        rest: `WHERE m.id IN (SELECT (${latestMessageSql('t', withNotes, 'last.id')})
                                FROM ticket t WHERE t.id = ANY(?))`,
        params: [ids],
      });
      const byTicket = new Map(messages.map((message) => [message.ticket.id, message]));
      return ids.map((id) => byTicket.get(id) ?? null);
    },
  );
}

const lastMessageOfTicket = {
  withNotes: lastMessageLoader(true),
  withoutNotes: lastMessageLoader(false),
};

const notes = (withNotes: boolean) => (withNotes ? 'withNotes' : 'withoutNotes');

/**
 * A page of `tickets`. RELEVANCE with a search ranks the newest RANKED_CANDIDATES matches by
 * their score (ticket-search.ts) and continues with the older matches, newest first.
 */
export function ticketPage(
  context: ReadContext,
  where: Where<Ticket>,
  args: PageArgs,
  orderBy: TicketOrder,
  info: GraphQLResolveInfo,
  withNotes: boolean,
  searchText?: string | null,
) {
  const joinedFields = [lastMessageJoined[notes(withNotes)]];
  const search = orderBy === TicketOrder.RELEVANCE ? ticketSearch(searchText, withNotes) : null;
  if (search)
    return readRankedPage(context, Ticket, where, args, {
      score: { sql: (id) => ticketScoreSql(id, search), params: search.params },
      candidates: RANKED_CANDIDATES,
      info,
      joinedFields,
    });
  return readPage(context, Ticket, where, args, {
    orderBy: TICKET_ORDERINGS[orderBy],
    info,
    joinedFields,
    planEachTime: Boolean(searchText?.trim()),
  });
}

/**
 * The IT tickets an employee reported, newest first: what they read of their own reports (public
 * messages only, unless they read the IT queue's notes anyway).
 */
export function itTicketsOfRequester(
  context: ReadContext,
  requesterId: number,
  args: PageArgs,
  info: GraphQLResolveInfo,
  withNotes: boolean,
) {
  return readPagesPerParent(
    context,
    Ticket,
    { property: 'requester', id: requesterId },
    { queue: TicketQueue.IT },
    args,
    {
      orderBy: TICKET_ORDERINGS[TicketOrder.CREATED],
      info,
      joinedFields: [lastMessageJoined[notes(withNotes)]],
    },
  );
}

/** The IT tickets about an asset, newest first, one statement for every asset of the request. */
export function ticketsOfAsset(
  context: ReadContext,
  assetId: number,
  where: Where<Ticket>,
  args: PageArgs,
  info: GraphQLResolveInfo,
  withNotes: boolean,
) {
  return readPagesPerParent(context, Ticket, { property: 'asset', id: assetId }, where, args, {
    orderBy: TICKET_ORDERINGS[TicketOrder.CREATED],
    info,
    joinedFields: [lastMessageJoined[notes(withNotes)]],
  });
}

/** A customer's tickets, newest first, one statement for every customer of the request. */
export function ticketsOfCustomer(
  context: ReadContext,
  customerId: number,
  where: Where<Ticket>,
  args: PageArgs,
  info: GraphQLResolveInfo,
  withNotes: boolean,
) {
  return readPagesPerParent(
    context,
    Ticket,
    { property: 'customer', id: customerId },
    where,
    args,
    {
      orderBy: TICKET_ORDERINGS[TicketOrder.CREATED],
      info,
      joinedFields: [lastMessageJoined[notes(withNotes)]],
    },
  );
}

/** A ticket's conversation, oldest first. */
export function messagesOfTicket(
  context: ReadContext,
  ticketId: number,
  args: PageArgs,
  withNotes: boolean,
) {
  return readPagesPerParent(
    context,
    TicketMessage,
    { property: 'ticket', id: ticketId },
    withNotes ? {} : { internal: false },
    args,
    { orderBy: { id: 'asc' } },
  );
}

/**
 * A ticket's latest message: the one its page read beside it (with or without notes as the page
 * decided for its queues), or loaded with the request's others, with notes as `withNotes` says
 * (asked only then).
 */
export function lastMessageOf(
  context: ReadContext,
  ticket: RowOf<Ticket>,
  withNotes: () => boolean | Promise<boolean>,
): TicketMessage | null | Promise<TicketMessage | null> {
  const joined = (ticket as { lastMessage?: TicketMessage | null }).lastMessage;
  if (joined !== undefined) return joined;
  const notesRead = withNotes();
  const load = (withThem: boolean) => lastMessageOfTicket[notes(withThem)].load(context, ticket.id);
  return typeof notesRead === 'boolean' ? load(notesRead) : notesRead.then(load);
}

/**
 * The files of messages, oldest first: those received by email and the uploads a reply carried.
 * Without their bytes (a lazy column), which only the download reads.
 */
export const attachmentsOfMessage = defineGroupLoader(
  'support.attachmentsOfMessage',
  (context, messageIds) =>
    readRows(context, Attachment, {
      alias: 'a',
      rest: 'WHERE a.ticket_message_id = ANY(?) ORDER BY a.ticket_message_id, a.id',
      params: [messageIds],
    }),
  (attachment) => attachment.ticketMessageId ?? 0,
);

/** The tickets about an order, newest first. */
export const ticketsOfOrder = defineLoader<number, Ticket[]>(
  'support.ticketsOfOrder',
  async (context, ids) => {
    const tickets = await context.em.find(
      Ticket,
      { order: { $in: [...ids] } },
      { orderBy: { id: 'desc' } },
    );
    return ids.map((id) => tickets.filter((ticket) => ticket.order?.id === id));
  },
);

/** The filters of a queue that only the ticket's current row can answer (and its queue). */
interface RowFilter {
  queue?: TicketQueue | null;
  breached?: boolean | null;
  search?: string | null;
}

/**
 * Whether a ticket's current row passes a queue's row filter, for a viewer (a search reaches
 * internal notes only for viewers who read them); batched per filter and kind of viewer.
 */
export const ticketPassesRowFilter = defineLoader<
  { ticketId: number; filter: RowFilter; viewer: Viewer },
  boolean,
  RequestContext
>(
  'support.ticketPassesRowFilter',
  async (context, keys) => {
    const groups = new Map<string, { filter: RowFilter; viewer: Viewer; ids: number[] }>();
    for (const { ticketId, filter, viewer } of keys) {
      const key = groupKey(filter, viewer);
      const group = groups.get(key) ?? { filter, viewer, ids: [] };
      group.ids.push(ticketId);
      groups.set(key, group);
    }
    const passing = new Map<string, Set<number>>();
    for (const [key, { filter, viewer, ids }] of groups) {
      const where = context.services.support.listWhere(filter, viewer)();
      const rows = await context.em.find(
        Ticket,
        { ...where, id: { $in: ids } },
        { fields: ['id'] },
      );
      passing.set(key, new Set(rows.map((row) => row.id)));
    }
    return keys.map(
      ({ ticketId, filter, viewer }) =>
        passing.get(groupKey(filter, viewer))?.has(ticketId) ?? false,
    );
  },
  {
    cacheKeyFn: ({ ticketId, filter, viewer }) => `${ticketId}|${groupKey(filter, viewer)}`,
  },
);

/** Viewers alike for a row filter: the same queues read, with or without their notes. */
function groupKey(filter: RowFilter, viewer: Viewer): string {
  const queues = queuesOfList(viewer, filter.queue);
  return `${queues.join(',')}|${readsNotesInAll(viewer, queues)}|${JSON.stringify(filter)}`;
}

/** The email that carries a public reply (null for notes, customer messages, and replies not mailed). */
export const deliveryOfMessage = defineLoader<number, OutboundEmail | null>(
  'support.deliveryOfMessage',
  async (context, messageIds) => {
    const emails = await readRows(context, OutboundEmail, {
      alias: 'e',
      rest: 'WHERE e.ticket_message_id = ANY(?)',
      params: [messageIds],
    });
    const byMessage = new Map(emails.map((email) => [email.ticketMessageId, email]));
    return messageIds.map((id) => byMessage.get(id) ?? null);
  },
);

/** Each ticket's latest satisfaction survey (that of its latest solve), or null: one statement. */
export const latestSurveyOfTicket = defineLoader<number, Row<SatisfactionSurvey> | null>(
  'support.latestSurveyOfTicket',
  async (context, ticketIds) => {
    const surveys = await readRows(context, SatisfactionSurvey, {
      alias: 's',
      rest: `WHERE s.id IN (SELECT DISTINCT ON (ticket_id) id FROM satisfaction_survey
                             WHERE ticket_id = ANY(?) ORDER BY ticket_id, id DESC)`,
      params: [ticketIds],
    });
    const byTicket = new Map(surveys.map((survey) => [survey.ticket.id, survey]));
    return ticketIds.map((id) => byTicket.get(id) ?? null);
  },
);
