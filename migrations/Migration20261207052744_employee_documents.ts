import { Migration } from '@mikro-orm/migrations';

export class Migration20261207052744_employee_documents extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "year_end_statement" ("id" bigserial primary key, "employee_id" bigint not null, "tax_year" int not null, "version" int not null, "gross_minor" bigint not null, "withholding_minor" bigint not null, "net_minor" bigint not null, "payslip_count" int not null, "final" boolean not null, "issued_at" timestamptz not null default now(), constraint year_end_statement_sum_check check (gross_minor = withholding_minor + net_minor and payslip_count >= 1));`,
    );
    this.addSql(
      `alter table "year_end_statement" add constraint "year_end_statement_version_unique" unique ("employee_id", "tax_year", "version");`,
    );

    this.addSql(
      `create table "employee_document" ("id" bigserial primary key, "employee_id" bigint not null, "kind" text check ("kind" in ('PAYSLIP', 'YEAR_END_STATEMENT')) not null, "title" text not null, "issued_on" date not null, "payslip_id" bigint null, "year_end_statement_id" bigint null, "created_at" timestamptz not null default now(), constraint employee_document_source_check check (num_nonnulls(payslip_id, year_end_statement_id) = 1));`,
    );
    this.addSql(
      `alter table "employee_document" add constraint "employee_document_payslip_id_unique" unique ("payslip_id");`,
    );
    this.addSql(
      `alter table "employee_document" add constraint "employee_document_year_end_statement_id_unique" unique ("year_end_statement_id");`,
    );
    this.addSql(
      `create index "employee_document_list_idx" on "employee_document" ("employee_id", "issued_on", "id");`,
    );

    this.addSql(
      `alter table "year_end_statement" add constraint "year_end_statement_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "employee_document" add constraint "employee_document_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "employee_document" add constraint "employee_document_payslip_id_foreign" foreign key ("payslip_id") references "payslip" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "employee_document" add constraint "employee_document_year_end_statement_id_foreign" foreign key ("year_end_statement_id") references "year_end_statement" ("id") on update cascade on delete restrict;`,
    );

    // Payslips of runs posted before this migration become their employees' documents too.
    this.addSql(
      `insert into "employee_document" ("employee_id", "kind", "title", "issued_on", "payslip_id") select s.employee_id, 'PAYSLIP', 'Payslip ' || r.period_start || ' to ' || r.period_end, r.period_end, s.id from payslip s join payroll_run r on r.id = s.run_id where r.status = 'POSTED' order by s.id;`,
    );

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE', 'YEAR_END_STATEMENT'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "employee_document" drop constraint "employee_document_year_end_statement_id_foreign";`,
    );

    this.addSql(`drop table if exists "year_end_statement" cascade;`);

    this.addSql(`drop table if exists "employee_document" cascade;`);

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE'));`,
    );
  }
}
