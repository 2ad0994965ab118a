import { Migration } from '@mikro-orm/migrations';

/**
 * Maintenance: plans (per asset or per asset type, by RRULE or every N days), each covered
 * asset's schedule, work orders (at most one open per plan and asset) and the parts they took;
 * the MAINTENANCE stock movement and the WORK_ORDER_OPENED staff email; and the standard chart's
 * 6150 Maintenance Expense.
 */
export class Migration20261207111458_maintenance extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "maintenance_plan" ("id" bigserial primary key, "name" text not null, "asset_id" bigint null, "asset_type" text check ("asset_type" in ('LAPTOP', 'DESKTOP', 'PHONE', 'MONITOR', 'PRINTER', 'NETWORK', 'VEHICLE', 'MACHINE', 'FURNITURE', 'OTHER')) null, "rrule" text null, "interval_days" int null, "starts_on" date not null, "instructions" text not null, "active" boolean not null default true, "estimated_labour_minutes" int null, "created_by_id" bigint null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint maintenance_plan_values_check check ((asset_id is null) <> (asset_type is null) and (rrule is null) <> (interval_days is null) and (interval_days is null or (interval_days >= 1 and interval_days <= 3660)) and (estimated_labour_minutes is null or (estimated_labour_minutes >= 0 and estimated_labour_minutes <= 100000))));`,
    );
    this.addSql(
      `create index "maintenance_plan_type_idx" on "maintenance_plan" ("asset_type", "id");`,
    );
    this.addSql(
      `create index "maintenance_plan_asset_idx" on "maintenance_plan" ("asset_id", "id");`,
    );

    this.addSql(
      `create table "maintenance_schedule" ("plan_id" bigint not null, "asset_id" bigint not null, "next_due_on" date null, "last_completed_on" date null, "updated_at" timestamptz not null default now(), constraint "maintenance_schedule_pkey" primary key ("plan_id", "asset_id"));`,
    );
    this.addSql(
      `create index "maintenance_schedule_due_idx" on "maintenance_schedule" ("next_due_on");`,
    );
    this.addSql(
      `create index "maintenance_schedule_asset_idx" on "maintenance_schedule" ("asset_id");`,
    );

    this.addSql(
      `create table "work_order" ("id" bigserial primary key, "number" text not null, "plan_id" bigint null, "asset_id" bigint not null, "status" text check ("status" in ('OPEN', 'IN_PROGRESS', 'DONE', 'CANCELLED')) not null default 'OPEN', "title" text not null, "instructions" text null, "due_on" date not null, "skipped_occurrences" text[] not null default '{}', "opened_by_id" bigint null, "opened_at" timestamptz not null, "started_by_id" bigint null, "started_at" timestamptz null, "completed_by_id" bigint null, "completed_at" timestamptz null, "cancelled_by_id" bigint null, "cancelled_at" timestamptz null, "cancel_reason" text null, "labour_minutes" int null, "labour_cost_minor" bigint not null default 0, "parts_cost_minor" bigint not null default 0, "notes" text null, "journal_entry_id" bigint null, "version" int not null default 1, "updated_at" timestamptz not null default now(), constraint work_order_values_check check ((labour_minutes is null or (labour_minutes >= 0 and labour_minutes <= 100000)) and labour_cost_minor >= 0 and parts_cost_minor >= 0 and (status = 'DONE') = (completed_at is not null) and (status = 'CANCELLED') = (cancelled_at is not null)));`,
    );
    this.addSql(
      `alter table "work_order" add constraint "work_order_number_unique" unique ("number");`,
    );
    this.addSql(
      `create unique index "work_order_one_open" on "work_order" ("plan_id", "asset_id") where "status" in ('OPEN', 'IN_PROGRESS');`,
    );
    this.addSql(`create index "work_order_status_idx" on "work_order" ("status", "id");`);
    this.addSql(`create index "work_order_plan_idx" on "work_order" ("plan_id", "id");`);
    this.addSql(`create index "work_order_asset_idx" on "work_order" ("asset_id", "id");`);

    this.addSql(
      `create table "work_order_part" ("id" bigserial primary key, "work_order_id" bigint not null, "product_id" bigint not null, "quantity" int not null, "unit_cost_minor" bigint not null, constraint work_order_part_values_check check (quantity >= 1 and unit_cost_minor >= 0));`,
    );
    this.addSql(`create index "work_order_part_product_idx" on "work_order_part" ("product_id");`);
    this.addSql(
      `create index "work_order_part_work_order_idx" on "work_order_part" ("work_order_id", "id");`,
    );

    this.addSql(
      `alter table "maintenance_plan" add constraint "maintenance_plan_asset_id_foreign" foreign key ("asset_id") references "asset" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "maintenance_schedule" add constraint "maintenance_schedule_plan_id_foreign" foreign key ("plan_id") references "maintenance_plan" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "maintenance_schedule" add constraint "maintenance_schedule_asset_id_foreign" foreign key ("asset_id") references "asset" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "work_order" add constraint "work_order_plan_id_foreign" foreign key ("plan_id") references "maintenance_plan" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "work_order" add constraint "work_order_asset_id_foreign" foreign key ("asset_id") references "asset" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "work_order_part" add constraint "work_order_part_work_order_id_foreign" foreign key ("work_order_id") references "work_order" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "work_order_part" add constraint "work_order_part_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "stock_movement" drop constraint if exists "stock_movement_kind_check";`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE', 'EMPLOYEE_DOCUMENT', 'TRAINING_EXPIRY_REMINDER', 'EMPLOYEE_BANK_ACCOUNT_CHANGED', 'CANDIDATE_EMAIL', 'PURCHASE_ORDER', 'WORK_ORDER_OPENED'));`,
    );

    this.addSql(
      `alter table "stock_movement" add constraint "stock_movement_kind_check" check("kind" in ('ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SHIPMENT', 'RECEIPT', 'MAINTENANCE'));`,
    );
    this.addSql(
      `insert into "account" ("code", "name", "type", "normal_balance", "cash_flow_section") values ('6150', 'Maintenance Expense', 'EXPENSE', 'DEBIT', null) on conflict ("code") do nothing;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `delete from "account" where "code" = '6150' and not exists (select 1 from "journal_line" l where l."account_id" = "account"."id");`,
    );

    this.addSql(
      `alter table "maintenance_schedule" drop constraint "maintenance_schedule_plan_id_foreign";`,
    );

    this.addSql(`alter table "work_order" drop constraint "work_order_plan_id_foreign";`);

    this.addSql(
      `alter table "work_order_part" drop constraint "work_order_part_work_order_id_foreign";`,
    );

    this.addSql(`drop table if exists "maintenance_plan" cascade;`);

    this.addSql(`drop table if exists "maintenance_schedule" cascade;`);

    this.addSql(`drop table if exists "work_order" cascade;`);

    this.addSql(`drop table if exists "work_order_part" cascade;`);

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "stock_movement" drop constraint if exists "stock_movement_kind_check";`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE', 'EMPLOYEE_DOCUMENT', 'TRAINING_EXPIRY_REMINDER', 'EMPLOYEE_BANK_ACCOUNT_CHANGED', 'CANDIDATE_EMAIL', 'PURCHASE_ORDER'));`,
    );

    this.addSql(
      `alter table "stock_movement" add constraint "stock_movement_kind_check" check("kind" in ('ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SHIPMENT', 'RECEIPT'));`,
    );
  }
}
