import { Migration } from '@mikro-orm/migrations';
import { sqlFunction } from '../src/db/sql-functions';

/**
 * The internal IT desk: a ticket is on the CUSTOMER queue (with its customer) or on the IT queue
 * (with the employee who reported it, `requester_id`, and no customer), which a check enforces;
 * existing tickets are all customers'. Indexes for the IT queue by SLA due and for an employee's
 * reports; messages may be by the requester (REQUESTER). The search documents take the
 * requester's name where there is no customer, and again when an employee is renamed.
 */
export class Migration20261207110543_it_desk extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "ticket_message" drop constraint if exists "ticket_message_author_kind_check";`,
    );

    this.addSql(
      `alter table "ticket" add column "requester_id" bigint null, add column "queue" text check ("queue" in ('CUSTOMER', 'IT')) not null default 'CUSTOMER';`,
    );
    this.addSql(`alter table "ticket" alter column "customer_id" drop not null;`);
    this.addSql(
      `alter table "ticket" add constraint "ticket_requester_id_foreign" foreign key ("requester_id") references "employee" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `create index "ticket_it_queue_due_idx" on "ticket" ("next_due_at", "id") where queue = 'IT';`,
    );
    this.addSql(`create index "ticket_requester_idx" on "ticket" ("requester_id", "id");`);
    this.addSql(
      `alter table "ticket" add constraint ticket_correspondent_check check((queue = 'CUSTOMER' and customer_id is not null and requester_id is null) or (queue = 'IT' and requester_id is not null and customer_id is null));`,
    );

    this.addSql(
      `alter table "ticket_message" add constraint "ticket_message_author_kind_check" check("author_kind" in ('AGENT', 'CUSTOMER', 'REQUESTER'));`,
    );

    this.addSql(sqlFunction('modules/support/ticket_search_refresh', 'a3d548b452cb'));
    this.addSql(sqlFunction('modules/support/ticket_search_requester_renamed', '2afd360c0138'));
  }

  override async down(): Promise<void> {
    // ticket_search_refresh reads the requester's key as json: it works without the column.
    this.addSql(`drop trigger if exists ticket_search_requester_renamed on "employee";`);
    this.addSql(`drop function if exists ticket_search_requester_renamed();`);

    this.addSql(`alter table "ticket" drop constraint "ticket_requester_id_foreign";`);

    this.addSql(
      `alter table "ticket_message" drop constraint if exists "ticket_message_author_kind_check";`,
    );

    this.addSql(`drop index "ticket_it_queue_due_idx";`);
    this.addSql(`drop index "ticket_requester_idx";`);
    this.addSql(`alter table "ticket" drop constraint ticket_correspondent_check;`);
    this.addSql(`alter table "ticket" drop column "requester_id", drop column "queue";`);

    this.addSql(`alter table "ticket" alter column "customer_id" set not null;`);

    this.addSql(
      `alter table "ticket_message" add constraint "ticket_message_author_kind_check" check("author_kind" in ('AGENT', 'CUSTOMER'));`,
    );
  }
}
