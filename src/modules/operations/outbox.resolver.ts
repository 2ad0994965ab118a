import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { OutboundEmail } from '../../mail/mail.entity';
import { readById, Reads, type RowOf } from '../../read';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { outboundEmailPage } from './outbox.reads';
import { OutboundEmailConnection, OutboundEmailFilter, OutboundEmailObject } from './outbox.types';

registerNodeType({
  typeName: 'OutboundEmail',
  entity: OutboundEmail,
  roles: Permissions.admin,
  load: (context, id) => readById(context, OutboundEmail, id),
});

@Resolver(() => OutboundEmailObject)
export class OutboundEmailResolver extends NodeResolver(OutboundEmailObject, 'OutboundEmail') {
  @Authorized(...Permissions.admin)
  @Query(() => OutboundEmailConnection, {
    description:
      'Every email the desk sent or will send, newest first: the local outbox on a machine without SMTP. Requires ADMIN.',
  })
  outboundEmails(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => OutboundEmailFilter, {
      nullable: true,
      description: 'Which emails to list.',
    })
    filter: OutboundEmailFilter | null,
    @Ctx() context: RequestContext,
  ) {
    return outboundEmailPage(context, filter, args);
  }

  @FieldResolver(() => String, { description: 'The recipient.' })
  @Reads(OutboundEmail, 'toAddress')
  to(@Root() email: RowOf<OutboundEmail, 'toAddress'>) {
    return email.toAddress;
  }

  @FieldResolver(() => String, { description: 'The sender.' })
  @Reads(OutboundEmail, 'fromAddress')
  from(@Root() email: RowOf<OutboundEmail, 'fromAddress'>) {
    return email.fromAddress;
  }

  @FieldResolver(() => String, { description: 'The plain-text body.' })
  @Reads(OutboundEmail, 'textBody')
  text(@Root() email: RowOf<OutboundEmail, 'textBody'>) {
    return email.textBody;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The HTML body.' })
  @Reads(OutboundEmail, 'htmlBody')
  html(@Root() email: RowOf<OutboundEmail, 'htmlBody'>) {
    return email.htmlBody;
  }
}
