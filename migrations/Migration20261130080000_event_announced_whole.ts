import { Migration } from '@mikro-orm/migrations';

/**
 * The commit-order trigger announces the committed event itself, not only its seq, so that a
 * listening instance can deliver it without reading it back (one round trip per event and
 * instance fewer). A NOTIFY payload must stay under 8,000 bytes: a larger event is announced by
 * its seq alone, as before, and listeners read it from the table.
 */
export class Migration20261130080000_event_announced_whole extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create or replace function event_assign_seq() returns trigger language plpgsql as $$
      declare
        committed "event";
        announced text;
      begin
        perform pg_advisory_xact_lock(7395001);
        update "event" set seq = nextval('event_commit_seq') where id = new.id returning * into committed;
        announced := json_build_object(
          'seq', committed.seq, 'stream_type', committed.stream_type,
          'stream_id', committed.stream_id, 'type', committed.type, 'payload', committed.payload,
          'actor_id', committed.actor_id, 'occurred_at', committed.occurred_at)::text;
        if octet_length(announced) >= 8000 then
          announced := committed.seq::text;
        end if;
        perform pg_notify('backdesk_events', announced);
        return null;
      end $$;`);
  }

  override async down(): Promise<void> {
    this
      .addSql(`create or replace function event_assign_seq() returns trigger language plpgsql as $$
      declare
        assigned bigint;
      begin
        perform pg_advisory_xact_lock(7395001);
        update "event" set seq = nextval('event_commit_seq') where id = new.id returning seq into assigned;
        perform pg_notify('backdesk_events', assigned::text);
        return null;
      end $$;`);
  }
}
