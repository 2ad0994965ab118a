import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { newestEventSeq } from './event-log';

@Resolver()
export class EventCursorResolver {
  @Authorized()
  @Query(() => String, {
    description:
      'The cursor of the newest committed change, for `after` on `ticketEvents`, `orderEvents`, `purchaseOrderEvents` and `stockEvents`. Read it before a list, then subscribe with `after:` it: every change committed since arrives, so none falls between the list and the live feed (one the list already shows may arrive again; the event carries the state after it).',
  })
  async eventCursor(@Ctx() context: GraphQLContext): Promise<string> {
    return String(await newestEventSeq(context.em));
  }
}
