-- An employee's new name is searchable on all the IT tickets they reported at once, as a
-- customer's is on theirs (ticket_search_customer_renamed).

create or replace function ticket_search_requester_renamed() returns trigger language plpgsql as $$
begin
  perform ticket_search_refresh(array(select id from ticket where requester_id = new.id));
  return null;
end $$;

create or replace trigger ticket_search_requester_renamed after update of name on "employee"
  for each row when (old.name is distinct from new.name)
  execute function ticket_search_requester_renamed();
