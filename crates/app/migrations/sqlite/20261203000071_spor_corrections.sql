-- Correcting a SPoR interview: a new version supersedes the old one with a reason; the old
-- version and its answers stay. One original per person and round; each version superseded
-- at most once, so the versions are one line.
ALTER TABLE spor_interviews ADD COLUMN supersedes_id BLOB REFERENCES spor_interviews(id);
ALTER TABLE spor_interviews ADD COLUMN reason TEXT;
DROP INDEX spor_interviews_one_per_round;
CREATE UNIQUE INDEX spor_interviews_one_per_round ON spor_interviews (round_id, client_id)
    WHERE supersedes_id IS NULL;
CREATE UNIQUE INDEX spor_interviews_supersedes ON spor_interviews (supersedes_id)
    WHERE supersedes_id IS NOT NULL;
