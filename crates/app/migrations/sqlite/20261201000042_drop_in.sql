-- The drop-in centre ("værested", issue 9): anonymous daily tallies per service, and the
-- services a known person used at a visit that was logged as a contact of kind `drop_in`.
-- Kept in step with the other backend (same file names).

CREATE TABLE dropin_tallies (
    team_id     BLOB NOT NULL REFERENCES teams(id),
    day         TEXT NOT NULL,
    service     TEXT NOT NULL CHECK (service IN ('visit', 'meal', 'coffee', 'shower', 'laundry', 'clinic_room')),
    tally       INTEGER NOT NULL CHECK (tally BETWEEN 0 AND 1000),
    updated_by  BLOB NOT NULL REFERENCES staff(id),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (team_id, day, service)
);

CREATE TABLE dropin_visit_services (
    contact_id  BLOB NOT NULL REFERENCES contacts(id),
    service     TEXT NOT NULL CHECK (service IN ('visit', 'meal', 'coffee', 'shower', 'laundry', 'clinic_room')),
    PRIMARY KEY (contact_id, service)
);
