-- The learning log of a responsibility group (SPoR action learning, issue 10). Kept in step with
-- the other backend's folder (same file names). The group's identity is its episode
-- (`episodes.id`), as for responsibility-group meetings. Entry texts and evaluations are health
-- content; the team's counts are aggregates (see ARCHITECTURE "the learning log").

-- The group's label as the teams name it ("A – Nøtterøy"): set when the group's first entry is
-- written (letter by `seq` within the team), changeable; never the person's name.
CREATE TABLE learning_groups (
    episode_id  BLOB PRIMARY KEY REFERENCES episodes(id),
    team_id     BLOB NOT NULL REFERENCES teams(id),
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    label       TEXT NOT NULL,
    set_by      BLOB NOT NULL REFERENCES staff(id),
    set_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX learning_groups_seq ON learning_groups (team_id, seq);

-- The team's own success factors (the seeds' five are built in: `benk_domain::BUILTIN_FACTORS`).
CREATE TABLE learning_factors (
    id          BLOB PRIMARY KEY,
    team_id     BLOB NOT NULL REFERENCES teams(id),
    label       TEXT NOT NULL,
    created_by  BLOB NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX learning_factors_label ON learning_factors (team_id, label);

-- An entry: numbered per group (1, 2, … assigned in the writer's transaction), never changed.
CREATE TABLE learning_entries (
    id           BLOB PRIMARY KEY,
    episode_id   BLOB NOT NULL REFERENCES episodes(id),
    client_id    BLOB NOT NULL REFERENCES clients(id),
    team_id      BLOB NOT NULL REFERENCES teams(id),
    number       INTEGER NOT NULL CHECK (number >= 1),
    event_on     TEXT NOT NULL,
    event        TEXT NOT NULL,
    causes       TEXT NOT NULL,
    decision     TEXT NOT NULL,
    created_by   BLOB NOT NULL REFERENCES staff(id),
    created_at   TEXT NOT NULL,
    external_id  TEXT
);
CREATE UNIQUE INDEX learning_entries_number ON learning_entries (episode_id, number);
CREATE INDEX learning_entries_team ON learning_entries (team_id);
CREATE UNIQUE INDEX learning_entries_external ON learning_entries (team_id, external_id);
CREATE TRIGGER learning_entries_no_update BEFORE UPDATE ON learning_entries
BEGIN
    SELECT RAISE(ABORT, 'a learning-log entry cannot be changed: add an evaluation');
END;
CREATE TRIGGER learning_entries_no_delete BEFORE DELETE ON learning_entries
BEGIN
    SELECT RAISE(ABORT, 'a learning-log entry cannot be removed');
END;

-- Evaluations, added later: a new evaluation supersedes the current one (one line of
-- versions), none is changed or removed.
CREATE TABLE learning_evaluations (
    id             BLOB PRIMARY KEY,
    entry_id       BLOB NOT NULL REFERENCES learning_entries(id),
    supersedes_id  BLOB REFERENCES learning_evaluations(id),
    evaluated_on   TEXT NOT NULL,
    result         TEXT NOT NULL CHECK (result IN ('yes', 'partly', 'no', 'not_yet')),
    text           TEXT,
    learned        TEXT,
    created_by     BLOB NOT NULL REFERENCES staff(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX learning_evaluations_entry ON learning_evaluations (entry_id, created_at);
CREATE UNIQUE INDEX learning_evaluations_supersedes ON learning_evaluations (supersedes_id) WHERE supersedes_id IS NOT NULL;
CREATE UNIQUE INDEX learning_evaluations_first ON learning_evaluations (entry_id) WHERE supersedes_id IS NULL;
CREATE TRIGGER learning_evaluations_no_update BEFORE UPDATE ON learning_evaluations
BEGIN
    SELECT RAISE(ABORT, 'an evaluation cannot be changed: add a new one');
END;
CREATE TRIGGER learning_evaluations_no_delete BEFORE DELETE ON learning_evaluations
BEGIN
    SELECT RAISE(ABORT, 'an evaluation cannot be removed');
END;

-- Success factors tagged on an entry (evaluation_id NULL) or on one of its evaluations; the
-- entry's current tags are those of its newest evaluation, else its own. `factor` is a built-in
-- key or a `learning_factors.id` in text.
CREATE TABLE learning_tags (
    entry_id       BLOB NOT NULL REFERENCES learning_entries(id),
    evaluation_id  BLOB REFERENCES learning_evaluations(id),
    factor         TEXT NOT NULL
);
CREATE INDEX learning_tags_entry ON learning_tags (entry_id);
