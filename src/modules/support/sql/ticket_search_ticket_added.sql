-- A new ticket gets its search document (subject and customer name) in the statement that
-- inserts it, however many rows that statement inserts.

create or replace function ticket_search_ticket_added() returns trigger language plpgsql as $$
begin
  perform ticket_search_refresh(array(select id from added));
  return null;
end $$;

create or replace trigger ticket_search_added after insert on "ticket"
  referencing new table as added for each statement execute function ticket_search_ticket_added();
