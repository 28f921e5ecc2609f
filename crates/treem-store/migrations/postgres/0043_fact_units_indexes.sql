-- Issue 22 (seventh pass): the indexes by unit of migration 0042, in a
-- transaction of their own. Made in 0042's, they held the old version of
-- every row its update had replaced as well (its own deletions not yet
-- committed): twice their size at 5 M children (measurements 872 MB, made
-- again once the update was committed: see docs/performance.md).
-- A commune's rows as one range of an index holding what the figures read
-- of them: read without the table.
CREATE INDEX measurements_unit_figures ON measurements (unit_id, measured_on)
    INCLUDE (child_id, age_days, waz, f_waz, haz, f_haz);
CREATE INDEX enrolments_unit_figures ON enrolments (unit_id, school_year, level)
    INCLUDE (child_id, school_code, grade, status);
CREATE INDEX participation_unit_figures ON participation (unit_id, date)
    INCLUDE (child_id, kind);
