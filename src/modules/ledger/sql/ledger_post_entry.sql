-- The hot part of a posting in one call, so the account and counter locks are held for one round
-- trip: lock the accounts in id order (two postings never deadlock), take the next gapless entry
-- number, write the entry and its lines with each account's running balance, and move the
-- balances. Returns the entry's number. Rules are checked by the service before, and by the
-- constraints and triggers (ledger_check_balanced, ledger_refuse_change) at commit.

create or replace function ledger_post_entry(
    p_entry_id bigint, p_date date, p_memo text, p_source text, p_reversal_of bigint, p_actor bigint,
    p_accounts bigint[], p_debits bigint[], p_credits bigint[], p_memos text[], p_customers bigint[], p_vendors bigint[])
  returns bigint language plpgsql as $$
declare
  v_number bigint;
  v_balance bigint;
  i int;
begin
  perform 1 from account where id = any(p_accounts) order by id for update;
  update ledger_counter set value = value + 1 where name = 'journal_entry' returning value into v_number;
  insert into journal_entry (id, number, date, memo, source, reversal_of_id, created_by_id)
    values (p_entry_id, v_number, p_date, p_memo, p_source, p_reversal_of, p_actor);
  for i in 1 .. array_length(p_accounts, 1) loop
    update account set balance_minor = balance_minor + p_debits[i] - p_credits[i]
      where id = p_accounts[i] returning balance_minor into v_balance;
    if v_balance is null then
      raise exception 'no account %', p_accounts[i] using errcode = '23503';
    end if;
    insert into journal_line (entry_id, line_no, account_id, entry_date, debit_minor, credit_minor,
                              balance_after_minor, memo, customer_id, vendor_id)
      values (p_entry_id, i - 1, p_accounts[i], p_date, p_debits[i], p_credits[i], v_balance,
              p_memos[i], p_customers[i], p_vendors[i]);
  end loop;
  return v_number;
end $$;
