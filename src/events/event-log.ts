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

/**
 * The seq of the newest committed event, 0 when there is none. Events take their seqs in commit
 * order (the commit-order trigger, see the event migrations), so every event up to it has
 * committed: a list read after this has seen them all, and a feed resumed after it misses none
 * of the later ones.
 */
export async function newestEventSeq(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ max: string | null }[]>('SELECT max(seq) AS max FROM event');
  return Number(row?.max ?? 0);
}
