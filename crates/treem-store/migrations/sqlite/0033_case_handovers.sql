-- A case handed over between communes (issue 19; Decree 56/2017: the
-- commune where the harm happened and the commune where the child lives):
-- the case's unit changes, its number stays, and every hand-over is kept
-- with who gave it, who took it and why (sealed like the notes).
CREATE TABLE case_handovers (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES case_files (id),
    from_unit_id INTEGER NOT NULL REFERENCES units (id),
    to_unit_id INTEGER NOT NULL REFERENCES units (id),
    by_account_id INTEGER NOT NULL REFERENCES accounts (id),
    to_account_id INTEGER NOT NULL REFERENCES accounts (id),
    at TIMESTAMP NOT NULL,
    reason BLOB NOT NULL
);
CREATE INDEX case_handovers_case ON case_handovers (case_id);
