-- Child-protection cases (Decree 56/2017, chapter III). The exchange row in
-- `cases` (interchange v1) is kept in step with each case so the indicator
-- `abuse_intervention` and the export read one truth; everything else lives
-- here. Narratives, notes, the abuser's identity and break-glass reasons
-- are sealed (XChaCha20-Poly1305) before they reach the database.
CREATE TABLE case_files (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_number TEXT NOT NULL UNIQUE,
    exchange_id BIGINT NOT NULL UNIQUE REFERENCES cases (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    commune_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    child_id BIGINT NOT NULL REFERENCES children (id),
    source TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    harm_types TEXT NOT NULL,
    relation TEXT,
    risk_level TEXT,
    step TEXT NOT NULL,
    -- A random name the sealed fields are bound to (their associated data).
    seal_id TEXT NOT NULL UNIQUE,
    summary BYTEA NOT NULL,
    abuser BYTEA,
    emergency_at TIMESTAMPTZ,
    plan_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    created_by BIGINT NOT NULL REFERENCES accounts (id),
    UNIQUE (commune_code, year, seq)
);
CREATE INDEX case_files_unit ON case_files (unit_id);
CREATE TABLE case_steps (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES case_files (id),
    step TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    author_id BIGINT NOT NULL REFERENCES accounts (id),
    notes BYTEA NOT NULL,
    risk_level TEXT
);
CREATE INDEX case_steps_case ON case_steps (case_id);
CREATE TABLE case_grants (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES case_files (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    until TIMESTAMPTZ,
    reason BYTEA,
    granted_by TEXT NOT NULL,
    granted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_grants_case ON case_grants (case_id);
CREATE INDEX case_grants_account ON case_grants (account_id);
-- Public holidays for the working-day calendar, maintained by an
-- administrator; seeded with the fixed-date ones of the Labour Code 2019.
CREATE TABLE public_holidays (
    day DATE PRIMARY KEY,
    name TEXT NOT NULL
);
INSERT INTO public_holidays (day, name) VALUES
    ('2024-01-01', 'Tết Dương lịch'),
    ('2024-04-30', 'Ngày Chiến thắng'),
    ('2024-05-01', 'Ngày Quốc tế lao động'),
    ('2024-09-02', 'Quốc khánh'),
    ('2025-01-01', 'Tết Dương lịch'),
    ('2025-04-30', 'Ngày Chiến thắng'),
    ('2025-05-01', 'Ngày Quốc tế lao động'),
    ('2025-09-02', 'Quốc khánh'),
    ('2026-01-01', 'Tết Dương lịch'),
    ('2026-04-30', 'Ngày Chiến thắng'),
    ('2026-05-01', 'Ngày Quốc tế lao động'),
    ('2026-09-02', 'Quốc khánh'),
    ('2027-01-01', 'Tết Dương lịch'),
    ('2027-04-30', 'Ngày Chiến thắng'),
    ('2027-05-01', 'Ngày Quốc tế lao động'),
    ('2027-09-02', 'Quốc khánh'),
    ('2028-01-01', 'Tết Dương lịch'),
    ('2028-04-30', 'Ngày Chiến thắng'),
    ('2028-05-01', 'Ngày Quốc tế lao động'),
    ('2028-09-02', 'Quốc khánh'),
    ('2029-01-01', 'Tết Dương lịch'),
    ('2029-04-30', 'Ngày Chiến thắng'),
    ('2029-05-01', 'Ngày Quốc tế lao động'),
    ('2029-09-02', 'Quốc khánh'),
    ('2030-01-01', 'Tết Dương lịch'),
    ('2030-04-30', 'Ngày Chiến thắng'),
    ('2030-05-01', 'Ngày Quốc tế lao động'),
    ('2030-09-02', 'Quốc khánh'),
    ('2031-01-01', 'Tết Dương lịch'),
    ('2031-04-30', 'Ngày Chiến thắng'),
    ('2031-05-01', 'Ngày Quốc tế lao động'),
    ('2031-09-02', 'Quốc khánh'),
    ('2032-01-01', 'Tết Dương lịch'),
    ('2032-04-30', 'Ngày Chiến thắng'),
    ('2032-05-01', 'Ngày Quốc tế lao động'),
    ('2032-09-02', 'Quốc khánh'),
    ('2033-01-01', 'Tết Dương lịch'),
    ('2033-04-30', 'Ngày Chiến thắng'),
    ('2033-05-01', 'Ngày Quốc tế lao động'),
    ('2033-09-02', 'Quốc khánh'),
    ('2034-01-01', 'Tết Dương lịch'),
    ('2034-04-30', 'Ngày Chiến thắng'),
    ('2034-05-01', 'Ngày Quốc tế lao động'),
    ('2034-09-02', 'Quốc khánh'),
    ('2035-01-01', 'Tết Dương lịch'),
    ('2035-04-30', 'Ngày Chiến thắng'),
    ('2035-05-01', 'Ngày Quốc tế lao động'),
    ('2035-09-02', 'Quốc khánh');
