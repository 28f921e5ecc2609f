-- Figures kept per commune (issue 20). Each unit's mark changes whenever a
-- record an indicator reads under it is written — by these triggers, in the
-- writing transaction, whatever the path (forms, API, imports, village sync,
-- merges, case steps). A commune's kept figures for a period name the marks
-- of the units they were computed from; a mark changed since makes them
-- stale, and the next reader computes that commune again.
--
-- Here a unit's mark is how many transactions have written under it: each
-- such transaction adds one row (unit, its transaction id) to
-- `figure_mark_log` — once per unit however many rows it writes, and
-- without waiting for any other transaction (no two share a key, so an
-- import never holds up an officer's form) — and the reader folds the log
-- into `figure_marks` now and then, in one transaction that keeps every
-- unit's total unchanged. Statement triggers mark each statement's
-- distinct units at once.
CREATE TABLE figure_marks (
    unit_id BIGINT PRIMARY KEY,
    token BIGINT NOT NULL
);
INSERT INTO figure_marks (unit_id, token) SELECT id, 1 FROM units;
CREATE TABLE figure_mark_log (
    unit_id BIGINT NOT NULL,
    token BIGINT NOT NULL,
    PRIMARY KEY (unit_id, token)
);

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
    unit_id BIGINT NOT NULL,
    stamp TEXT NOT NULL,
    holds BOOLEAN NOT NULL,
    counts TEXT NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (period, unit_id)
);

CREATE FUNCTION figures_mark(units BIGINT[]) RETURNS void AS $$
    INSERT INTO figure_mark_log (unit_id, token)
    SELECT DISTINCT u, txid_current() FROM unnest(units) AS u WHERE u IS NOT NULL
    ON CONFLICT DO NOTHING;
$$ LANGUAGE sql;

-- Units: a changed unit file changes what every commune is made of.
CREATE FUNCTION figures_units() RETURNS trigger AS $$
BEGIN
    DELETE FROM commune_figures;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER units_figures AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION figures_units();

-- Children: their own unit, and the survivor's when merged into another
-- (an update only when a column the indicators or the ID link's figure
-- read changed).
CREATE FUNCTION figures_children() RETURNS trigger AS $$
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
                       o.birth_registration_date, o.merged_into, o.national_id, o.national_id_verified)
                      IS DISTINCT FROM
                      (n.unit_id, n.date_of_birth, n.status, n.status_date, n.birth_registered,
                       n.birth_registration_date, n.merged_into, n.national_id, n.national_id_verified))
            SELECT old_unit FROM changed UNION SELECT new_unit FROM changed
            UNION SELECT c.unit_id FROM children c
                WHERE c.id IN (SELECT old_into FROM changed UNION SELECT new_into FROM changed)));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER children_figures_insert AFTER INSERT ON children
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_children();
CREATE TRIGGER children_figures_update AFTER UPDATE ON children
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_children();
CREATE TRIGGER children_figures_delete AFTER DELETE ON children
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_children();

-- Measurements, participation, cases and enrolments: the child's unit and
-- her survivor's; an enrolment also every unit its school has a record in
-- (grades 5 and 9 count under the school's commune).
CREATE FUNCTION figures_child_records() RETURNS trigger AS $$
DECLARE
    ids BIGINT[];
    codes TEXT[] := '{}';
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT child_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT child_id FROM old_rows);
    ELSE
        ids := ARRAY(SELECT child_id FROM old_rows UNION SELECT child_id FROM new_rows);
    END IF;
    IF TG_TABLE_NAME = 'enrolments' THEN
        IF TG_OP = 'INSERT' THEN
            codes := ARRAY(SELECT DISTINCT school_code FROM new_rows);
        ELSIF TG_OP = 'DELETE' THEN
            codes := ARRAY(SELECT DISTINCT school_code FROM old_rows);
        ELSE
            codes := ARRAY(SELECT school_code FROM old_rows UNION SELECT school_code FROM new_rows);
        END IF;
    END IF;
    PERFORM figures_mark(ARRAY(
        SELECT c.unit_id FROM children c WHERE c.id = ANY(ids)
        UNION SELECT s.unit_id FROM children c JOIN children s ON s.id = c.merged_into WHERE c.id = ANY(ids)
        UNION SELECT unit_id FROM schools WHERE school_code = ANY(codes)));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Schools: every unit the school has a record in (its latest record decides
-- where it counts), and the record's old unit.
CREATE FUNCTION figures_schools() RETURNS trigger AS $$
DECLARE
    codes TEXT[];
    units BIGINT[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        codes := ARRAY(SELECT school_code FROM new_rows);
        units := ARRAY(SELECT unit_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        codes := ARRAY(SELECT school_code FROM old_rows);
        units := ARRAY(SELECT unit_id FROM old_rows);
    ELSE
        codes := ARRAY(SELECT school_code FROM old_rows UNION SELECT school_code FROM new_rows);
        units := ARRAY(SELECT unit_id FROM old_rows UNION SELECT unit_id FROM new_rows);
    END IF;
    PERFORM figures_mark(units || ARRAY(SELECT unit_id FROM schools WHERE school_code = ANY(codes)));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Assessments and disasters: their own unit.
CREATE FUNCTION figures_unit_records() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM figures_mark(ARRAY(SELECT unit_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM figures_mark(ARRAY(SELECT unit_id FROM old_rows));
    ELSE
        PERFORM figures_mark(ARRAY(SELECT unit_id FROM old_rows UNION SELECT unit_id FROM new_rows));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER measurements_figures_insert AFTER INSERT ON measurements
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER measurements_figures_update AFTER UPDATE ON measurements
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER measurements_figures_delete AFTER DELETE ON measurements
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER participation_figures_insert AFTER INSERT ON participation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER participation_figures_update AFTER UPDATE ON participation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER participation_figures_delete AFTER DELETE ON participation
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER cases_figures_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER cases_figures_update AFTER UPDATE ON cases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER cases_figures_delete AFTER DELETE ON cases
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER enrolments_figures_insert AFTER INSERT ON enrolments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER enrolments_figures_update AFTER UPDATE ON enrolments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER enrolments_figures_delete AFTER DELETE ON enrolments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_child_records();
CREATE TRIGGER schools_figures_insert AFTER INSERT ON schools
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_schools();
CREATE TRIGGER schools_figures_update AFTER UPDATE ON schools
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_schools();
CREATE TRIGGER schools_figures_delete AFTER DELETE ON schools
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_schools();
CREATE TRIGGER commune_assessments_figures_insert AFTER INSERT ON commune_assessments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_unit_records();
CREATE TRIGGER commune_assessments_figures_update AFTER UPDATE ON commune_assessments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_unit_records();
CREATE TRIGGER commune_assessments_figures_delete AFTER DELETE ON commune_assessments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_unit_records();
CREATE TRIGGER disasters_figures_insert AFTER INSERT ON disasters
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_unit_records();
CREATE TRIGGER disasters_figures_update AFTER UPDATE ON disasters
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_unit_records();
CREATE TRIGGER disasters_figures_delete AFTER DELETE ON disasters
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION figures_unit_records();
