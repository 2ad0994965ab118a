import type { RowOf } from '../../read';
import { NO_DEADLINE, TicketPriority, TicketStatus, type Ticket } from './ticket.entity';

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

/**
 * Whether a target was missed as of `now`: the first response came (or is still missing) after its
 * deadline, or resolution did (the clock stops while paused, and at solving).
 */
export function isBreached(ticket: SlaRow, now: Date): boolean {
  const responded = ticket.firstRespondedAt ?? ticket.solvedAt ?? ticket.closedAt ?? now;
  const resolved = ticket.solvedAt ?? ticket.closedAt ?? ticket.pausedAt ?? now;
  return responded > ticket.firstResponseDueAt || resolved > ticket.resolutionDueAt;
}

/** The same rule in SQL, for queue filters and metrics; `?` is the current time. */
export const BREACHED_SQL = `(coalesce(first_responded_at, solved_at, closed_at, ?::timestamptz) > first_response_due_at
  OR coalesce(solved_at, closed_at, paused_at, ?::timestamptz) > resolution_due_at)`;
