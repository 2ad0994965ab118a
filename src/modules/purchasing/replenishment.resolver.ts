import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import { parseGlobalId } from '../../graphql/global-id';
import { toPayload } from '../../graphql/user-error';
import { ReadsKeyOnly, type Row, type RowOf } from '../../read';
import { Permissions } from '../auth/permissions';
import { productRows } from '../catalog/catalog.reads';
import { ProductObject } from '../catalog/catalog.types';
import type { Product } from '../catalog/product.entity';
import type { RequestContext } from '../context';
import { VendorObject } from '../ledger/ledger.types';
import type { ReorderRule } from './purchase-order.entity';
import { PURCHASING_READERS } from './purchasing.types';
import { reorderRuleList, ruleOfProduct, vendorRows } from './replenishment.reads';
import {
  RemoveReorderRuleInput,
  RemoveReorderRulePayload,
  ReorderRuleObject,
  RunReplenishmentInput,
  RunReplenishmentPayload,
  SetReorderRuleInput,
  SetReorderRulePayload,
} from './replenishment.types';

const READ = Permissions.purchasing.read;
const ORDER = Permissions.purchasing.order;
const ORDERERS = 'Requires one of: ACCOUNTANT, FULFILLMENT, ADMIN.';

@Resolver(() => ReorderRuleObject)
export class ReorderRuleResolver {
  @Authorized(...READ)
  @Query(() => [ReorderRuleObject], {
    description: `Every reorder rule, by product SKU. ${PURCHASING_READERS}`,
  })
  reorderRules(@Ctx() context: RequestContext) {
    return reorderRuleList(context);
  }

  @Authorized(...ORDER)
  @Mutation(() => SetReorderRulePayload, {
    description: `Sets a product's reorder rule, replacing the one it had (\`INVALID_INPUT\`, \`NOT_FOUND\`, \`PRODUCT_UNAVAILABLE\`). The next replenishment run applies it. ${ORDERERS}`,
  })
  setReorderRule(
    @Arg('input', () => SetReorderRuleInput, { description: 'The product and its rule.' })
    input: SetReorderRuleInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const productId = parseGlobalId(input.productId, 'Product', 'input.productId');
    const vendorId = parseGlobalId(input.vendorId, 'Vendor', 'input.vendorId');
    return toPayload(async () => ({
      reorderRule: await context.services.replenishment.setReorderRule(context, viewer, {
        ...input,
        productId,
        vendorId,
      }),
    }));
  }

  @Authorized(...ORDER)
  @Mutation(() => RemoveReorderRulePayload, {
    description: `Removes a product's reorder rule (\`NOT_FOUND\` when it has none); the next replenishment run drops its line from the vendor's draft. ${ORDERERS}`,
  })
  removeReorderRule(
    @Arg('input', () => RemoveReorderRuleInput, { description: 'The product.' })
    input: RemoveReorderRuleInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const productId = parseGlobalId(input.productId, 'Product', 'input.productId');
    return toPayload(async () => {
      await context.services.replenishment.removeReorderRule(context, viewer, productId);
      return { product: await productRows.byId(context, productId) };
    });
  }

  @Authorized(...ORDER)
  @Mutation(() => RunReplenishmentPayload, {
    description: `Runs replenishment for a day now (the daily job \`purchasing.replenishment\` does it for today): per vendor, one DRAFT purchase order (origin REPLENISHMENT) that tops each product below its rule's minimum up to its maximum, counting what is on order; a draft with nothing left to propose is cancelled. A second run with nothing changed answers an empty list and writes nothing (\`INVALID_INPUT\`, \`IDEMPOTENCY_KEY_REUSED\`). ${ORDERERS}`,
  })
  runReplenishment(
    @Arg('input', () => RunReplenishmentInput, { description: 'The day (today by default).' })
    input: RunReplenishmentInput,
    @Ctx() context: RequestContext,
  ) {
    signedIn(context);
    return toPayload(async () => ({
      purchaseOrders: await context.services.replenishment.runReplenishment(context, input),
    }));
  }

  @FieldResolver(() => ProductObject, { description: 'The product kept in stock.' })
  product(@Root() rule: Row<ReorderRule>, @Ctx() context: RequestContext) {
    return productRows.of(context, rule.product);
  }

  @FieldResolver(() => VendorObject, { description: 'Who the product is bought from.' })
  vendor(@Root() rule: Row<ReorderRule>, @Ctx() context: RequestContext) {
    return vendorRows.of(context, rule.vendor);
  }
}

/** What purchasing adds to products: their reorder rule. */
@Resolver(() => ProductObject)
export class ProductReorderRuleResolver {
  @Authorized(...READ)
  @FieldResolver(() => ReorderRuleObject, {
    nullable: true,
    description: `The product's reorder rule; null when it is not replenished. ${PURCHASING_READERS}`,
  })
  @ReadsKeyOnly()
  reorderRule(@Root() product: RowOf<Product>, @Ctx() context: RequestContext) {
    return ruleOfProduct.load(context, product.id);
  }
}
