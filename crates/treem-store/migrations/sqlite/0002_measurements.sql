-- Anthropometric measurements with the WHO z-scores computed when written.
CREATE TABLE measurements (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children (id),
    measured_on DATE NOT NULL,
    weight_kg REAL,
    height_cm REAL,
    position TEXT CHECK (position IN ('lying', 'standing')),
    oedema BOOLEAN NOT NULL DEFAULT 0,
    head_cm REAL,
    -- Computed by treem_domain::nutrition::assess; `method` names the version.
    age_days INTEGER NOT NULL,
    clen_cm REAL,
    c9mo_flag BOOLEAN NOT NULL,
    waz REAL, f_waz BOOLEAN,
    haz REAL, f_haz BOOLEAN,
    whz REAL, f_whz BOOLEAN,
    baz REAL, f_baz BOOLEAN,
    hcz REAL, f_hcz BOOLEAN,
    nutrition TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (child_id, measured_on)
);
