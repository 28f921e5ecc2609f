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
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT new.unit_id UNION SELECT unit_id FROM children WHERE id = new.merged_into);
END;
CREATE TRIGGER children_figures_update
AFTER UPDATE OF unit_id, date_of_birth, status, status_date, birth_registered,
    birth_registration_date, merged_into ON children BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT old.unit_id UNION SELECT new.unit_id
        UNION SELECT unit_id FROM children WHERE id IN (old.merged_into, new.merged_into));
END;
CREATE TRIGGER children_figures_delete AFTER DELETE ON children BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT old.unit_id UNION SELECT unit_id FROM children WHERE id = old.merged_into);
END;

-- Measurements, participation, cases and enrolments: the child's unit and
-- her survivor's; an enrolment also every unit its school has a record in
-- (grades 5 and 9 count under the school's commune).
CREATE TRIGGER measurements_figures_insert AFTER INSERT ON measurements BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (new.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (new.child_id));
END;
CREATE TRIGGER measurements_figures_update AFTER UPDATE ON measurements BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (old.child_id, new.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (old.child_id, new.child_id));
END;
CREATE TRIGGER measurements_figures_delete AFTER DELETE ON measurements BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (old.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (old.child_id));
END;
CREATE TRIGGER participation_figures_insert AFTER INSERT ON participation BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (new.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (new.child_id));
END;
CREATE TRIGGER participation_figures_update AFTER UPDATE ON participation BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (old.child_id, new.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (old.child_id, new.child_id));
END;
CREATE TRIGGER participation_figures_delete AFTER DELETE ON participation BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (old.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (old.child_id));
END;
CREATE TRIGGER cases_figures_insert AFTER INSERT ON cases BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (new.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (new.child_id));
END;
CREATE TRIGGER cases_figures_update AFTER UPDATE ON cases BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (old.child_id, new.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (old.child_id, new.child_id));
END;
CREATE TRIGGER cases_figures_delete AFTER DELETE ON cases BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (old.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (old.child_id));
END;
CREATE TRIGGER enrolments_figures_insert AFTER INSERT ON enrolments BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (new.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (new.child_id)
        UNION SELECT unit_id FROM schools WHERE school_code IN (new.school_code));
END;
CREATE TRIGGER enrolments_figures_update AFTER UPDATE ON enrolments BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (old.child_id, new.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (old.child_id, new.child_id)
        UNION SELECT unit_id FROM schools WHERE school_code IN (old.school_code, new.school_code));
END;
CREATE TRIGGER enrolments_figures_delete AFTER DELETE ON enrolments BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT c.unit_id FROM children c WHERE c.id IN (old.child_id)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id IN (old.child_id)
        UNION SELECT unit_id FROM schools WHERE school_code IN (old.school_code));
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
