import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Info,
} from 'type-graphql';
import { signedIn } from '../../graphql/auth-checker';
import type { RequestContext } from '../context';
import { parseGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { Permissions } from '../auth/permissions';
import {
  AdjustStockInput,
  AdjustStockPayload,
  CreateProductInput,
  CreateProductPayload,
  ProductConnection,
  ProductFilter,
  ProductObject,
  Stock,
  StockMovementObject,
  UpdateProductInput,
  UpdateProductPayload,
} from './catalog.types';
import { Product } from './product.entity';
import { readById, readRoot, Reads, ReadsKeyOnly, type RowOf } from '../../read';
import {
  MAX_MOVEMENTS,
  latestMovementsOfProduct,
  productPage,
  stockOfProduct,
} from './catalog.reads';
import { employeeRows } from '../employees/employee.reads';

registerNodeType({
  typeName: 'Product',
  entity: Product,
  roles: Permissions.catalog.read,
  load: (context, id) => readById(context, Product, id),
});

@Resolver(() => ProductObject)
export class CatalogResolver extends NodeResolver(ProductObject, 'Product') {
  @Authorized(...Permissions.catalog.read)
  @Query(() => ProductConnection, { description: 'Products, newest first.' })
  products(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => ProductFilter, { nullable: true, description: 'Which products to list.' })
    filter: ProductFilter | null,
    @Ctx() context: RequestContext,
  ) {
    return productPage(context, context.services.catalog.listWhere(filter), args);
  }

  @Authorized(...Permissions.catalog.read)
  @Query(() => ProductObject, {
    nullable: true,
    description: 'One product by ID; null if there is none.',
  })
  product(
    @Arg('id', () => ID, { description: 'The product ID.' }) id: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return readRoot(context, info, Product, 'Product', parseGlobalId(id, 'Product'));
  }

  @Authorized(...Permissions.catalog.write)
  @Mutation(() => CreateProductPayload, {
    description: 'Creates a product (`SKU_TAKEN` when the SKU is in use).',
  })
  createProduct(
    @Arg('input', () => CreateProductInput, { description: 'The new product.' })
    input: CreateProductInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(() => context.services.catalog.createProduct(context, viewer, input));
  }

  @Authorized(...Permissions.catalog.write)
  @Mutation(() => UpdateProductPayload, {
    description: 'Changes a product; orders already placed keep their prices.',
  })
  updateProduct(
    @Arg('input', () => UpdateProductInput, { description: 'The changes.' })
    input: UpdateProductInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const id = parseGlobalId(input.id, 'Product', 'input.id');
    return toPayload(() => context.services.catalog.updateProduct(context, viewer, id, input));
  }

  @Authorized(...Permissions.catalog.adjustStock)
  @Mutation(() => AdjustStockPayload, {
    description:
      'Adds or removes on-hand units, with a reason. Never below what is reserved (`INSUFFICIENT_STOCK`).',
  })
  adjustStock(
    @Arg('input', () => AdjustStockInput, { description: 'The product, the change and why.' })
    input: AdjustStockInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    const productId = parseGlobalId(input.productId, 'Product', 'input.productId');
    return toPayload(async () => {
      const { product, stock } = await context.services.catalog.adjustStock(
        context,
        viewer,
        productId,
        input.quantityDelta,
        input.reason,
      );
      stockOfProduct.prime(context, product.id, stock);
      return { product };
    });
  }

  @FieldResolver(() => Money, { description: 'Selling price per unit.' })
  @Reads(Product, 'priceMinor')
  price(@Root() product: RowOf<Product, 'priceMinor'>): Money {
    return Money.fromMinor(product.priceMinor);
  }

  @FieldResolver(() => Money, {
    description: 'What a unit costs us (posted to cost of goods sold when shipped).',
  })
  @Reads(Product, 'costMinor')
  cost(@Root() product: RowOf<Product, 'costMinor'>): Money {
    return Money.fromMinor(product.costMinor);
  }

  @FieldResolver(() => Stock, { description: 'Units on hand, reserved and available.' })
  @ReadsKeyOnly()
  async stock(@Root() product: RowOf<Product>, @Ctx() context: RequestContext): Promise<Stock> {
    const level = await stockOfProduct.load(context, product.id);
    const onHand = level?.onHand ?? 0;
    const reserved = level?.reserved ?? 0;
    return { onHand, reserved, available: onHand - reserved };
  }

  @FieldResolver(() => [StockMovementObject], {
    description: `The latest stock movements, newest first (at most ${MAX_MOVEMENTS}).`,
  })
  @ReadsKeyOnly()
  async stockMovements(@Root() product: RowOf<Product>, @Ctx() context: RequestContext) {
    const movements = await latestMovementsOfProduct.load(context, product.id);
    return Promise.all(
      movements.map(async (movement) => ({
        ...movement,
        actor:
          movement.actorId === null ? null : await employeeRows.byId(context, movement.actorId),
      })),
    );
  }
}
