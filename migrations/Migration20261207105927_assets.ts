import { Migration } from '@mikro-orm/migrations';

/**
 * IT assets: the asset register, custody (check-outs in batches with their acceptance, one open
 * assignment per asset), audits, versioned custody terms (version 1 inserted here), service
 * contracts over assets, and offboarding checklist items that wait for an asset.
 */
export class Migration20261207105927_assets extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "custody_terms" ("version" int not null, "text" text not null, "sha256" text not null, "created_by_id" bigint null, "created_at" timestamptz not null default now(), constraint "custody_terms_pkey" primary key ("version"));`,
    );

    this.addSql(
      `create table "asset_assignment" ("id" bigserial primary key, "employee_id" bigint null, "location" text null, "expected_return" date null, "terms_version" int null, "accepted_at" timestamptz null, "accepted_terms_sha256" text null, "checked_out_by_id" bigint null, "checked_out_at" timestamptz not null default now(), "closed_at" timestamptz null, "note" text null, constraint asset_assignment_holder_check check ((employee_id is null) <> (location is null) and (employee_id is null) = (terms_version is null) and (accepted_at is null) = (accepted_terms_sha256 is null)));`,
    );
    this.addSql(
      `create index "asset_assignment_employee_idx" on "asset_assignment" ("employee_id", "id");`,
    );

    this.addSql(
      `create table "service_contract" ("id" bigserial primary key, "name" text not null, "vendor_id" bigint not null, "reference" text null, "description" text null, "starts_on" date not null, "ends_on" date not null, "cost_minor" bigint not null, "created_by_id" bigint null, "created_at" timestamptz not null default now(), constraint service_contract_values_check check (ends_on >= starts_on and cost_minor >= 0));`,
    );
    this.addSql(
      `create index "service_contract_vendor_idx" on "service_contract" ("vendor_id", "id");`,
    );

    this.addSql(
      `create table "asset" ("id" bigserial primary key, "tag" text not null, "type" text check ("type" in ('LAPTOP', 'DESKTOP', 'PHONE', 'MONITOR', 'PRINTER', 'NETWORK', 'VEHICLE', 'MACHINE', 'FURNITURE', 'OTHER')) not null, "model" text not null, "serial_number" text null, "status" text check ("status" in ('IN_STOCK', 'ASSIGNED', 'IN_MAINTENANCE', 'RETIRED', 'LOST')) not null default 'IN_STOCK', "location" text null, "data_bearing" boolean not null, "assignee_id" bigint null, "assignment_id" bigint null, "purchase_date" date null, "cost_minor" bigint null, "warranty_end" date null, "bill_id" bigint null, "purchase_bill_line_id" bigint null, "audit_interval_days" int not null default 365, "last_audited_at" timestamptz null, "status_reason" text null, "notes" text null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint asset_values_check check ((cost_minor is null or cost_minor >= 0) and audit_interval_days >= 1 and audit_interval_days <= 3660 and (status = 'ASSIGNED') = (assignment_id is not null) and (assignee_id is null or assignment_id is not null)));`,
    );
    this.addSql(`alter table "asset" add constraint "asset_tag_unique" unique ("tag");`);
    this.addSql(`create index "asset_bill_idx" on "asset" ("bill_id");`);
    this.addSql(`create index "asset_warranty_idx" on "asset" ("warranty_end", "id");`);
    this.addSql(`create index "asset_assignee_idx" on "asset" ("assignee_id", "id");`);
    this.addSql(`create index "asset_type_idx" on "asset" ("type", "id");`);
    this.addSql(`create index "asset_status_idx" on "asset" ("status", "id");`);
    this.addSql(
      `alter table "asset" add constraint "asset_serial_unique" unique ("model", "serial_number");`,
    );

    this.addSql(
      `create table "service_contract_asset" ("contract_id" bigint not null, "asset_id" bigint not null, constraint "service_contract_asset_pkey" primary key ("contract_id", "asset_id"));`,
    );
    this.addSql(
      `create index "service_contract_asset_asset_idx" on "service_contract_asset" ("asset_id", "contract_id");`,
    );

    this.addSql(
      `create table "asset_audit" ("id" bigserial primary key, "asset_id" bigint not null, "audited_by_id" bigint not null, "audited_at" timestamptz not null default now(), "location" text not null, "condition" text check ("condition" in ('GOOD', 'WORN', 'DAMAGED')) null, "note" text null);`,
    );
    this.addSql(`create index "asset_audit_asset_idx" on "asset_audit" ("asset_id", "id");`);

    this.addSql(
      `create table "asset_assignment_line" ("id" bigserial primary key, "assignment_id" bigint not null, "asset_id" bigint not null, "checked_in_at" timestamptz null, "checked_in_by_id" bigint null, "condition" text check ("condition" in ('GOOD', 'WORN', 'DAMAGED')) null, "data_wiped" boolean null, "wipe_method" text null, "return_note" text null, constraint asset_assignment_line_return_check check ((checked_in_at is null) = (condition is null)));`,
    );
    this.addSql(
      `create unique index "asset_assignment_line_one_open" on "asset_assignment_line" ("asset_id") where "checked_in_at" is null;`,
    );
    this.addSql(
      `create index "asset_assignment_line_asset_idx" on "asset_assignment_line" ("asset_id", "id");`,
    );
    this.addSql(
      `create index "asset_assignment_line_assignment_idx" on "asset_assignment_line" ("assignment_id", "id");`,
    );

    this.addSql(
      `alter table "asset_assignment" add constraint "asset_assignment_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "service_contract" add constraint "service_contract_vendor_id_foreign" foreign key ("vendor_id") references "vendor" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "asset" add constraint "asset_assignee_id_foreign" foreign key ("assignee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "asset" add constraint "asset_bill_id_foreign" foreign key ("bill_id") references "bill" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "service_contract_asset" add constraint "service_contract_asset_contract_id_foreign" foreign key ("contract_id") references "service_contract" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "service_contract_asset" add constraint "service_contract_asset_asset_id_foreign" foreign key ("asset_id") references "asset" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "asset_audit" add constraint "asset_audit_asset_id_foreign" foreign key ("asset_id") references "asset" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "asset_assignment_line" add constraint "asset_assignment_line_assignment_id_foreign" foreign key ("assignment_id") references "asset_assignment" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "asset_assignment_line" add constraint "asset_assignment_line_asset_id_foreign" foreign key ("asset_id") references "asset" ("id") on update cascade on delete restrict;`,
    );

    // Offboarding items that wait for an asset to come back (completed by the assets module).
    this.addSql(`alter table "checklist_item" add column "asset_id" bigint null;`);

    // The first custody terms: what an employee accepts with the equipment they take.
    this.addSql(`with terms(text) as (values (
        'I have received the equipment listed. It belongs to the company. I will use it for work, keep it safe, '
        || 'report loss, theft or damage to IT support at once, and return it, with its accessories, when asked '
        || 'or when I leave. I will not remove company data from it or install software the company has not '
        || 'approved.'))
      insert into "custody_terms" ("version", "text", "sha256")
      select 1, text, encode(sha256(convert_to(text, 'UTF8')), 'hex') from terms;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "checklist_item" drop column "asset_id";`);

    this.addSql(
      `alter table "asset_assignment_line" drop constraint "asset_assignment_line_assignment_id_foreign";`,
    );

    this.addSql(
      `alter table "service_contract_asset" drop constraint "service_contract_asset_contract_id_foreign";`,
    );

    this.addSql(
      `alter table "service_contract_asset" drop constraint "service_contract_asset_asset_id_foreign";`,
    );

    this.addSql(`alter table "asset_audit" drop constraint "asset_audit_asset_id_foreign";`);

    this.addSql(
      `alter table "asset_assignment_line" drop constraint "asset_assignment_line_asset_id_foreign";`,
    );

    this.addSql(`drop table if exists "custody_terms" cascade;`);

    this.addSql(`drop table if exists "asset_assignment" cascade;`);

    this.addSql(`drop table if exists "service_contract" cascade;`);

    this.addSql(`drop table if exists "asset" cascade;`);

    this.addSql(`drop table if exists "service_contract_asset" cascade;`);

    this.addSql(`drop table if exists "asset_audit" cascade;`);

    this.addSql(`drop table if exists "asset_assignment_line" cascade;`);
  }
}
