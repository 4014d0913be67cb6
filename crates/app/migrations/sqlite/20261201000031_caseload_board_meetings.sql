-- Caseloads against the norm, the team board ("tavla") and the weekly team meeting
-- ("teammøte") (issue 9). Kept in step with the other backend's folder (same file names).

-- A coordinator named beyond the worker's norm, with the reason given (who, which worker,
-- their count and norm at the time, why, when). Written in the same writer command as the
-- naming it allowed.
CREATE TABLE caseload_overrides (
    id          BLOB PRIMARY KEY,
    team_id     BLOB NOT NULL REFERENCES teams(id),
    staff_id    BLOB NOT NULL REFERENCES staff(id),
    episode_id  BLOB REFERENCES episodes(id),
    -- People the worker was coordinator for before this one, and their norm then.
    count       INTEGER NOT NULL CHECK (count >= 0),
    norm        INTEGER NOT NULL CHECK (norm >= 0),
    reason      TEXT NOT NULL,
    decided_by  BLOB NOT NULL REFERENCES staff(id),
    decided_at  TEXT NOT NULL
);
CREATE INDEX caseload_overrides_team ON caseload_overrides (team_id, decided_at);

-- The team board: people who need attention now. The reason is shown on a shared screen and
-- must hold no health details.
CREATE TABLE board_entries (
    id            BLOB PRIMARY KEY,
    team_id       BLOB NOT NULL REFERENCES teams(id),
    client_id     BLOB NOT NULL REFERENCES clients(id),
    reason        TEXT NOT NULL,
    added_by      BLOB NOT NULL REFERENCES staff(id),
    added_at      TEXT NOT NULL,
    removed_at    TEXT,
    removed_by    BLOB REFERENCES staff(id),
    outcome       TEXT CHECK (outcome IN ('stabilised', 'admitted', 'moved_service', 'other')),
    outcome_note  TEXT,
    CHECK ((removed_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX board_entries_team ON board_entries (team_id, removed_at);
-- A person is on the board at most once at a time.
CREATE UNIQUE INDEX board_entries_one_current ON board_entries (team_id, client_id) WHERE removed_at IS NULL;

CREATE TABLE board_reviews (
    id           BLOB PRIMARY KEY,
    entry_id     BLOB NOT NULL REFERENCES board_entries(id),
    reviewed_on  TEXT NOT NULL,
    note         TEXT NOT NULL,
    reviewed_by  BLOB NOT NULL REFERENCES staff(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX board_reviews_entry ON board_reviews (entry_id, reviewed_on);

-- The weekly team meeting and its agenda: people and referrals put up for discussion, each
-- with what was decided and an optional follow-up owner.
CREATE TABLE team_meetings (
    id          BLOB PRIMARY KEY,
    team_id     BLOB NOT NULL REFERENCES teams(id),
    held_on     TEXT NOT NULL,
    created_by  BLOB NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX team_meetings_team ON team_meetings (team_id, held_on);

CREATE TABLE meeting_items (
    id              BLOB PRIMARY KEY,
    meeting_id      BLOB NOT NULL REFERENCES team_meetings(id),
    client_id       BLOB REFERENCES clients(id),
    referral_id     BLOB REFERENCES referrals(id),
    topic           TEXT NOT NULL,
    added_by        BLOB NOT NULL REFERENCES staff(id),
    added_at        TEXT NOT NULL,
    decision        TEXT,
    follow_up_by    BLOB REFERENCES staff(id),
    decided_by      BLOB REFERENCES staff(id),
    decided_at      TEXT,
    CHECK ((client_id IS NULL) <> (referral_id IS NULL))
);
CREATE INDEX meeting_items_meeting ON meeting_items (meeting_id, added_at);
CREATE INDEX meeting_items_client ON meeting_items (client_id);
