-- A customer's new name is searchable on all their tickets at once: each document is made again
-- (a name's old words cannot be taken out of a document that may hold them for another reason).

create or replace function ticket_search_customer_renamed() returns trigger language plpgsql as $$
begin
  perform ticket_search_refresh(array(select id from ticket where customer_id = new.id));
  return null;
end $$;

create or replace trigger ticket_search_customer_renamed after update of name on "customer"
  for each row when (old.name is distinct from new.name)
  execute function ticket_search_customer_renamed();
