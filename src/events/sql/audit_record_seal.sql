-- Seals an audit record at COMMIT, in commit order: under the event log's commit lock (the same
-- key as event_assign_seq, so commits queue on one lock, not two), the record takes the next seq,
-- the commit time, the hash of the record before it (the chain head) and its own hash; the head
-- moves to it. The lock is held until the commit is visible, so the next record to seal reads
-- this one's hash from the head.
create or replace function audit_record_seal() returns trigger language plpgsql as $$
declare
  sealed audit_record;
  previous text;
begin
  perform pg_advisory_xact_lock(7395001);
  select hash into previous from audit_chain_head where id = 1;
  sealed := new;
  sealed.seq := nextval('audit_record_commit_seq');
  sealed.at := clock_timestamp();
  sealed.prev_hash := previous;
  sealed.hash := audit_record_digest(previous, sealed);
  update audit_record
     set seq = sealed.seq, at = sealed.at, prev_hash = sealed.prev_hash, hash = sealed.hash
   where id = new.id;
  update audit_chain_head set seq = sealed.seq, hash = sealed.hash where id = 1;
  return null;
end $$;

-- A constraint trigger (deferred to commit) has no CREATE OR REPLACE: it is dropped and created.
drop trigger if exists audit_record_commit_order on audit_record;
create constraint trigger audit_record_commit_order after insert on audit_record
  deferrable initially deferred for each row execute function audit_record_seal();
