-- Contact notes, signed notes with versions, drafts and the timeline (issue 9). Kept in step
-- with ../sqlite/ (same file names).
--
-- A record entry is a signed note: drafts live in note_drafts until the author signs. A
-- correction is a new entry that supersedes the previous version (supersedes_id) of the same
-- note (version_of: the first version's id; NULL on the first version itself).
ALTER TABLE record_entries ADD COLUMN contact_id UUID REFERENCES contacts(id);
ALTER TABLE record_entries ADD COLUMN supersedes_id UUID REFERENCES record_entries(id);
ALTER TABLE record_entries ADD COLUMN version_of UUID REFERENCES record_entries(id);
ALTER TABLE record_entries ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX record_entries_contact ON record_entries (contact_id);
CREATE INDEX record_entries_version_of ON record_entries (version_of);
-- One correction per version: the versions of a note form one line, never a tree.
CREATE UNIQUE INDEX record_entries_supersedes ON record_entries (supersedes_id) WHERE supersedes_id IS NOT NULL;

-- A signed entry cannot be changed or removed, whoever asks: a correction is a new version.
CREATE FUNCTION benk_record_entry_signed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a signed record entry cannot be changed: write a correction (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER record_entries_signed_no_update BEFORE UPDATE OF client_id, author_id, owner_org_id,
    written_at, body, kind, topic, contact_id, supersedes_id, version_of, version ON record_entries
    FOR EACH ROW EXECUTE FUNCTION benk_record_entry_signed();
CREATE TRIGGER record_entries_signed_no_delete BEFORE DELETE ON record_entries
    FOR EACH ROW EXECUTE FUNCTION benk_record_entry_signed();

-- One draft per author and person, seen only by its author, until it is signed.
CREATE TABLE note_drafts (
    author_id   UUID NOT NULL REFERENCES staff(id),
    client_id   UUID NOT NULL REFERENCES clients(id),
    body        TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (author_id, client_id)
);

-- The timeline reads each source by person and time; notes that belong to no contact (first
-- versions) have their own index, so a person with many contact notes pages as fast.
CREATE INDEX record_entries_loose ON record_entries (client_id, written_at)
    WHERE contact_id IS NULL AND version_of IS NULL;
CREATE INDEX referrals_client ON referrals (client_id, received_at);
