import { Migration } from '@mikro-orm/migrations';

/**
 * Purchasing: purchase orders and their lines, goods receipts, bill lines matched to order lines,
 * reorder rules; vendors' default tolerances; bills' match status; stock movements of receipts;
 * and the standard chart's 2150 Goods received not invoiced (working capital in the cash flow)
 * and 5100 Purchase price variance.
 */
export class Migration20261207075823_purchasing extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "reorder_rule" ("product_id" bigint not null, "minimum" int not null, "maximum" int not null, "vendor_id" bigint not null, "lead_time_days" int not null, "updated_at" timestamptz not null default now(), constraint "reorder_rule_pkey" primary key ("product_id"), constraint reorder_rule_levels_check check (minimum >= 0 and maximum >= minimum and maximum > 0 and lead_time_days >= 0));`,
    );
    this.addSql(`create index "reorder_rule_vendor_idx" on "reorder_rule" ("vendor_id");`);

    this.addSql(
      `create table "purchase_order" ("id" bigserial primary key, "number" text not null, "vendor_id" bigint not null, "status" text check ("status" in ('DRAFT', 'APPROVED', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CLOSED', 'CANCELLED')) not null default 'DRAFT', "origin" text check ("origin" in ('MANUAL', 'REPLENISHMENT')) not null default 'MANUAL', "expected_date" date null, "total_minor" bigint not null, "receipt_tolerance_basis_points" int not null, "price_tolerance_basis_points" int not null, "price_tolerance_amount_minor" bigint not null, "note" text null, "created_by_id" bigint null, "approved_by_id" bigint null, "approved_at" timestamptz null, "closed_reason" text null, "closed_at" timestamptz null, "sent_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint purchase_order_tolerance_check check (receipt_tolerance_basis_points >= 0 and receipt_tolerance_basis_points <= 10000 and price_tolerance_basis_points >= 0 and price_tolerance_basis_points <= 10000 and price_tolerance_amount_minor >= 0));`,
    );
    this.addSql(
      `alter table "purchase_order" add constraint "purchase_order_number_unique" unique ("number");`,
    );
    this.addSql(
      `create unique index "purchase_order_one_replenishment_draft" on "purchase_order" ("vendor_id") where "status" = 'DRAFT' and "origin" = 'REPLENISHMENT';`,
    );
    this.addSql(`create index "purchase_order_status_idx" on "purchase_order" ("status", "id");`);
    this.addSql(
      `create index "purchase_order_vendor_idx" on "purchase_order" ("vendor_id", "id");`,
    );

    this.addSql(
      `create table "purchase_order_line" ("id" bigserial primary key, "purchase_order_id" bigint not null, "product_id" bigint not null, "quantity" int not null, "unit_cost_minor" bigint not null, "expected_date" date null, "received_quantity" int not null default 0, "rejected_quantity" int not null default 0, "billed_quantity" int not null default 0, "proposal" jsonb null, constraint purchase_order_line_quantities_check check (quantity > 0 and unit_cost_minor >= 0 and received_quantity >= 0 and rejected_quantity >= 0 and billed_quantity >= 0));`,
    );
    this.addSql(
      `create index "purchase_order_line_product_idx" on "purchase_order_line" ("product_id");`,
    );
    this.addSql(
      `alter table "purchase_order_line" add constraint "purchase_order_line_product_unique" unique ("purchase_order_id", "product_id");`,
    );

    this.addSql(
      `create table "goods_receipt" ("id" bigserial primary key, "purchase_order_id" bigint not null, "received_on" date not null, "note" text null, "journal_entry_id" bigint null, "received_by_id" bigint null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "goods_receipt_purchase_order_idx" on "goods_receipt" ("purchase_order_id", "id");`,
    );

    this.addSql(
      `create table "goods_receipt_line" ("id" bigserial primary key, "receipt_id" bigint not null, "purchase_order_line_id" bigint not null, "quantity" int not null, "rejected_quantity" int not null, "rejection_reason" text null, constraint goods_receipt_line_quantities_check check (quantity >= 0 and rejected_quantity >= 0 and quantity + rejected_quantity > 0));`,
    );
    this.addSql(
      `create index "goods_receipt_line_po_line_idx" on "goods_receipt_line" ("purchase_order_line_id");`,
    );
    this.addSql(
      `create index "goods_receipt_line_receipt_idx" on "goods_receipt_line" ("receipt_id", "id");`,
    );

    this.addSql(
      `create table "purchase_bill_line" ("id" bigserial primary key, "bill_id" bigint not null, "purchase_order_line_id" bigint not null, "quantity" int not null, "unit_cost_minor" bigint not null, "cleared_minor" bigint not null, "variance_minor" bigint not null, constraint purchase_bill_line_quantities_check check (quantity > 0 and unit_cost_minor >= 0));`,
    );
    this.addSql(
      `create index "purchase_bill_line_po_line_idx" on "purchase_bill_line" ("purchase_order_line_id");`,
    );
    this.addSql(
      `create index "purchase_bill_line_bill_idx" on "purchase_bill_line" ("bill_id", "id");`,
    );

    this.addSql(
      `alter table "reorder_rule" add constraint "reorder_rule_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "reorder_rule" add constraint "reorder_rule_vendor_id_foreign" foreign key ("vendor_id") references "vendor" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "purchase_order" add constraint "purchase_order_vendor_id_foreign" foreign key ("vendor_id") references "vendor" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "purchase_order_line" add constraint "purchase_order_line_purchase_order_id_foreign" foreign key ("purchase_order_id") references "purchase_order" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "purchase_order_line" add constraint "purchase_order_line_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "goods_receipt" add constraint "goods_receipt_purchase_order_id_foreign" foreign key ("purchase_order_id") references "purchase_order" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "goods_receipt_line" add constraint "goods_receipt_line_receipt_id_foreign" foreign key ("receipt_id") references "goods_receipt" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "goods_receipt_line" add constraint "goods_receipt_line_purchase_order_line_id_foreign" foreign key ("purchase_order_line_id") references "purchase_order_line" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "purchase_bill_line" add constraint "purchase_bill_line_bill_id_foreign" foreign key ("bill_id") references "bill" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "purchase_bill_line" add constraint "purchase_bill_line_purchase_order_line_id_foreign" foreign key ("purchase_order_line_id") references "purchase_order_line" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "stock_movement" drop constraint if exists "stock_movement_kind_check";`,
    );

    this.addSql(`alter table "stock_movement" add column "goods_receipt_id" bigint null;`);
    this.addSql(
      `alter table "stock_movement" add constraint "stock_movement_kind_check" check("kind" in ('ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SHIPMENT', 'RECEIPT'));`,
    );

    this.addSql(
      `alter table "vendor" add column "receipt_tolerance_basis_points" int not null default 1000, add column "price_tolerance_basis_points" int not null default 500, add column "price_tolerance_amount_minor" bigint not null default 500;`,
    );
    this.addSql(
      `alter table "vendor" add constraint vendor_tolerance_check check(receipt_tolerance_basis_points >= 0 and receipt_tolerance_basis_points <= 10000 and price_tolerance_basis_points >= 0 and price_tolerance_basis_points <= 10000 and price_tolerance_amount_minor >= 0);`,
    );

    this.addSql(
      `alter table "bill" add column "match_status" text check ("match_status" in ('NONE', 'MATCHED', 'EXCEPTION')) not null default 'NONE', add column "match_exceptions" text[] not null default '{}', add column "variance_approved_by_id" bigint null, add column "variance_approved_at" timestamptz null, add column "variance_approval_reason" text null;`,
    );

    this.addSql(
      `insert into "account" ("code", "name", "type", "normal_balance", "cash_flow_section") values ('2150', 'Goods Received Not Invoiced', 'LIABILITY', 'CREDIT', 'OPERATING'), ('5100', 'Purchase Price Variance', 'EXPENSE', 'DEBIT', null) on conflict ("code") do nothing;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `delete from "account" where "code" in ('2150', '5100') and not exists (select 1 from "journal_line" l where l."account_id" = "account"."id");`,
    );

    this.addSql(
      `alter table "purchase_order_line" drop constraint "purchase_order_line_purchase_order_id_foreign";`,
    );

    this.addSql(
      `alter table "goods_receipt" drop constraint "goods_receipt_purchase_order_id_foreign";`,
    );

    this.addSql(
      `alter table "goods_receipt_line" drop constraint "goods_receipt_line_purchase_order_line_id_foreign";`,
    );

    this.addSql(
      `alter table "purchase_bill_line" drop constraint "purchase_bill_line_purchase_order_line_id_foreign";`,
    );

    this.addSql(
      `alter table "goods_receipt_line" drop constraint "goods_receipt_line_receipt_id_foreign";`,
    );

    this.addSql(`drop table if exists "reorder_rule" cascade;`);

    this.addSql(`drop table if exists "purchase_order" cascade;`);

    this.addSql(`drop table if exists "purchase_order_line" cascade;`);

    this.addSql(`drop table if exists "goods_receipt" cascade;`);

    this.addSql(`drop table if exists "goods_receipt_line" cascade;`);

    this.addSql(`drop table if exists "purchase_bill_line" cascade;`);

    this.addSql(
      `alter table "stock_movement" drop constraint if exists "stock_movement_kind_check";`,
    );

    this.addSql(
      `alter table "bill" drop column "match_status", drop column "match_exceptions", drop column "variance_approved_by_id", drop column "variance_approved_at", drop column "variance_approval_reason";`,
    );

    this.addSql(`alter table "stock_movement" drop column "goods_receipt_id";`);

    this.addSql(
      `alter table "stock_movement" add constraint "stock_movement_kind_check" check("kind" in ('ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SHIPMENT'));`,
    );

    this.addSql(`alter table "vendor" drop constraint vendor_tolerance_check;`);
    this.addSql(
      `alter table "vendor" drop column "receipt_tolerance_basis_points", drop column "price_tolerance_basis_points", drop column "price_tolerance_amount_minor";`,
    );
  }
}
