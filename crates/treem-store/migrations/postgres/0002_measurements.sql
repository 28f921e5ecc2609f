-- Anthropometric measurements with the WHO z-scores computed when written.
CREATE TABLE measurements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES children (id),
    measured_on DATE NOT NULL,
    weight_kg DOUBLE PRECISION,
    height_cm DOUBLE PRECISION,
    position TEXT CHECK (position IN ('lying', 'standing')),
    oedema BOOLEAN NOT NULL DEFAULT FALSE,
    head_cm DOUBLE PRECISION,
    -- Computed by treem_domain::nutrition::assess; `method` names the version.
    age_days BIGINT NOT NULL,
    clen_cm DOUBLE PRECISION,
    c9mo_flag BOOLEAN NOT NULL,
    waz DOUBLE PRECISION, f_waz BOOLEAN,
    haz DOUBLE PRECISION, f_haz BOOLEAN,
    whz DOUBLE PRECISION, f_whz BOOLEAN,
    baz DOUBLE PRECISION, f_baz BOOLEAN,
    hcz DOUBLE PRECISION, f_hcz BOOLEAN,
    nutrition TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (child_id, measured_on)
);
