import { Migration } from '@mikro-orm/migrations';
import { sqlFunction } from '../src/db/sql-functions';

/**
 * Records and compliance: legal holds, and the audit trail. Audit records are sealed at commit,
 * in commit order, into a hash chain (sql/audit_record_seal.sql) whose head is the one row of
 * `audit_chain_head`; they are append-only (sql/audit_record_append_only.sql).
 */
export class Migration20261207134744_compliance extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "audit_chain_head" ("id" int primary key, "seq" bigint not null default 0, "hash" text null, "pruned_through" bigint not null default 0, "pruned_hash" text null);`,
    );

    this.addSql(
      `create table "audit_record" ("id" bigserial primary key, "seq" bigint null, "at" timestamptz null, "actor_id" bigint null, "api_token_id" bigint null, "action" text not null, "kind" text not null, "target" text null, "result" text not null, "detail" jsonb not null, "ip" text null, "request_id" text null, "prev_hash" text null, "hash" text null);`,
    );
    this.addSql(`create index "audit_record_at_idx" on "audit_record" ("at");`);
    this.addSql(`create index "audit_record_action_idx" on "audit_record" ("action", "seq");`);
    this.addSql(`create index "audit_record_actor_idx" on "audit_record" ("actor_id", "seq");`);
    this.addSql(
      `alter table "audit_record" add constraint "audit_record_seq_unique" unique ("seq");`,
    );

    this.addSql(
      `create table "legal_hold" ("id" bigserial primary key, "target_type" text check ("target_type" in ('CUSTOMER', 'EMPLOYEE', 'TICKET')) not null, "target_id" bigint not null, "reason" text not null, "placed_by_id" bigint not null, "placed_at" timestamptz not null default now(), "released_by_id" bigint null, "released_at" timestamptz null, "release_reason" text null);`,
    );
    this.addSql(
      `create index "legal_hold_target_idx" on "legal_hold" ("target_type", "target_id", "id");`,
    );

    this.addSql(
      `alter table "legal_hold" add constraint "legal_hold_placed_by_id_foreign" foreign key ("placed_by_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "audit_chain_head" add constraint audit_chain_head_one_row check(id = 1);`,
    );
    this.addSql(`insert into "audit_chain_head" ("id") values (1);`);
    this.addSql(`create sequence "audit_record_commit_seq";`);
    this.addSql(sqlFunction('events/audit_record_digest', 'e68e70a0d56d'));
    this.addSql(sqlFunction('events/audit_record_seal', '09432dc394eb'));
    this.addSql(sqlFunction('events/audit_record_append_only', '0a1f4f8c2c81'));
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_chain_head" cascade;`);
    this.addSql(`drop sequence if exists "audit_record_commit_seq";`);

    this.addSql(`drop table if exists "audit_record" cascade;`);

    this.addSql(`drop table if exists "legal_hold" cascade;`);
    this.addSql(`drop function if exists audit_record_seal();`);
    this.addSql(`drop function if exists audit_record_append_only();`);
    this.addSql(`drop function if exists audit_record_digest(text, audit_record);`);
  }
}
