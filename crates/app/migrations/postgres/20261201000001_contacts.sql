-- The outreach log (issue 9): one row per contact with a person, met or not met.
-- Kept in step with ../postgres/ (same file names).
-- The note of a contact is a record entry (record_entries.contact_id, added by a later
-- migration); this table holds only what every member of the care team may see.

CREATE TABLE contacts (
    id            UUID PRIMARY KEY,
    client_id     UUID NOT NULL REFERENCES clients(id),
    team_id       UUID NOT NULL REFERENCES teams(id),
    -- When the contact started (UTC) and how long it lasted.
    occurred_at   TIMESTAMPTZ NOT NULL,
    duration_min  INTEGER NOT NULL CHECK (duration_min BETWEEN 0 AND 1440),
    kind          TEXT NOT NULL CHECK (kind IN (
                      'home_visit', 'outreach', 'office', 'phone', 'video',
                      'accompany_gp', 'accompany_nav', 'accompany_dps', 'accompany_other',
                      'drop_in', 'responsibility_group', 'partner_meeting')),
    -- Met (TRUE) or not met ("ikke truffet", FALSE).
    met           BOOLEAN NOT NULL,
    place         TEXT,
    logged_by     UUID NOT NULL REFERENCES staff(id),
    owner_org_id  UUID NOT NULL REFERENCES organisations(id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX contacts_client_time ON contacts (client_id, occurred_at);
CREATE INDEX contacts_team_time ON contacts (team_id, occurred_at);
-- Days since last met: the newest met contact per person.
CREATE INDEX contacts_client_met_time ON contacts (client_id, met, occurred_at);

-- The staff who took part (often two: one from each employer).
CREATE TABLE contact_staff (
    contact_id  UUID NOT NULL REFERENCES contacts(id),
    staff_id    UUID NOT NULL REFERENCES staff(id),
    PRIMARY KEY (contact_id, staff_id)
);
CREATE INDEX contact_staff_staff ON contact_staff (staff_id, contact_id);

CREATE TABLE contact_topics (
    contact_id  UUID NOT NULL REFERENCES contacts(id),
    topic       TEXT NOT NULL CHECK (topic IN (
                    'housing', 'finances', 'physical_health', 'mental_health',
                    'substance_use', 'activity', 'relations', 'practical_help')),
    PRIMARY KEY (contact_id, topic)
);
