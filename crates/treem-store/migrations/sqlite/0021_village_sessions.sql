-- Village days (issue 16): a session prepared online (a weighing day or an
-- activity), taken to a phone, and the entries the phone sends back. Each
-- entry has an id the phone made, so a retry is recognised and never stored
-- twice; an entry that could not be stored as sent is kept as a conflict
-- until someone resolves it.
CREATE TABLE village_sessions (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    village TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('weighing', 'awareness', 'forum', 'club', 'council')),
    held_on DATE NOT NULL,
    created_by INTEGER NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX village_sessions_unit ON village_sessions (unit_id, held_on);

CREATE TABLE village_entries (
    entry_id TEXT PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES village_sessions (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    received_at TIMESTAMP NOT NULL,
    -- The entry as the phone sent it (JSON), so nothing is lost.
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('stored', 'conflict', 'resolved', 'dismissed')),
    reason TEXT,
    -- The record the entry concerns, or the one it made.
    child_id INTEGER REFERENCES children (id),
    resolved_by INTEGER REFERENCES accounts (id),
    resolved_at TIMESTAMP,
    resolution TEXT
);
CREATE INDEX village_entries_session ON village_entries (session_id, state);
