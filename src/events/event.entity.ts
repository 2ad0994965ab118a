import {
  BigIntType,
  Check,
  Entity,
  Index,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';

/**
 * The event log (outbox): one row per committed change. It feeds live subscriptions and doubles
 * as the audit history of orders, tickets and employees.
 *
 * `seq` is assigned at COMMIT by a deferred trigger, under a lock held until the commit is
 * visible, so seq order is commit order and a gap never fills later (sql/event_assign_seq.sql).
 * The same trigger announces the event with `pg_notify('backdesk_events', ...)`: the event as
 * JSON, or its seq alone when that is too long for a notification.
 */
@Entity({ tableName: 'event' })
@Index({ name: 'event_stream_idx', properties: ['streamType', 'streamId', 'seq'] })
@Index({ name: 'event_occurred_at_idx', properties: ['occurredAt'] })
export class DomainEvent {
  [OptionalProps]?: 'seq' | 'occurredAt';

  /** Insertion order; clients never see it. */
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** Commit order, and the cursor clients resume from; null only inside the writing transaction. */
  @Property({ type: new BigIntType('number'), nullable: true })
  @Unique({ name: 'event_seq_unique' })
  seq: number | null = null;

  /** The kind of thing that changed: 'Order', 'Ticket', 'Employee', ... */
  @Property({ type: 'text' })
  streamType!: string;

  /** The primary key of the thing that changed. */
  @Property({ type: 'text' })
  streamId!: string;

  /** What happened, such as 'PLACED' or 'STATUS_CHANGED'. */
  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /** The employee who caused the change; null for the system itself. */
  @Property({ type: new BigIntType('number'), nullable: true })
  actorId!: number | null;

  /** When the change committed: set by the commit-order trigger with the seq. */
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  occurredAt: Date = new Date();
}

/** Events past the live retention window: no longer replayable, still the audit history. */
@Entity({ tableName: 'event_archive' })
@Index({ name: 'event_archive_stream_idx', properties: ['streamType', 'streamId', 'seq'] })
export class ArchivedEvent {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  id!: number;

  @Property({ type: new BigIntType('number'), nullable: true })
  seq!: number | null;

  @Property({ type: 'text' })
  streamType!: string;

  @Property({ type: 'text' })
  streamId!: string;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Property({ type: new BigIntType('number'), nullable: true })
  actorId!: number | null;

  @Property({ type: 'timestamptz' })
  occurredAt!: Date;
}

/** How far the live log was pruned: a cursor at or below `prunedThrough` must resync. One row. */
@Entity({ tableName: 'event_retention' })
@Check({ name: 'event_retention_single_row', expression: 'id = 1' })
export class EventRetention {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  @Property({ type: new BigIntType('number'), default: 0 })
  prunedThrough!: number;
}
