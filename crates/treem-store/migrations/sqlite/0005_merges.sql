-- Merging duplicate records: the merged record stays (for undoing), marked
-- with the record it was merged into, and hidden from lists and counts.
ALTER TABLE children ADD COLUMN merged_into INTEGER REFERENCES children (id);
CREATE INDEX children_birth ON children (date_of_birth);
CREATE INDEX children_national_id ON children (national_id);
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    survivor_id INTEGER NOT NULL REFERENCES children (id),
    merged_id INTEGER NOT NULL REFERENCES children (id),
    merged_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    -- JSON array of the measurement ids moved to the survivor.
    moved_measurements TEXT NOT NULL,
    undone_at TIMESTAMP
);
