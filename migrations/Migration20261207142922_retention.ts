import { Migration } from '@mikro-orm/migrations';

/**
 * Retention policies: one per class of records, all six made here, disabled, with their default
 * periods (closed tickets 2 years, inactive customers 3, rejected applicants 180 days, archived
 * events 1 year, the audit trail 7 years, attachments 2 years). Enabling one needs a dry run.
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
      `insert into "retention_policy" ("record_class", "keep_days", "action") values
         ('CLOSED_TICKETS', 730, 'ANONYMIZE'), ('INACTIVE_CUSTOMERS', 1095, 'ANONYMIZE'),
         ('REJECTED_APPLICANTS', 180, 'ANONYMIZE'), ('EVENT_LOG', 365, 'DELETE'),
         ('AUDIT_TRAIL', 2555, 'DELETE'), ('ATTACHMENTS', 730, 'DELETE');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "retention_policy" cascade;`);
  }
}
