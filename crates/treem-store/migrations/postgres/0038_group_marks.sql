-- Issue 20: the breakdowns by sex, ethnicity and household poverty are
-- kept per commune too, so a change of a child's sex, ethnicity or
-- poverty changes her commune's figures as well (0035's function, with
-- those three columns added).
CREATE OR REPLACE FUNCTION figures_children() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM figures_mark(ARRAY(
            SELECT unit_id FROM new_rows
            UNION SELECT c.unit_id FROM children c WHERE c.id IN (SELECT merged_into FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM figures_mark(ARRAY(
            SELECT unit_id FROM old_rows
            UNION SELECT c.unit_id FROM children c WHERE c.id IN (SELECT merged_into FROM old_rows)));
    ELSE
        PERFORM figures_mark(ARRAY(
            WITH changed AS (
                SELECT o.unit_id AS old_unit, n.unit_id AS new_unit,
                       o.merged_into AS old_into, n.merged_into AS new_into
                FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE (o.unit_id, o.date_of_birth, o.status, o.status_date, o.birth_registered,
                       o.birth_registration_date, o.merged_into, o.national_id, o.national_id_verified,
                       o.sex, o.ethnicity, o.household_poverty)
                      IS DISTINCT FROM
                      (n.unit_id, n.date_of_birth, n.status, n.status_date, n.birth_registered,
                       n.birth_registration_date, n.merged_into, n.national_id, n.national_id_verified,
                       n.sex, n.ethnicity, n.household_poverty))
            SELECT old_unit FROM changed UNION SELECT new_unit FROM changed
            UNION SELECT c.unit_id FROM children c
                WHERE c.id IN (SELECT old_into FROM changed UNION SELECT new_into FROM changed)));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
