import { defineLoader, readList, rowReader, type ReadContext } from '../../read';
import { Vendor } from '../ledger/receivables.entity';
import { ReorderRule } from './purchase-order.entity';

/** How reorder rules read. */

/** Every rule (a short configuration list), by product SKU. */
export function reorderRuleList(context: ReadContext): Promise<ReorderRule[]> {
  return readList(context, ReorderRule, {}, { orderBy: { product: { sku: 'asc' } } });
}

/** A product's rule (null: it is not replenished). */
export const ruleOfProduct = defineLoader<number, ReorderRule | null>(
  'purchasing.ruleOfProduct',
  async (context, productIds) => {
    const rules = await context.em.find(ReorderRule, { product: { $in: [...productIds] } });
    const byProduct = new Map(rules.map((rule) => [rule.product.id, rule]));
    return productIds.map((id) => byProduct.get(id) ?? null);
  },
);

/** The vendor a rule names. */
export const vendorRows = rowReader(Vendor);
