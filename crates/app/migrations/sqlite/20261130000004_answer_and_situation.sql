-- The answer to a referral and the coordinator's view of the person (issue 8).
-- Kept in step with ../postgres/ (same file names).

-- The person's consent that the referrer may be told more than "received and answered"
-- (helsepersonelloven § 21): when it was recorded and by whom. NULL: no consent recorded.
ALTER TABLE intake_decisions ADD COLUMN referrer_consent_at TEXT;
ALTER TABLE intake_decisions ADD COLUMN referrer_consent_by BLOB REFERENCES staff(id);

-- How to find and reach the person, carried over from the referral at acceptance and kept
-- up to date by the care team. referral_reason and current_helpers are health content.
CREATE TABLE client_situation (
    client_id          BLOB PRIMARY KEY REFERENCES clients(id),
    whereabouts        TEXT,
    housing_situation  TEXT,
    referrer_contact   TEXT,
    referral_reason    TEXT,
    current_helpers    TEXT,
    updated_at         TEXT NOT NULL,
    updated_by         BLOB NOT NULL REFERENCES staff(id)
);
