-- Seals an audit record as it is written, in commit order: under the event log's commit lock
-- (the same key as event_assign_seq, so commits queue on one lock, not two), the record takes the
-- next seq, the time, the hash of the record before it (the chain head) and its own hash; the
-- head moves to it. The lock is held until the transaction ends, so records seal in the order
-- their transactions commit, and the next one reads this one's hash from the head. Written last
-- in its transaction (db/audit-hook.ts), a record holds the lock for no longer than its commit.
-- Sealing on insert rather than at commit writes each record once: no second version, no
-- second set of index entries.
create or replace function audit_record_seal() returns trigger language plpgsql as $$
declare
  previous text;
begin
  perform pg_advisory_xact_lock(7395001);
  select hash into previous from audit_chain_head where id = 1;
  new.seq := nextval('audit_record_commit_seq');
  new.at := clock_timestamp();
  new.prev_hash := previous;
  new.hash := audit_record_digest(previous, new);
  update audit_chain_head set seq = new.seq, hash = new.hash where id = 1;
  return new;
end $$;

drop trigger if exists audit_record_commit_order on audit_record;
drop trigger if exists audit_record_seal on audit_record;
create trigger audit_record_seal before insert on audit_record
  for each row execute function audit_record_seal();
