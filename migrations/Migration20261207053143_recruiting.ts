import { Migration } from '@mikro-orm/migrations';
import { sqlFunction } from '../src/db/sql-functions';

/**
 * Recruiting (people): openings, candidates, applications with their append-only stage history
 * (its trigger from src/modules/people/sql/), interviews, scorecards, offers (`offer_one_live`)
 * and the link of candidate emails to their application. The outbox takes CANDIDATE_EMAIL.
 */

export class Migration20261207053143_recruiting extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "candidate" ("id" bigserial primary key, "name" text not null, "email" text null, "email_key" text null, "phone" text null, "created_at" timestamptz not null, "anonymized_at" timestamptz null);`,
    );
    this.addSql(
      `create unique index "candidate_email_key_unique" on "candidate" ("email_key") where "email_key" is not null;`,
    );

    this.addSql(
      `create table "job_opening" ("id" bigserial primary key, "title" text not null, "department_id" bigint not null, "headcount" int not null, "hired_count" int not null default 0, "salary_min_minor" bigint not null, "salary_max_minor" bigint not null, "status" text check ("status" in ('OPEN', 'CLOSED')) not null default 'OPEN', "opened_at" timestamptz not null, "closed_at" timestamptz null, "opened_by_id" bigint null, constraint job_opening_band_check check (salary_min_minor >= 0 and salary_min_minor <= salary_max_minor), constraint job_opening_hired_check check (headcount >= 1 and hired_count >= 0 and hired_count <= headcount));`,
    );
    this.addSql(`create index "job_opening_department_idx" on "job_opening" ("department_id");`);
    this.addSql(`create index "job_opening_list_idx" on "job_opening" ("status", "id");`);

    this.addSql(
      `create table "application" ("id" bigserial primary key, "job_opening_id" bigint not null, "candidate_id" bigint not null, "stage" text check ("stage" in ('APPLIED', 'SCREENING', 'INTERVIEW', 'OFFER', 'HIRED', 'REJECTED')) not null, "version" int not null default 1, "resume_text" text null, "consent_to_retain" boolean not null, "rejected_at" timestamptz null, "rejection_reason" text null, "hired_employee_id" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz null, constraint application_version_check check (version >= 1));`,
    );
    this.addSql(`create index "application_candidate_idx" on "application" ("candidate_id");`);
    this.addSql(
      `alter table "application" add constraint "application_hired_employee_unique" unique ("hired_employee_id");`,
    );
    this.addSql(`create index "application_stage_idx" on "application" ("stage", "id");`);
    this.addSql(
      `alter table "application" add constraint "application_unique" unique ("job_opening_id", "candidate_id");`,
    );

    this.addSql(
      `create table "interview" ("id" bigserial primary key, "application_id" bigint not null, "scheduled_at" timestamptz not null, "scheduled_by_id" bigint null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "interview_application_idx" on "interview" ("application_id");`);

    this.addSql(
      `create table "interview_interviewer" ("interview_id" bigint not null, "employee_id" bigint not null, constraint "interview_interviewer_pkey" primary key ("interview_id", "employee_id"));`,
    );
    this.addSql(
      `create index "interview_interviewer_employee_idx" on "interview_interviewer" ("employee_id", "interview_id");`,
    );

    this.addSql(
      `create table "candidate_email" ("email_id" bigint not null, "application_id" bigint not null, constraint "candidate_email_pkey" primary key ("email_id"));`,
    );
    this.addSql(
      `create index "candidate_email_application_idx" on "candidate_email" ("application_id");`,
    );

    this.addSql(
      `create table "application_stage_change" ("id" bigserial primary key, "application_id" bigint not null, "from_stage" text check ("from_stage" in ('APPLIED', 'SCREENING', 'INTERVIEW', 'OFFER', 'HIRED', 'REJECTED')) null, "to_stage" text check ("to_stage" in ('APPLIED', 'SCREENING', 'INTERVIEW', 'OFFER', 'HIRED', 'REJECTED')) not null, "reason" text null, "actor_id" bigint null, "at" timestamptz not null);`,
    );
    this.addSql(
      `create index "application_stage_change_idx" on "application_stage_change" ("application_id", "id");`,
    );

    this.addSql(
      `create table "offer" ("id" bigserial primary key, "application_id" bigint not null, "salary_minor" bigint not null, "start_date" date not null, "status" text check ("status" in ('PENDING_APPROVAL', 'EXTENDED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN')) not null, "within_band" boolean not null, "created_by_id" bigint null, "created_at" timestamptz not null, "approved_by_id" bigint null, "approved_at" timestamptz null, "responded_at" timestamptz null, "response_reason" text null, constraint offer_salary_check check (salary_minor >= 0));`,
    );
    this.addSql(`create index "offer_application_idx" on "offer" ("application_id", "id");`);
    this.addSql(
      `create unique index "offer_one_live" on "offer" ("application_id") where "status" in ('PENDING_APPROVAL', 'EXTENDED', 'ACCEPTED');`,
    );

    this.addSql(
      `create table "scorecard" ("id" bigserial primary key, "interview_id" bigint not null, "interviewer_id" bigint not null, "rating" int not null, "recommendation" text check ("recommendation" in ('STRONG_NO', 'NO', 'YES', 'STRONG_YES')) not null, "notes" text null, "submitted_at" timestamptz not null, constraint scorecard_rating_check check (rating >= 1 and rating <= 5));`,
    );
    this.addSql(`create index "scorecard_interviewer_idx" on "scorecard" ("interviewer_id");`);
    this.addSql(
      `alter table "scorecard" add constraint "scorecard_unique" unique ("interview_id", "interviewer_id");`,
    );

    this.addSql(
      `alter table "job_opening" add constraint "job_opening_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "application" add constraint "application_job_opening_id_foreign" foreign key ("job_opening_id") references "job_opening" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "application" add constraint "application_candidate_id_foreign" foreign key ("candidate_id") references "candidate" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "application" add constraint "application_hired_employee_id_foreign" foreign key ("hired_employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "interview" add constraint "interview_application_id_foreign" foreign key ("application_id") references "application" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "interview_interviewer" add constraint "interview_interviewer_interview_id_foreign" foreign key ("interview_id") references "interview" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "interview_interviewer" add constraint "interview_interviewer_employee_id_foreign" foreign key ("employee_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "candidate_email" add constraint "candidate_email_application_id_foreign" foreign key ("application_id") references "application" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "application_stage_change" add constraint "application_stage_change_application_id_foreign" foreign key ("application_id") references "application" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "offer" add constraint "offer_application_id_foreign" foreign key ("application_id") references "application" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "scorecard" add constraint "scorecard_interview_id_foreign" foreign key ("interview_id") references "interview" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "scorecard" add constraint "scorecard_interviewer_id_foreign" foreign key ("interviewer_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE', 'CANDIDATE_EMAIL'));`,
    );

    this.addSql(sqlFunction('modules/people/recruiting_history_refuse_change', '9ba38fd354cf'));
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists recruiting_history_refuse_change() cascade;`);

    this.addSql(`alter table "application" drop constraint "application_candidate_id_foreign";`);

    this.addSql(`alter table "application" drop constraint "application_job_opening_id_foreign";`);

    this.addSql(`alter table "interview" drop constraint "interview_application_id_foreign";`);

    this.addSql(
      `alter table "candidate_email" drop constraint "candidate_email_application_id_foreign";`,
    );

    this.addSql(
      `alter table "application_stage_change" drop constraint "application_stage_change_application_id_foreign";`,
    );

    this.addSql(`alter table "offer" drop constraint "offer_application_id_foreign";`);

    this.addSql(
      `alter table "interview_interviewer" drop constraint "interview_interviewer_interview_id_foreign";`,
    );

    this.addSql(`alter table "scorecard" drop constraint "scorecard_interview_id_foreign";`);

    this.addSql(`drop table if exists "candidate" cascade;`);

    this.addSql(`drop table if exists "job_opening" cascade;`);

    this.addSql(`drop table if exists "application" cascade;`);

    this.addSql(`drop table if exists "interview" cascade;`);

    this.addSql(`drop table if exists "interview_interviewer" cascade;`);

    this.addSql(`drop table if exists "candidate_email" cascade;`);

    this.addSql(`drop table if exists "application_stage_change" cascade;`);

    this.addSql(`drop table if exists "offer" cascade;`);

    this.addSql(`drop table if exists "scorecard" cascade;`);

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE'));`,
    );
  }
}
