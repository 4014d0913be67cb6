-- Intake while the referral is being assessed (issue 8). Kept in step with
-- ../postgres/ (same file names).

-- An employer's side is a property of the organisation, not guessed from its
-- kind: municipal, specialist (health service), nav_state or other. Existing
-- organisations keep today's guess (a hospital trust is specialist, everyone
-- else municipal), so no team's participant count changes on upgrade.
ALTER TABLE organisations ADD COLUMN side TEXT NOT NULL DEFAULT 'municipal'
    CHECK (side IN ('municipal', 'specialist', 'nav_state', 'other'));
UPDATE organisations SET side = 'specialist' WHERE kind = 'hospital_trust';

-- Diagnoses added while the referral is assessed say who added them and when
-- (those from the registration leave both empty).
ALTER TABLE referral_diagnoses ADD COLUMN added_by BLOB REFERENCES staff(id);
ALTER TABLE referral_diagnoses ADD COLUMN added_at TEXT;

-- Assessment notes (health content): appended with author and time, never
-- changed; the author's employer owns the note (pjl § 9).
CREATE TABLE referral_assessment_notes (
    id            BLOB PRIMARY KEY,
    referral_id   BLOB NOT NULL REFERENCES referrals(id),
    text          TEXT NOT NULL,
    author_id     BLOB NOT NULL REFERENCES staff(id),
    owner_org_id  BLOB NOT NULL REFERENCES organisations(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX referral_assessment_notes_referral ON referral_assessment_notes (referral_id, created_at);
