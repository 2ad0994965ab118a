import { Migration } from '@mikro-orm/migrations';

/**
 * Data subject requests (ACCESS and ERASURE by email): the address kept only until the request
 * is answered, masked and hashed beside it; an ACCESS request's bundle is a stored document of
 * the new kind DATA_SUBJECT_BUNDLE.
 */
export class Migration20261207140627_data_subject_requests extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "data_subject_request" ("id" bigserial primary key, "kind" text check ("kind" in ('ACCESS', 'ERASURE')) not null, "status" text check ("status" in ('OPEN', 'IN_PROGRESS', 'DONE', 'REFUSED')) not null default 'OPEN', "email" text null, "email_masked" text not null, "email_hash" text not null, "opened_by_id" bigint not null, "opened_at" timestamptz not null, "due_at" timestamptz not null, "fulfilled_at" timestamptz null, "fulfilled_by_id" bigint null, "kept" jsonb not null default '[]', "erased" jsonb null, "refused_at" timestamptz null, "refused_by_id" bigint null, "refusal_reason" text null, "bundle_id" bigint null);`,
    );
    this.addSql(
      `create index "data_subject_request_due_idx" on "data_subject_request" ("due_at", "id");`,
    );
    this.addSql(
      `create index "data_subject_request_email_hash_idx" on "data_subject_request" ("email_hash", "id");`,
    );

    this.addSql(
      `alter table "data_subject_request" add constraint "data_subject_request_opened_by_id_foreign" foreign key ("opened_by_id") references "employee" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "data_subject_request" add constraint "data_subject_request_bundle_id_foreign" foreign key ("bundle_id") references "document" ("id") on update cascade on delete set null;`,
    );

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE', 'YEAR_END_STATEMENT', 'PAYMENT_FILE', 'PURCHASE_ORDER', 'DATA_SUBJECT_BUNDLE'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "data_subject_request" cascade;`);

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE', 'YEAR_END_STATEMENT', 'PAYMENT_FILE', 'PURCHASE_ORDER'));`,
    );
  }
}
