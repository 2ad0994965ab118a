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
import { ReadsColumns } from '../../graphql/column-needs';
import type { RequestContext } from '../context';
import { parseGlobalId } from '../../graphql/global-id';
import { byIdLoader, groupLoader } from '../../graphql/loaders';
import { Money } from '../../graphql/money';
import { registerNodeType } from '../../graphql/node-registry';
import { ConnectionArgs, NodeResolver, paginate } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-error';
import { Permissions } from '../auth/permissions';
import { Employee } from '../employees/employee.entity';
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
import { Product, StockLevel, StockMovement } from './product.entity';
import { selectRows, type Row } from '../../db/plain-rows';
import { rowByKey } from '../../graphql/look-ahead';

registerNodeType({
  typeName: 'Product',
  entity: Product,
  roles: Permissions.catalog.read,
  load: (context, id) => byIdLoader(context, Product).load(id),
});

const MAX_MOVEMENTS = 100;

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
    return paginate(context.em, Product, context.services.catalog.listWhere(filter), args, {
      orderBy: { id: 'desc' },
    });
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
    return rowByKey(context, info, Product, 'Product', parseGlobalId(id, 'Product'));
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
    return toPayload(() => context.services.catalog.createProduct(context.em, viewer, input));
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
    return toPayload(() => context.services.catalog.updateProduct(context.em, viewer, id, input));
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
        context.em,
        viewer,
        productId,
        input.quantityDelta,
        input.reason,
      );
      stockLoader(context).prime(product.id, stock);
      return { product };
    });
  }

  @FieldResolver(() => Money, { description: 'Selling price per unit.' })
  @ReadsColumns('priceMinor')
  price(@Root() product: Row<Product>): Money {
    return Money.fromMinor(product.priceMinor);
  }

  @FieldResolver(() => Money, {
    description: 'What a unit costs us (posted to cost of goods sold when shipped).',
  })
  @ReadsColumns('costMinor')
  cost(@Root() product: Row<Product>): Money {
    return Money.fromMinor(product.costMinor);
  }

  @FieldResolver(() => Stock, { description: 'Units on hand, reserved and available.' })
  @ReadsColumns()
  async stock(@Root() product: Row<Product>, @Ctx() context: RequestContext): Promise<Stock> {
    const level = await stockLoader(context).load(product.id);
    const onHand = level?.onHand ?? 0;
    const reserved = level?.reserved ?? 0;
    return { onHand, reserved, available: onHand - reserved };
  }

  @FieldResolver(() => [StockMovementObject], {
    description: `The latest stock movements, newest first (at most ${MAX_MOVEMENTS}).`,
  })
  @ReadsColumns()
  async stockMovements(@Root() product: Row<Product>, @Ctx() context: RequestContext) {
    const movements = await groupLoader(
      context,
      'stockMovements',
      (productIds) =>
        // The latest few per product, for every product of the request in one statement.
        selectRows(
          context.em,
          StockMovement,
          'm',
          `WHERE m.id IN (
             SELECT id FROM (
               SELECT id, row_number() OVER (PARTITION BY product_id ORDER BY id DESC) AS latest
                 FROM stock_movement WHERE product_id = ANY(?)
             ) ranked WHERE latest <= ${MAX_MOVEMENTS})
           ORDER BY m.product_id, m.id DESC`,
          [productIds],
        ),
      (movement) => movement.product.id,
    ).load(product.id);
    const actors = byIdLoader(context, Employee);
    return Promise.all(
      movements.map(async (movement) => ({
        ...movement,
        actor: movement.actorId === null ? null : await actors.load(movement.actorId),
      })),
    );
  }
}

function stockLoader(context: RequestContext) {
  return context.loaders.get<number, StockLevel | null>('stockByProduct', async (ids) => {
    const rows = await context.em.find(StockLevel, { product: { $in: [...ids] } });
    const byProduct = new Map(rows.map((row) => [row.product.id, row]));
    return ids.map((id) => byProduct.get(id) ?? null);
  });
}
