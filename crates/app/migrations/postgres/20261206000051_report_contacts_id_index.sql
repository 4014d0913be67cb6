-- Reports at national scale (issue 11): the fidelity profile reads the period's contacts with
-- their ids (to join the staff who took part, `store::reports::contacts_with_staff`). Without
-- the id in the index each of a big team's contacts was a lookup in the table, in time order
-- across the whole team (a team of 5 000 people: 250 000 random lookups a year, most of the
-- report's 9–18 s). With it the period's contacts are read from the index alone.
DROP INDEX contacts_team_time;
CREATE INDEX contacts_team_time ON contacts (team_id, occurred_at, client_id, kind, met, id);
