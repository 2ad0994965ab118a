import { GraphQLJSONObject } from 'graphql-scalars';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  ID,
  InputType,
  Mutation,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { IsString } from 'class-validator';
import { GraphQLError } from 'graphql';
import type { CommittedEvent } from '../../events/event-dispatcher';
import { LiveFeed, type LiveDelivery } from '../../events/live-feed';
import { abortable, parseCursor, requireLiveRole } from '../../events/live-stream';
import { PresenceActivity } from '../../events/presence';
import { forbidden, requireRole, signedIn } from '../../graphql/auth-checker';
import type { Viewer } from '../common/viewer';
import type { RequestContext } from '../context';
import { parseGlobalId } from '../../graphql/global-id';
import { UserError, toPayload } from '../../graphql/user-error';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { EmployeeObject } from '../employees/employee.types';
import { ticketListFilter } from './support.resolver';
import { queueOfSnapshot, type TicketListFilter, type TicketSnapshot } from './support.service';
import {
  QUEUE_RULES,
  TICKET_READERS,
  TICKET_WORKERS,
  mayReadQueue,
  mayWorkQueue,
  readsNotesIn,
} from './ticket-queues';
import { TicketFilter, TicketMessageObject, TicketObject } from './support.types';
import { Ticket, TicketMessage, type TicketQueue } from './ticket.entity';
import { readById } from '../../read';
import { ticketPassesRowFilter } from './support.reads';
import { employeeRows } from '../employees/employee.reads';

export enum TicketEventType {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  ASSIGNED = 'ASSIGNED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  MESSAGE_ADDED = 'MESSAGE_ADDED',
  MERGED = 'MERGED',
  SLA_BREACHED = 'SLA_BREACHED',
  SATISFACTION_RATED = 'SATISFACTION_RATED',
}

export enum QueueMovement {
  ENTERED = 'ENTERED',
  LEFT = 'LEFT',
  STAYED = 'STAYED',
}

registerEnumType(TicketEventType, {
  name: 'TicketEventType',
  description: 'What happened to a ticket.',
  valuesConfig: {
    CREATED: { description: 'It was opened.' },
    UPDATED: { description: 'Subject, priority or tags changed.' },
    ASSIGNED: { description: 'It was assigned, reassigned or unassigned.' },
    STATUS_CHANGED: { description: 'Its status changed.' },
    MESSAGE_ADDED: { description: 'A reply, note or customer message was added.' },
    MERGED: { description: 'It was merged into another ticket, or another ticket into it.' },
    SLA_BREACHED: {
      description:
        'It missed an SLA target: `changes.target` is FIRST_RESPONSE or RESOLUTION, `changes.dueAt` the deadline. Announced once per target, by the system.',
    },
    SATISFACTION_RATED: {
      description:
        "The customer answered its satisfaction survey, or changed the answer: `changes.rating` (1 to 5), `changes.previousRating` (null for a first answer), `changes.comment`. No actor (the customer). The ticket's queues and version do not change.",
    },
  },
});

registerEnumType(QueueMovement, {
  name: 'QueueMovement',
  description: "How a change moved the ticket relative to the subscriber's filter.",
  valuesConfig: {
    ENTERED: { description: 'It now matches the filter and did not before: add it to the list.' },
    LEFT: { description: 'It matched the filter and no longer does: remove it (announced once).' },
    STAYED: { description: 'It matched before and still does: update it in place.' },
  },
});

registerEnumType(PresenceActivity, {
  name: 'PresenceActivity',
  description: 'What a viewer is doing on a ticket.',
  valuesConfig: {
    VIEWING: { description: 'Has it open.' },
    TYPING_REPLY: { description: 'Is writing a public reply.' },
    TYPING_NOTE: { description: 'Is writing an internal note.' },
  },
});

@ObjectType({
  description:
    'A committed change to a ticket, delivered live. Resume after a disconnect with `after: <cursor>`.',
})
export class TicketEvent {
  @Field(() => String, {
    description:
      'The position of this event; pass it as `after` to resume without a gap or a duplicate.',
  })
  cursor!: string;

  @Field(() => TicketEventType, { description: 'What happened.' })
  type!: TicketEventType;

