-- The release memory's order (issue 11): each release gets the next number in the order the
-- writer recorded it, so that a new release can compare with the earlier releases outside the
-- writer (on the read pool) and then, inside the writer command that records it, with only
-- those recorded after the newest it saw. The number is MAX + 1, taken in the writer's
-- transaction, which holds the write lock (the audit chain's head) from its first statement:
-- a release committed later always has a higher number than every release committed before,
-- even with another process writing to the same database. Kept in step with ../sqlite/.
ALTER TABLE report_releases ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
-- The releases there are, numbered in the order they were made.
UPDATE report_releases SET seq = o.n
    FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY released_at, id) AS n FROM report_releases) AS o
    WHERE o.id = report_releases.id;
CREATE UNIQUE INDEX report_releases_seq ON report_releases (seq);
-- The releases compared are those starting or ending on the same day as the new one, latest
-- (or recorded after a number) first.
DROP INDEX report_releases_from;
DROP INDEX report_releases_to;
CREATE INDEX report_releases_from ON report_releases (team_id, report, options, period_from, seq);
CREATE INDEX report_releases_to ON report_releases (team_id, report, options, period_to, seq);
-- Every release is given its number by the writer (SQLite cannot drop a column's default; its
-- 0 is never used there either).
ALTER TABLE report_releases ALTER COLUMN seq DROP DEFAULT;
