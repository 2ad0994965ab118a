import { Migration } from '@mikro-orm/migrations';
import { sqlFunction } from '../src/db/sql-functions';

/**
 * The SQL functions and triggers are created from their files, `src/**\/sql/*.sql`, from here on
 * (see src/db/sql-functions.ts for the rule): the same bodies as before, each in one place.
 */
export class Migration20261206120000_sql_functions_from_files extends Migration {
  override async up(): Promise<void> {
    this.addSql(sqlFunction('events/event_assign_seq', '7496c2ec10e8'));
    this.addSql(sqlFunction('modules/ledger/ledger_refuse_change', 'a9881f253870'));
    this.addSql(sqlFunction('modules/ledger/ledger_check_balanced', 'c0f187e6366a'));
    this.addSql(sqlFunction('modules/ledger/ledger_post_entry', '78ca90b03332'));
    this.addSql(sqlFunction('modules/ledger/ledger_post_open_entry', '2d0ceb74d39e'));
    this.addSql(sqlFunction('modules/catalog/stock_reserve_for_order', '056b25e13dc2'));
    this.addSql(sqlFunction('modules/orders/order_place', 'ca2a145fc601'));
    this.addSql(sqlFunction('modules/orders/order_place_once', 'cdd328080185'));
  }

  override async down(): Promise<void> {
    // Nothing: the bodies are the ones the earlier migrations made, laid out anew.
  }
}
