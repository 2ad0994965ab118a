-- Messages that change text, visibility or ticket (a merge moves them) or are deleted: the
-- documents of every ticket they left or joined are made again, once per statement.

create or replace function ticket_search_messages_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    perform ticket_search_refresh(array(
      select v.id
        from (select b.ticket_id as from_id, a.ticket_id as to_id
                from before_rows b join after_rows a on a.id = b.id
               where (b.body, b.internal, b.ticket_id) is distinct from (a.body, a.internal, a.ticket_id)) moved
        cross join lateral (values (moved.from_id), (moved.to_id)) v(id)
       group by v.id));
  else
    perform ticket_search_refresh(array(select distinct ticket_id from before_rows));
  end if;
  return null;
end $$;

create or replace trigger ticket_message_search_changed after update on "ticket_message"
  referencing old table as before_rows new table as after_rows
  for each statement execute function ticket_search_messages_changed();
create or replace trigger ticket_message_search_removed after delete on "ticket_message"
  referencing old table as before_rows
  for each statement execute function ticket_search_messages_changed();
