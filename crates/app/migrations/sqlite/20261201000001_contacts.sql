-- The outreach log (issue 9): one row per contact with a person, met or not met.
-- Kept in step with ../postgres/ (same file names).
-- The note of a contact is a record entry (record_entries.contact_id, added by a later
-- migration); this table holds only what every member of the care team may see.

CREATE TABLE contacts (
    id            BLOB PRIMARY KEY,
    client_id     BLOB NOT NULL REFERENCES clients(id),
    team_id       BLOB NOT NULL REFERENCES teams(id),
    -- When the contact started (UTC) and how long it lasted.
    occurred_at   TEXT NOT NULL,
    duration_min  INTEGER NOT NULL CHECK (duration_min BETWEEN 0 AND 1440),
    kind          TEXT NOT NULL CHECK (kind IN (
                      'home_visit', 'outreach', 'office', 'phone', 'video',
                      'accompany_gp', 'accompany_nav', 'accompany_dps', 'accompany_other',
                      'drop_in', 'responsibility_group', 'partner_meeting')),
    -- Met (1) or not met ("ikke truffet", 0).
    met           INTEGER NOT NULL CHECK (met IN (0, 1)),
    place         TEXT,
    logged_by     BLOB NOT NULL REFERENCES staff(id),
    owner_org_id  BLOB NOT NULL REFERENCES organisations(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX contacts_client_time ON contacts (client_id, occurred_at);
CREATE INDEX contacts_team_time ON contacts (team_id, occurred_at);
-- Days since last met: the newest met contact per person.
CREATE INDEX contacts_client_met_time ON contacts (client_id, met, occurred_at);

-- The staff who took part (often two: one from each employer).
CREATE TABLE contact_staff (
    contact_id  BLOB NOT NULL REFERENCES contacts(id),
    staff_id    BLOB NOT NULL REFERENCES staff(id),
    PRIMARY KEY (contact_id, staff_id)
);
CREATE INDEX contact_staff_staff ON contact_staff (staff_id, contact_id);

CREATE TABLE contact_topics (
    contact_id  BLOB NOT NULL REFERENCES contacts(id),
    topic       TEXT NOT NULL CHECK (topic IN (
                    'housing', 'finances', 'physical_health', 'mental_health',
                    'substance_use', 'activity', 'relations', 'practical_help')),
    PRIMARY KEY (contact_id, topic)
);
