import { Migration } from '@mikro-orm/migrations';

export class Migration20261122084251_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "event" ("id" bigserial primary key, "seq" bigint null, "stream_type" text not null, "stream_id" text not null, "type" text not null, "payload" jsonb not null, "actor_id" bigint null, "occurred_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "event" add constraint "event_seq_unique" unique ("seq");`);
    this.addSql(`create index "event_occurred_at_idx" on "event" ("occurred_at");`);
    this.addSql(`create index "event_stream_idx" on "event" ("stream_type", "stream_id", "seq");`);
    this.addSql(
      `create table "event_archive" ("id" bigint not null, "seq" bigint null, "stream_type" text not null, "stream_id" text not null, "type" text not null, "payload" jsonb not null, "actor_id" bigint null, "occurred_at" timestamptz not null, constraint "event_archive_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "event_archive_stream_idx" on "event_archive" ("stream_type", "stream_id", "seq");`,
    );
    this.addSql(
      `create table "event_retention" ("id" int not null, "pruned_through" bigint not null default 0, constraint "event_retention_pkey" primary key ("id"), constraint event_retention_single_row check (id = 1));`,
    );
    this.addSql(`insert into "event_retention" ("id", "pruned_through") values (1, 0);`);

    // Commit order: an event's seq is taken at COMMIT, under a lock held until the commit is
    // visible. So seq order is commit order, a reader that has seen seq N has seen every event
    // that will ever have a smaller seq, and a gap (a commit that failed late) never fills.
    // Then every listening instance is told (NOTIFY is delivered on commit).
    this.addSql(`create sequence "event_commit_seq";`);
    this.addSql(`create function event_assign_seq() returns trigger language plpgsql as $$
      declare
        assigned bigint;
      begin
        perform pg_advisory_xact_lock(7395001);
        update "event" set seq = nextval('event_commit_seq') where id = new.id returning seq into assigned;
        perform pg_notify('backdesk_events', assigned::text);
        return null;
      end $$;`);
    this.addSql(`create constraint trigger event_commit_order after insert on "event"
      deferrable initially deferred for each row execute function event_assign_seq();`);

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
    this.addSql(`drop table if exists "event_archive" cascade;`);
    this.addSql(`drop table if exists "event_retention" cascade;`);
    this.addSql(`drop function if exists event_assign_seq();`);
    this.addSql(`drop sequence if exists "event_commit_seq";`);

    this.addSql(`drop table if exists "employee" cascade;`);

    this.addSql(`drop table if exists "api_token" cascade;`);
  }
}
