-- Access that fits team work (issue 7, part 3):
-- * a person's record belongs to one team: the national id is unique per team,
--   not globally, so accepting a referral in team B makes B's own record and
--   never opens the record team A keeps;
-- * one open episode per client and team, held by the schema;
-- * a system-administrator flag on staff (administration of every team).
-- Kept in step with ../sqlite/ (same file names).

ALTER TABLE clients DROP CONSTRAINT clients_national_id_key;
CREATE UNIQUE INDEX clients_team_national_id ON clients (team_id, national_id);

CREATE UNIQUE INDEX episodes_one_open ON episodes (client_id, team_id) WHERE closed_on IS NULL;

ALTER TABLE staff ADD COLUMN system_admin BOOLEAN NOT NULL DEFAULT FALSE;
