-- Issue 22 (seventh pass): a commune's records kept together. A commune's
-- figures read its children's measurements, enrolments and participation
-- by the children's ids. In a registry entered interleaved over the years a
-- commune's rows lie on nearly every page of those tables and each id is
-- looked up from the index's root (a province from nothing at 5 M: 5.2–6.3 s
-- warm, 15 s cold, against 2.6 s for one entered commune by commune). Each
-- such row now carries its child's unit, and an index led by the unit
-- (migration 0043) holds every column the figures read: a commune's rows
-- are one range of it, read without the table.
--
-- The unit is the child's own (`children.unit_id` of `child_id`), kept by
-- the database whatever the path (forms, API, imports, sync, merges):
-- a row written or moved to another child takes that child's unit, and a
-- child moved to another unit takes her rows with her, in the same
-- transaction. A row's write locks its child's row (`FOR SHARE`), so a move
-- of the child under way waits for it, or it for the move, and never
-- leaves a row under the unit the child left.
ALTER TABLE measurements ADD COLUMN unit_id BIGINT;
ALTER TABLE enrolments ADD COLUMN unit_id BIGINT;
ALTER TABLE participation ADD COLUMN unit_id BIGINT;

-- The rows stored already: their child's unit. The figure marks' triggers
-- are set aside meanwhile (no record an indicator reads changes).
ALTER TABLE measurements DISABLE TRIGGER USER;
ALTER TABLE enrolments DISABLE TRIGGER USER;
ALTER TABLE participation DISABLE TRIGGER USER;
UPDATE measurements t SET unit_id = c.unit_id FROM children c WHERE c.id = t.child_id;
UPDATE enrolments t SET unit_id = c.unit_id FROM children c WHERE c.id = t.child_id;
UPDATE participation t SET unit_id = c.unit_id FROM children c WHERE c.id = t.child_id;
ALTER TABLE measurements ENABLE TRIGGER USER;
ALTER TABLE enrolments ENABLE TRIGGER USER;
ALTER TABLE participation ENABLE TRIGGER USER;
ALTER TABLE measurements ALTER COLUMN unit_id SET NOT NULL;
ALTER TABLE enrolments ALTER COLUMN unit_id SET NOT NULL;
ALTER TABLE participation ALTER COLUMN unit_id SET NOT NULL;

-- A row written, or moved to another child: that child's unit.
CREATE FUNCTION fact_unit() RETURNS trigger AS $$
BEGIN
    SELECT unit_id INTO NEW.unit_id FROM children WHERE id = NEW.child_id FOR SHARE;
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING MESSAGE = TG_TABLE_NAME || ': no child ' || NEW.child_id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER measurements_unit BEFORE INSERT OR UPDATE OF child_id, unit_id ON measurements
    FOR EACH ROW EXECUTE FUNCTION fact_unit();
CREATE TRIGGER enrolments_unit BEFORE INSERT OR UPDATE OF child_id, unit_id ON enrolments
    FOR EACH ROW EXECUTE FUNCTION fact_unit();
CREATE TRIGGER participation_unit BEFORE INSERT OR UPDATE OF child_id, unit_id ON participation
    FOR EACH ROW EXECUTE FUNCTION fact_unit();

-- A child moved to another unit: her rows follow.
CREATE FUNCTION fact_units_follow() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.unit_id <> o.unit_id) THEN
        UPDATE measurements t SET unit_id = n.unit_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.unit_id <> o.unit_id AND t.child_id = n.id;
        UPDATE enrolments t SET unit_id = n.unit_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.unit_id <> o.unit_id AND t.child_id = n.id;
        UPDATE participation t SET unit_id = n.unit_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.unit_id <> o.unit_id AND t.child_id = n.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER children_fact_units AFTER UPDATE ON children
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fact_units_follow();

-- A row that only followed its child keeps no version of itself (the
-- history of enrolments and participation is kept for what was recorded).
DROP TRIGGER enrolments_history ON enrolments;
CREATE TRIGGER enrolments_history AFTER UPDATE OF child_id, school_year, level, school_code, grade, status
    ON enrolments FOR EACH ROW EXECUTE FUNCTION keep_record_history();
DROP TRIGGER participation_history ON participation;
CREATE TRIGGER participation_history AFTER UPDATE OF child_id, date, kind, note
    ON participation FOR EACH ROW EXECUTE FUNCTION keep_record_history();
