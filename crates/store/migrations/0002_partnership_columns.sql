-- tieup store, schema version 2: the remaining columns of data/partnerships.csv, so that an
-- import of that file exports unchanged, and an index for the follow-ups-due view.

ALTER TABLE projects ADD COLUMN research_trips INTEGER CHECK (research_trips >= 0);
ALTER TABLE projects ADD COLUMN missions INTEGER CHECK (missions >= 0);
ALTER TABLE projects ADD COLUMN invitations INTEGER CHECK (invitations >= 0);
ALTER TABLE projects ADD COLUMN wanted TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN source TEXT NOT NULL DEFAULT '';

CREATE INDEX follow_ups_by_project ON follow_ups (project_id, followed_up_on);
CREATE INDEX decisions_by_shortlist ON decisions (shortlist_id);
