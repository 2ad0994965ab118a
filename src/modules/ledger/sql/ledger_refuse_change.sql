-- Posted entries are immutable: corrections are reversing entries, never edits. An UPDATE,
-- DELETE or TRUNCATE of a journal entry or line is refused.
-- One exception, for erasure (ledger-erasure.ts): while `backdesk.ledger_redaction` is on for
-- the transaction, an UPDATE that changes nothing but the memo (a party's name blanked out of
-- it) goes through. Amounts, accounts, dates and numbers never change, so neither can a balance.

create or replace function ledger_refuse_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE'
     and coalesce(current_setting('backdesk.ledger_redaction', true), '') = 'on'
     and (to_jsonb(new) - 'memo') = (to_jsonb(old) - 'memo') then
    return new;
  end if;
  raise exception 'journal entries are immutable: % on % refused', tg_op, tg_table_name using errcode = 'P0001';
end $$;

create or replace trigger journal_entry_immutable before update or delete on "journal_entry"
  for each row execute function ledger_refuse_change();
create or replace trigger journal_line_immutable before update or delete on "journal_line"
  for each row execute function ledger_refuse_change();
create or replace trigger journal_entry_no_truncate before truncate on "journal_entry"
  for each statement execute function ledger_refuse_change();
create or replace trigger journal_line_no_truncate before truncate on "journal_line"
  for each statement execute function ledger_refuse_change();
