-- The hash of an audit record: SHA-256 (lowercase hex) of the previous record's hash and the
-- record's own fields, as a JSON array (unambiguous: nulls stay nulls, and no field can run into
-- the next). `at` goes in as microseconds since the epoch, so the session's TimeZone cannot
-- change the text. The seal trigger and verifyAuditChain both use this one definition.
create or replace function audit_record_digest(prev text, r audit_record) returns text
language sql immutable as $$
  select encode(sha256(convert_to(jsonb_build_array(
    prev, r.seq, (extract(epoch from r.at) * 1000000)::bigint, r.actor_id, r.api_token_id,
    r.action, r.kind, r.target, r.result, r.detail, r.ip, r.request_id)::text, 'UTF8')), 'hex')
$$;
