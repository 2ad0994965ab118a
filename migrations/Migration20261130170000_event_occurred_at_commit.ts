import { Migration } from '@mikro-orm/migrations';

/**
 * An event's `occurred_at` is the moment its transaction commits: the commit-order trigger stamps
 * it with `clock_timestamp()` when it gives the seq, under the commit-order lock. Before, it was
 * the application's clock when the change was recorded, somewhere inside the transaction, so a
 * transaction that went on after recording (more statements, waits on locks) published an
 * `occurredAt` earlier than its commit, and events could carry times out of seq order. Stamped at
 * commit, the time is when the change became visible, and it never decreases along the cursor.
 */
export class Migration20261130170000_event_occurred_at_commit extends Migration {
  override async up(): Promise<void> {
    this.addSql(eventAssignSeq('clock_timestamp()'));
  }

  override async down(): Promise<void> {
    this.addSql(eventAssignSeq('occurred_at'));
  }
}

function eventAssignSeq(occurredAt: string): string {
  return `create or replace function event_assign_seq() returns trigger language plpgsql as $$
      declare
        committed "event";
        announced text;
      begin
        perform pg_advisory_xact_lock(7395001);
        update "event" set seq = nextval('event_commit_seq'), occurred_at = ${occurredAt}
          where id = new.id returning * into committed;
        announced := json_build_object(
          'seq', committed.seq, 'stream_type', committed.stream_type,
          'stream_id', committed.stream_id, 'type', committed.type, 'payload', committed.payload,
          'actor_id', committed.actor_id, 'occurred_at', committed.occurred_at)::text;
        if octet_length(announced) >= 8000 then
          announced := committed.seq::text;
        end if;
        perform pg_notify('backdesk_events', announced);
        return null;
      end $$;`;
}
