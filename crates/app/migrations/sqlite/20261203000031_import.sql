-- Import (issue 10): the stable id of a row that came from an import file, unique per team, so
-- importing the same file again adds nothing. A `people` row writes the person, their referral
-- and their course under its `external_id`; NULL for rows made in Benk. Measures and SPoR
-- rounds and interviews have had the column since `20261202000011_measures`.
ALTER TABLE clients ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX clients_external ON clients (team_id, external_id);
ALTER TABLE referrals ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX referrals_external ON referrals (team_id, external_id);
ALTER TABLE episodes ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX episodes_external ON episodes (team_id, external_id);
