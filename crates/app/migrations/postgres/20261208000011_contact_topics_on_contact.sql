-- A contact's topics become a column of the contact (issue 9, performance). Kept in step
-- with ../sqlite/ (same file names).
--
-- The topics are a small set from a fixed list, always written and read with their contact
-- and never on their own. As rows of `contact_topics` each topic of a logged contact cost
-- the writer a heap row, a primary-key entry and a foreign-key check against `contacts`:
-- two of the ten foreign-key checks and three of the twenty-one rows and index entries of a
-- contact with two topics, and one more statement in every batch. Now they are the codes in
-- alphabetical order, comma-separated ('' for none), checked against the list here.
ALTER TABLE contacts ADD COLUMN topics TEXT NOT NULL DEFAULT ''
    CHECK (topics ~ '^((activity|finances|housing|mental_health|physical_health|practical_help|relations|substance_use)(,(activity|finances|housing|mental_health|physical_health|practical_help|relations|substance_use))*)?$');

UPDATE contacts c SET topics = t.list
FROM (SELECT contact_id, string_agg(topic, ',' ORDER BY topic) AS list
      FROM contact_topics GROUP BY contact_id) t
WHERE t.contact_id = c.id;

DROP TABLE contact_topics;
