-- The audit trail is append-only: a record never changes, and none is deleted except by the audit
-- trail's retention run, which sets backdesk.audit_retention for its transaction and moves the
-- chain's anchor. (A superuser can still disable this trigger: that is what the hash chain is for.)
create or replace function audit_record_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and coalesce(current_setting('backdesk.audit_retention', true), '') = 'on' then
    return old;
  end if;
  if tg_op = 'UPDATE' then
    raise exception 'audit records never change' using errcode = 'insufficient_privilege';
  end if;
  raise exception 'audit records are never deleted' using errcode = 'insufficient_privilege';
end $$;

drop trigger if exists audit_record_append_only on audit_record;
create trigger audit_record_append_only before update or delete on audit_record
  for each row execute function audit_record_append_only();
drop trigger if exists audit_record_no_truncate on audit_record;
create trigger audit_record_no_truncate before truncate on audit_record
  for each statement execute function audit_record_append_only();
