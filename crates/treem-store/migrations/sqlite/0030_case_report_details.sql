-- Form 01's fields of a report (issue 19: Decree 56/2017's appendix) —
-- channel, place, where the child is now, likely consequence, parents,
-- family, caregiver, action taken, informant — as one sealed JSON document,
-- like the narrative: never in clear here.
ALTER TABLE case_files ADD COLUMN details BLOB;
