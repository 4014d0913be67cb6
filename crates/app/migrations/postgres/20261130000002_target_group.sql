-- The target group as team policy, and the figures the teams publish (issue 8).
-- Kept in step with ../sqlite/ (same file names).

-- The target-group assessment of a decision, one row per item of the team's
-- criteria as they were when the decision was made (labels kept, so a later
-- change of policy does not change what was assessed).
CREATE TABLE intake_target_items (
    decision_id  UUID NOT NULL REFERENCES intake_decisions(id),
    position     INTEGER NOT NULL,
    criterion    TEXT NOT NULL,
    item         TEXT NOT NULL,
    label_nb     TEXT NOT NULL,
    label_en     TEXT NOT NULL,
    checked      BOOLEAN NOT NULL,
    PRIMARY KEY (decision_id, item)
);

-- Decisions made before the criteria became team policy: their three booleans
-- become C-Flex's items. "Stor funksjonssvikt" was never asked, so it has no
-- row (shown as "not assessed"); the stored in_target_group is kept as decided.
-- housing_problem stays on intake_decisions: housing is recorded, not a criterion.
INSERT INTO intake_target_items (decision_id, position, criterion, item, label_nb, label_en, checked)
SELECT id, 0, 'illness', 'serious_mental_illness', 'Alvorlig psykisk lidelse', 'Serious mental illness', severe_mental_illness FROM intake_decisions;
INSERT INTO intake_target_items (decision_id, position, criterion, item, label_nb, label_en, checked)
SELECT id, 1, 'illness', 'serious_substance_use', 'Alvorlig rusavhengighet/ruslidelse', 'Serious substance dependence/substance use disorder', substance_use FROM intake_decisions;
INSERT INTO intake_target_items (decision_id, position, criterion, item, label_nb, label_en, checked)
SELECT id, 3, 'connection', 'weak_connection', 'Svak eller manglende tilknytning til tjenestene de trenger', 'Weak or no connection to the services they need', weak_connection FROM intake_decisions;

-- Where a routed person was sent (routed_fact / routed_other).
ALTER TABLE intake_decisions ADD COLUMN routed_to TEXT;

-- Ordinary services established or re-established for a person, at the
-- intake decision (referral_id, at_intake) or during the course (client_id,
-- episode_id). referral_id is filled whenever known, so the report counts
-- referrals with at least one established service.
CREATE TABLE established_services (
    id              UUID PRIMARY KEY,
    team_id         UUID NOT NULL REFERENCES teams(id),
    referral_id     UUID REFERENCES referrals(id),
    client_id       UUID REFERENCES clients(id),
    episode_id      UUID REFERENCES episodes(id),
    service         TEXT NOT NULL,
    note            TEXT,
    established_on  DATE NOT NULL,
    at_intake       BOOLEAN NOT NULL,
    recorded_by     UUID NOT NULL REFERENCES staff(id),
    owner_org_id    UUID NOT NULL REFERENCES organisations(id),
    recorded_at     TIMESTAMPTZ NOT NULL,
    CHECK (referral_id IS NOT NULL OR client_id IS NOT NULL)
);
CREATE INDEX established_services_team ON established_services (team_id, referral_id);
CREATE INDEX established_services_client ON established_services (client_id, established_on);
