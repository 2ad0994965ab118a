import type { FilterQuery } from '@mikro-orm/core';
import {
  defineGroupLoader,
  defineLoader,
  readPage,
  readRows,
  type PageArgs,
  type ReadContext,
  rowReader,
} from '../../read';
import { Product, StockLevel, StockMovement } from './product.entity';

/** How products and their stock read. */

/** How many of a product's latest stock movements it shows. */
export const MAX_MOVEMENTS = 100;

export function productPage(context: ReadContext, where: FilterQuery<Product>, args: PageArgs) {
  return readPage(context, Product, where, args, { orderBy: { id: 'desc' } });
}

/** A product's stock level (null before its first movement). */
export const stockOfProduct = defineLoader<number, StockLevel | null>(
  'catalog.stockOfProduct',
  async (context, ids) => {
    const rows = await context.em.find(StockLevel, { product: { $in: [...ids] } });
    const byProduct = new Map(rows.map((row) => [row.product.id, row]));
    return ids.map((id) => byProduct.get(id) ?? null);
  },
);

/** A product's latest movements, newest first: for every product of the request in one statement. */
export const latestMovementsOfProduct = defineGroupLoader<StockMovement>(
  'catalog.latestMovementsOfProduct',
  (context: ReadContext, productIds) =>
    readRows(context, StockMovement, {
      alias: 'm',
      rest: `WHERE m.id IN (
               SELECT id FROM (
                 SELECT id, row_number() OVER (PARTITION BY product_id ORDER BY id DESC) AS latest
                   FROM stock_movement WHERE product_id = ANY(?)
               ) ranked WHERE latest <= ${MAX_MOVEMENTS})
             ORDER BY m.product_id, m.id DESC`,
      params: [productIds],
    }),
  (movement) => movement.product.id,
);

/** How other modules read products: by id, or as what a many-to-one points to. */
export const productRows = rowReader(Product);
