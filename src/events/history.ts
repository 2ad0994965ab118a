import type { RequestContext } from '../graphql/context';
import { byIdLoader, groupLoader } from '../graphql/loaders';
import { Employee } from '../modules/employees/employee.entity';
import { DomainEvent } from './event.entity';
import type { HistoryEntry } from './history.types';

/** The history of objects of one stream type, batched per request, oldest first. */
export async function loadHistory(
  context: RequestContext,
  streamType: string,
  id: number,
): Promise<HistoryEntry[]> {
  const loader = groupLoader(
    context,
    `history:${streamType}`,
    (ids) =>
      context.em.find(
        DomainEvent,
        { streamType, streamId: { $in: ids.map(String) } },
        { orderBy: { seq: 'asc' } },
      ),
    (event) => Number(event.streamId),
  );
  const events = await loader.load(id);
  const actors = byIdLoader(context, Employee);
  return Promise.all(
    events.map(async (event) => ({
      cursor: String(event.seq),
      type: event.type,
      occurredAt: event.occurredAt,
      actor: event.actorId === null ? null : await actors.load(event.actorId),
      data: event.payload,
    })),
  );
}
