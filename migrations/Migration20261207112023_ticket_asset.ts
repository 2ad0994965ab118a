import { Migration } from '@mikro-orm/migrations';

/**
 * An IT ticket may name the asset it is about (`asset_id`, indexed for an asset's tickets);
 * customer tickets never do (a check).
 */
export class Migration20261207112023_ticket_asset extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "ticket" add column "asset_id" bigint null;`);
    this.addSql(
      `alter table "ticket" add constraint "ticket_asset_id_foreign" foreign key ("asset_id") references "asset" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(`create index "ticket_asset_idx" on "ticket" ("asset_id", "id");`);
    this.addSql(
      `alter table "ticket" add constraint ticket_asset_check check(asset_id is null or queue = 'IT');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "ticket" drop constraint "ticket_asset_id_foreign";`);

    this.addSql(`drop index "ticket_asset_idx";`);
    this.addSql(`alter table "ticket" drop constraint ticket_asset_check;`);
    this.addSql(`alter table "ticket" drop column "asset_id";`);
  }
}
