import type { GraphQLResolveInfo } from 'graphql';
import { Args, Authorized, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/relay';
import { Reads, ReadsKeyOnly, type RowOf } from '../../read';
import type { Asset } from '../assets/asset.entity';
import { assetRows, contractsCoveringAsset } from '../assets/assets.reads';
import { AssetObject, ServiceContractObject } from '../assets/assets.types';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { ticketsOfAsset } from './support.reads';
import { TicketConnection, TicketObject } from './support.types';
import { Ticket, TicketQueue } from './ticket.entity';
import { QUEUE_RULES, readsNotesIn } from './ticket-queues';

/**
 * The IT desk seen from the assets module's side, and the assets seen from a ticket: support
 * reads assets (through their reads), the assets module knows nothing of tickets.
 */
const IT_QUEUE_READERS = QUEUE_RULES[TicketQueue.IT].read;

@Resolver(() => AssetObject)
export class AssetTicketsResolver {
  @Authorized(...IT_QUEUE_READERS)
  @FieldResolver(() => TicketConnection, {
    description:
      'The IT tickets reported about it, newest first. Requires one of: IT_SUPPORT, REPORTING, ADMIN.',
  })
  @ReadsKeyOnly()
  tickets(
    @Root() asset: RowOf<Asset>,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where = context.services.support.listWhere({ queue: TicketQueue.IT }, context.viewer);
    return ticketsOfAsset(
      context,
      asset.id,
      where,
      args,
      info,
      readsNotesIn(context.viewer, TicketQueue.IT),
    );
  }
}

@Resolver(() => TicketObject)
export class TicketAssetResolver {
  @Authorized(...Permissions.assets.read)
  @FieldResolver(() => AssetObject, {
    nullable: true,
    description:
      'The equipment an IT report is about, when the employee named it. Requires one of: IT_SUPPORT, ACCOUNTANT, HR, REPORTING, ADMIN.',
  })
  @Reads(Ticket, 'asset')
  asset(@Root() ticket: RowOf<Ticket, 'asset'>, @Ctx() context: RequestContext) {
    return assetRows.of(context, ticket.asset);
  }

  @Authorized(...Permissions.assets.read)
  @FieldResolver(() => [ServiceContractObject], {
    description:
      'The service contracts that covered its asset on the day the ticket was opened (UTC): who to call for the repair. Empty without an asset. Requires one of: IT_SUPPORT, ACCOUNTANT, HR, REPORTING, ADMIN.',
  })
  @Reads(Ticket, 'asset', 'createdAt')
  serviceContracts(
    @Root() ticket: RowOf<Ticket, 'asset' | 'createdAt'>,
    @Ctx() context: RequestContext,
  ) {
    if (!ticket.asset) return [];
    return contractsCoveringAsset(
      context,
      ticket.asset.id,
      ticket.createdAt.toISOString().slice(0, 10),
    );
  }
}
