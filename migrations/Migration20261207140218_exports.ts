import { Migration } from '@mikro-orm/migrations';

/**
 * Exports (`createExport`): `data_export`, one row per export with its status and manifest
 * (row count, byte count, SHA-256), and `data_export_chunk`, its file in chunks of about 1 MiB,
 * written by the export's job in one transaction. The chunks keep PostgreSQL's default storage
 * (compressed): a journal export takes the same time as uncompressed and a fifth of the space
 * (bench/README.md, Exports).
 */
export class Migration20261207140218_exports extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "data_export" ("id" bigserial primary key, "kind" text not null, "format" text check ("format" in ('CSV', 'NDJSON')) not null, "period_from" date null, "period_to" date null, "scope" text null, "columns" text[] not null, "status" text check ("status" in ('PENDING', 'RUNNING', 'DONE', 'FAILED')) not null default 'PENDING', "requested_by_id" bigint not null, "created_at" timestamptz not null default now(), "attempts" int not null default 0, "started_at" timestamptz null, "finished_at" timestamptz null, "row_count" bigint null, "byte_count" bigint null, "chunk_count" int null, "sha256" text null, "error" text null);`,
    );
    this.addSql(
      `create index "data_export_requested_by_idx" on "data_export" ("requested_by_id", "id");`,
    );

    this.addSql(
      `create table "data_export_chunk" ("export_id" bigint not null, "n" int not null, "bytes" bytea not null, constraint "data_export_chunk_pkey" primary key ("export_id", "n"));`,
    );

    this.addSql(
      `alter table "data_export" add constraint "data_export_requested_by_id_foreign" foreign key ("requested_by_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "data_export_chunk" add constraint "data_export_chunk_export_id_foreign" foreign key ("export_id") references "data_export" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "data_export_chunk" drop constraint "data_export_chunk_export_id_foreign";`,
    );

    this.addSql(`drop table if exists "data_export" cascade;`);

    this.addSql(`drop table if exists "data_export_chunk" cascade;`);
  }
}
