-- Registry events (issue 10): the raw data of the evaluation, before and after inclusion.
-- Health content. Kept in step with the other backend.
--
-- One table for the four kinds; CHECKs tie the columns to the kind. `starts_on` is the
-- admission, the day of the visit or event, or the start of a prison stay; `ends_on` the
-- discharge or release (NULL while it lasts; only stays have one). An event is never changed
-- or removed: a correction is a new row that supersedes it, a deletion a row marked
-- `retracted` that supersedes it (the triggers refuse UPDATE and DELETE). `source` says
-- whether it was typed in Benk or imported; `external_id` is the stable id of an imported
-- row, unique per team (NULL for rows typed in Benk).

CREATE TABLE registry_events (
    id             UUID PRIMARY KEY,
    client_id      UUID NOT NULL REFERENCES clients(id),
    team_id        UUID NOT NULL REFERENCES teams(id),
    kind           TEXT NOT NULL CHECK (kind IN ('inpatient', 'emergency', 'police', 'prison')),
    starts_on      DATE NOT NULL,
    ends_on        DATE,
    institution    TEXT,
    compulsory     BOOLEAN,
    legal_basis    TEXT,
    place          TEXT CHECK (place IN ('emergency_clinic', 'emergency_department', 'acute_psychiatry', 'other')),
    police_kind    TEXT CHECK (police_kind IN ('event', 'arrest')),
    supersedes_id  UUID REFERENCES registry_events(id),
    retracted      BOOLEAN NOT NULL DEFAULT FALSE,
    reason         TEXT,
    source         TEXT NOT NULL CHECK (source IN ('manual', 'import')),
    recorded_by    UUID NOT NULL REFERENCES staff(id),
    owner_org_id   UUID NOT NULL REFERENCES organisations(id),
    created_at     TIMESTAMPTZ NOT NULL,
    external_id    TEXT,
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK (kind IN ('inpatient', 'prison') OR ends_on IS NULL),
    CHECK ((kind = 'inpatient') = (institution IS NOT NULL AND compulsory IS NOT NULL)),
    CHECK (legal_basis IS NULL OR compulsory),
    CHECK ((kind = 'emergency') = (place IS NOT NULL)),
    CHECK ((kind = 'police') = (police_kind IS NOT NULL)),
    CHECK (supersedes_id IS NOT NULL OR NOT retracted),
    CHECK (supersedes_id IS NULL OR reason IS NOT NULL)
);
CREATE INDEX registry_events_client ON registry_events (client_id, starts_on);
CREATE INDEX registry_events_team ON registry_events (team_id, starts_on);
-- An event's versions are one line: each is superseded at most once.
CREATE UNIQUE INDEX registry_events_supersedes ON registry_events (supersedes_id) WHERE supersedes_id IS NOT NULL;
CREATE UNIQUE INDEX registry_events_external ON registry_events (team_id, external_id);
CREATE FUNCTION benk_registry_event_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a registry event cannot be changed or removed: write a correction (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER registry_events_no_update BEFORE UPDATE ON registry_events
    FOR EACH ROW EXECUTE FUNCTION benk_registry_event_kept();
CREATE TRIGGER registry_events_no_delete BEFORE DELETE ON registry_events
    FOR EACH ROW EXECUTE FUNCTION benk_registry_event_kept();
