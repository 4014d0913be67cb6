-- Planned appointments and the per-worker calendar feed (issue 9, keeping contact).
-- Kept in step with ../postgres/ (same file names).

-- A planned meeting with a person. `purpose` is health content (read only under a grant
-- that covers health, never put in the calendar feed). A cancelled appointment is kept
-- (cancelled_at), so the history shows it.
CREATE TABLE appointments (
    id            BLOB PRIMARY KEY,
    client_id     BLOB NOT NULL REFERENCES clients(id),
    team_id       BLOB NOT NULL REFERENCES teams(id),
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN (
                      'home_visit', 'outreach', 'office', 'phone', 'video',
                      'accompany_gp', 'accompany_nav', 'accompany_dps', 'accompany_other',
                      'drop_in', 'responsibility_group', 'partner_meeting')),
    place         TEXT,
    purpose       TEXT,
    created_by    BLOB NOT NULL REFERENCES staff(id),
    owner_org_id  BLOB NOT NULL REFERENCES organisations(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    cancelled_at  TEXT,
    cancelled_by  BLOB REFERENCES staff(id),
    CHECK (ends_at > starts_at)
);
-- The person's next appointment; "my clients" reads it per person.
CREATE INDEX appointments_client_start ON appointments (client_id, starts_at);

-- The staff taking part.
CREATE TABLE appointment_staff (
    appointment_id  BLOB NOT NULL REFERENCES appointments(id),
    staff_id        BLOB NOT NULL REFERENCES staff(id),
    PRIMARY KEY (appointment_id, staff_id)
);
-- "My appointments" and the calendar feed: a worker's appointments.
CREATE INDEX appointment_staff_staff ON appointment_staff (staff_id, appointment_id);

-- One secret calendar feed per worker. Only the SHA-256 of the token is kept; revoking
-- deletes the row, creating a new one replaces the hash (the old address stops working).
CREATE TABLE calendar_feeds (
    staff_id    BLOB PRIMARY KEY REFERENCES staff(id),
    token_hash  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (token_hash);
