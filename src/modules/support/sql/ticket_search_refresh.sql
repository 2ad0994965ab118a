-- The search documents of each ticket given, made again from its subject (weight A), its
-- customer's name or, on the IT queue, its requester's (B), its public messages (C) and, in the
-- staff document only, its internal notes (D), in the one text search configuration, english
-- (stemming: "refunds" finds "refund"; a name is stemmed alike on both sides, so it still
-- matches). Inserted, or replacing the rows.
-- Every trigger that cannot just append to the documents calls this; keep its weights and
-- configuration in step with ticket_search_messages_added and with ticket-search.ts.

create or replace function ticket_search_refresh(p_ticket_ids bigint[]) returns void language plpgsql as $$
begin
  with made as (
    select t.id,
           setweight(to_tsvector('english', t.subject), 'A')
             || setweight(to_tsvector('english', coalesce(c.name, r.name, '')), 'B')
             || setweight(to_tsvector('english', coalesce(m.public_text, '')), 'C') as public_document,
           setweight(to_tsvector('english', coalesce(m.notes_text, '')), 'D') as notes_document
      from ticket t
      left join customer c on c.id = t.customer_id
      -- The requester's key is read from the row as json: the migration that first filled the
      -- documents runs this file before tickets had requesters (sql-functions.ts), where a
      -- reference to the column itself would fail.
      left join employee r on r.id = (to_jsonb(t) ->> 'requester_id')::bigint
      left join lateral (
        select string_agg(body, E'\n' order by id) filter (where not internal) as public_text,
               string_agg(body, E'\n' order by id) filter (where internal) as notes_text
          from ticket_message
         where ticket_id = t.id) m on true
     where t.id = any(p_ticket_ids)
  ), public_made as (
    insert into ticket_search (ticket_id, document)
    select id, public_document from made
    on conflict (ticket_id) do update set document = excluded.document
  )
  insert into ticket_staff_search (ticket_id, document)
  select id, public_document || notes_document from made
  on conflict (ticket_id) do update set document = excluded.document;
end $$;
