import { Migration } from '@mikro-orm/migrations';

/**
 * Purchase orders mailed to their vendors: the PURCHASE_ORDER document and email kinds (both kind
 * checks re-created with every kind, in enum order), and purchase_order_email, which ties each such
 * email to its order so the send job can withhold the mail of an order cancelled meanwhile.
 */
export class Migration20261207081337_purchase_order_mail extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "purchase_order_email" ("email_id" bigint not null, "purchase_order_id" bigint not null, constraint "purchase_order_email_pkey" primary key ("email_id"));`,
    );
    this.addSql(
      `create index "purchase_order_email_purchase_order_idx" on "purchase_order_email" ("purchase_order_id");`,
    );

    this.addSql(
      `alter table "purchase_order_email" add constraint "purchase_order_email_purchase_order_id_foreign" foreign key ("purchase_order_id") references "purchase_order" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE', 'EMPLOYEE_DOCUMENT', 'TRAINING_EXPIRY_REMINDER', 'EMPLOYEE_BANK_ACCOUNT_CHANGED', 'CANDIDATE_EMAIL', 'PURCHASE_ORDER'));`,
    );

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE', 'YEAR_END_STATEMENT', 'PAYMENT_FILE', 'PURCHASE_ORDER'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "purchase_order_email" cascade;`);

    this.addSql(`alter table "document" drop constraint if exists "document_kind_check";`);

    this.addSql(
      `alter table "outbound_email" drop constraint if exists "outbound_email_kind_check";`,
    );

    this.addSql(
      `alter table "document" add constraint "document_kind_check" check("kind" in ('INVOICE', 'PAYSLIP', 'DUNNING_NOTICE', 'YEAR_END_STATEMENT', 'PAYMENT_FILE'));`,
    );

    this.addSql(
      `alter table "outbound_email" add constraint "outbound_email_kind_check" check("kind" in ('TICKET_REPLY', 'TICKET_ACKNOWLEDGEMENT', 'SLA_BREACH_ALERT', 'SATISFACTION_SURVEY', 'INVOICE', 'DUNNING_NOTICE', 'EMPLOYEE_DOCUMENT', 'TRAINING_EXPIRY_REMINDER', 'EMPLOYEE_BANK_ACCOUNT_CHANGED', 'CANDIDATE_EMAIL'));`,
    );
  }
}
