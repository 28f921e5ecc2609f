-- Returns (báo cáo số liệu, issue 18): data elements a commune files per
-- period outside the registry, grouped in returns with their rules; each
-- commune's values (every earlier value kept), and where each return of a
-- period stands (draft, submitted, approved) with every step taken.
CREATE TABLE data_elements (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('whole', 'decimal', 'yes_no')),
    by_sex BOOLEAN NOT NULL,
    programme TEXT
);

CREATE TABLE return_forms (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('6-monthly', 'yearly'))
);

CREATE TABLE return_form_elements (
    form TEXT NOT NULL REFERENCES return_forms (code),
    element TEXT NOT NULL REFERENCES data_elements (code),
    position INTEGER NOT NULL,
    PRIMARY KEY (form, element)
);

CREATE TABLE return_rules (
    id INTEGER PRIMARY KEY,
    form TEXT NOT NULL REFERENCES return_forms (code),
    left_element TEXT NOT NULL REFERENCES data_elements (code),
    comparison TEXT NOT NULL CHECK (comparison IN ('<=', '>=', '=')),
    right_element TEXT NOT NULL REFERENCES data_elements (code)
);

CREATE TABLE return_values (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    -- '2025h1' or '2025'.
    period TEXT NOT NULL,
    element TEXT NOT NULL REFERENCES data_elements (code),
    -- 'F', 'M', or '' for an element not split by sex.
    sex TEXT NOT NULL CHECK (sex IN ('', 'F', 'M')),
    value REAL NOT NULL,
    written_by TEXT NOT NULL,
    written_at TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, period, element, sex)
);

-- A value as it was before it changed or was cleared.
CREATE TABLE return_value_history (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL,
    period TEXT NOT NULL,
    element TEXT NOT NULL,
    sex TEXT NOT NULL,
    value REAL NOT NULL,
    written_by TEXT NOT NULL,
    written_at TIMESTAMP NOT NULL,
    replaced_by TEXT NOT NULL,
    replaced_at TIMESTAMP NOT NULL
);
CREATE INDEX return_value_history_key ON return_value_history (unit_id, period, element);

CREATE TABLE return_filings (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    form TEXT NOT NULL REFERENCES return_forms (code),
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved')),
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, form, period)
);

CREATE TABLE return_steps (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL,
    form TEXT NOT NULL,
    period TEXT NOT NULL,
    -- saved, submitted, approved, unlocked, imported.
    step TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX return_steps_key ON return_steps (unit_id, form, period, id);
