import { Migration } from '@mikro-orm/migrations';
import { sqlFunction } from '../src/db/sql-functions';

const ORDER_PLACE_BEFORE = 'order_place(bigint, text, bigint, bigint[], int[], bigint[], bigint[])';
const ORDER_PLACE_ONCE_BEFORE =
  'order_place_once(text, text, text, bigint, text, bigint, bigint[], int[], bigint[], bigint[])';

/**
 * The SQL functions and triggers are created from their files, `src/**\/sql/*.sql`, from here on
 * (see src/db/sql-functions.ts for the rule): the same bodies as before, each in one place. One
 * change: `order_place` and `order_place_once` take the PLACED event's payload from the service
 * (`p_placed_payload`) and add only the order's number, instead of building all of it; their old
 * signatures are dropped.
 */
export class Migration20261206120000_sql_functions_from_files extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop function if exists ${ORDER_PLACE_ONCE_BEFORE};`);
    this.addSql(`drop function if exists ${ORDER_PLACE_BEFORE};`);
    this.addSql(sqlFunction('events/event_assign_seq', '7496c2ec10e8'));
    this.addSql(sqlFunction('modules/ledger/ledger_refuse_change', 'a9881f253870'));
    this.addSql(sqlFunction('modules/ledger/ledger_check_balanced', 'c0f187e6366a'));
    this.addSql(sqlFunction('modules/ledger/ledger_post_entry', '78ca90b03332'));
    this.addSql(sqlFunction('modules/ledger/ledger_post_open_entry', '2d0ceb74d39e'));
    this.addSql(sqlFunction('modules/catalog/stock_reserve_for_order', '056b25e13dc2'));
    this.addSql(sqlFunction('modules/orders/order_place', 'aeef73cbf457'));
    this.addSql(sqlFunction('modules/orders/order_place_once', '4c626e1970c5'));
  }

  override async down(): Promise<void> {
    // The other functions' bodies did not change; the two below are as their migrations made them.
    this.addSql(
      `drop function if exists order_place_once(text, text, text, bigint, text, bigint, bigint[], int[], bigint[], bigint[], jsonb);`,
    );
    this.addSql(
      `drop function if exists order_place(bigint, text, bigint, bigint[], int[], bigint[], bigint[], jsonb);`,
    );
    this.addSql(`create function order_place(
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
      end $$;`);
    this.addSql(`create function order_place_once(
        p_scope text, p_key text, p_request_hash text,
        p_customer bigint, p_note text, p_placed_by bigint,
        p_products bigint[], p_quantities int[], p_prices bigint[], p_costs bigint[])
      returns setof "order" language plpgsql as $$
      declare
        taken idempotency_key;
        placed "order";
      begin
        insert into idempotency_key (scope, key, request_hash) values (p_scope, p_key, p_request_hash)
          on conflict (scope, key) do nothing;
        if not found then
          select * into taken from idempotency_key where scope = p_scope and key = p_key;
          if taken.request_hash is distinct from p_request_hash or taken.result_id is null then
            raise exception 'idempotency key % was already used with different input', p_key
              using errcode = 'BD002';
          end if;
          return query select * from "order" where id = taken.result_id::bigint;
          return;
        end if;
        select * into placed
          from order_place(p_customer, p_note, p_placed_by, p_products, p_quantities, p_prices, p_costs);
        update idempotency_key set result_id = placed.id::text where scope = p_scope and key = p_key;
        return next placed;
      end $$;`);
  }
}
