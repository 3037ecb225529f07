-- The rows that belong to an event (its indexed tags, its search document, its parsed zap) were tied to it by foreign
-- keys. A foreign key checks every inserted row: a query and a row lock on the event (a WAL record and a dirtied
-- page each), 105,000 of them per 100,000 imported events, for events stored a moment before in the same
-- transaction. What the keys gave beyond that, deleting an event's rows with it, is kept by a trigger that runs only
-- when events are deleted, once per statement over all of them.
ALTER TABLE event_tags DROP CONSTRAINT event_tags_event_id_fkey;
ALTER TABLE note_search DROP CONSTRAINT note_search_event_id_fkey;
ALTER TABLE zaps DROP CONSTRAINT zaps_receipt_id_fkey;

CREATE FUNCTION delete_event_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM event_tags t USING deleted d WHERE t.event_id = d.id;
    DELETE FROM note_search s USING deleted d WHERE s.event_id = d.id;
    DELETE FROM zaps z USING deleted d WHERE z.receipt_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_delete_rows AFTER DELETE ON events
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION delete_event_rows();
