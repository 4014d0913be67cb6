-- Kept in step with ../postgres/ (same file names).
-- What each level of effort records (issue 8, "levels of effort mean different things").
--
-- Level 2 (shoulder to shoulder): the ordinary service keeps the responsibility. The level row
-- names it, its contact person, and the competence the team adds (a code and a note). An episode
-- moved to level 3 names the service the team now advises in the same columns.
ALTER TABLE episode_levels ADD COLUMN ordinary_service TEXT;
ALTER TABLE episode_levels ADD COLUMN ordinary_contact_name TEXT;
ALTER TABLE episode_levels ADD COLUMN ordinary_contact_phone TEXT;
ALTER TABLE episode_levels ADD COLUMN competence TEXT;
ALTER TABLE episode_levels ADD COLUMN competence_note TEXT;

-- Level 3 (guidance): a consultation for a partner. It names who asked, never the person
-- (no name, no national id: data minimisation) and makes no client record. `referral_id` is the
-- referral decided as guidance (one case per referral); `later_referral_id` a referral the case
-- was later turned into.
CREATE TABLE guidance_cases (
    id                  BLOB PRIMARY KEY,
    team_id             BLOB NOT NULL REFERENCES teams(id),
    referral_id         BLOB REFERENCES referrals(id),
    later_referral_id   BLOB REFERENCES referrals(id),
    asked_on            TEXT NOT NULL,
    channel             TEXT NOT NULL,
    asker_name          TEXT NOT NULL,
    asker_role          TEXT,
    asker_organisation  TEXT,
    agency_kind         TEXT NOT NULL,
    asker_phone         TEXT,
    asker_email         TEXT,
    question            TEXT NOT NULL,
    advice              TEXT,
    follow_up_on        TEXT,
    status              TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_by          BLOB NOT NULL REFERENCES staff(id),
    owner_org_id        BLOB NOT NULL REFERENCES organisations(id),
    created_at          TEXT NOT NULL,
    updated_by          BLOB NOT NULL REFERENCES staff(id),
    updated_at          TEXT NOT NULL
);
CREATE INDEX guidance_cases_team ON guidance_cases (team_id, status, asked_on);
CREATE UNIQUE INDEX guidance_cases_referral ON guidance_cases (referral_id) WHERE referral_id IS NOT NULL;

-- "Guidance only" and "accepted at level 3" are one outcome now: `guidance`. Earlier
-- `guidance_only` decisions become `guidance`, each with its guidance case (closed; the
-- question is the referral's reason, the advice the decision's reasons; the case takes the
-- decision's id). Earlier acceptances at level 3 keep their record and episode: an episode at
-- level 3 is one where the team now advises the ordinary service.
UPDATE intake_decisions SET outcome = 'guidance' WHERE outcome = 'guidance_only';
INSERT INTO guidance_cases (id, team_id, referral_id, later_referral_id, asked_on, channel,
    asker_name, asker_role, asker_organisation, agency_kind, asker_phone, asker_email, question,
    advice, follow_up_on, status, created_by, owner_org_id, created_at, updated_by, updated_at)
SELECT d.id, r.team_id, r.id, NULL, r.received_on, 'referral', r.referrer_name, r.referrer_role,
    (SELECT a.name FROM agencies a WHERE a.id = r.agency_id), r.agency_kind, r.referrer_phone,
    r.referrer_email, r.reason, d.reasons, NULL, 'closed', d.recorded_by, d.owner_org_id,
    d.decided_at, d.recorded_by, d.decided_at
FROM intake_decisions d JOIN referrals r ON r.id = d.referral_id
WHERE d.outcome = 'guidance';
