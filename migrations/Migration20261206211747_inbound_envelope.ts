import { Migration } from '@mikro-orm/migrations';

export class Migration20261206211747_inbound_envelope extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "inbound_email" add column "envelope_recipients" text[] not null default '{}';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "inbound_email" drop column "envelope_recipients";`);
  }
}
