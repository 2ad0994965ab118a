import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvent } from './event.entity';

export interface EventRecord {
  streamType: string;
  streamId: number | string;
  type: string;
  payload?: Record<string, unknown>;
  actorId: number | null;
}

/**
 * Records a change in the event log. Call it inside the transaction that makes the change, so the
 * event commits (and is announced) exactly when the change does, and never when it rolls back.
 */
export function recordEvent(em: EntityManager, record: EventRecord): DomainEvent {
  const event = em.create(DomainEvent, {
    streamType: record.streamType,
    streamId: String(record.streamId),
    type: record.type,
    payload: record.payload ?? {},
    actorId: record.actorId,
    occurredAt: new Date(),
  });
  em.persist(event);
  return event;
}
