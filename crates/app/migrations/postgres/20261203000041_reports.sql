-- Report settings per team (issue 11). Kept in step with ../sqlite/ (same file names).
-- No row: the defaults (threshold 5, NOK 4 000 per inpatient day, 20 % municipal co-financing,
-- no fidelity targets). Set by the team lead (`PUT /api/v1/reports/settings`).
CREATE TABLE report_settings (
    team_id                 UUID PRIMARY KEY REFERENCES teams(id),
    -- Counts of people from 1 to threshold − 1 are hidden in exported and cross-team reports.
    small_threshold         INTEGER NOT NULL DEFAULT 5 CHECK (small_threshold BETWEEN 2 AND 100),
    -- For the C-Flex evaluation's cost-benefit (later round).
    cost_per_inpatient_day  INTEGER NOT NULL DEFAULT 4000 CHECK (cost_per_inpatient_day BETWEEN 0 AND 1000000),
    co_financing_percent    INTEGER NOT NULL DEFAULT 20 CHECK (co_financing_percent BETWEEN 0 AND 100),
    -- For the fidelity profile (later round): a JSON object of indicator code → target.
    fidelity_targets        TEXT NOT NULL DEFAULT '{}',
    updated_by              UUID NOT NULL REFERENCES staff(id),
    updated_at              TIMESTAMPTZ NOT NULL
);
