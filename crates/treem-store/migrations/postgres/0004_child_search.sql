-- What a search matches: the folded names of the child, her mother, father
-- and caregiver, her personal ID number and her birth year (filled by treem).
ALTER TABLE children ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
