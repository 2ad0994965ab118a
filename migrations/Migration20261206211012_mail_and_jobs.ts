import { Migration } from '@mikro-orm/migrations';

export class Migration20261206211012_mail_and_jobs extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "attachment" ("id" bigserial primary key, "ticket_id" bigint not null, "ticket_message_id" bigint null, "filename" text not null, "content_type" text not null, "size" int not null, "sha256" text not null, "content_id" text null, "inline" boolean not null default false, "content" bytea not null, "uploaded_by_id" bigint null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "attachment_ticket_idx" on "attachment" ("ticket_id", "id");`);
    this.addSql(
      `create index "attachment_message_idx" on "attachment" ("ticket_message_id", "id");`,
    );

    this.addSql(
      `create table "inbound_email" ("id" bigserial primary key, "message_id" text not null, "source" text not null, "raw" bytea not null, "size" int not null, "from_address" text null, "subject" text null, "outcome" text check ("outcome" in ('RECEIVED', 'THREADED', 'NEW_TICKET', 'IGNORED', 'BOUNCE', 'REJECTED')) not null default 'RECEIVED', "reason" text null, "ticket_id" bigint null, "ticket_message_id" bigint null, "received_at" timestamptz not null, "processed_at" timestamptz null);`,
    );
    this.addSql(
      `alter table "inbound_email" add constraint "inbound_email_message_id_unique" unique ("message_id");`,
    );
    this.addSql(
      `create index "inbound_email_received_idx" on "inbound_email" ("received_at", "id");`,
    );

    this.addSql(
      `create table "outbound_email" ("id" bigserial primary key, "kind" text check ("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT')) not null, "ticket_id" bigint null, "ticket_message_id" bigint null, "to_address" text not null, "from_address" text not null, "reply_to" text null, "subject" text not null, "text_body" text not null, "html_body" text null, "message_id" text not null, "in_reply_to" text null, "references" text[] not null, "attachment_ids" text[] not null, "auto_submitted" boolean not null default false, "status" text check ("status" in ('QUEUED', 'SENT', 'FAILED')) not null default 'QUEUED', "attempts" int not null default 0, "error" text null, "transport" text null, "raw" text null, "sent_at" timestamptz null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_ticket_message_unique" unique ("ticket_message_id");`,
    );
    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_message_id_unique" unique ("message_id");`,
    );
    this.addSql(
      `create index "outbound_email_ticket_idx" on "outbound_email" ("ticket_id", "id");`,
    );
    this.addSql(
      `create index "outbound_email_created_idx" on "outbound_email" ("created_at", "id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "attachment" cascade;`);

    this.addSql(`drop table if exists "inbound_email" cascade;`);

    this.addSql(`drop table if exists "outbound_email" cascade;`);
  }
}
