-- The stage history of applications is append-only: a move is a new row, never an edit. An
-- UPDATE, DELETE or TRUNCATE of application_stage_change is refused.

create or replace function recruiting_history_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the stage history is append-only: % on % refused', tg_op, tg_table_name using errcode = 'P0001';
end $$;

create or replace trigger application_stage_change_append_only before update or delete on "application_stage_change"
  for each row execute function recruiting_history_refuse_change();
create or replace trigger application_stage_change_no_truncate before truncate on "application_stage_change"
  for each statement execute function recruiting_history_refuse_change();
