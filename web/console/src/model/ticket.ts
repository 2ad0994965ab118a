import type {
  ConsoleDeliveryFragment,
  ConsoleHistoryEntryFragment,
  ConsoleMessageFragment,
  ConsoleTicketDetailFragment,
  ConsoleTicketEventsSubscription,
  ConsoleTicketQuery,
} from '../generated/graphql';
import { anyPriorityLabel, anyStatusLabel } from './labels';

export type TicketDetail = ConsoleTicketDetailFragment;
export type TicketMessage = ConsoleMessageFragment;
export type HistoryEntry = ConsoleHistoryEntryFragment;
export type MessageDelivery = ConsoleDeliveryFragment;
export type TicketEvent = ConsoleTicketEventsSubscription['ticketEvents'];

export interface TicketState {
  ticket: TicketDetail;
  /** The latest messages, oldest first. */
  messages: readonly TicketMessage[];
  /** Whether older messages exist than those loaded. */
  hasEarlierMessages: boolean;
  /** Every change, oldest first: the snapshot's history, then the live events. */
  history: readonly HistoryEntry[];
  /** Messages committed while the console was offline, delivered when it came back. */
  missedMessageIds: ReadonlySet<string>;
}

export function ticketStateOf(ticket: NonNullable<ConsoleTicketQuery['ticket']>): TicketState {
  const { messages, history, ...detail } = ticket;
  return {
    ticket: detail,
    messages: messages.nodes,
    hasEarlierMessages: messages.pageInfo.hasPreviousPage,
    history,
    missedMessageIds: new Set(),
  };
}

/** Where a feed of this ticket's events picks up from its history (cursors are increasing integers). */
export function lastCursor(history: readonly HistoryEntry[]): string | null {
  return history.at(-1)?.cursor ?? null;
}

/** The ticket version an entry produced (every ticket event records it). */
export function versionOf(entry: HistoryEntry): number | undefined {
  const version = entry.data.version;
  return typeof version === 'number' ? version : undefined;
}

function newer(current: TicketDetail, candidate: TicketDetail): TicketDetail {
  return candidate.version >= current.version ? candidate : current;
}

function withMessage(
  messages: readonly TicketMessage[],
  message: TicketMessage | null | undefined,
): readonly TicketMessage[] {
  if (!message || messages.some((known) => known.id === message.id)) return messages;
  return [...messages, message];
}

export function applyTicketEvent(
  state: TicketState,
  event: TicketEvent,
  replayed: boolean,
): TicketState {
  const known = state.history.some((entry) => entry.cursor === event.cursor);
  const missedMessageIds =
    replayed && event.message
      ? new Set([...state.missedMessageIds, event.message.id])
      : state.missedMessageIds;
  return {
    ...state,
    ticket: newer(state.ticket, event.ticket),
    messages: withMessage(state.messages, event.message),
    history: known
      ? state.history
      : [
          ...state.history,
          {
            cursor: event.cursor,
            type: event.type,
            occurredAt: event.occurredAt,
            data: event.changes,
            actor: event.actor,
          },
        ],
    missedMessageIds,
  };
}

/** What one of the agent's own mutations returned, applied before its event arrives. */
export function applyOwnChange(
  state: TicketState,
  ticket: TicketDetail,
  message?: TicketMessage | null,
): TicketState {
  return {
    ...state,
    ticket: newer(state.ticket, ticket),
    messages: withMessage(state.messages, message),
  };
}

/** The public replies whose email has not left yet (QUEUED): their delivery is read again. */
export function queuedReplyIds(messages: readonly TicketMessage[]): string[] {
  return messages
    .filter((message) => message.delivery?.status === 'QUEUED')
    .map((message) => message.id);
}

function sameDelivery(a: MessageDelivery | null, b: MessageDelivery | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.status === b.status &&
    a.attempts === b.attempts &&
    a.error === b.error &&
    a.sentAt === b.sentAt &&
    a.messageId === b.messageId
  );
}

/**
 * The deliveries just read, applied to the messages they belong to. The state stays the same
 * object when nothing changed, so nothing re-renders for a check that found the same.
 */
export function withDeliveries(
  state: TicketState,
  deliveries: ReadonlyMap<string, MessageDelivery | null>,
): TicketState {
  let changed = false;
  const messages = state.messages.map((message) => {
    const delivery = deliveries.get(message.id);
    if (delivery === undefined || sameDelivery(message.delivery, delivery)) return message;
    changed = true;
    return { ...message, delivery };
  });
  return changed ? { ...state, messages } : state;
}

function tagsChange(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { from, to } = value as { from?: unknown; to?: unknown };
  const before = Array.isArray(from) ? from.map(String) : [];
  const after = Array.isArray(to) ? to.map(String) : [];
  const added = after.filter((tag) => !before.includes(tag));
  const removed = before.filter((tag) => !after.includes(tag));
  const parts = [
    added.length ? `added the tag${added.length > 1 ? 's' : ''} ${added.join(', ')}` : '',
    removed.length ? `removed the tag${removed.length > 1 ? 's' : ''} ${removed.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' and ') : undefined;
}

function fromTo(value: unknown): { from: unknown; to: unknown } {
  return typeof value === 'object' && value !== null
    ? (value as { from: unknown; to: unknown })
    : { from: undefined, to: undefined };
}

/**
 * One change in a sentence, such as "Alex Agent changed the status from Open to Pending".
 * `assigneeName` names who a ticket went to (history records employee keys, not names).
 */
export function describeChange(
  entry: Pick<HistoryEntry, 'type' | 'data' | 'actor'>,
  assigneeName?: string | null,
): string {
  const who = entry.actor?.name ?? 'Backdesk';
  const { data } = entry;
  switch (entry.type) {
    case 'CREATED':
      return `${who} opened the ticket`;
    case 'MESSAGE_ADDED':
      if (data.authorKind === 'CUSTOMER') return 'The customer wrote';
      if (data.authorKind === 'REQUESTER') return 'The requester wrote';
      return data.internal ? `${who} added an internal note` : `${who} replied to the customer`;
    case 'STATUS_CHANGED': {
      const { from, to } = fromTo(data);
      return `${who} changed the status from ${anyStatusLabel(from)} to ${anyStatusLabel(to)}`;
    }
    case 'ASSIGNED':
      if (data.to === null) return `${who} unassigned the ticket`;
      return assigneeName
        ? `${who} assigned the ticket to ${assigneeName}`
        : `${who} changed the assignee`;
    case 'UPDATED': {
      const parts: string[] = [];
      if (data.priority) {
        const { from, to } = fromTo(data.priority);
        parts.push(
          `changed the priority from ${anyPriorityLabel(from)} to ${anyPriorityLabel(to)}`,
        );
      }
      const tags = tagsChange(data.tags);
      if (tags) parts.push(tags);
      if (typeof data.subject === 'string') parts.push(`renamed it “${data.subject}”`);
      return `${who} ${parts.length ? parts.join(', ') : 'updated the ticket'}`;
    }
    case 'MERGED':
      return `${who} merged tickets`;
    case 'SLA_BREACHED':
      return data.target === 'RESOLUTION'
        ? 'The ticket missed its resolution target'
        : 'The ticket missed its first-response target';
    case 'SATISFACTION_RATED':
      return typeof data.previousRating === 'number'
        ? `The customer changed their rating from ${data.previousRating} to ${String(data.rating)} of 5`
        : `The customer rated the help ${String(data.rating)} of 5`;
    default:
      return `${who}: ${entry.type.toLowerCase().replace(/_/g, ' ')}`;
  }
}
