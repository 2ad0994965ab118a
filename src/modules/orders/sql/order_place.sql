-- Placing an order is all or nothing, in one call that holds its locks for one round trip: the
-- order with its number (SO-000042, from a sequence, without a race), its lines at the prices
-- given, the stock reservation (stock_reserve_for_order, which refuses a shortage) and its PLACED
-- event, returning the order's row. The service checks the customer and the products before.
-- The event's payload is built by the service (p_placed_payload); this adds only what is made
-- here: the order's number (the order's id is the event's stream id).

create or replace function order_place(
    p_customer bigint, p_note text, p_placed_by bigint,
    p_products bigint[], p_quantities int[], p_prices bigint[], p_costs bigint[],
    p_placed_payload jsonb)
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
            p_placed_payload || jsonb_build_object('number', placed.number), p_placed_by);
  return next placed;
end $$;
