import { Migration } from '@mikro-orm/migrations';

export class Migration20261207031553_bank_statements extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "bank_account" ("id" bigserial primary key, "name" text not null, "ledger_account_id" bigint not null, "currency" text not null, "iban" text null, "account_number" text null, "routing_number" text null, "bic" text null, "ach_company_id" text null, "closing_balance_minor" bigint null, "closing_date" date null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "bank_account" add constraint "bank_account_name_unique" unique ("name");`,
    );
    this.addSql(
      `alter table "bank_account" add constraint "bank_account_ledger_account_unique" unique ("ledger_account_id");`,
    );
    this.addSql(
      `alter table "bank_account" add constraint "bank_account_iban_unique" unique ("iban");`,
    );

    this.addSql(
      `create table "bank_counterparty" ("id" bigserial primary key, "account" text not null, "customer_id" bigint null, "vendor_id" bigint null);`,
    );
    this.addSql(
      `alter table "bank_counterparty" add constraint "bank_counterparty_account_unique" unique ("account");`,
    );

    this.addSql(
      `create table "bank_match" ("id" bigserial primary key, "line_id" bigint not null, "kind" text check ("kind" in ('INVOICE', 'BILL', 'JOURNAL_ENTRY', 'RULE', 'ACCOUNT')) not null, "amount_minor" bigint not null, "invoice_id" bigint null, "bill_id" bigint null, "rule_id" bigint null, "account_id" bigint null, "journal_entry_id" bigint not null, "posted" boolean not null, "cleared_line_id" bigint not null, "created_by_id" bigint null, "created_at" timestamptz not null default now(), "undone_at" timestamptz null, "undone_by_id" bigint null, "undo_reason" text null, "undo_entry_id" bigint null);`,
    );
    this.addSql(`create index "bank_match_bill_idx" on "bank_match" ("bill_id");`);
    this.addSql(`create index "bank_match_invoice_idx" on "bank_match" ("invoice_id");`);
    this.addSql(`create index "bank_match_line_idx" on "bank_match" ("line_id", "id");`);

    this.addSql(
      `create table "bank_rule" ("id" bigserial primary key, "name" text not null, "priority" int not null, "bank_account_id" bigint null, "direction" text check ("direction" in ('CREDIT', 'DEBIT', 'ANY')) not null, "text_contains" text null, "min_amount_minor" bigint null, "max_amount_minor" bigint null, "account_id" bigint not null, "memo" text null, "enabled" boolean not null default true, "created_by_id" bigint null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "bank_rule" add constraint "bank_rule_name_unique" unique ("name");`);

    this.addSql(
      `create table "bank_statement" ("id" bigserial primary key, "bank_account_id" bigint not null, "file_id" bigint not null, "external_id" text null, "format" text not null, "opening_balance_minor" bigint not null, "closing_balance_minor" bigint not null, "from_date" date null, "to_date" date null, "line_count" int not null, "lines_total_minor" bigint not null, "matched_minor" bigint not null default 0, "matched_line_count" int not null default 0, "warnings" text[] not null, "imported_by_id" bigint null, "imported_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "bank_statement_account_idx" on "bank_statement" ("bank_account_id", "id");`,
    );
    this.addSql(
      `alter table "bank_statement" add constraint "bank_statement_external_unique" unique ("bank_account_id", "external_id");`,
    );

    this.addSql(
      `create table "bank_statement_file" ("id" bigserial primary key, "bank_account_id" bigint not null, "format" text not null, "sha256" text not null, "content" bytea not null, "imported_by_id" bigint null, "imported_at" timestamptz not null default now());`,
    );

    this.addSql(
      `create table "bank_statement_line" ("id" bigserial primary key, "statement_id" bigint not null, "bank_account_id" bigint not null, "line_no" int not null, "identity" text not null, "booking_date" date not null, "value_date" date null, "amount_minor" bigint not null, "bank_reference" text null, "reference" text null, "counterparty_name" text null, "counterparty_account" text null, "remittance" text null, "bank_transaction_code" text null, "status" text check ("status" in ('UNMATCHED', 'PARTIAL', 'MATCHED')) not null default 'UNMATCHED', "matched_minor" bigint not null default 0, constraint bank_statement_line_matched_check check ((amount_minor >= 0 and matched_minor >= 0 and matched_minor <= amount_minor) or (amount_minor < 0 and matched_minor >= amount_minor and matched_minor <= 0)));`,
    );
    this.addSql(
      `create index "bank_statement_line_open_idx" on "bank_statement_line" ("bank_account_id", "id") where "status" <> 'MATCHED';`,
    );
    this.addSql(
      `create index "bank_statement_line_statement_idx" on "bank_statement_line" ("statement_id", "line_no");`,
    );
    this.addSql(
      `alter table "bank_statement_line" add constraint "bank_statement_line_identity_unique" unique ("bank_account_id", "identity");`,
    );

    this.addSql(
      `create table "csv_mapping" ("id" bigserial primary key, "name" text not null, "mapping" jsonb not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "csv_mapping" add constraint "csv_mapping_name_unique" unique ("name");`,
    );

    this.addSql(
      `create table "journal_line_clearing" ("journal_line_id" bigint not null, "line_minor" bigint not null, "cleared_minor" bigint not null, constraint "journal_line_clearing_pkey" primary key ("journal_line_id"), constraint journal_line_clearing_within_check check (cleared_minor >= 0 and cleared_minor <= line_minor));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "bank_account" cascade;`);

    this.addSql(`drop table if exists "bank_counterparty" cascade;`);

    this.addSql(`drop table if exists "bank_match" cascade;`);

    this.addSql(`drop table if exists "bank_rule" cascade;`);

    this.addSql(`drop table if exists "bank_statement" cascade;`);

    this.addSql(`drop table if exists "bank_statement_file" cascade;`);

    this.addSql(`drop table if exists "bank_statement_line" cascade;`);

    this.addSql(`drop table if exists "csv_mapping" cascade;`);

    this.addSql(`drop table if exists "journal_line_clearing" cascade;`);
  }
}
