import { Migration } from '@mikro-orm/migrations';

export class Migration20261207000425_documents extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "document" ("id" bigserial primary key, "kind" text check ("kind" in ('INVOICE', 'PAYSLIP')) not null, "key" text not null, "filename" text not null, "content_type" text not null, "sha256" text not null, "size" int not null, "content" bytea not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "document" add constraint "document_key_unique" unique ("key");`);

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(`alter table "invoice" add column "sent_at" timestamptz null;`);
    this.addSql(`create index "invoice_unsent_idx" on "invoice" ("id") where "sent_at" is null;`);

    this.addSql(
      `alter table "outbound_email" add column "document_ids" text[] not null default '{}';`,
    );
    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "document" cascade;`);

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(`drop index "invoice_unsent_idx";`);
    this.addSql(`alter table "invoice" drop column "sent_at";`);

    this.addSql(`alter table "outbound_email" drop column "document_ids";`);

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY'));`,
    );
  }
}
