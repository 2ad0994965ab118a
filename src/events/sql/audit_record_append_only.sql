-- The audit trail is append-only: a record is sealed once (seq and hash set from null, nothing
-- else changed), and never updated after; none is deleted except by the audit trail's retention
-- run, which sets backdesk.audit_retention for its transaction and moves the chain's anchor.
-- (A superuser can still disable this trigger: that is what the hash chain is for.)
create or replace function audit_record_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if coalesce(current_setting('backdesk.audit_retention', true), '') = 'on' then
      return old;
    end if;
    raise exception 'audit records are never deleted' using errcode = 'insufficient_privilege';
  end if;
  if tg_op = 'TRUNCATE' then
    raise exception 'audit records are never deleted' using errcode = 'insufficient_privilege';
  end if;
  if old.hash is null and new.hash is not null
     and (new.id, new.actor_id, new.api_token_id, new.action, new.kind, new.target, new.result,
          new.detail, new.ip, new.request_id)
         is not distinct from
         (old.id, old.actor_id, old.api_token_id, old.action, old.kind, old.target, old.result,
          old.detail, old.ip, old.request_id) then
    return new;
  end if;
  raise exception 'audit records never change' using errcode = 'insufficient_privilege';
end $$;

drop trigger if exists audit_record_append_only on audit_record;
create trigger audit_record_append_only before update or delete on audit_record
  for each row execute function audit_record_append_only();
drop trigger if exists audit_record_no_truncate on audit_record;
create trigger audit_record_no_truncate before truncate on audit_record
  for each statement execute function audit_record_append_only();
