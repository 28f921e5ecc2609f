-- Every earlier version of a child's record: the state before each change.
CREATE TABLE child_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES children (id),
    version BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    -- The record as it was (JSON), and the names of the fields that changed.
    previous TEXT NOT NULL,
    changed_fields TEXT NOT NULL,
    UNIQUE (child_id, version)
);
