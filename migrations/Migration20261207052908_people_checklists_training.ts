import { Migration } from '@mikro-orm/migrations';

export class Migration20261207052908_people_checklists_training extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "checklist_template" ("id" bigserial primary key, "name" text not null, "kind" text check ("kind" in ('ONBOARDING', 'OFFBOARDING')) not null, "is_default" boolean not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "checklist_template" add constraint "checklist_template_name_unique" unique ("name");`,
    );
    this.addSql(
      `create unique index "checklist_template_one_default" on "checklist_template" ("kind") where "is_default";`,
    );

    this.addSql(
      `create table "checklist_template_item" ("id" bigserial primary key, "template_id" bigint not null, "position" int not null, "title" text not null, "assignee_role" text check ("assignee_role" in ('HR', 'IT_SUPPORT', 'MANAGER', 'EMPLOYEE')) not null, "due_offset_days" int not null, "blocking" boolean not null, constraint checklist_template_item_values_check check (position >= 0 and due_offset_days >= -366 and due_offset_days <= 366));`,
    );
    this.addSql(
      `alter table "checklist_template_item" add constraint "checklist_template_item_unique" unique ("template_id", "position");`,
    );

    this.addSql(
      `create table "course" ("id" bigserial primary key, "name" text not null, "validity_months" int null, "required_for_roles" text[] not null, "created_by_id" bigint null, "created_at" timestamptz not null default now(), constraint course_validity_check check (validity_months is null or (validity_months >= 1 and validity_months <= 600)));`,
    );
    this.addSql(`alter table "course" add constraint "course_name_unique" unique ("name");`);

    this.addSql(
      `create table "course_department" ("course_id" bigint not null, "department_id" bigint not null, constraint "course_department_pkey" primary key ("course_id", "department_id"));`,
    );
    this.addSql(
      `create index "course_department_department_idx" on "course_department" ("department_id");`,
    );

    this.addSql(
      `create table "checklist" ("id" bigserial primary key, "employee_id" bigint not null, "kind" text check ("kind" in ('ONBOARDING', 'OFFBOARDING')) not null, "template_id" bigint not null, "anchor_date" date not null, "completed_at" timestamptz null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "checklist_template_idx" on "checklist" ("template_id");`);
    this.addSql(
      `alter table "checklist" add constraint "checklist_employee_kind_unique" unique ("employee_id", "kind");`,
    );

    this.addSql(
      `create table "checklist_item" ("id" bigserial primary key, "checklist_id" bigint not null, "position" int not null, "title" text not null, "assignee_role" text check ("assignee_role" in ('HR', 'IT_SUPPORT', 'MANAGER', 'EMPLOYEE')) not null, "due_date" date not null, "blocking" boolean not null, "done_at" timestamptz null, "done_by_id" bigint null, constraint checklist_item_done_check check ((done_at is null) = (done_by_id is null)));`,
    );
    this.addSql(
      `create index "checklist_item_open_due_idx" on "checklist_item" ("due_date", "id");`,
    );
    this.addSql(
      `alter table "checklist_item" add constraint "checklist_item_unique" unique ("checklist_id", "position");`,
    );

    this.addSql(
      `create table "training_completion" ("id" bigserial primary key, "employee_id" bigint not null, "course_id" bigint not null, "completed_on" date not null, "expires_on" date null, "recorded_by_id" bigint null, "created_at" timestamptz not null default now(), constraint training_completion_expiry_check check (expires_on is null or expires_on > completed_on));`,
    );
    this.addSql(
      `create index "training_completion_course_idx" on "training_completion" ("course_id");`,
    );
    this.addSql(
      `create index "training_completion_latest_idx" on "training_completion" ("employee_id", "course_id", "completed_on", "id");`,
    );

    this.addSql(
      `create table "training_reminder" ("id" bigserial primary key, "completion_id" bigint not null, "days_before" int not null, "sent_on" date not null, "email_id" bigint not null, "created_at" timestamptz not null default now(), constraint training_reminder_days_check check (days_before >= 0));`,
    );
    this.addSql(
      `alter table "training_reminder" add constraint "training_reminder_unique" unique ("completion_id", "days_before");`,
    );

    this.addSql(
      `alter table "checklist_template_item" add constraint "checklist_template_item_template_id_foreign" foreign key ("template_id") references "checklist_template" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "course_department" add constraint "course_department_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "course_department" add constraint "course_department_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "checklist" add constraint "checklist_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "checklist" add constraint "checklist_template_id_foreign" foreign key ("template_id") references "checklist_template" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "checklist_item" add constraint "checklist_item_checklist_id_foreign" foreign key ("checklist_id") references "checklist" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "training_completion" add constraint "training_completion_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "training_completion" add constraint "training_completion_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "training_reminder" add constraint "training_reminder_completion_id_foreign" foreign key ("completion_id") references "training_completion" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE', 'TRAINING_EXPIRY_REMINDER'));`,
    );
    // The default checklist templates: every installation has them, since hiring and terminating
    // copy them (reference data, like the chart of accounts). HR edits them or makes others.
    this.addSql(`with template as (
        insert into "checklist_template" ("name", "kind", "is_default")
        values ('Standard onboarding', 'ONBOARDING', true) returning "id")
      insert into "checklist_template_item" ("template_id", "position", "title", "assignee_role", "due_offset_days", "blocking")
      select template.id, item.position, item.title, item.role, item.offset_days, item.blocking
        from template, (values
          (0, 'Prepare the employment contract and personnel file', 'HR', -7, true),
          (1, 'Set up accounts and a laptop', 'IT_SUPPORT', -1, false),
          (2, 'Welcome meeting and first-week plan', 'MANAGER', 0, false),
          (3, 'Sign the employment contract and the code of conduct', 'EMPLOYEE', 0, true),
          (4, 'Submit tax and bank details', 'EMPLOYEE', 3, false),
          (5, '30-day check-in', 'MANAGER', 30, false)
        ) as item(position, title, role, offset_days, blocking);`);
    this.addSql(`with template as (
        insert into "checklist_template" ("name", "kind", "is_default")
        values ('Standard offboarding', 'OFFBOARDING', true) returning "id")
      insert into "checklist_template_item" ("template_id", "position", "title", "assignee_role", "due_offset_days", "blocking")
      select template.id, item.position, item.title, item.role, item.offset_days, item.blocking
        from template, (values
          (0, 'Confirm the last day and final pay', 'HR', -14, false),
          (1, 'Hand over work and knowledge', 'MANAGER', -3, false),
          (2, 'Return all equipment', 'IT_SUPPORT', 0, true),
          (3, 'Revoke accounts and access', 'IT_SUPPORT', 0, false),
          (4, 'Exit interview', 'HR', 0, false),
          (5, 'Close the personnel file', 'HR', 7, false)
        ) as item(position, title, role, offset_days, blocking);`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "checklist_template_item" drop constraint "checklist_template_item_template_id_foreign";`,
    );

    this.addSql(`alter table "checklist" drop constraint "checklist_template_id_foreign";`);

    this.addSql(
      `alter table "course_department" drop constraint "course_department_course_id_foreign";`,
    );

    this.addSql(
      `alter table "training_completion" drop constraint "training_completion_course_id_foreign";`,
    );

    this.addSql(
      `alter table "checklist_item" drop constraint "checklist_item_checklist_id_foreign";`,
    );

    this.addSql(
      `alter table "training_reminder" drop constraint "training_reminder_completion_id_foreign";`,
    );

    this.addSql(`drop table if exists "checklist_template" cascade;`);

    this.addSql(`drop table if exists "checklist_template_item" cascade;`);

    this.addSql(`drop table if exists "course" cascade;`);

    this.addSql(`drop table if exists "course_department" cascade;`);

    this.addSql(`drop table if exists "checklist" cascade;`);

    this.addSql(`drop table if exists "checklist_item" cascade;`);

    this.addSql(`drop table if exists "training_completion" cascade;`);

    this.addSql(`drop table if exists "training_reminder" cascade;`);

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE'));`,
    );
  }
}
