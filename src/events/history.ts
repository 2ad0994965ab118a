import type { GraphQLContext } from '../graphql/context';
import { defineGroupLoader, type NamedLoader } from '../read';
import type { HistoryEntry } from './history.types';

interface EventRow {
  seq: string;
  stream_id: string;
  type: string;
  payload: Record<string, unknown>;
  actor_id: string | null;
  occurred_at: string | Date;
}

/** The events of one stream type's objects, grouped by object, oldest first. */
function historyRows(streamType: string) {
  return defineGroupLoader<EventRow>(
    `history:${streamType}`,
    // Live events and those past retention (archived) together make the full history.
    (context, ids) =>
      context.em.execute<EventRow[]>(
        `SELECT seq, stream_id, type, payload, actor_id, occurred_at FROM (
           SELECT seq, stream_id, type, payload, actor_id, occurred_at FROM event WHERE stream_type = ? AND stream_id IN (${ids.map(() => '?').join(', ')})
           UNION ALL
           SELECT seq, stream_id, type, payload, actor_id, occurred_at FROM event_archive WHERE stream_type = ? AND stream_id IN (${ids.map(() => '?').join(', ')})
         ) history WHERE seq IS NOT NULL ORDER BY seq`,
        [streamType, ...ids.map(String), streamType, ...ids.map(String)],
      ),
    (event) => Number(event.stream_id),
  );
}

/** One history loader per stream type, defined on first use. */
const historyLoaders = new Map<string, NamedLoader<number, EventRow[]>>();

/** The history of objects of one stream type, batched per request, oldest first. */
export async function loadHistory(
  context: GraphQLContext,
  streamType: string,
  id: number,
): Promise<HistoryEntry[]> {
  let loader = historyLoaders.get(streamType);
  if (!loader) {
    loader = historyRows(streamType);
    historyLoaders.set(streamType, loader);
  }
  const events = await loader.load(context, id);
  return events.map((event) => ({
    cursor: String(event.seq),
    type: event.type,
    occurredAt: new Date(event.occurred_at),
    actorId: event.actor_id === null ? null : Number(event.actor_id),
    data: event.payload,
  }));
}
