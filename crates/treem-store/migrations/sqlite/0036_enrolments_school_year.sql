-- Issue 20: a commune's figures read the grade-5 and grade-9 pupils of its
-- schools for one school year. Indexed by the school alone, that read looked
-- up every enrolment the school ever had (every year, every grade) in the
-- table; with the year and the grade in the index it reads only those rows.
-- Same name: queries by school alone still use it.
DROP INDEX enrolments_school;
CREATE INDEX enrolments_school ON enrolments (school_code, school_year, grade);

-- The unit list's epoch: changed by any change to `units`, so a process
-- that keeps a copy of the units (and of what was computed from them) knows
-- with one read whether it still holds (issue 20: the dashboard).
CREATE TABLE unit_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch INTEGER NOT NULL
);
INSERT INTO unit_epoch (id, epoch) VALUES (1, 1);
CREATE TRIGGER units_epoch_insert AFTER INSERT ON units BEGIN
    UPDATE unit_epoch SET epoch = epoch + 1;
END;
CREATE TRIGGER units_epoch_update AFTER UPDATE ON units BEGIN
    UPDATE unit_epoch SET epoch = epoch + 1;
END;
CREATE TRIGGER units_epoch_delete AFTER DELETE ON units BEGIN
    UPDATE unit_epoch SET epoch = epoch + 1;
END;
