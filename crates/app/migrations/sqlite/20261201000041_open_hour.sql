-- The open hour (issue 9): recurring slots a partner books from a public page to present a
-- case without identifying details. Kept in step with the other backend (same file names).

CREATE TABLE open_hour_slots (
    id           BLOB PRIMARY KEY,
    team_id      BLOB NOT NULL REFERENCES teams(id),
    -- ISO weekday: 1 Monday … 7 Sunday.
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    -- Local (Europe/Oslo) start, "HH:MM".
    start_time   TEXT NOT NULL,
    length_min   INTEGER NOT NULL CHECK (length_min BETWEEN 5 AND 480),
    -- Bookings per slot.
    capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 50),
    valid_from   TEXT NOT NULL,
    valid_until  TEXT,
    place        TEXT,
    created_by   BLOB NOT NULL REFERENCES staff(id),
    created_at   TEXT NOT NULL,
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);
CREATE INDEX open_hour_slots_team ON open_hour_slots (team_id, weekday);

-- One booking of one slot on one date. The person the case is about is never named here: the
-- text is refused if it holds a national id, and the person's identity is added only when the
-- team turns the booking into a referral.
CREATE TABLE open_hour_bookings (
    id                BLOB PRIMARY KEY,
    slot_id           BLOB NOT NULL REFERENCES open_hour_slots(id),
    team_id           BLOB NOT NULL REFERENCES teams(id),
    slot_date         TEXT NOT NULL,
    booker_name       TEXT NOT NULL,
    booker_service    TEXT NOT NULL,
    agency_kind       TEXT NOT NULL,
    booker_phone      TEXT,
    booker_email      TEXT,
    case_text         TEXT NOT NULL,
    receipt_number    TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('booked', 'advised', 'referred', 'cancelled')),
    guidance_case_id  BLOB REFERENCES guidance_cases(id),
    referral_id       BLOB REFERENCES referrals(id),
    created_at        TEXT NOT NULL,
    CHECK (booker_phone IS NOT NULL OR booker_email IS NOT NULL)
);
CREATE INDEX open_hour_bookings_slot ON open_hour_bookings (slot_id, slot_date, status);
CREATE INDEX open_hour_bookings_team ON open_hour_bookings (team_id, slot_date);
CREATE UNIQUE INDEX open_hour_bookings_receipt ON open_hour_bookings (receipt_number);
