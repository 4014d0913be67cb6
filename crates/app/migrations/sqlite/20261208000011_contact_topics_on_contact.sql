-- A contact's topics become a column of the contact (issue 9, performance). Kept in step
-- with ../postgres/ (same file names).
--
-- The topics are a small set from a fixed list, always written and read with their contact
-- and never on their own. As rows of `contact_topics` each topic of a logged contact cost
-- the writer a row, a primary-key entry and a foreign-key check against `contacts`. Now they
-- are the codes in alphabetical order, comma-separated ('' for none). SQLite has no regular
-- expressions: the check is that nothing is left when each code followed by a comma is
-- taken out of the list with a comma after it (PostgreSQL checks the exact form).
ALTER TABLE contacts ADD COLUMN topics TEXT NOT NULL DEFAULT ''
    CHECK (topics = '' OR replace(replace(replace(replace(replace(replace(replace(replace(
        topics || ',', 'practical_help,', ''), 'physical_health,', ''), 'mental_health,', ''),
        'substance_use,', ''), 'relations,', ''), 'activity,', ''), 'finances,', ''),
        'housing,', '') = '');

UPDATE contacts SET topics = coalesce((
    SELECT group_concat(topic, ',') FROM (
        SELECT topic FROM contact_topics WHERE contact_id = contacts.id ORDER BY topic)), '')
WHERE id IN (SELECT contact_id FROM contact_topics);

DROP TABLE contact_topics;
