-- Every earlier version of a child's record: the state before each change.
CREATE TABLE child_versions (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children (id),
    version INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    -- The record as it was (JSON), and the names of the fields that changed.
    previous TEXT NOT NULL,
    changed_fields TEXT NOT NULL,
    UNIQUE (child_id, version)
);
