-- Foundation schema: organisations, teams, staff and identities, clients, care
-- relationships, record entries, sessions, API tokens, idempotency keys and the
-- hash-chained audit log. Kept in step with ../postgres/ (same file names).

CREATE TABLE organisations (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('municipality', 'hospital_trust', 'nav', 'other')),
    org_number  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE teams (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    policy      TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL
);

CREATE TABLE team_owners (
    team_id          BLOB NOT NULL REFERENCES teams(id),
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (team_id, organisation_id)
);

CREATE TABLE staff (
    id             BLOB PRIMARY KEY,
    name           TEXT NOT NULL,
    profession     TEXT NOT NULL,
    hpr_number     TEXT,
    home_org_id    BLOB NOT NULL REFERENCES organisations(id),
    email          TEXT,
    language       TEXT,
    disabled       BOOLEAN NOT NULL DEFAULT 0,
    totp_required  BOOLEAN NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL
);

CREATE TABLE team_memberships (
    team_id   BLOB NOT NULL REFERENCES teams(id),
    staff_id  BLOB NOT NULL REFERENCES staff(id),
    role      TEXT NOT NULL CHECK (role IN ('worker', 'intake_member', 'team_lead', 'administrator', 'privacy_officer')),
    fte       INTEGER NOT NULL CHECK (fte BETWEEN 1 AND 100),
    PRIMARY KEY (team_id, staff_id)
);
CREATE INDEX team_memberships_staff ON team_memberships (staff_id);

-- How someone logs in, kept apart from who they are (staff), so an OIDC
-- provider such as HelseID can be added as another provider row.
CREATE TABLE identities (
    id               BLOB PRIMARY KEY,
    staff_id         BLOB NOT NULL REFERENCES staff(id),
    provider         TEXT NOT NULL,
    subject          TEXT NOT NULL,
    password_hash    TEXT,
    totp_secret      TEXT,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (provider, subject)
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    staff_id      BLOB NOT NULL REFERENCES staff(id),
    identity_id   BLOB NOT NULL REFERENCES identities(id),
    csrf_token    TEXT NOT NULL,
    totp_pending  BOOLEAN NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    user_agent    TEXT,
    ip            TEXT
);
CREATE INDEX sessions_staff ON sessions (staff_id);

CREATE TABLE api_tokens (
    id            BLOB PRIMARY KEY,
    staff_id      BLOB NOT NULL REFERENCES staff(id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);
CREATE INDEX api_tokens_staff ON api_tokens (staff_id);

CREATE TABLE clients (
    id                BLOB PRIMARY KEY,
    team_id           BLOB NOT NULL REFERENCES teams(id),
    name              TEXT NOT NULL,
    name_search       TEXT NOT NULL,
    national_id       TEXT UNIQUE,
    national_id_kind  TEXT,
    birth_year        INTEGER,
    phone             TEXT,
    municipality      TEXT,
    owner_org_id      BLOB NOT NULL REFERENCES organisations(id),
    created_by        BLOB NOT NULL REFERENCES staff(id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX clients_team_name ON clients (team_id, name_search);

-- The only way to a client's record: a staff member or a whole team, for a period.
CREATE TABLE care_relationships (
    id            BLOB PRIMARY KEY,
    client_id     BLOB NOT NULL REFERENCES clients(id),
    staff_id      BLOB REFERENCES staff(id),
    team_id       BLOB REFERENCES teams(id),
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    reason        TEXT NOT NULL,
    owner_org_id  BLOB NOT NULL REFERENCES organisations(id),
    created_by    BLOB NOT NULL REFERENCES staff(id),
    created_at    TEXT NOT NULL,
    ended_at      TEXT,
    ended_by      BLOB REFERENCES staff(id),
    CHECK ((staff_id IS NULL) <> (team_id IS NULL)),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX care_relationships_staff ON care_relationships (staff_id, client_id);
CREATE INDEX care_relationships_team ON care_relationships (team_id, client_id);
CREATE INDEX care_relationships_client ON care_relationships (client_id);

-- Health content of the record. Each entry is owned by the author's home
-- employer: a record written by municipal and hospital staff is a joint record (pjl § 9).
CREATE TABLE record_entries (
    id            BLOB PRIMARY KEY,
    client_id     BLOB NOT NULL REFERENCES clients(id),
    author_id     BLOB NOT NULL REFERENCES staff(id),
    owner_org_id  BLOB NOT NULL REFERENCES organisations(id),
    written_at    TEXT NOT NULL,
    body          TEXT NOT NULL
);
CREATE INDEX record_entries_client ON record_entries (client_id, written_at);

CREATE TABLE idempotency_keys (
    staff_id      BLOB NOT NULL REFERENCES staff(id),
    key           TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    status        INTEGER NOT NULL,
    response      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (staff_id, key)
);

-- Append-only, hash-chained audit log. hash = SHA-256(prev_hash || canonical row).
CREATE TABLE audit_events (
    seq               INTEGER PRIMARY KEY,
    id                BLOB NOT NULL UNIQUE,
    at                TEXT NOT NULL,
    actor_staff_id    BLOB,
    actor_name        TEXT,
    actor_hpr         TEXT,
    actor_org_number  TEXT,
    actor_role        TEXT,
    actor_team_id     BLOB,
    client_id         BLOB,
    purpose           TEXT,
    action            TEXT NOT NULL,
    resources         TEXT NOT NULL,
    outcome           TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    ip                TEXT,
    user_agent        TEXT,
    prev_hash         TEXT NOT NULL,
    hash              TEXT NOT NULL
);
CREATE INDEX audit_events_client ON audit_events (client_id, seq);
CREATE INDEX audit_events_actor ON audit_events (actor_staff_id, seq);

-- The chain head, written in the same transaction as each batch of audit rows,
-- so that deleting the newest rows is detected too.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