  @Field(() => Date, { description: 'When the change committed.' })
  occurredAt!: Date;

  @Field(() => EmployeeObject, { nullable: true, description: 'Who did it; null for the system.' })
  actor!: unknown;

  @Field(() => TicketObject, { description: 'The ticket as it is now.' })
  ticket!: unknown;

  @Field(() => TicketMessageObject, {
    nullable: true,
    description: 'The message added, for MESSAGE_ADDED.',
  })
  message!: unknown;

  @Field(() => GraphQLJSONObject, {
    description: 'What changed, such as {"from": "OPEN", "to": "PENDING"}.',
  })
  changes!: Record<string, unknown>;

  @Field(() => QueueMovement, {
    description: "How the change moved the ticket relative to the subscription's filter.",
  })
  queue!: QueueMovement;
}

@ObjectType({ description: 'Someone looking at a ticket.' })
export class TicketViewer {
  @Field(() => EmployeeObject, { description: 'Who.' })
  employee!: unknown;

  @Field(() => PresenceActivity, { description: 'What they are doing.' })
  activity!: PresenceActivity;

  @Field(() => Date, { description: 'Since when.' })
  since!: Date;
}

@ObjectType({ description: 'Who is on a ticket right now. Ephemeral: never in the event log.' })
export class TicketPresence {
  @Field(() => ID, { description: 'The ticket.' })
  ticketId!: string;

  @Field(() => [TicketViewer], { description: 'Everyone viewing or typing, longest first.' })
  viewers!: TicketViewer[];
}

@InputType({
  description: 'What you are doing on a ticket you are viewing (through `ticketPresence`).',
})
export class SetTicketActivityInput {
  @Field(() => ID, { description: 'The ticket.' })
  @IsString()
  ticketId!: string;

  @Field(() => PresenceActivity, { description: 'Viewing, typing a reply or typing a note.' })
  activity!: PresenceActivity;
}

@ObjectType({ description: 'The result of `setTicketActivity`.' })
export class SetTicketActivityPayload {
  @Field(() => PresenceActivity, {
    nullable: true,
    description: 'The activity now shown to others.',
  })
  activity?: PresenceActivity;

  @Field(() => [UserError], {
    description: 'Why it was refused (`INVALID_INPUT`: subscribe to `ticketPresence` first).',
  })
  userErrors!: UserError[];
}

interface TicketEventArgs {
  filter?: TicketFilter | null;
  after?: string | null;
}

interface RowFilter {
  queue: TicketQueue | null;
  breached: boolean | null;
  search: string | null;
}

/**
 * The filter fields that only the ticket's current row answers: a search, and `breached` for
 * events recorded before snapshots carried it (the others are answered by the event's snapshots).
 * The queue goes with them: a search reaches the notes of the queues the subscription follows.
 */
function rowFilterOf(
  filter: TicketListFilter,
  snapshot: TicketSnapshot | undefined,
): RowFilter | null {
  const breached = snapshot?.breached === undefined ? (filter.breached ?? null) : null;
  const search = filter.search?.trim() ? filter.search : null;
  return breached === null && search === null
    ? null
    : { queue: filter.queue ?? null, breached, search };
}

/** FORBIDDEN when the viewer (as they are now) may not read the queue the filter names. */
function requireFilterQueue(viewer: Viewer, filter: TicketListFilter): void {
  if (filter.queue && !mayReadQueue(viewer, filter.queue))
    throw forbidden(QUEUE_RULES[filter.queue].read);
}

