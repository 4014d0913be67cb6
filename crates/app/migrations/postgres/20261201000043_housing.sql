-- Housing (issue 9): the person's housing status as coded history, housing-queue applications
-- and evictions. Social-remit facts, not health content. Kept in step with the other backend.

CREATE TABLE housing_statuses (
    id            UUID PRIMARY KEY,
    client_id     UUID NOT NULL REFERENCES clients(id),
    team_id       UUID NOT NULL REFERENCES teams(id),
    status        TEXT NOT NULL CHECK (status IN ('own_home', 'municipal_rental', 'temporary', 'homeless', 'institution', 'prison')),
    -- From this date on (the status holds until the next row's date).
    from_date     DATE NOT NULL,
    note          TEXT,
    recorded_by   UUID NOT NULL REFERENCES staff(id),
    owner_org_id  UUID NOT NULL REFERENCES organisations(id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX housing_statuses_client ON housing_statuses (client_id, from_date);
CREATE INDEX housing_statuses_team ON housing_statuses (team_id, from_date);

CREATE TABLE housing_applications (
    id            UUID PRIMARY KEY,
    client_id     UUID NOT NULL REFERENCES clients(id),
    team_id       UUID NOT NULL REFERENCES teams(id),
    applied_on    DATE NOT NULL,
    -- What was applied for ("kommunal bolig", "omsorgsbolig").
    what          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('applied', 'granted', 'refused', 'withdrawn')),
    decided_on    DATE,
    recorded_by   UUID NOT NULL REFERENCES staff(id),
    owner_org_id  UUID NOT NULL REFERENCES organisations(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CHECK (decided_on IS NULL OR decided_on >= applied_on),
    CHECK ((status = 'applied') = (decided_on IS NULL))
);
CREATE INDEX housing_applications_client ON housing_applications (client_id, applied_on);

CREATE TABLE housing_evictions (
    id            UUID PRIMARY KEY,
    client_id     UUID NOT NULL REFERENCES clients(id),
    team_id       UUID NOT NULL REFERENCES teams(id),
    evicted_on    DATE NOT NULL,
    note          TEXT,
    recorded_by   UUID NOT NULL REFERENCES staff(id),
    owner_org_id  UUID NOT NULL REFERENCES organisations(id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX housing_evictions_client ON housing_evictions (client_id, evicted_on);
CREATE INDEX housing_evictions_team ON housing_evictions (team_id, evicted_on);
