-- Goals, the individual plan (IP) and responsibility-group meetings (issue 10). Kept in step
-- with the other backend's folder (same file names). All of it is health content (see
-- ARCHITECTURE "Plans and measures"); the responsibility group's identity is its episode
-- (`episodes.id`), which meetings and, later, the learning log refer to.

-- The person's own goals, in their own words.
CREATE TABLE goals (
    id                 BLOB PRIMARY KEY,
    client_id          BLOB NOT NULL REFERENCES clients(id),
    team_id            BLOB NOT NULL REFERENCES teams(id),
    text               TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('active', 'reached', 'changed', 'dropped')),
    created_by         BLOB NOT NULL REFERENCES staff(id),
    created_at         TEXT NOT NULL,
    status_changed_at  TEXT NOT NULL
);
CREATE INDEX goals_client ON goals (client_id, team_id, created_at);

-- Dated progress notes, append-only; a note may record a change of status.
CREATE TABLE goal_notes (
    id          BLOB PRIMARY KEY,
    goal_id     BLOB NOT NULL REFERENCES goals(id),
    noted_on    TEXT NOT NULL,
    text        TEXT NOT NULL,
    status      TEXT CHECK (status IN ('active', 'reached', 'changed', 'dropped')),
    written_by  BLOB NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX goal_notes_goal ON goal_notes (goal_id, noted_on);

-- One individual plan per person and team; its content is in versions.
CREATE TABLE plans (
    id          BLOB PRIMARY KEY,
    client_id   BLOB NOT NULL REFERENCES clients(id),
    team_id     BLOB NOT NULL REFERENCES teams(id),
    created_by  BLOB NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX plans_one_per_client ON plans (client_id, team_id);

-- A version of the plan: a revision adds one, the earlier ones stay readable.
CREATE TABLE plan_versions (
    id                BLOB PRIMARY KEY,
    plan_id           BLOB NOT NULL REFERENCES plans(id),
    version           INTEGER NOT NULL CHECK (version >= 1),
    consent_on        TEXT NOT NULL,
    share_consent     BOOLEAN NOT NULL,
    coordinator_id    BLOB NOT NULL REFERENCES staff(id),
    period_start      TEXT NOT NULL,
    period_end        TEXT,
    next_revision_on  TEXT,
    copy_given_on     TEXT,
    resources         TEXT,
    needs             TEXT,
    change_note       TEXT,
    created_by        BLOB NOT NULL REFERENCES staff(id),
    created_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX plan_versions_number ON plan_versions (plan_id, version);

CREATE TABLE plan_goals (
    version_id  BLOB NOT NULL REFERENCES plan_versions(id),
    goal_id     BLOB NOT NULL REFERENCES goals(id),
    PRIMARY KEY (version_id, goal_id)
);

-- Participants: team staff (with an account) or named externals, who see nothing in Benk.
CREATE TABLE plan_participants (
    id            BLOB PRIMARY KEY,
    version_id    BLOB NOT NULL REFERENCES plan_versions(id),
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('staff', 'gp', 'nav', 'housing_office', 'relative', 'other')),
    staff_id      BLOB REFERENCES staff(id),
    name          TEXT NOT NULL,
    role          TEXT,
    contact       TEXT,
    contribution  TEXT,
    CHECK ((kind = 'staff') = (staff_id IS NOT NULL))
);
CREATE INDEX plan_participants_version ON plan_participants (version_id, position);
CREATE INDEX plan_participants_staff ON plan_participants (staff_id);

-- Measures: what is done, its scope, and who is responsible.
CREATE TABLE plan_measures (
    id           BLOB PRIMARY KEY,
    version_id   BLOB NOT NULL REFERENCES plan_versions(id),
    position     INTEGER NOT NULL,
    description  TEXT NOT NULL,
    scope        TEXT,
    responsible  TEXT NOT NULL
);
CREATE INDEX plan_measures_version ON plan_measures (version_id, position);

-- Responsibility-group meetings: the group is the episode's.
CREATE TABLE rg_meetings (
    id          BLOB PRIMARY KEY,
    episode_id  BLOB NOT NULL REFERENCES episodes(id),
    client_id   BLOB NOT NULL REFERENCES clients(id),
    team_id     BLOB NOT NULL REFERENCES teams(id),
    held_on     TEXT NOT NULL,
    minutes     TEXT,
    decisions   TEXT,
    created_by  BLOB NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX rg_meetings_episode ON rg_meetings (episode_id, held_on);

-- Who attended: team staff or members of the responsibility group.
CREATE TABLE rg_attendance (
    id            BLOB PRIMARY KEY,
    meeting_id    BLOB NOT NULL REFERENCES rg_meetings(id),
    staff_id      BLOB REFERENCES staff(id),
    rg_member_id  BLOB REFERENCES responsibility_group_members(id),
    CHECK ((staff_id IS NULL) <> (rg_member_id IS NULL))
);
CREATE INDEX rg_attendance_meeting ON rg_attendance (meeting_id);

-- Tasks from a meeting: owned by a staff member of the team, with a due date and status.
CREATE TABLE rg_tasks (
    id                 BLOB PRIMARY KEY,
    meeting_id         BLOB NOT NULL REFERENCES rg_meetings(id),
    client_id          BLOB NOT NULL REFERENCES clients(id),
    team_id            BLOB NOT NULL REFERENCES teams(id),
    position           INTEGER NOT NULL,
    title              TEXT NOT NULL,
    owner_id           BLOB NOT NULL REFERENCES staff(id),
    due_on             TEXT,
    status             TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    status_changed_by  BLOB REFERENCES staff(id),
    status_changed_at  TEXT,
    created_at         TEXT NOT NULL
);
CREATE INDEX rg_tasks_meeting ON rg_tasks (meeting_id, position);
CREATE INDEX rg_tasks_owner ON rg_tasks (owner_id, status, due_on);
