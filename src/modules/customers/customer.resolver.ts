import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver, Info } from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import type { RequestContext } from '../context';
import { parseGlobalId } from '../../graphql/global-id';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { Permissions } from '../auth/permissions';
import { Customer } from './customer.entity';
import {
  CreateCustomerInput,
  CreateCustomerPayload,
  CustomerConnection,
  CustomerFilter,
  CustomerObject,
  UpdateCustomerInput,
  UpdateCustomerPayload,
} from './customer.types';
import { readById, readRoot } from '../../read';
import { customerPage } from './customer.reads';

registerNodeType({
  typeName: 'Customer',
  entity: Customer,
  roles: Permissions.customers.read,
  load: (context, id) => readById(context, Customer, id),
});

@Resolver(() => CustomerObject)
export class CustomerResolver extends NodeResolver(CustomerObject, 'Customer') {
  @Authorized(...Permissions.customers.read)
  @Query(() => CustomerConnection, { description: 'Customers, newest first.' })
  customers(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => CustomerFilter, {
      nullable: true,
      description: 'Which customers to list.',
    })
    filter: CustomerFilter | null,
    @Ctx() context: RequestContext,
  ) {
    return customerPage(context, context.services.customers.listWhere(filter), args);
  }

  @Authorized(...Permissions.customers.read)
  @Query(() => CustomerObject, {
    nullable: true,
    description: 'One customer by ID; null if there is none.',
  })
  customer(
    @Arg('id', () => ID, { description: 'The customer ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(context, info, Customer, 'Customer', parseGlobalId(id, 'Customer'));
  }

  @Authorized(...Permissions.customers.write)
  @Mutation(() => CreateCustomerPayload, {
    description: 'Creates a customer (`EMAIL_TAKEN` when the email is in use).',
  })
  createCustomer(
    @Arg('input', () => CreateCustomerInput, { description: 'The new customer.' })
    input: CreateCustomerInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() => context.services.customers.create(context, viewer, input));
  }

  @Authorized(...Permissions.customers.write)
  @Mutation(() => UpdateCustomerPayload, {
    description: 'Changes a customer; omitted fields stay as they are.',
  })
  updateCustomer(
    @Arg('input', () => UpdateCustomerInput, { description: 'The changes.' })
    input: UpdateCustomerInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.id, 'Customer', 'input.id');
    return toPayload(() => context.services.customers.update(context, viewer, id, input));
  }
}
