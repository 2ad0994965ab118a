import type { RowOf } from '../../read';
import {
  FIRST_RESPONSE_WATCHED,
  NO_DEADLINE,
  RESOLUTION_WATCHED,
  TicketPriority,
  TicketStatus,
  type Ticket,
} from './ticket.entity';

/** The columns the breach rule reads (`isBreached`, and the field that shows it). */
export const SLA_COLUMNS = [
  'firstRespondedAt',
  'solvedAt',
  'closedAt',
  'pausedAt',
  'firstResponseDueAt',
  'resolutionDueAt',
] as const;

/** A ticket as the breach rule reads it. */
export type SlaRow = RowOf<Ticket, (typeof SLA_COLUMNS)[number]>;

/** Default targets per priority, in minutes (editable per installation). */
export const DEFAULT_SLA: Record<
  TicketPriority,
  { firstResponseMinutes: number; resolutionMinutes: number }
> = {
  URGENT: { firstResponseMinutes: 60, resolutionMinutes: 4 * 60 },
  HIGH: { firstResponseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
  NORMAL: { firstResponseMinutes: 8 * 60, resolutionMinutes: 48 * 60 },
  LOW: { firstResponseMinutes: 24 * 60, resolutionMinutes: 120 * 60 },
};

export const PRIORITY_RANK: Record<TicketPriority, number> = {
  URGENT: 0,
  HIGH: 1,
  NORMAL: 2,
  LOW: 3,
};

/** Statuses that stop the resolution clock. */
export const PAUSED_STATUSES: ReadonlySet<TicketStatus> = new Set([
  TicketStatus.PENDING,
  TicketStatus.ON_HOLD,
]);
/** Statuses where no more work is due. */
export const DONE_STATUSES: ReadonlySet<TicketStatus> = new Set([
  TicketStatus.SOLVED,
  TicketStatus.CLOSED,
]);

const MINUTE = 60_000;

/** Sets both deadlines from the creation time, the policy and the time spent paused. */
export function applyDeadlines(
  ticket: Ticket,
  policy: { firstResponseMinutes: number; resolutionMinutes: number },
): void {
  const created = ticket.createdAt.getTime();
  ticket.firstResponseDueAt = new Date(created + policy.firstResponseMinutes * MINUTE);
  ticket.resolutionDueAt = new Date(
    created + policy.resolutionMinutes * MINUTE + ticket.pausedSeconds * 1000,
  );
  ticket.nextDueAt = nextDeadline(ticket);
}

/** The deadline that matters next: the first response until there is one, then resolution. */
export function nextDeadline(ticket: Ticket): Date {
  if (DONE_STATUSES.has(ticket.status)) return NO_DEADLINE;
  if (!ticket.firstRespondedAt) return ticket.firstResponseDueAt;
  if (ticket.pausedAt) return NO_DEADLINE;
  return ticket.resolutionDueAt;
}

/** The two targets of a ticket's SLA. */
export enum SlaTarget {
  FIRST_RESPONSE = 'FIRST_RESPONSE',
  RESOLUTION = 'RESOLUTION',
}

/** The first response came (or is still missing) after its deadline, as of `now`. */
export function firstResponseBreached(ticket: SlaRow, now: Date): boolean {
  const responded = ticket.firstRespondedAt ?? ticket.solvedAt ?? ticket.closedAt ?? now;
  return responded > ticket.firstResponseDueAt;
}

/** Resolution came (or is still missing) after its deadline, as of `now`; the clock stops while paused. */
export function resolutionBreached(ticket: SlaRow, now: Date): boolean {
  const resolved = ticket.solvedAt ?? ticket.closedAt ?? ticket.pausedAt ?? now;
  return resolved > ticket.resolutionDueAt;
}

export function targetBreached(target: SlaTarget, ticket: SlaRow, now: Date): boolean {
  return target === SlaTarget.FIRST_RESPONSE
    ? firstResponseBreached(ticket, now)
    : resolutionBreached(ticket, now);
}

/**
 * Whether a target was missed as of `now`: the first response came (or is still missing) after its
 * deadline, or resolution did (the clock stops while paused, and at solving).
 */
export function isBreached(ticket: SlaRow, now: Date): boolean {
  return firstResponseBreached(ticket, now) || resolutionBreached(ticket, now);
}

/**
 * Each target's rule in SQL (`?` is the current time), and the time that settles it: the first
 * response, or resolution (paused counts as settled while it lasts). These four must say what
 * the functions above say.
 */
const FIRST_RESPONSE_SETTLED = 'coalesce(first_responded_at, solved_at, closed_at';
const RESOLUTION_SETTLED = 'coalesce(solved_at, closed_at, paused_at';
const FIRST_RESPONSE_BREACHED_SQL = `${FIRST_RESPONSE_SETTLED}, ?::timestamptz) > first_response_due_at`;
const RESOLUTION_BREACHED_SQL = `${RESOLUTION_SETTLED}, ?::timestamptz) > resolution_due_at`;

/** The same rule in SQL, for queue filters and metrics; `?` is the current time. */
export const BREACHED_SQL = `(${FIRST_RESPONSE_BREACHED_SQL}
  OR ${RESOLUTION_BREACHED_SQL})`;

/** How the SLA sweep finds one target's breaches and deadlines (columns of `ticket`, unqualified). */
export interface SlaTargetSql {
  /** The ticket column that records the target's breach once announced. */
  recordedColumn: string;
  dueColumn: string;
  /**
   * Not recorded, and not settled in time (ticket.entity.ts): only such tickets can be or become
   * breached unannounced. A partial index holds just them; queries repeat the predicate so the
   * planner uses it.
   */
  watched: string;
  /** The target's breach rule; `?` is the current time. */
  breached: string;
  /** Still open: its deadline lies ahead, if it is after now. */
  open: string;
}

export const SLA_TARGET_SQL: Record<SlaTarget, SlaTargetSql> = {
  FIRST_RESPONSE: {
    recordedColumn: 'first_response_breached_at',
    dueColumn: 'first_response_due_at',
    watched: FIRST_RESPONSE_WATCHED,
    breached: FIRST_RESPONSE_BREACHED_SQL,
    open: `${FIRST_RESPONSE_SETTLED}) IS NULL`,
  },
  RESOLUTION: {
    recordedColumn: 'resolution_breached_at',
    dueColumn: 'resolution_due_at',
    watched: RESOLUTION_WATCHED,
    breached: RESOLUTION_BREACHED_SQL,
    open: `${RESOLUTION_SETTLED}) IS NULL`,
  },
};
