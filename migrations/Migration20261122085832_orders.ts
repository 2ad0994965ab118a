import { Migration } from '@mikro-orm/migrations';

export class Migration20261122085832_orders extends Migration {
  override async up(): Promise<void> {
    // Order numbers (SO-000042): a sequence hands them out without a race.
    this.addSql(`create sequence "order_number_seq";`);
    this.addSql(
      `create table "customer" ("id" bigserial primary key, "name" text not null, "email" text not null, "phone" text null, "company" text null, "status" text check ("status" in ('ACTIVE', 'INACTIVE')) not null default 'ACTIVE', "payment_terms_days" int not null default 30, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "customer" add constraint "customer_email_unique" unique ("email");`);
    this.addSql(`create index "customer_created_idx" on "customer" ("created_at", "id");`);

    this.addSql(
      `create table "idempotency_key" ("scope" text not null, "key" text not null, "request_hash" text not null, "result_id" text null, "created_at" timestamptz not null default now(), constraint "idempotency_key_pkey" primary key ("scope", "key"));`,
    );

    this.addSql(
      `create table "order" ("id" bigserial primary key, "number" text not null, "customer_id" bigint not null, "status" text check ("status" in ('PLACED', 'PICKING', 'PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED')) not null default 'PLACED', "note" text null, "total_minor" bigint not null, "currency" text not null default 'USD', "carrier" text null, "tracking_number" text null, "cancel_reason" text null, "placed_by_id" bigint null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "shipped_at" timestamptz null, "delivered_at" timestamptz null, "cancelled_at" timestamptz null);`,
    );
    this.addSql(`alter table "order" add constraint "order_number_unique" unique ("number");`);
    this.addSql(`create index "order_created_idx" on "order" ("created_at");`);
    this.addSql(`create index "order_status_idx" on "order" ("status", "id");`);
    this.addSql(`create index "order_customer_idx" on "order" ("customer_id", "id");`);

    this.addSql(
      `create table "product" ("id" bigserial primary key, "sku" text not null, "name" text not null, "description" text null, "price_minor" bigint not null, "cost_minor" bigint not null default 0, "active" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint product_price_check check (price_minor >= 0), constraint product_cost_check check (cost_minor >= 0));`,
    );
    this.addSql(`alter table "product" add constraint "product_sku_unique" unique ("sku");`);

    this.addSql(
      `create table "order_line" ("id" bigserial primary key, "order_id" bigint not null, "line_no" int not null, "product_id" bigint not null, "quantity" int not null, "unit_price_minor" bigint not null, "unit_cost_minor" bigint not null, "total_minor" bigint not null, constraint order_line_quantity_check check (quantity > 0));`,
    );
    this.addSql(`create index "order_line_product_idx" on "order_line" ("product_id");`);
    this.addSql(`create index "order_line_order_idx" on "order_line" ("order_id", "line_no");`);

    this.addSql(
      `create table "stock_level" ("product_id" bigint not null, "on_hand" int not null default 0, "reserved" int not null default 0, "updated_at" timestamptz not null default now(), constraint "stock_level_pkey" primary key ("product_id"), constraint stock_level_reserved_check check (reserved >= 0 and reserved <= on_hand));`,
    );

    this.addSql(
      `create table "stock_movement" ("id" bigserial primary key, "product_id" bigint not null, "kind" text check ("kind" in ('ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SHIPMENT')) not null, "on_hand_delta" int not null, "reserved_delta" int not null, "reason" text null, "order_id" bigint null, "actor_id" bigint null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "stock_movement_product_idx" on "stock_movement" ("product_id", "id");`,
    );

    this.addSql(
      `alter table "order" add constraint "order_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "order_line" add constraint "order_line_order_id_foreign" foreign key ("order_id") references "order" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "order_line" add constraint "order_line_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "stock_level" add constraint "stock_level_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "stock_movement" add constraint "stock_movement_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "order" drop constraint "order_customer_id_foreign";`);

    this.addSql(`alter table "order_line" drop constraint "order_line_order_id_foreign";`);

    this.addSql(`alter table "order_line" drop constraint "order_line_product_id_foreign";`);

    this.addSql(`alter table "stock_level" drop constraint "stock_level_product_id_foreign";`);

    this.addSql(
      `alter table "stock_movement" drop constraint "stock_movement_product_id_foreign";`,
    );

    this.addSql(`drop table if exists "customer" cascade;`);

    this.addSql(`drop table if exists "idempotency_key" cascade;`);

    this.addSql(`drop table if exists "order" cascade;`);

    this.addSql(`drop table if exists "product" cascade;`);

    this.addSql(`drop table if exists "order_line" cascade;`);

    this.addSql(`drop table if exists "stock_level" cascade;`);

    this.addSql(`drop table if exists "stock_movement" cascade;`);

    this.addSql(`drop sequence if exists "order_number_seq";`);
  }
}
