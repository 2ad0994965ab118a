-- Posting an entry in one statement, a transaction of its own: nothing is posted on a closed
-- date. The date is checked under the same FOR SHARE lock a posting in a transaction takes (so a
-- concurrent closePeriod waits for it), then ledger_post_entry posts, and the entry's row is
-- returned. A closed date is refused with SQLSTATE BD003 and the day the books are closed
-- through in DETAIL.

create or replace function ledger_post_open_entry(
    p_entry_id bigint, p_date date, p_memo text, p_source text, p_reversal_of bigint, p_actor bigint,
    p_accounts bigint[], p_debits bigint[], p_credits bigint[], p_memos text[], p_customers bigint[], p_vendors bigint[])
  returns setof journal_entry language plpgsql as $$
declare
  closed date;
begin
  select closed_through into closed from ledger_settings where id = 1 for share;
  if closed is not null and p_date <= closed then
    raise exception 'the books are closed through %', closed using
      errcode = 'BD003', detail = to_char(closed, 'YYYY-MM-DD');
  end if;
  perform ledger_post_entry(p_entry_id, p_date, p_memo, p_source, p_reversal_of, p_actor,
                            p_accounts, p_debits, p_credits, p_memos, p_customers, p_vendors);
  return query select * from journal_entry where id = p_entry_id;
end $$;
