-- New messages are appended to their tickets' documents, one update per ticket and table per
-- statement, without reading the conversation again: public ones to both documents at weight C,
-- internal notes to the staff document only at D (the english configuration, as
-- ticket_search_refresh makes them).

create or replace function ticket_search_messages_added() returns trigger language plpgsql as $$
begin
  with added_text as (
    select ticket_id,
           setweight(to_tsvector('english', string_agg(body, E'\n' order by id) filter (where not internal)), 'C') as public_part,
           setweight(to_tsvector('english', string_agg(body, E'\n' order by id) filter (where internal)), 'D') as notes_part
      from added
     group by ticket_id
  ), public_added as (
    update ticket_search s set document = s.document || a.public_part
      from added_text a
     where s.ticket_id = a.ticket_id and a.public_part is not null
  )
  update ticket_staff_search s
     set document = s.document || coalesce(a.public_part, ''::tsvector) || coalesce(a.notes_part, ''::tsvector)
    from added_text a
   where s.ticket_id = a.ticket_id;
  return null;
end $$;

create or replace trigger ticket_message_search_added after insert on "ticket_message"
  referencing new table as added for each statement execute function ticket_search_messages_added();
