import { Migration } from '@mikro-orm/migrations';

/**
 * Placing an order under an idempotency key in one statement: the key's claim, the order
 * (`order_place`) and the key's result commit together, so the service runs it on its own,
 * without BEGIN and COMMIT round trips around it.
 */
/** As this migration created it (later migrations read the newer body from its file). */
export const ORDER_PLACE_ONCE_FIRST = `create function order_place_once(
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
      end $$;`;

export class Migration20261130120000_place_order_once extends Migration {
  override async up(): Promise<void> {
    // The key is claimed first: a concurrent call with the same key waits on its row until this
    // one ends, then finds it taken. A key already taken answers with the order it produced, or,
    // when it was used with other input, SQLSTATE BD002 (IDEMPOTENCY_KEY_REUSED).
    this.addSql(ORDER_PLACE_ONCE_FIRST);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists order_place_once;`);
  }
}
