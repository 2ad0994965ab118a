import { Migration } from '@mikro-orm/migrations';

export class Migration20261122084251_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "event" ("seq" bigserial primary key, "stream_type" text not null, "stream_id" text not null, "type" text not null, "payload" jsonb not null, "actor_id" bigint null, "occurred_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "event_occurred_at_idx" on "event" ("occurred_at");`);
    this.addSql(`create index "event_stream_idx" on "event" ("stream_type", "stream_id", "seq");`);
    // Announce each committed event to every listening server instance (NOTIFY is delivered on commit).
    this.addSql(`create function event_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('backdesk_events', new.seq::text);
        return null;
      end $$;`);
    this.addSql(
      `create trigger event_notify after insert on "event" for each row execute function event_notify();`,
    );

    this.addSql(
      `create table "employee" ("id" bigserial primary key, "email" text not null, "name" text not null, "title" text null, "password_hash" text not null, "roles" text[] not null, "status" text check ("status" in ('ACTIVE', 'ON_LEAVE', 'TERMINATED')) not null default 'ACTIVE', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "employee" add constraint "employee_email_unique" unique ("email");`);

    this.addSql(
      `create table "api_token" ("id" bigserial primary key, "name" text not null, "token_hash" text not null, "prefix" text not null, "roles" text[] not null, "created_by_id" bigint not null, "created_at" timestamptz not null default now(), "last_used_at" timestamptz null, "revoked_at" timestamptz null);`,
    );
    this.addSql(
      `alter table "api_token" add constraint "api_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `alter table "api_token" add constraint "api_token_created_by_id_foreign" foreign key ("created_by_id") references "employee" ("id") on update cascade on delete restrict;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_token" drop constraint "api_token_created_by_id_foreign";`);

    this.addSql(`drop table if exists "event" cascade;`);
    this.addSql(`drop function if exists event_notify();`);

    this.addSql(`drop table if exists "employee" cascade;`);

    this.addSql(`drop table if exists "api_token" cascade;`);
  }
}
