import { Migration } from '@mikro-orm/migrations';
import { sqlFunction } from '../src/db/sql-functions';

/**
 * Erasure: a customer records when they were anonymised (by erasure or retention), and the
 * journal's immutability trigger lets an erasure blank a party's name out of a memo, and nothing
 * else (sql/ledger_refuse_change.sql).
 */
export class Migration20261207140139_erasure extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "customer" add column "anonymized_at" timestamptz null;`);
    this.addSql(sqlFunction('modules/ledger/ledger_refuse_change', 'f4cf4664068f'));
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customer" drop column "anonymized_at";`);
  }
}
