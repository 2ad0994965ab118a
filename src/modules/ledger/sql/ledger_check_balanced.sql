-- At commit, every journal entry touched has at least two lines and its debits equal its
-- credits; an unbalanced entry is refused (SQLSTATE 23514) and its transaction rolls back.

create or replace function ledger_check_balanced() returns trigger language plpgsql as $$
declare
  entry bigint;
  debits numeric;
  credits numeric;
  lines int;
begin
  if tg_table_name = 'journal_entry' then
    entry := new.id;
  else
    entry := new.entry_id;
  end if;
  select coalesce(sum(debit_minor), 0), coalesce(sum(credit_minor), 0), count(*)
    into debits, credits, lines from journal_line where entry_id = entry;
  if lines < 2 or debits <> credits then
    raise exception 'journal entry % does not balance (debits %, credits %, % lines)', entry, debits, credits, lines
      using errcode = '23514';
  end if;
  return null;
end $$;

-- Constraint triggers (deferred to commit) have no CREATE OR REPLACE: they are dropped and created.
drop trigger if exists journal_entry_balanced on "journal_entry";
create constraint trigger journal_entry_balanced after insert on "journal_entry"
  deferrable initially deferred for each row execute function ledger_check_balanced();
drop trigger if exists journal_line_balanced on "journal_line";
create constraint trigger journal_line_balanced after insert on "journal_line"
  deferrable initially deferred for each row execute function ledger_check_balanced();
