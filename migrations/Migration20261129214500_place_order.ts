import { Migration } from '@mikro-orm/migrations';

/**
 * Placing an order in one call. The service checks the customer and the products before the
 * transaction (no lock needed); these functions do the part that holds locks, in one round trip,
 * as `ledger_post_entry` does for postings.
 */
/** As this migration created it (later migrations read the newer body from its file). */
export const ORDER_PLACE_FIRST = `create function order_place(
        p_customer bigint, p_note text, p_placed_by bigint,
        p_products bigint[], p_quantities int[], p_prices bigint[], p_costs bigint[])
      returns setof "order" language plpgsql as $$
      declare
        placed "order";
      begin
        insert into "order" (number, customer_id, note, total_minor, placed_by_id)
          values ('SO-' || lpad(nextval('order_number_seq')::text, 6, '0'), p_customer, p_note,
                  (select sum(quantity::bigint * price) from unnest(p_quantities, p_prices) as line(quantity, price)),
                  p_placed_by)
          returning * into placed;
        insert into order_line (order_id, line_no, product_id, quantity, unit_price_minor, unit_cost_minor, total_minor)
          select placed.id, line_no - 1, product_id, quantity, price, cost, quantity::bigint * price
            from unnest(p_products, p_quantities, p_prices, p_costs)
                 with ordinality as line(product_id, quantity, price, cost, line_no);
        perform stock_reserve_for_order(placed.id, p_products, p_quantities, p_placed_by);
        insert into event (stream_type, stream_id, type, payload, actor_id)
          values ('Order', placed.id::text, 'PLACED',
                  jsonb_build_object('number', placed.number, 'customerId', p_customer,
                                     'status', placed.status, 'total', placed.total_minor::text),
                  p_placed_by);
        return next placed;
      end $$;`;

export class Migration20261129214500_place_order extends Migration {
  override async up(): Promise<void> {
    // Catalog: reserve stock for an order. Stock rows are locked in product-id order (so two
    // orders for the same products never deadlock), every product is checked before any is
    // changed, and a shortage is refused with SQLSTATE BD001 and the product, units available and
    // units requested in DETAIL (the service turns it into OUT_OF_STOCK on the right line).
    this.addSql(`create function stock_reserve_for_order(
        p_order bigint, p_products bigint[], p_quantities int[], p_actor bigint)
      returns void language plpgsql as $$
      declare
        shortage record;
      begin
        perform 1 from stock_level where product_id = any(p_products) order by product_id for update;
        select wanted.product_id, wanted.quantity, coalesce(s.on_hand - s.reserved, 0) as available
          into shortage
          from (select product_id, sum(quantity)::int as quantity
                  from unnest(p_products, p_quantities) as line(product_id, quantity)
                 group by product_id) wanted
          left join stock_level s on s.product_id = wanted.product_id
         where coalesce(s.on_hand - s.reserved, 0) < wanted.quantity
         order by wanted.product_id
         limit 1;
        if found then
          raise exception 'out of stock: product %', shortage.product_id using
            errcode = 'BD001',
            detail = json_build_object('productId', shortage.product_id,
                                       'available', greatest(shortage.available, 0),
                                       'requested', shortage.quantity)::text;
        end if;
        with wanted as (
          select product_id, sum(quantity)::int as quantity
            from unnest(p_products, p_quantities) as line(product_id, quantity)
           group by product_id
        ), moved as (
          update stock_level s set reserved = s.reserved + wanted.quantity, updated_at = now()
            from wanted where s.product_id = wanted.product_id
          returning s.product_id, wanted.quantity
        )
        insert into stock_movement (product_id, kind, on_hand_delta, reserved_delta, order_id, actor_id)
          select product_id, 'RESERVATION', 0, quantity, p_order, p_actor from moved order by product_id;
      end $$;`);

    // Orders: the order with its number, its lines at the given prices, the reservation and the
    // PLACED event, returning the order's row.
    this.addSql(ORDER_PLACE_FIRST);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists order_place;`);
    this.addSql(`drop function if exists stock_reserve_for_order;`);
  }
}
