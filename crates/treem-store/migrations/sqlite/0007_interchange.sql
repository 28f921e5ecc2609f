-- The facts of interchange format v1 beyond children and measurements
-- (docs: shared/spec/interchange.md). Each table carries the file's key as a
-- unique constraint, so an import upserts on it. Units are kept both as the
-- code the source gave and as the unit version it resolved to.

CREATE TABLE schools (
    id INTEGER PRIMARY KEY,
    school_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('preschool', 'primary', 'lower_secondary', 'combined')),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    sanitation_standard BOOLEAN NOT NULL,
    psych_support BOOLEAN NOT NULL,
    UNIQUE (school_code, year)
);

CREATE TABLE enrolments (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children (id),
    school_year TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('preschool', 'primary', 'lower_secondary')),
    school_code TEXT NOT NULL,
    grade INTEGER,
    status TEXT NOT NULL,
    UNIQUE (child_id, school_year, level)
);

CREATE TABLE commune_assessments (
    id INTEGER PRIMARY KEY,
    commune_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    child_friendly BOOLEAN NOT NULL,
    play_spot BOOLEAN NOT NULL,
    UNIQUE (commune_code, year)
);

CREATE TABLE disasters (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    occurred_on DATE NOT NULL,
    kind TEXT NOT NULL,
    children_affected INTEGER NOT NULL,
    children_supported_timely INTEGER NOT NULL,
    UNIQUE (event_id, commune_code)
);

CREATE TABLE participation (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children (id),
    date DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('awareness', 'forum', 'club', 'council', 'other')),
    note TEXT,
    UNIQUE (child_id, date, kind)
);

-- The minimum of a protection case that travels between systems; the case
-- module adds its own tables beside it.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE,
    child_id INTEGER NOT NULL REFERENCES children (id),
    reported_on DATE NOT NULL,
    harm_type TEXT NOT NULL,
    intervention_started_on DATE,
    closed_on DATE
);
CREATE INDEX enrolments_school ON enrolments (school_code);
CREATE INDEX cases_child ON cases (child_id);

-- The previous state of a changed fact row (children keep theirs in
-- child_versions). Filled by triggers, so every path that changes a row
-- keeps what it replaced.
CREATE TABLE record_history (
    id INTEGER PRIMARY KEY,
    table_name TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    previous TEXT NOT NULL
);
CREATE INDEX record_history_record ON record_history (table_name, record_id);

CREATE TRIGGER schools_history AFTER UPDATE ON schools BEGIN
    INSERT INTO record_history (table_name, record_id, previous) VALUES ('schools', old.id,
        json_object('school_code', old.school_code, 'year', old.year, 'name', old.name, 'level', old.level,
            'unit_id', old.unit_id, 'sanitation_standard', old.sanitation_standard, 'psych_support', old.psych_support));
END;
CREATE TRIGGER enrolments_history AFTER UPDATE ON enrolments BEGIN
    INSERT INTO record_history (table_name, record_id, previous) VALUES ('enrolments', old.id,
        json_object('child_id', old.child_id, 'school_year', old.school_year, 'level', old.level,
            'school_code', old.school_code, 'grade', old.grade, 'status', old.status));
END;
CREATE TRIGGER commune_assessments_history AFTER UPDATE ON commune_assessments BEGIN
    INSERT INTO record_history (table_name, record_id, previous) VALUES ('commune_assessments', old.id,
        json_object('commune_code', old.commune_code, 'year', old.year, 'unit_id', old.unit_id,
            'child_friendly', old.child_friendly, 'play_spot', old.play_spot));
END;
CREATE TRIGGER disasters_history AFTER UPDATE ON disasters BEGIN
    INSERT INTO record_history (table_name, record_id, previous) VALUES ('disasters', old.id,
        json_object('event_id', old.event_id, 'commune_code', old.commune_code, 'unit_id', old.unit_id,
            'occurred_on', old.occurred_on, 'kind', old.kind, 'children_affected', old.children_affected,
            'children_supported_timely', old.children_supported_timely));
END;
CREATE TRIGGER participation_history AFTER UPDATE ON participation BEGIN
    INSERT INTO record_history (table_name, record_id, previous) VALUES ('participation', old.id,
        json_object('child_id', old.child_id, 'date', old.date, 'kind', old.kind, 'note', old.note));
END;
CREATE TRIGGER cases_history AFTER UPDATE ON cases BEGIN
    INSERT INTO record_history (table_name, record_id, previous) VALUES ('cases', old.id,
        json_object('case_id', old.case_id, 'child_id', old.child_id, 'reported_on', old.reported_on,
            'harm_type', old.harm_type, 'intervention_started_on', old.intervention_started_on,
            'closed_on', old.closed_on));
END;
-- A measurement's history is kept when what was measured changes (not when
-- a new method version recomputes its z-scores).
CREATE TRIGGER measurements_history AFTER UPDATE ON measurements
WHEN old.weight_kg IS NOT new.weight_kg OR old.height_cm IS NOT new.height_cm
  OR old.position IS NOT new.position OR old.oedema IS NOT new.oedema BEGIN
    INSERT INTO record_history (table_name, record_id, previous) VALUES ('measurements', old.id,
        json_object('child_id', old.child_id, 'measured_on', old.measured_on, 'weight_kg', old.weight_kg,
            'height_cm', old.height_cm, 'position', old.position, 'oedema', old.oedema));
END;
