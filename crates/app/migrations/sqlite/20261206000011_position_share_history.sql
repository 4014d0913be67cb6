-- The history of a member's position share in a team (issue 11, the fidelity profile's
-- people per full-time position over time). The share in effect on a day is the member's row
-- with the latest `valid_from` on or before it; 0 means not a working member from that day
-- (an administrator or privacy officer, disabled, or out of the team). Written with every
-- change of a membership or of an account's disabled flag (`store::staff`). A working member
-- with no row at all counts with today's share for every day. Kept in step with ../postgres/.
CREATE TABLE membership_position_shares (
    team_id      BLOB NOT NULL REFERENCES teams(id),
    staff_id     BLOB NOT NULL REFERENCES staff(id),
    valid_from   TEXT NOT NULL,
    fte_percent  INTEGER NOT NULL CHECK (fte_percent BETWEEN 0 AND 100),
    PRIMARY KEY (team_id, staff_id, valid_from)
);

-- Today's shares, in effect from the earliest date an event may have.
INSERT INTO membership_position_shares (team_id, staff_id, valid_from, fte_percent)
    SELECT m.team_id, m.staff_id, '1900-01-01',
           CASE WHEN s.disabled OR m.role IN ('administrator', 'privacy_officer') THEN 0 ELSE m.fte END
    FROM team_memberships m JOIN staff s ON s.id = m.staff_id;
