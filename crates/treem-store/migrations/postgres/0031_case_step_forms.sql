-- The structured fields of a step's form (issue 19: Decree 56/2017's
-- appendix) — risk factors scored (forms 02, 03, 06), the child's needs
-- (03), the plan's table (04) and the minutes of its meeting (art. 27) — as
-- one sealed JSON document, like the step's notes: never in clear here.
ALTER TABLE case_steps ADD COLUMN form BYTEA;
