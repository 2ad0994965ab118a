import { Migration } from '@mikro-orm/migrations';

export class Migration20261122092539_support extends Migration {
  override async up(): Promise<void> {
    // Trigram indexes make the queue's text search (subject and messages) an index scan.
    this.addSql(`create extension if not exists pg_trgm;`);
    // Ticket numbers (T-000123) come from a sequence.
    this.addSql(`create sequence "ticket_number_seq";`);
    this.addSql(
      `create table "macro" ("id" bigserial primary key, "name" text not null, "body" text not null, "set_status" text check ("set_status" in ('NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'SOLVED', 'CLOSED')) null, "set_priority" text check ("set_priority" in ('LOW', 'NORMAL', 'HIGH', 'URGENT')) null, "add_tags" text[] not null, "active" boolean not null default true, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "macro" add constraint "macro_name_unique" unique ("name");`);

    this.addSql(
      `create table "sla_policy" ("priority" text not null, "first_response_minutes" int not null, "resolution_minutes" int not null, constraint "sla_policy_pkey" primary key ("priority"));`,
    );

    this.addSql(
      `create table "support_settings" ("id" int not null, "auto_assign" text check ("auto_assign" in ('OFF', 'ROUND_ROBIN', 'LEAST_LOADED')) not null, "last_assigned_id" bigint null, constraint "support_settings_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "ticket" ("id" bigserial primary key, "number" text not null, "subject" text not null, "customer_id" bigint not null, "order_id" bigint null, "status" text check ("status" in ('NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'SOLVED', 'CLOSED')) not null default 'NEW', "priority" text check ("priority" in ('LOW', 'NORMAL', 'HIGH', 'URGENT')) not null default 'NORMAL', "priority_rank" smallint not null, "channel" text check ("channel" in ('EMAIL', 'PHONE', 'CHAT', 'WEB', 'INTERNAL')) not null default 'WEB', "tags" text[] not null, "assignee_id" bigint null, "version" int not null default 1, "first_response_due_at" timestamptz not null, "resolution_due_at" timestamptz not null, "next_due_at" timestamptz not null, "first_responded_at" timestamptz null, "solved_at" timestamptz null, "closed_at" timestamptz null, "paused_at" timestamptz null, "paused_seconds" int not null default 0, "merged_into_id" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "ticket" add constraint "ticket_number_unique" unique ("number");`);
    this.addSql(`create index "ticket_order_idx" on "ticket" ("order_id");`);
    this.addSql(
      `create index "ticket_subject_trgm_idx" on "ticket" using gin ("subject" gin_trgm_ops);`,
    );
    this.addSql(`create index "ticket_customer_idx" on "ticket" ("customer_id", "id");`);
    this.addSql(`create index "ticket_assignee_idx" on "ticket" ("assignee_id", "status");`);
    this.addSql(`create index "ticket_status_idx" on "ticket" ("status", "next_due_at", "id");`);
    this.addSql(`create index "ticket_updated_idx" on "ticket" ("updated_at", "id");`);
    this.addSql(`create index "ticket_created_idx" on "ticket" ("created_at", "id");`);
    this.addSql(`create index "ticket_queue_priority_idx" on "ticket" ("priority_rank", "id");`);
    this.addSql(`create index "ticket_queue_due_idx" on "ticket" ("next_due_at", "id");`);

    this.addSql(
      `create table "ticket_message" ("id" bigserial primary key, "ticket_id" bigint not null, "author_kind" text check ("author_kind" in ('AGENT', 'CUSTOMER')) not null, "author_id" bigint null, "body" text not null, "internal" boolean not null default false, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `create index "ticket_message_body_trgm_idx" on "ticket_message" using gin ("body" gin_trgm_ops);`,
    );
    this.addSql(
      `create index "ticket_message_ticket_idx" on "ticket_message" ("ticket_id", "id");`,
    );

    this.addSql(
      `alter table "ticket" add constraint "ticket_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "ticket" add constraint "ticket_order_id_foreign" foreign key ("order_id") references "order" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "ticket" add constraint "ticket_assignee_id_foreign" foreign key ("assignee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "ticket_message" add constraint "ticket_message_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete cascade;`,
    );

    // Default SLA targets (editable by SUPPORT_LEAD) and automatic assignment off.
    this
      .addSql(`insert into "sla_policy" ("priority", "first_response_minutes", "resolution_minutes") values
      ('URGENT', 60, 240), ('HIGH', 240, 1440), ('NORMAL', 480, 2880), ('LOW', 1440, 7200);`);
    this.addSql(
      `insert into "support_settings" ("id", "auto_assign", "last_assigned_id") values (1, 'OFF', null);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop sequence if exists "ticket_number_seq";`);
    this.addSql(`alter table "ticket_message" drop constraint "ticket_message_ticket_id_foreign";`);

    this.addSql(`drop table if exists "macro" cascade;`);

    this.addSql(`drop table if exists "sla_policy" cascade;`);

    this.addSql(`drop table if exists "support_settings" cascade;`);

    this.addSql(`drop table if exists "ticket" cascade;`);

    this.addSql(`drop table if exists "ticket_message" cascade;`);
  }
}
