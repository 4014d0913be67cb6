-- Outcome measures (issue 10): GAF, ORS and SRS per person, the SPoR interview rounds and the
-- team's measurement points. Health content. Kept in step with the other backend.
--
-- Scores with one decimal are whole tenths (ORS item 6.3 is 63). A measure is never changed or
-- removed: a correction is a new row that supersedes it, a deletion a row marked `retracted`
-- that supersedes it (the triggers refuse UPDATE and DELETE). `external_id` is the stable id
-- of a row from an import, unique per team (NULL for rows typed in Benk).

CREATE TABLE measures (
    id             BLOB PRIMARY KEY,
    client_id      BLOB NOT NULL REFERENCES clients(id),
    team_id        BLOB NOT NULL REFERENCES teams(id),
    kind           TEXT NOT NULL CHECK (kind IN ('gaf', 'ors', 'srs')),
    measured_on    TEXT NOT NULL,
    gaf_symptom    INTEGER CHECK (gaf_symptom BETWEEN 1 AND 100),
    gaf_function   INTEGER CHECK (gaf_function BETWEEN 1 AND 100),
    item1          INTEGER CHECK (item1 BETWEEN 0 AND 100),
    item2          INTEGER CHECK (item2 BETWEEN 0 AND 100),
    item3          INTEGER CHECK (item3 BETWEEN 0 AND 100),
    item4          INTEGER CHECK (item4 BETWEEN 0 AND 100),
    supersedes_id  BLOB REFERENCES measures(id),
    retracted      BOOLEAN NOT NULL DEFAULT 0,
    reason         TEXT,
    recorded_by    BLOB NOT NULL REFERENCES staff(id),
    owner_org_id   BLOB NOT NULL REFERENCES organisations(id),
    created_at     TEXT NOT NULL,
    external_id    TEXT,
    CHECK ((kind = 'gaf') = (gaf_symptom IS NOT NULL AND gaf_function IS NOT NULL)),
    CHECK ((kind = 'gaf') = (item1 IS NULL AND item2 IS NULL AND item3 IS NULL AND item4 IS NULL)),
    CHECK (kind = 'gaf' OR (item1 IS NOT NULL AND item2 IS NOT NULL AND item3 IS NOT NULL AND item4 IS NOT NULL)),
    CHECK (supersedes_id IS NOT NULL OR NOT retracted),
    CHECK (supersedes_id IS NULL OR reason IS NOT NULL)
);
CREATE INDEX measures_client ON measures (client_id, measured_on);
CREATE INDEX measures_team ON measures (team_id, measured_on);
-- A measure's versions are one line: each is superseded at most once.
CREATE UNIQUE INDEX measures_supersedes ON measures (supersedes_id) WHERE supersedes_id IS NOT NULL;
CREATE UNIQUE INDEX measures_external ON measures (team_id, external_id);
CREATE TRIGGER measures_no_update BEFORE UPDATE ON measures
BEGIN
    SELECT RAISE(ABORT, 'a measure cannot be changed: write a correction');
END;
CREATE TRIGGER measures_no_delete BEFORE DELETE ON measures
BEGIN
    SELECT RAISE(ABORT, 'a measure cannot be removed: retract it');
END;

-- A team's measurement points: months after inclusion (comma-separated, ascending), the window
-- in days either side, and the kinds a point needs. No row: inclusion, 6, 12, 24 months,
-- ± 30 days, GAF and ORS.
CREATE TABLE measure_policies (
    team_id      BLOB PRIMARY KEY REFERENCES teams(id),
    months       TEXT NOT NULL,
    window_days  INTEGER NOT NULL CHECK (window_days BETWEEN 0 AND 180),
    required     TEXT NOT NULL,
    updated_by   BLOB NOT NULL REFERENCES staff(id),
    updated_at   TEXT NOT NULL
);

-- A SPoR interview round of a team ("Brukerintervju høsten 2011").
CREATE TABLE spor_rounds (
    id            BLOB PRIMARY KEY,
    team_id       BLOB NOT NULL REFERENCES teams(id),
    name          TEXT NOT NULL,
    started_on    TEXT NOT NULL,
    created_by    BLOB NOT NULL REFERENCES staff(id),
    owner_org_id  BLOB NOT NULL REFERENCES organisations(id),
    created_at    TEXT NOT NULL,
    external_id   TEXT
);
CREATE UNIQUE INDEX spor_rounds_name ON spor_rounds (team_id, name);
CREATE UNIQUE INDEX spor_rounds_external ON spor_rounds (team_id, external_id);

-- One person's interview in a round: who asked, where the person lives, age and years of
-- contact with the services, as given at the interview.
CREATE TABLE spor_interviews (
    id              BLOB PRIMARY KEY,
    round_id        BLOB NOT NULL REFERENCES spor_rounds(id),
    client_id       BLOB NOT NULL REFERENCES clients(id),
    team_id         BLOB NOT NULL REFERENCES teams(id),
    interviewed_on  TEXT NOT NULL,
    interviewer     TEXT NOT NULL,
    municipality    TEXT NOT NULL,
    age             INTEGER NOT NULL CHECK (age BETWEEN 16 AND 120),
    contact_years   INTEGER NOT NULL CHECK (contact_years BETWEEN 0 AND 100),
    recorded_by     BLOB NOT NULL REFERENCES staff(id),
    owner_org_id    BLOB NOT NULL REFERENCES organisations(id),
    created_at      TEXT NOT NULL,
    external_id     TEXT
);
CREATE UNIQUE INDEX spor_interviews_one_per_round ON spor_interviews (round_id, client_id);
CREATE UNIQUE INDEX spor_interviews_external ON spor_interviews (team_id, external_id);
CREATE INDEX spor_interviews_client ON spor_interviews (client_id, interviewed_on);

-- The answers: questions 1, 3, 7, 8 and 10 on the 1–9 scale (tenths 10–90), the rest free text.
CREATE TABLE spor_answers (
    interview_id  BLOB NOT NULL REFERENCES spor_interviews(id),
    question      INTEGER NOT NULL CHECK (question BETWEEN 1 AND 20),
    score         INTEGER CHECK (score BETWEEN 10 AND 90),
    answer        TEXT,
    PRIMARY KEY (interview_id, question),
    CHECK ((question IN (1, 3, 7, 8, 10)) = (score IS NOT NULL AND answer IS NULL)),
    CHECK ((question IN (1, 3, 7, 8, 10)) OR (score IS NULL AND answer IS NOT NULL))
);
