import { BigIntType, Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The event log (outbox): one row per committed change, in commit order of `seq`. It feeds live
 * subscriptions and doubles as the audit history of orders, tickets and employees.
 * A trigger calls `pg_notify('backdesk_events', seq)` on insert, delivered only on commit.
 */
@Entity({ tableName: 'event' })
@Index({ name: 'event_stream_idx', properties: ['streamType', 'streamId', 'seq'] })
@Index({ name: 'event_occurred_at_idx', properties: ['occurredAt'] })
export class DomainEvent {
  [OptionalProps]?: 'seq' | 'occurredAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  seq!: number;

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

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  occurredAt: Date = new Date();
}
