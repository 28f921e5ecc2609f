-- A merge now moves the merged record's enrolments, participation and
-- protection cases to the survivor too (those that do not clash with the
-- survivor's own); their ids are kept here so an undo moves them back.
-- JSON: {"enrolments": [...], "participation": [...], "cases": [...], "case_files": [...]}
ALTER TABLE merges ADD COLUMN moved_facts TEXT NOT NULL DEFAULT '{}';
