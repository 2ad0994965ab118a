-- Reserving stock for an order never oversells, and never deadlocks with another order: stock
-- rows are locked in product-id order, every product is checked before any is changed, and a
-- shortage is refused with SQLSTATE BD001 and the product, units available and units requested
-- in DETAIL (the catalog service turns it into OUT_OF_STOCK on the right line). Each product's
-- reservation is recorded as a RESERVATION stock movement.

create or replace function stock_reserve_for_order(
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
end $$;
