import { Migration } from '@mikro-orm/migrations';
import { sqlFunction } from '../src/db/sql-functions';
import { ORDER_PLACE_FIRST } from './Migration20261129214500_place_order';
import { ORDER_PLACE_ONCE_FIRST } from './Migration20261130120000_place_order_once';

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
    this.addSql(ORDER_PLACE_FIRST);
    this.addSql(ORDER_PLACE_ONCE_FIRST);
  }
}
