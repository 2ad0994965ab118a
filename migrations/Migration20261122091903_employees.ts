import { Migration } from '@mikro-orm/migrations';

export class Migration20261122091903_employees extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "department" ("id" bigserial primary key, "name" text not null, "parent_id" bigint null, "head_id" bigint null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "department" add constraint "department_name_unique" unique ("name");`,
    );
    this.addSql(`create index "department_parent_idx" on "department" ("parent_id");`);

    this.addSql(
      `create table "payroll_run" ("id" bigserial primary key, "period_start" date not null, "period_end" date not null, "status" text check ("status" in ('DRAFT', 'POSTED')) not null default 'DRAFT', "withholding_rate_bp" int not null, "total_gross_minor" bigint not null, "total_withholding_minor" bigint not null, "total_net_minor" bigint not null, "journal_entry_id" bigint null, "created_by_id" bigint null, "created_at" timestamptz not null default now(), "posted_at" timestamptz null);`,
    );

    this.addSql(
      `create table "payslip" ("id" bigserial primary key, "run_id" bigint not null, "employee_id" bigint not null, "days_worked" int not null, "gross_minor" bigint not null, "withholding_minor" bigint not null, "net_minor" bigint not null);`,
    );
    this.addSql(`create index "payslip_employee_idx" on "payslip" ("employee_id");`);
    this.addSql(
      `alter table "payslip" add constraint "payslip_run_employee_unique" unique ("run_id", "employee_id");`,
    );

    this.addSql(
      `create table "salary_access" ("id" bigserial primary key, "reader_id" bigint not null, "subject_id" bigint not null, "field" text not null, "read_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "salary_access_subject_idx" on "salary_access" ("subject_id", "id");`,
    );

    this.addSql(
      `create table "salary_change" ("id" bigserial primary key, "employee_id" bigint not null, "annual_salary_minor" bigint not null, "effective_from" date not null, "created_by_id" bigint null, "created_at" timestamptz not null default now(), constraint salary_change_amount_check check (annual_salary_minor >= 0));`,
    );
    this.addSql(
      `alter table "salary_change" add constraint "salary_change_effective_unique" unique ("employee_id", "effective_from");`,
    );

    this.addSql(
      `alter table "department" add constraint "department_parent_id_foreign" foreign key ("parent_id") references "department" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "payslip" add constraint "payslip_run_id_foreign" foreign key ("run_id") references "payroll_run" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "payslip" add constraint "payslip_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "salary_change" add constraint "salary_change_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    // Employee numbers (E-000042) come from a sequence; existing employees get theirs from their id
    // and their creation day as hire date, then both columns become required.
    this.addSql(`create sequence "employee_number_seq";`);
    this.addSql(
      `alter table "employee" add column "number" text null, add column "department_id" bigint null, add column "manager_id" bigint null, add column "hire_date" date null, add column "termination_date" date null, add column "termination_reason" text null;`,
    );
    this.addSql(
      `update "employee" set "number" = 'E-' || lpad("id"::text, 6, '0'), "hire_date" = ("created_at" at time zone 'UTC')::date;`,
    );
    this.addSql(
      `select setval('employee_number_seq', coalesce((select max("id") from "employee"), 0) + 1, false);`,
    );
    this.addSql(
      `alter table "employee" alter column "number" set not null, alter column "hire_date" set not null;`,
    );
    this.addSql(
      `alter table "employee" add constraint "employee_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "employee" add constraint "employee_manager_id_foreign" foreign key ("manager_id") references "employee" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "employee" add constraint "employee_number_unique" unique ("number");`,
    );
    this.addSql(`create index "employee_department_idx" on "employee" ("department_id");`);
    this.addSql(`create index "employee_manager_idx" on "employee" ("manager_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "department" drop constraint "department_parent_id_foreign";`);

    this.addSql(`alter table "employee" drop constraint "employee_department_id_foreign";`);

    this.addSql(`alter table "payslip" drop constraint "payslip_run_id_foreign";`);

    this.addSql(`drop table if exists "department" cascade;`);

    this.addSql(`drop table if exists "payroll_run" cascade;`);

    this.addSql(`drop table if exists "payslip" cascade;`);

    this.addSql(`drop table if exists "salary_access" cascade;`);

    this.addSql(`drop table if exists "salary_change" cascade;`);

    this.addSql(`alter table "employee" drop constraint "employee_manager_id_foreign";`);

    this.addSql(`alter table "employee" drop constraint "employee_number_unique";`);
    this.addSql(`drop index "employee_department_idx";`);
    this.addSql(`drop index "employee_manager_idx";`);
    this.addSql(
      `alter table "employee" drop column "number", drop column "department_id", drop column "manager_id", drop column "hire_date", drop column "termination_date", drop column "termination_reason";`,
    );
    this.addSql(`drop sequence if exists "employee_number_seq";`);
  }
}
