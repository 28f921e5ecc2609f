-- The facts of interchange format v1 beyond children and measurements
-- (docs: shared/spec/interchange.md). Each table carries the file's key as a
-- unique constraint, so an import upserts on it. Units are kept both as the
-- code the source gave and as the unit version it resolved to.

CREATE TABLE schools (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('preschool', 'primary', 'lower_secondary', 'combined')),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    sanitation_standard BOOLEAN NOT NULL,
    psych_support BOOLEAN NOT NULL,
    UNIQUE (school_code, year)
);

CREATE TABLE enrolments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES children (id),
    school_year TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('preschool', 'primary', 'lower_secondary')),
    school_code TEXT NOT NULL,
    grade BIGINT,
    status TEXT NOT NULL,
    UNIQUE (child_id, school_year, level)
);

CREATE TABLE commune_assessments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    child_friendly BOOLEAN NOT NULL,
    play_spot BOOLEAN NOT NULL,
    UNIQUE (commune_code, year)
);

CREATE TABLE disasters (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    occurred_on DATE NOT NULL,
    kind TEXT NOT NULL,
    children_affected BIGINT NOT NULL,
    children_supported_timely BIGINT NOT NULL,
    UNIQUE (event_id, commune_code)
);

CREATE TABLE participation (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES children (id),
    date DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('awareness', 'forum', 'club', 'council', 'other')),
    note TEXT,
    UNIQUE (child_id, date, kind)
);

-- The minimum of a protection case that travels between systems; the case
-- module adds its own tables beside it.
CREATE TABLE cases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE,
    child_id BIGINT NOT NULL REFERENCES children (id),
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
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    previous TEXT NOT NULL
);
CREATE INDEX record_history_record ON record_history (table_name, record_id);

CREATE FUNCTION keep_record_history() RETURNS trigger AS $$
BEGIN
    INSERT INTO record_history (table_name, record_id, previous)
    VALUES (TG_TABLE_NAME, OLD.id, row_to_json(OLD)::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER schools_history AFTER UPDATE ON schools FOR EACH ROW EXECUTE FUNCTION keep_record_history();
CREATE TRIGGER enrolments_history AFTER UPDATE ON enrolments FOR EACH ROW EXECUTE FUNCTION keep_record_history();
CREATE TRIGGER commune_assessments_history AFTER UPDATE ON commune_assessments FOR EACH ROW EXECUTE FUNCTION keep_record_history();
CREATE TRIGGER disasters_history AFTER UPDATE ON disasters FOR EACH ROW EXECUTE FUNCTION keep_record_history();
CREATE TRIGGER participation_history AFTER UPDATE ON participation FOR EACH ROW EXECUTE FUNCTION keep_record_history();
CREATE TRIGGER cases_history AFTER UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION keep_record_history();
-- A measurement's history is kept when what was measured changes (not when
-- a new method version recomputes its z-scores).
CREATE TRIGGER measurements_history AFTER UPDATE ON measurements FOR EACH ROW
WHEN (OLD.weight_kg IS DISTINCT FROM NEW.weight_kg OR OLD.height_cm IS DISTINCT FROM NEW.height_cm
   OR OLD.position IS DISTINCT FROM NEW.position OR OLD.oedema IS DISTINCT FROM NEW.oedema)
EXECUTE FUNCTION keep_record_history();
