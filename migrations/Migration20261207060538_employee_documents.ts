import { Migration } from '@mikro-orm/migrations';

export class Migration20261207060538_employee_documents extends Migration {
  override async up(): Promise<void> {
    // The kind checks list every kind of the People issue's migrations (checklists, payment
    // files, recruiting and this one), which each re-created them with their own.
    this.addSql(
      `create table "year_end_statement" ("id" bigserial primary key, "employee_id" bigint not null, "tax_year" int not null, "version" int not null, "gross_minor" bigint not null, "withholding_minor" bigint not null, "net_minor" bigint not null, "payslip_count" int not null, "final" boolean not null, "issued_at" timestamptz not null default now(), constraint year_end_statement_sum_check check (gross_minor = withholding_minor + net_minor and payslip_count >= 1));`,
    );
    this.addSql(
      `alter table "year_end_statement" add constraint "year_end_statement_version_unique" unique ("employee_id", "tax_year", "version");`,
    );

    this.addSql(
      `create table "employee_document" ("id" bigserial primary key, "employee_id" bigint not null, "kind" text check ("kind" in ('PAYSLIP', 'YEAR_END_STATEMENT')) not null, "title" text not null, "issued_on" date not null, "payslip_id" bigint null, "year_end_statement_id" bigint null, "sent_at" timestamptz null, "created_at" timestamptz not null default now(), constraint employee_document_source_check check (num_nonnulls(payslip_id, year_end_statement_id) = 1));`,
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

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    // Payslips of runs posted before this migration become their employees' documents too, as
    // already sent: nobody is mailed the past.
    this.addSql(
      `insert into "employee_document" ("employee_id", "kind", "title", "issued_on", "payslip_id", "sent_at") select s.employee_id, 'PAYSLIP', 'Payslip ' || r.period_start || ' to ' || r.period_end, r.period_end, s.id, now() from payslip s join payroll_run r on r.id = s.run_id where r.status = 'POSTED' order by s.id;`,
    );

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE', 'EMPLOYEE_DOCUMENT', 'TRAINING_EXPIRY_REMINDER', 'EMPLOYEE_BANK_ACCOUNT_CHANGED', 'CANDIDATE_EMAIL'));`,
    );

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE', 'YEAR_END_STATEMENT', 'PAYMENT_FILE'));`,
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
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE', 'YEAR_END_STATEMENT', 'PAYMENT_FILE'));`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE', 'CANDIDATE_EMAIL'));`,
    );
  }
}
