-- Referrals, joint intake decisions and the person's course in the team
-- (episodes, level of effort history, coordinator pair and members, the
-- responsibility group). Kept in step with ../postgres/ (same file names).

-- A team's register of agencies that refer (kind + name).
CREATE TABLE agencies (
    id          BLOB PRIMARY KEY,
    team_id     BLOB NOT NULL REFERENCES teams(id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    UNIQUE (team_id, name)
);

CREATE TABLE referrals (
    id                   BLOB PRIMARY KEY,
    team_id              BLOB NOT NULL REFERENCES teams(id),
    receipt_number       TEXT NOT NULL UNIQUE,
    received_at          TEXT NOT NULL,
    received_on          TEXT NOT NULL,
    channel              TEXT NOT NULL,
    registered_by        BLOB REFERENCES staff(id),
    referrer_name        TEXT NOT NULL,
    referrer_role        TEXT,
    referrer_phone       TEXT,
    referrer_email       TEXT,
    agency_id            BLOB REFERENCES agencies(id),
    agency_kind          TEXT NOT NULL,
    person_name          TEXT,
    person_national_id   TEXT,
    person_birth_year    INTEGER,
    person_phone         TEXT,
    person_whereabouts   TEXT,
    reason               TEXT NOT NULL,
    current_services     TEXT,
    housing_situation    TEXT,
    substance_use        TEXT,
    mental_health        TEXT,
    person_knows         TEXT NOT NULL,
    person_agrees        TEXT NOT NULL,
    urgency              TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('new', 'under_assessment', 'decided')),
    status_changed_at    TEXT NOT NULL,
    client_id            BLOB REFERENCES clients(id)
);
CREATE INDEX referrals_team_status ON referrals (team_id, status, received_at);
CREATE INDEX referrals_team_received ON referrals (team_id, received_on);

CREATE TABLE referral_diagnoses (
    referral_id  BLOB NOT NULL REFERENCES referrals(id),
    code         TEXT NOT NULL,
    PRIMARY KEY (referral_id, code)
);

CREATE TABLE intake_decisions (
    id                     BLOB PRIMARY KEY,
    referral_id            BLOB NOT NULL UNIQUE REFERENCES referrals(id),
    decided_on             TEXT NOT NULL,
    decided_at             TEXT NOT NULL,
    outcome                TEXT NOT NULL,
    level                  INTEGER CHECK (level BETWEEN 1 AND 3),
    reasons                TEXT NOT NULL,
    severe_mental_illness  BOOLEAN NOT NULL,
    substance_use          BOOLEAN NOT NULL,
    weak_connection        BOOLEAN NOT NULL,
    housing_problem        BOOLEAN NOT NULL,
    in_target_group        BOOLEAN NOT NULL,
    suggested_outcome      TEXT,
    recorded_by            BLOB NOT NULL REFERENCES staff(id),
    owner_org_id           BLOB NOT NULL REFERENCES organisations(id)
);

CREATE TABLE intake_participants (
    decision_id  BLOB NOT NULL REFERENCES intake_decisions(id),
    staff_id     BLOB NOT NULL REFERENCES staff(id),
    side         TEXT NOT NULL,
    PRIMARY KEY (decision_id, staff_id)
);

-- The person's course in the team, from inclusion to closing.
CREATE TABLE episodes (
    id            BLOB PRIMARY KEY,
    client_id     BLOB NOT NULL REFERENCES clients(id),
    team_id       BLOB NOT NULL REFERENCES teams(id),
    referral_id   BLOB REFERENCES referrals(id),
    included_on   TEXT NOT NULL,
    closed_on     TEXT,
    close_reason  TEXT,
    close_note    TEXT,
    created_by    BLOB NOT NULL REFERENCES staff(id),
    owner_org_id  BLOB NOT NULL REFERENCES organisations(id),
    created_at    TEXT NOT NULL,
    CHECK (closed_on IS NULL OR closed_on >= included_on)
);
CREATE INDEX episodes_client ON episodes (client_id, included_on);
CREATE INDEX episodes_team_open ON episodes (team_id, closed_on);

CREATE TABLE episode_levels (
    id          BLOB PRIMARY KEY,
    episode_id  BLOB NOT NULL REFERENCES episodes(id),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    from_date   TEXT NOT NULL,
    reason      TEXT,
    set_by      BLOB NOT NULL REFERENCES staff(id),
    set_at      TEXT NOT NULL
);
CREATE INDEX episode_levels_episode ON episode_levels (episode_id, from_date);

-- Coordinators and other care-team members; each has the care relationship
-- that gives them access, which ends when they leave the episode.
CREATE TABLE episode_members (
    id                    BLOB PRIMARY KEY,
    episode_id            BLOB NOT NULL REFERENCES episodes(id),
    staff_id              BLOB NOT NULL REFERENCES staff(id),
    role                  TEXT NOT NULL,
    care_relationship_id  BLOB NOT NULL REFERENCES care_relationships(id),
    from_date             TEXT NOT NULL,
    left_at               TEXT
);
CREATE INDEX episode_members_episode ON episode_members (episode_id);

CREATE TABLE responsibility_group_members (
    id                BLOB PRIMARY KEY,
    episode_id        BLOB NOT NULL REFERENCES episodes(id),
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    role              TEXT,
    organisation      TEXT,
    phone             TEXT,
    email             TEXT,
    staff_id          BLOB REFERENCES staff(id),
    consent_recorded  BOOLEAN NOT NULL DEFAULT 0,
    added_by          BLOB NOT NULL REFERENCES staff(id),
    added_at          TEXT NOT NULL,
    removed_at        TEXT
);
CREATE INDEX rg_members_episode ON responsibility_group_members (episode_id);

