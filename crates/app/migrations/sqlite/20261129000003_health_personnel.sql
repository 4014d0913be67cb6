-- Who is health personnel, and notes for non-health members (issue 7, part 2).
-- Kept in step with ../postgres/ (same file names).

-- Health personnel by employment in the health service to give care
-- (helsepersonelloven § 3 first paragraph no. 2), as recorded by an administrator.
-- Authorised professions (§ 48) are health personnel whatever this says.
ALTER TABLE staff ADD COLUMN care_employment BOOLEAN NOT NULL DEFAULT 0;

-- Every change of that status, with the administrator's reason.
CREATE TABLE health_personnel_changes (
    id               BLOB PRIMARY KEY,
    staff_id         BLOB NOT NULL REFERENCES staff(id),
    care_employment  BOOLEAN NOT NULL,
    reason           TEXT NOT NULL CHECK (length(reason) > 0),
    set_by           BLOB REFERENCES staff(id),
    set_at           TEXT NOT NULL
);
CREATE INDEX health_personnel_changes_staff ON health_personnel_changes (staff_id, set_at);

-- Social workers and family therapists counted as health personnel by profession
-- before; they are not authorised under § 48, so they keep that status through
-- their employment, recorded here (set_by NULL: by this migration).
UPDATE staff SET care_employment = TRUE WHERE profession IN ('social_worker', 'family_therapist');
INSERT INTO health_personnel_changes (id, staff_id, care_employment, reason, set_by, set_at)
SELECT id, id, TRUE, 'Overført ved oppgradering: sosionom/familieterapeut i helsetjenesten (hpl § 3 første ledd nr. 2)', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM staff WHERE profession IN ('social_worker', 'family_therapist');

-- A record entry is a health note (health content) or a social note (no health
-- content, seen by the whole care team) with its topic.
ALTER TABLE record_entries ADD COLUMN kind TEXT NOT NULL DEFAULT 'health' CHECK (kind IN ('health', 'social'));
ALTER TABLE record_entries ADD COLUMN topic TEXT CHECK (topic IS NULL OR topic IN ('finances', 'housing', 'nav_measures', 'practical_help'));
