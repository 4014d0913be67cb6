-- Reports at national scale (issue 11): the team's contacts of a period (the activity report,
-- `store::reports::contacts`) are read from the index alone. With the index on (team_id,
-- occurred_at) only, each of a big team's contacts was a lookup in the table, in time order
-- across the whole team (a team of 5 000 people: 250 000 random lookups a year).
DROP INDEX contacts_team_time;
CREATE INDEX contacts_team_time ON contacts (team_id, occurred_at, client_id, kind, met);
