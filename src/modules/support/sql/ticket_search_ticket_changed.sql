-- A ticket's document is made again only when its subject (or customer) changes: status and
-- version bumps, which change the ticket row all the time, never touch the search row.

create or replace function ticket_search_ticket_changed() returns trigger language plpgsql as $$
begin
  perform ticket_search_refresh(array[new.id]);
  return null;
end $$;

create or replace trigger ticket_search_changed after update of subject, customer_id on "ticket"
  for each row
  when (old.subject is distinct from new.subject or old.customer_id is distinct from new.customer_id)
  execute function ticket_search_ticket_changed();
