-- The team meeting's decisions on a person are on the person's timeline (issue 9), read a page
-- at a time by person and decision time, newest first, like the timeline's other sources.
CREATE INDEX meeting_items_client_decided ON meeting_items (client_id, decided_at);
