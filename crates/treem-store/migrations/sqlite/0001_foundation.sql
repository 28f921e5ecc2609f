-- treem foundation schema (SQLite). Append-only: never edit once released.

-- Administrative units: one row per version (code + validity period),
-- because GSO reused codes after the 2025 reform.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    parent_code TEXT,
    valid_from DATE,
    valid_to DATE,
    successor_code TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX units_code ON units (code);

-- The previous state of a unit version each time a newer unit file changed it.
CREATE TABLE unit_changes (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    changed_at TIMESTAMP NOT NULL,
    previous TEXT NOT NULL
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_code TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);

-- Sessions live in the database so several server processes can share them.
-- Only a hash of the cookie value is stored.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    idle_until TIMESTAMP NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- Hash-chained, append-only audit log (see treem_domain::audit).
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    ip TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
-- Login throttling counts recent failures per username and per address.
CREATE INDEX audit_action_record ON audit_log (action, record_id, at);
CREATE INDEX audit_action_ip ON audit_log (action, ip, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE children (
    id INTEGER PRIMARY KEY,
    child_id TEXT NOT NULL UNIQUE,
    national_id TEXT,
    full_name TEXT NOT NULL,
    -- Accent-free lower case, for search; given-name-first, for sorting.
    name_folded TEXT NOT NULL,
    name_sort TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    date_of_birth DATE NOT NULL,
    ethnicity TEXT,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    village TEXT,
    birth_registered BOOLEAN,
    birth_registration_date DATE,
    mother_name TEXT,
    father_name TEXT,
    caregiver_name TEXT,
    caregiver_phone TEXT,
    household_poverty TEXT,
    special_circumstances TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'moved', 'dead')),
    status_date DATE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX children_unit_name ON children (unit_id, name_sort);
CREATE INDEX children_name_sort ON children (name_sort);
