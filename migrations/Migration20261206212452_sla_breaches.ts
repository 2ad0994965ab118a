import { Migration } from '@mikro-orm/migrations';

export class Migration20261206212452_sla_breaches extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "ticket" add column "first_response_breached_at" timestamptz null, add column "resolution_breached_at" timestamptz null;`,
    );
    // Tickets that breached before breaches were recorded count as announced: the first sweep
    // after this upgrade alerts no one of old breaches (the rules are those of sla.ts).
    this.addSql(
      `update "ticket" set "first_response_breached_at" = now() where coalesce(first_responded_at, solved_at, closed_at, now()) > first_response_due_at;`,
    );
    this.addSql(
      `update "ticket" set "resolution_breached_at" = now() where coalesce(solved_at, closed_at, paused_at, now()) > resolution_due_at;`,
    );
    this.addSql(
      `create index "ticket_resolution_watch_idx" on "ticket" ("resolution_due_at") where resolution_breached_at IS NULL AND coalesce(solved_at, closed_at, paused_at, 'infinity'::timestamptz) > resolution_due_at;`,
    );
    this.addSql(
      `create index "ticket_first_response_watch_idx" on "ticket" ("first_response_due_at") where first_response_breached_at IS NULL AND coalesce(first_responded_at, solved_at, closed_at, 'infinity'::timestamptz) > first_response_due_at;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ticket_resolution_watch_idx";`);
    this.addSql(`drop index "ticket_first_response_watch_idx";`);
    this.addSql(
      `alter table "ticket" drop column "first_response_breached_at", drop column "resolution_breached_at";`,
    );
  }
}