function matchesSnapshot(
  filter: TicketListFilter,
  ticketId: number,
  snapshot: TicketSnapshot | null | undefined,
): boolean {
  if (!snapshot) return false;
  if (filter.queue && queueOfSnapshot(snapshot) !== filter.queue) return false;
  if (filter.ticketId != null && filter.ticketId !== ticketId) return false;
  if (filter.status?.length && !filter.status.includes(snapshot.status)) return false;
  if (filter.priority?.length && !filter.priority.includes(snapshot.priority)) return false;
  if (filter.assigneeId != null && snapshot.assigneeId !== filter.assigneeId) return false;
  if (filter.unassigned === true && snapshot.assigneeId !== null) return false;
  if (filter.unassigned === false && snapshot.assigneeId === null) return false;
  if (filter.customerId != null && snapshot.customerId !== filter.customerId) return false;
  if (filter.tag && !snapshot.tags.includes(filter.tag.trim().toLowerCase())) return false;
  // Breached as of the change (the SLA sweep's SLA_BREACHED event is the change when the clock
  // alone crossed a deadline); older events without it leave `breached` to the row check.
  if (
    filter.breached != null &&
    snapshot.breached !== undefined &&
    snapshot.breached !== filter.breached
  )
    return false;
  return true;
}

/** Whether the ticket's current row passes the filters a snapshot cannot answer; batched per event. */
async function matchesRow(
  context: RequestContext,
  viewer: Viewer,
  filter: RowFilter,
  ticketId: number,
): Promise<boolean> {
  return ticketPassesRowFilter.load(context, { ticketId, filter, viewer });
}

interface TicketEventPayload {
  event: CommittedEvent;
  queue: QueueMovement;
}

function ticketEventFeed({
  args,
  context,
}: SubscribeResolverData<unknown, TicketEventArgs, RequestContext>): LiveFeed<RequestContext> {
  const filter = ticketListFilter(args.filter);
  requireFilterQueue(requireLiveRole(context, TICKET_READERS), filter);
  const movement = (event: CommittedEvent, before: boolean, now: boolean): LiveDelivery | null => {
    if (!before && !now) return null;
    const queue =
      before && now ? QueueMovement.STAYED : now ? QueueMovement.ENTERED : QueueMovement.LEFT;
    return { root: { event, queue } satisfies TicketEventPayload };
  };
  return new LiveFeed({
    kind: 'ticketEvents',
    context,
    after: parseCursor(args.after),
    accepts: (event) =>
      event.streamType === 'Ticket' &&
      (filter.ticketId == null || Number(event.streamId) === filter.ticketId),
    select: (event, eventContext) => {
      // The viewer's roles as they are now: each event is checked against its ticket's queue.
      const viewer = requireLiveRole(eventContext, TICKET_READERS);
      requireFilterQueue(viewer, filter);
      const payload = event.payload as {
        before?: TicketSnapshot | null;
        after?: TicketSnapshot;
        internal?: boolean;
      };
      const queue = queueOfSnapshot(payload.after ?? payload.before ?? {});
      if (!mayReadQueue(viewer, queue)) return null;
      if (payload.internal && !readsNotesIn(viewer, queue)) return null;
      const ticketId = Number(event.streamId);
      const before = matchesSnapshot(filter, ticketId, payload.before);
      const now = matchesSnapshot(filter, ticketId, payload.after);
      // Most queues are answered by the snapshots alone, with no query and no await.
      const rowFilter = rowFilterOf(filter, payload.after);
      if (!now || !rowFilter) return movement(event, before, now);
      return matchesRow(eventContext, viewer, rowFilter, ticketId).then((row) =>
        movement(event, before, row),
      );
    },
  });
}

