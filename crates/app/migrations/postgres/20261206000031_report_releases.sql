-- The release memory (issue 11): every released copy of a report (a file, the API's data, the
-- teams side by side; not the team's own screen) as the numbers it showed, so that a later
-- release for a period nested in it (or around it) withholds a number whose difference would
-- be small. Kept in step with ../sqlite/ (same file names). Only aggregate numbers that were
-- shown; nothing about a person. Written by the writer in the command that writes the report's
-- audit row; never read through the UI (the report's note gives a count).
CREATE TABLE report_releases (
    id           UUID PRIMARY KEY,
    -- The team, or the nil id for the teams side by side (every team).
    team_id      UUID NOT NULL,
    report       TEXT NOT NULL,
    -- The report's options beyond the period ("window:12" for the C-Flex evaluation).
    options      TEXT NOT NULL,
    period_from  DATE NOT NULL,
    period_to    DATE NOT NULL,
    released_at  TIMESTAMPTZ NOT NULL,
    -- A JSON object: cell key (table/row/column) → the number shown.
    cells        TEXT NOT NULL
);
-- The releases compared are those starting or ending on the same day as the new one.
CREATE INDEX report_releases_from ON report_releases (team_id, report, options, period_from, released_at);
CREATE INDEX report_releases_to ON report_releases (team_id, report, options, period_to, released_at);
