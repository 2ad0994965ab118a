import { Migration } from '@mikro-orm/migrations';

/**
 * Paying people: employees' effective-dated bank accounts, payment files and their credits, and
 * the standard chart's 2110 Net pay clearing (StandardAccount.NET_PAY_CLEARING), where payroll
 * posts net pay until a payment file settles; working capital, like 2100, in the cash flow.
 */
export class Migration20261207052909_payment_files extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "employee_bank_account" ("id" bigserial primary key, "employee_id" bigint not null, "kind" text check ("kind" in ('IBAN', 'US_ACH')) not null, "holder_name" text not null, "iban" text null, "bic" text null, "routing_number" text null, "account_number" text null, "account_type" text check ("account_type" in ('CHECKING', 'SAVINGS')) null, "effective_from" date not null, "created_by_id" bigint null, "created_at" timestamptz not null, constraint employee_bank_account_details_check check ((kind = 'IBAN' and iban is not null and routing_number is null and account_number is null and account_type is null) or (kind = 'US_ACH' and iban is null and bic is null and routing_number is not null and account_number is not null and account_type is not null)));`,
    );
    this.addSql(
      `create index "employee_bank_account_employee_idx" on "employee_bank_account" ("employee_id", "effective_from", "id");`,
    );

    this.addSql(
      `create table "payment_file" ("id" bigserial primary key, "run_id" bigint not null, "format" text check ("format" in ('SEPA_PAIN_001', 'NACHA_PPD')) not null, "status" text check ("status" in ('CREATED', 'VOID', 'SETTLED')) not null default 'CREATED', "bank_account_id" bigint not null, "bank_ledger_account_id" bigint not null, "currency" text not null, "execution_date" date not null, "total_minor" bigint not null, "item_count" int not null, "message_id" text not null, "file_id_modifier" text null, "created_on" date not null, "document_id" bigint not null, "sha256" text not null, "settled_on" date null, "settlement_entry_id" bigint null, "voided_at" timestamptz null, "void_reason" text null, "created_by_id" bigint null, "created_at" timestamptz not null, constraint payment_file_amount_check check (total_minor > 0 and item_count > 0));`,
    );
    this.addSql(
      `alter table "payment_file" add constraint "payment_file_message_id_unique" unique ("message_id");`,
    );
    this.addSql(
      `create unique index "payment_file_live_unique" on "payment_file" ("run_id", "format") where "status" = 'CREATED';`,
    );
    this.addSql(`create index "payment_file_run_idx" on "payment_file" ("run_id", "id");`);
    this.addSql(
      `alter table "payment_file" add constraint "payment_file_modifier_unique" unique ("bank_account_id", "created_on", "file_id_modifier");`,
    );

    this.addSql(
      `create table "payment_file_item" ("id" bigserial primary key, "file_id" bigint not null, "payslip_id" bigint not null, "employee_id" bigint not null, "bank_account_id" bigint not null, "amount_minor" bigint not null, "end_to_end_id" text not null, "trace_number" text null, "status" text check ("status" in ('INCLUDED', 'RETURNED', 'VOID')) not null default 'INCLUDED', "returned_on" date null, "return_reason" text null, "return_entry_id" bigint null, constraint payment_file_item_amount_check check (amount_minor > 0));`,
    );
    this.addSql(
      `create index "payment_file_item_payslip_idx" on "payment_file_item" ("payslip_id");`,
    );
    this.addSql(
      `create index "payment_file_item_employee_idx" on "payment_file_item" ("employee_id");`,
    );
    this.addSql(
      `create unique index "payment_file_item_paying_unique" on "payment_file_item" ("payslip_id") where "status" = 'INCLUDED';`,
    );
    this.addSql(
      `alter table "payment_file_item" add constraint "payment_file_item_unique" unique ("file_id", "payslip_id");`,
    );

    this.addSql(
      `alter table "employee_bank_account" add constraint "employee_bank_account_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "payment_file" add constraint "payment_file_run_id_foreign" foreign key ("run_id") references "payroll_run" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "payment_file_item" add constraint "payment_file_item_file_id_foreign" foreign key ("file_id") references "payment_file" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "payment_file_item" add constraint "payment_file_item_payslip_id_foreign" foreign key ("payslip_id") references "payslip" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "payment_file_item" add constraint "payment_file_item_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "payment_file_item" add constraint "payment_file_item_bank_account_id_foreign" foreign key ("bank_account_id") references "employee_bank_account" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE', 'EMPLOYEE_BANK_ACCOUNT_CHANGED'));`,
    );

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE', 'YEAR_END_STATEMENT', 'PAYMENT_FILE'));`,
    );

    this.addSql(
      `insert into "account" ("code", "name", "type", "normal_balance", "cash_flow_section") values ('2110', 'Net Pay Clearing', 'LIABILITY', 'CREDIT', 'OPERATING') on conflict ("code") do nothing;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `delete from "account" where "code" = '2110' and not exists (select 1 from "journal_line" l where l."account_id" = "account"."id");`,
    );

    this.addSql(
      `alter table "payment_file_item" drop constraint "payment_file_item_bank_account_id_foreign";`,
    );

    this.addSql(
      `alter table "payment_file_item" drop constraint "payment_file_item_file_id_foreign";`,
    );

    this.addSql(`drop table if exists "employee_bank_account" cascade;`);

    this.addSql(`drop table if exists "payment_file" cascade;`);

    this.addSql(`drop table if exists "payment_file_item" cascade;`);

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE', 'YEAR_END_STATEMENT'));`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE'));`,
    );
  }
}
