-- Commit order: an event's seq is taken at COMMIT, under a lock held until the commit is visible.
-- So seq order is commit order, a reader that has seen seq N has seen every event that will ever
-- have a smaller seq, and a gap (a commit that failed late) never fills. The event's occurred_at
-- is stamped at the same moment: the time it became visible, never decreasing along the seq.
-- Then every listening instance is told (NOTIFY is delivered on commit), with the whole event
-- when it fits in a notification (under 8,000 bytes), else with its seq alone.

create or replace function event_assign_seq() returns trigger language plpgsql as $$
declare
  committed "event";
  announced text;
begin
  perform pg_advisory_xact_lock(7395001);
  update "event" set seq = nextval('event_commit_seq'), occurred_at = clock_timestamp()
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
end $$;

-- A constraint trigger (deferred to commit) has no CREATE OR REPLACE: it is dropped and created.
drop trigger if exists event_commit_order on "event";
create constraint trigger event_commit_order after insert on "event"
  deferrable initially deferred for each row execute function event_assign_seq();
