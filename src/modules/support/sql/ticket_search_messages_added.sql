-- New messages are appended to their tickets' documents (public ones at weight C, internal notes
-- at D, in the english configuration, as ticket_search_refresh makes them), one update per ticket
-- per statement: a reply does not read the conversation again.

create or replace function ticket_search_messages_added() returns trigger language plpgsql as $$
begin
  update ticket_search s
     set public_document = case when a.public_text is null then s.public_document
                                else s.public_document || setweight(to_tsvector('english', a.public_text), 'C') end,
         notes_document = case when a.notes_text is null then s.notes_document
                               else s.notes_document || setweight(to_tsvector('english', a.notes_text), 'D') end
    from (select ticket_id,
                 string_agg(body, E'\n' order by id) filter (where not internal) as public_text,
                 string_agg(body, E'\n' order by id) filter (where internal) as notes_text
            from added
           group by ticket_id) a
   where s.ticket_id = a.ticket_id;
  return null;
end $$;

create or replace trigger ticket_message_search_added after insert on "ticket_message"
  referencing new table as added for each statement execute function ticket_search_messages_added();
