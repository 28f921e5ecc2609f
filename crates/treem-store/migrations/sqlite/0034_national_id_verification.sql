-- The ID verification round with the commune police (issue 21): the number
-- the police verified last, by whom, on which day and with which result
-- (match, corrected, not_found). A number changed since is unverified.
ALTER TABLE children ADD COLUMN national_id_verified TEXT;
ALTER TABLE children ADD COLUMN national_id_verified_by TEXT;
ALTER TABLE children ADD COLUMN national_id_verified_on DATE;
ALTER TABLE children ADD COLUMN national_id_result TEXT;
