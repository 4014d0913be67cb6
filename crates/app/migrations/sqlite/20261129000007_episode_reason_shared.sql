-- Episode texts are health content unless marked otherwise (issue 7, part 2):
-- the health personnel who write a level change's reason may mark it as holding
-- no health content, and then the whole care team sees it. Kept in step with
-- ../postgres/ (same file names).
ALTER TABLE episode_levels ADD COLUMN reason_shared BOOLEAN NOT NULL DEFAULT 0;
