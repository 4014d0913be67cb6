-- Access that fits team work (issue 7, part 3):
-- * a person's record belongs to one team: the national id is unique per team,
--   not globally, so accepting a referral in team B makes B's own record and
--   never opens the record team A keeps;
-- * one open episode per client and team, held by the schema;
-- * a system-administrator flag on staff (administration of every team).
-- SQLite cannot drop a column's UNIQUE constraint, so `clients` is rebuilt
-- (https://www.sqlite.org/lang_altertable.html#otheralter). That needs foreign
-- keys off: `Db::migrate` runs the SQLite migrations on a connection with
-- foreign keys off and checks them afterwards. Kept in step with ../postgres/.

CREATE TABLE clients_new (
    id                BLOB PRIMARY KEY,
    team_id           BLOB NOT NULL REFERENCES teams(id),
    name              TEXT NOT NULL,
    name_search       TEXT NOT NULL,
    national_id       TEXT,
    national_id_kind  TEXT,
    birth_year        INTEGER,
    phone             TEXT,
    municipality      TEXT,
    owner_org_id      BLOB NOT NULL REFERENCES organisations(id),
    created_by        BLOB NOT NULL REFERENCES staff(id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
INSERT INTO clients_new (id, team_id, name, name_search, national_id, national_id_kind, birth_year, phone,
                         municipality, owner_org_id, created_by, created_at, updated_at)
    SELECT id, team_id, name, name_search, national_id, national_id_kind, birth_year, phone,
           municipality, owner_org_id, created_by, created_at, updated_at FROM clients;
DROP TABLE clients;
ALTER TABLE clients_new RENAME TO clients;
CREATE INDEX clients_team_name ON clients (team_id, name_search);
CREATE UNIQUE INDEX clients_team_national_id ON clients (team_id, national_id);

CREATE UNIQUE INDEX episodes_one_open ON episodes (client_id, team_id) WHERE closed_on IS NULL;

ALTER TABLE staff ADD COLUMN system_admin BOOLEAN NOT NULL DEFAULT 0;
