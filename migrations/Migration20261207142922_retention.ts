import { Migration } from '@mikro-orm/migrations';

/**
 * Retention policies: one per class of records, all six made here with their default periods
 * (closed tickets 2 years, inactive customers 3, rejected applicants 180 days, archived events 1
 * year, the audit trail 7 years, attachments 2 years). Enabling one needs a dry run, so they are
 * disabled, except REJECTED_APPLICANTS: it carries on the anonymisation of rejected candidates
 * that already ran every day (the people.recruiting-retention job, RECRUITING_RETENTION_DAYS,
 * default 180), which it replaces; so it starts enabled, as if previewed at its settings.
 */
export class Migration20261207142922_retention extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "retention_policy" ("id" bigserial primary key, "record_class" text check ("record_class" in ('CLOSED_TICKETS', 'INACTIVE_CUSTOMERS', 'REJECTED_APPLICANTS', 'EVENT_LOG', 'AUDIT_TRAIL', 'ATTACHMENTS')) not null, "keep_days" int not null, "action" text check ("action" in ('DELETE', 'ANONYMIZE')) not null, "enabled" boolean not null default false, "previewed_at" timestamptz null, "previewed_fingerprint" text null, "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "retention_policy" add constraint "retention_policy_record_class_unique" unique ("record_class");`,
    );
    this.addSql(
      `insert into "retention_policy" ("record_class", "keep_days", "action", "enabled", "previewed_at", "previewed_fingerprint") values
         ('CLOSED_TICKETS', 730, 'ANONYMIZE', false, null, null),
         ('INACTIVE_CUSTOMERS', 1095, 'ANONYMIZE', false, null, null),
         ('REJECTED_APPLICANTS', 180, 'ANONYMIZE', true, now(), '180:ANONYMIZE'),
         ('EVENT_LOG', 365, 'DELETE', false, null, null),
         ('AUDIT_TRAIL', 2555, 'DELETE', false, null, null),
         ('ATTACHMENTS', 730, 'DELETE', false, null, null);`,
    );
    // The job it replaces no longer runs: its schedule goes (pg-boss's tables exist once a
    // server has started).
    this.addSql(
      `do $$ begin
         if to_regclass('pgboss.schedule') is not null then
           delete from pgboss.schedule where name = 'people.recruiting-retention';
         end if;
       end $$;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "retention_policy" cascade;`);
  }
}
