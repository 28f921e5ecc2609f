-- Figures kept per commune (issue 20). Each unit's mark changes whenever a
-- record an indicator reads under it is written — by these triggers, in the
-- writing transaction, whatever the path (forms, API, imports, village sync,
-- merges, case steps). A commune's kept figures for a period name the marks
-- of the units they were computed from; a mark changed since makes them
-- stale, and the next reader computes that commune again.
CREATE TABLE figure_marks (
    unit_id INTEGER PRIMARY KEY,
    token INTEGER NOT NULL
);
INSERT INTO figure_marks (unit_id, token) SELECT id, 1 FROM units;

-- A commune's records are found by their unit.
CREATE INDEX schools_unit ON schools (unit_id);
CREATE INDEX commune_assessments_unit ON commune_assessments (unit_id);
CREATE INDEX disasters_unit ON disasters (unit_id);

-- A commune's counts for a period (`2025`, `2025h1`): whether it holds a
-- record, the fourteen indicators' numerators and denominators, and its
-- registry counts (children 0–15, under five, under one) as a JSON array;
-- `stamp` lists the marks (`unit:token`) they were computed at.
CREATE TABLE commune_figures (
    period TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    stamp TEXT NOT NULL,
    holds BOOLEAN NOT NULL,
    counts TEXT NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (period, unit_id)
);

-- Units: a changed unit file changes what every commune is made of.
CREATE TRIGGER units_figures_insert AFTER INSERT ON units BEGIN
    INSERT OR IGNORE INTO figure_marks (unit_id, token) VALUES (new.id, 1);
    DELETE FROM commune_figures;
END;
CREATE TRIGGER units_figures_update AFTER UPDATE ON units BEGIN
    DELETE FROM commune_figures;
END;
CREATE TRIGGER units_figures_delete AFTER DELETE ON units BEGIN
    DELETE FROM commune_figures;
END;

-- Children: their own unit, and the survivor's when merged into another.
CREATE TRIGGER children_figures_insert AFTER INSERT ON children BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = new.unit_id;
    UPDATE figure_marks SET token = token + 1
     WHERE unit_id = (SELECT unit_id FROM children WHERE id = new.merged_into);
END;
-- (an update only when a column the indicators or the ID link's figure
-- read changed: a form writes every column).
CREATE TRIGGER children_figures_update AFTER UPDATE ON children
WHEN old.unit_id IS NOT new.unit_id OR old.date_of_birth IS NOT new.date_of_birth
  OR old.status IS NOT new.status OR old.status_date IS NOT new.status_date
  OR old.birth_registered IS NOT new.birth_registered
  OR old.birth_registration_date IS NOT new.birth_registration_date
  OR old.merged_into IS NOT new.merged_into
  OR old.national_id IS NOT new.national_id OR old.national_id_verified IS NOT new.national_id_verified BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT old.unit_id UNION SELECT new.unit_id
        UNION SELECT unit_id FROM children WHERE id IN (old.merged_into, new.merged_into));
END;
CREATE TRIGGER children_figures_delete AFTER DELETE ON children BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT old.unit_id UNION SELECT unit_id FROM children WHERE id = old.merged_into);
END;

-- Measurements, participation, cases and enrolments: the unit the child's
-- records count under (her survivor's when merged); an enrolment also every
-- unit its school has a record in (grades 5 and 9 count under the school's
-- commune). One indexed lookup and one row updated per row written: an
-- import pays a few microseconds a row.
CREATE TRIGGER measurements_figures_insert AFTER INSERT ON measurements BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = new.child_id);
END;
CREATE TRIGGER measurements_figures_update AFTER UPDATE ON measurements BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = old.child_id) AND old.child_id IS NOT new.child_id;
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = new.child_id);
END;
CREATE TRIGGER measurements_figures_delete AFTER DELETE ON measurements BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = old.child_id);
END;
CREATE TRIGGER participation_figures_insert AFTER INSERT ON participation BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = new.child_id);
END;
CREATE TRIGGER participation_figures_update AFTER UPDATE ON participation BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = old.child_id) AND old.child_id IS NOT new.child_id;
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = new.child_id);
END;
CREATE TRIGGER participation_figures_delete AFTER DELETE ON participation BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = old.child_id);
END;
CREATE TRIGGER cases_figures_insert AFTER INSERT ON cases BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = new.child_id);
END;
CREATE TRIGGER cases_figures_update AFTER UPDATE ON cases BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = old.child_id) AND old.child_id IS NOT new.child_id;
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = new.child_id);
END;
CREATE TRIGGER cases_figures_delete AFTER DELETE ON cases BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = old.child_id);
END;
CREATE TRIGGER enrolments_figures_insert AFTER INSERT ON enrolments BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = new.child_id);
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT unit_id FROM schools WHERE school_code = new.school_code);
END;
CREATE TRIGGER enrolments_figures_update AFTER UPDATE ON enrolments BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = old.child_id) AND old.child_id IS NOT new.child_id;
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT unit_id FROM schools WHERE school_code = old.school_code) AND old.school_code IS NOT new.school_code;
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = new.child_id);
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT unit_id FROM schools WHERE school_code = new.school_code);
END;
CREATE TRIGGER enrolments_figures_delete AFTER DELETE ON enrolments BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id = (SELECT COALESCE((SELECT s.unit_id FROM children s WHERE s.id = c.merged_into), c.unit_id) FROM children c WHERE c.id = old.child_id);
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT unit_id FROM schools WHERE school_code = old.school_code);
END;

-- Schools: every unit the school has a record in (its latest record decides
-- where it counts), and the record's old unit.
CREATE TRIGGER schools_figures_insert AFTER INSERT ON schools BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT new.unit_id UNION SELECT unit_id FROM schools WHERE school_code IN (new.school_code));
END;
CREATE TRIGGER schools_figures_update AFTER UPDATE ON schools BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT old.unit_id UNION SELECT new.unit_id UNION SELECT unit_id FROM schools WHERE school_code IN (old.school_code, new.school_code));
END;
CREATE TRIGGER schools_figures_delete AFTER DELETE ON schools BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT old.unit_id UNION SELECT unit_id FROM schools WHERE school_code IN (old.school_code));
END;

-- Assessments and disasters: their own unit.
CREATE TRIGGER commune_assessments_figures_insert AFTER INSERT ON commune_assessments BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT new.unit_id);
END;
CREATE TRIGGER commune_assessments_figures_update AFTER UPDATE ON commune_assessments BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT old.unit_id UNION SELECT new.unit_id);
END;
CREATE TRIGGER commune_assessments_figures_delete AFTER DELETE ON commune_assessments BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT old.unit_id);
END;
CREATE TRIGGER disasters_figures_insert AFTER INSERT ON disasters BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT new.unit_id);
END;
CREATE TRIGGER disasters_figures_update AFTER UPDATE ON disasters BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT old.unit_id UNION SELECT new.unit_id);
END;
CREATE TRIGGER disasters_figures_delete AFTER DELETE ON disasters BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (SELECT old.unit_id);
END;
