import { Migration } from '@mikro-orm/migrations';

export class Migration20261207000401_satisfaction_surveys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "satisfaction_survey" ("id" bigserial primary key, "ticket_id" bigint not null, "solve_version" int not null, "agent_id" bigint not null, "sent_at" timestamptz not null, "rating" smallint null, "comment" text null, "responded_at" timestamptz null, constraint satisfaction_survey_rating_check check (rating >= 1 and rating <= 5));`,
    );
    this.addSql(
      `create index "satisfaction_survey_agent_idx" on "satisfaction_survey" ("agent_id");`,
    );
    this.addSql(
      `create index "satisfaction_survey_sent_idx" on "satisfaction_survey" ("sent_at");`,
    );
    this.addSql(
      `alter table "satisfaction_survey" add constraint "satisfaction_survey_solve_unique" unique ("ticket_id", "solve_version");`,
    );

    this.addSql(
      `alter table "satisfaction_survey" add constraint "satisfaction_survey_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "satisfaction_survey" add constraint "satisfaction_survey_agent_id_foreign" foreign key ("agent_id") references "employee" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "satisfaction_survey" cascade;`);

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT'));`,
    );
  }
}
