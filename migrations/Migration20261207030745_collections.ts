import { Migration } from '@mikro-orm/migrations';

export class Migration20261207030745_collections extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "dunning_policy" ("id" bigserial primary key, "name" text not null, "is_default" boolean not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "dunning_policy" add constraint "dunning_policy_name_unique" unique ("name");`,
    );
    this.addSql(
      `create unique index "dunning_policy_one_default" on "dunning_policy" ("is_default") where "is_default";`,
    );

    this.addSql(
      `create table "dunning_level" ("id" bigserial primary key, "policy_id" bigint not null, "level" int not null, "days_overdue" int not null, "fee_minor" bigint not null, "interest_basis_points" int not null, "letter_text" text not null, constraint dunning_level_values_check check (level >= 1 and days_overdue >= 1 and fee_minor >= 0 and interest_basis_points >= 0));`,
    );
    this.addSql(
      `alter table "dunning_level" add constraint "dunning_level_unique" unique ("policy_id", "level");`,
    );

    this.addSql(
      `create table "customer_dunning_policy" ("customer_id" bigint not null, "policy_id" bigint not null, constraint "customer_dunning_policy_pkey" primary key ("customer_id"));`,
    );
    this.addSql(
      `create index "customer_dunning_policy_policy_idx" on "customer_dunning_policy" ("policy_id");`,
    );

    this.addSql(
      `create table "dunning_notice" ("id" bigserial primary key, "customer_id" bigint not null, "policy_id" bigint not null, "level" int not null, "as_of" date not null, "fee_minor" bigint not null, "interest_minor" bigint not null, "letter_text" text not null, "charge_invoice_id" bigint null, "created_by_id" bigint null, "created_at" timestamptz not null default now(), "sent_at" timestamptz null, "waived_at" timestamptz null, "waived_by_id" bigint null, "waive_reason" text null, constraint dunning_notice_amounts_check check (fee_minor >= 0 and interest_minor >= 0));`,
    );
    this.addSql(`create index "dunning_notice_policy_idx" on "dunning_notice" ("policy_id");`);
    this.addSql(
      `alter table "dunning_notice" add constraint "dunning_notice_charge_invoice_unique" unique ("charge_invoice_id");`,
    );
    this.addSql(
      `create index "dunning_notice_customer_idx" on "dunning_notice" ("customer_id", "id");`,
    );
    this.addSql(
      `alter table "dunning_notice" add constraint "dunning_notice_unique" unique ("customer_id", "level", "as_of");`,
    );

    this.addSql(
      `create table "dunning_notice_line" ("id" bigserial primary key, "notice_id" bigint not null, "invoice_id" bigint not null, "days_overdue" int not null, "open_minor" bigint not null, "fee_minor" bigint not null, "interest_minor" bigint not null, "interest_basis_points" int not null, "segments" jsonb not null);`,
    );
    this.addSql(
      `create index "dunning_notice_line_invoice_idx" on "dunning_notice_line" ("invoice_id");`,
    );
    this.addSql(
      `alter table "dunning_notice_line" add constraint "dunning_notice_line_unique" unique ("notice_id", "invoice_id");`,
    );

    this.addSql(
      `create table "invoice_dunning" ("invoice_id" bigint not null, "level" int not null default 0, "disputed" boolean not null default false, "dispute_reason" text null, "interest_through" date null, constraint "invoice_dunning_pkey" primary key ("invoice_id"), constraint invoice_dunning_level_check check (level >= 0));`,
    );

    this.addSql(
      `alter table "dunning_level" add constraint "dunning_level_policy_id_foreign" foreign key ("policy_id") references "dunning_policy" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "customer_dunning_policy" add constraint "customer_dunning_policy_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "customer_dunning_policy" add constraint "customer_dunning_policy_policy_id_foreign" foreign key ("policy_id") references "dunning_policy" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "dunning_notice" add constraint "dunning_notice_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "dunning_notice" add constraint "dunning_notice_policy_id_foreign" foreign key ("policy_id") references "dunning_policy" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "dunning_notice" add constraint "dunning_notice_charge_invoice_id_foreign" foreign key ("charge_invoice_id") references "invoice" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "dunning_notice_line" add constraint "dunning_notice_line_notice_id_foreign" foreign key ("notice_id") references "dunning_notice" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "dunning_notice_line" add constraint "dunning_notice_line_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "invoice_dunning" add constraint "invoice_dunning_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE'));`,
    );

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE'));`,
    );

    // The standard chart's income account for dunning fees and interest (StandardAccount.LATE_FEES_AND_INTEREST).
    this.addSql(
      `insert into "account" ("code", "name", "type", "normal_balance") values ('4900', 'Late Fees and Interest', 'REVENUE', 'CREDIT') on conflict ("code") do nothing;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `delete from "account" where "code" = '4900' and not exists (select 1 from "journal_line" l where l."account_id" = "account"."id");`,
    );

    this.addSql(`alter table "dunning_level" drop constraint "dunning_level_policy_id_foreign";`);

    this.addSql(
      `alter table "customer_dunning_policy" drop constraint "customer_dunning_policy_policy_id_foreign";`,
    );

    this.addSql(`alter table "dunning_notice" drop constraint "dunning_notice_policy_id_foreign";`);

    this.addSql(
      `alter table "dunning_notice_line" drop constraint "dunning_notice_line_notice_id_foreign";`,
    );

    this.addSql(`drop table if exists "dunning_policy" cascade;`);

    this.addSql(`drop table if exists "dunning_level" cascade;`);

    this.addSql(`drop table if exists "customer_dunning_policy" cascade;`);

    this.addSql(`drop table if exists "dunning_notice" cascade;`);

    this.addSql(`drop table if exists "dunning_notice_line" cascade;`);

    this.addSql(`drop table if exists "invoice_dunning" cascade;`);

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP'));`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE'));`,
    );
  }
}
