import { Migration } from '@mikro-orm/migrations';
import { sqlFunction } from '../src/db/sql-functions';

/**
 * Ticket search by PostgreSQL full-text search: two search documents per ticket, the public one
 * (`ticket_search`) and the staff one with internal notes (`ticket_staff_search`), GIN-indexed,
 * kept by triggers (src/modules/support/sql/ticket_search_*.sql), and filled here for the tickets
 * that exist. The trigram indexes on subjects and message bodies served only the old ILIKE search
 * and are dropped (each reply paid for them).
 */
export class Migration20261207003942_ticket_search extends Migration {
  override async up(): Promise<void> {
    for (const table of ['ticket_search', 'ticket_staff_search']) {
      this.addSql(
        `create table "${table}" ("ticket_id" bigint not null, "document" tsvector not null, constraint "${table}_pkey" primary key ("ticket_id"));`,
      );
      this.addSql(
        `alter table "${table}" add constraint "${table}_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete cascade;`,
      );
    }
    this.addSql(sqlFunction('modules/support/ticket_search_refresh', '66594f9d9bae'));
    this.addSql(sqlFunction('modules/support/ticket_search_ticket_added', '7c9bcfeacea0'));
    this.addSql(sqlFunction('modules/support/ticket_search_ticket_changed', 'd54245a596b6'));
    this.addSql(sqlFunction('modules/support/ticket_search_messages_added', 'ea0a59bce19c'));
    this.addSql(sqlFunction('modules/support/ticket_search_messages_changed', '3bae2c232e53'));
    this.addSql(sqlFunction('modules/support/ticket_search_customer_renamed', 'ab2df9241e54'));
    // The documents of existing tickets, before the indexes (one build instead of many inserts).
    this.addSql(`select ticket_search_refresh(array(select id from ticket));`);
    this.addSql(
      `create index "ticket_search_document_idx" on "ticket_search" using gin ("document");`,
    );
    this.addSql(
      `create index "ticket_staff_search_document_idx" on "ticket_staff_search" using gin ("document");`,
    );
    this.addSql(`drop index "ticket_subject_trgm_idx";`);
    this.addSql(`drop index "ticket_message_body_trgm_idx";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists ticket_search_customer_renamed on "customer";`);
    this.addSql(`drop table if exists "ticket_staff_search" cascade;`);
    this.addSql(`drop table if exists "ticket_search" cascade;`);
    for (const name of [
      'ticket_search_customer_renamed',
      'ticket_search_messages_changed',
      'ticket_search_messages_added',
      'ticket_search_ticket_changed',
      'ticket_search_ticket_added',
    ])
      this.addSql(`drop function if exists ${name}() cascade;`);
    this.addSql(`drop function if exists ticket_search_refresh(bigint[]);`);
    this.addSql(
      `create index "ticket_subject_trgm_idx" on "ticket" using gin ("subject" gin_trgm_ops);`,
    );
    this.addSql(
      `create index "ticket_message_body_trgm_idx" on "ticket_message" using gin ("body" gin_trgm_ops);`,
    );
  }
}