async function* presenceStream(
  { args, context }: SubscribeResolverData<unknown, { ticketId: string }, RequestContext>,
  signal: AbortSignal,
): AsyncGenerator<number> {
  const viewer = requireRole(context.viewer, TICKET_WORKERS);
  const ticketId = parseGlobalId(args.ticketId, 'Ticket', 'ticketId');
  // Only on a ticket of a queue the viewer works; any other does not exist for them.
  const ticket = await readById(context, Ticket, ticketId);
  if (!ticket || !mayWorkQueue(viewer, ticket.queue))
    throw new GraphQLError('No such ticket', {
      extensions: { code: 'NOT_FOUND', argument: 'ticketId' },
    });
  const { presence } = context.realtime;
  let changed: (() => void) | undefined;
  let pending = true; // the first snapshot goes out at once
  const unwatch = presence.watch(ticketId, () => {
    pending = true;
    changed?.();
  });
  const leave = presence.join(ticketId, viewer.employeeId);
  const onAbort = () => changed?.();
  signal.addEventListener('abort', onAbort);
  context.realtime.metrics.subscribers.inc({ kind: 'ticketPresence' });
  try {
    while (!signal.aborted) {
      if (!pending) await new Promise<void>((resolve) => (changed = resolve));
      if (signal.aborted) return;
      pending = false;
      yield ticketId;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    leave();
    unwatch();
    context.realtime.metrics.subscribers.dec({ kind: 'ticketPresence' });
  }
}

@Resolver(() => TicketEvent)
export class TicketLiveResolver {
  @Authorized(...TICKET_READERS)
  @Subscription(() => TicketEvent, {
    description:
      "Ticket changes as they commit, for the queue described by `filter` (the same filter as `tickets`: `filter.queue` picks the customer or the IT queue, none follows every queue the viewer reads). With `after`, first every event missed since that cursor, then live ones. Each event is checked against the viewer's roles as they are then. Requires one of: SUPPORT_AGENT, SUPPORT_LEAD, REPORTING, IT_SUPPORT, ADMIN (SUPPORT_AGENT, SUPPORT_LEAD and REPORTING read the customer queue, IT_SUPPORT and REPORTING the IT queue). A cursor older than the retained history ends with RESYNC_REQUIRED.",
    subscribe: ticketEventFeed,
  })
  ticketEvents(
    @Root() payload: TicketEventPayload,
    @Arg('filter', () => TicketFilter, {
      nullable: true,
      description: 'The queue to follow (as in `tickets`), or `ticketId` for one ticket.',
    })
    _filter: TicketFilter | null,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The cursor of the last event seen: replay everything after it first.',
    })
    _after: string | null,
    @Ctx() context: RequestContext,
  ): TicketEvent {
    const { event, queue } = payload;
    const { before: _before, after: _snapshot, ...changes } = event.payload;
    const messageId = typeof event.payload.messageId === 'number' ? event.payload.messageId : null;
    return {
      cursor: String(event.seq),
      type: event.type as TicketEventType,
      occurredAt: event.occurredAt,
      actor: employeeRows.byId(context, event.actorId),
      ticket: readById(context, Ticket, Number(event.streamId)),
      message: messageId === null ? null : readById(context, TicketMessage, messageId),
      changes,
      queue,
    };
  }

  @Authorized(...TICKET_WORKERS)
  @Subscription(() => TicketPresence, {
    description:
      'Who else is on a ticket, updated live. Subscribing marks you as viewing it; leaving, disconnecting or a missed heartbeat removes you. Only on a ticket of a queue you work (NOT_FOUND otherwise). Requires one of: SUPPORT_AGENT, SUPPORT_LEAD, IT_SUPPORT, ADMIN.',
    subscribe: (data: SubscribeResolverData<unknown, { ticketId: string }, RequestContext>) =>
      abortable((signal) => presenceStream(data, signal)),
  })
  ticketPresence(
    @Root() ticketId: number,
    @Arg('ticketId', () => ID, { description: 'The ticket.' }) globalId: string,
    @Ctx() context: RequestContext,
  ): TicketPresence {
    return {
      ticketId: globalId,
      viewers: context.realtime.presence.viewers(ticketId).map((viewer) => ({
        employee: employeeRows.byId(context, viewer.employeeId),
        activity: viewer.activity,
        since: viewer.since,
      })),
    };
  }

  @Authorized(...TICKET_WORKERS)
  @Mutation(() => SetTicketActivityPayload, {
    description:
      'Tells others on the ticket that you are viewing, typing a reply or typing a note (while subscribed to `ticketPresence` on this instance).',
  })
  setTicketActivity(
    @Arg('input', () => SetTicketActivityInput, { description: 'Ticket and activity.' })
    input: SetTicketActivityInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const ticketId = parseGlobalId(input.ticketId, 'Ticket', 'input.ticketId');
    return toPayload(async () => {
      if (!context.realtime.presence.setActivity(ticketId, viewer.employeeId, input.activity)) {
        throw new BusinessRuleError(
          UserErrorCode.INVALID_INPUT,
          'Subscribe to ticketPresence for this ticket first (on the same server)',
          ['input', 'ticketId'],
        );
      }
      return { activity: input.activity };
    });
  }
}
