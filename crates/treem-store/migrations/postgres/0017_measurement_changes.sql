-- A measurement corrected or withdrawn: who, when, why, and the values it
-- had before. A withdrawn measurement is deleted from `measurements` (so
-- nothing counts it and its date can be measured again); its values stay
-- here. `child_id` is the child the measurement belonged to at the time.
CREATE TABLE measurement_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    measurement_id BIGINT NOT NULL,
    child_id BIGINT NOT NULL REFERENCES children (id),
    kind TEXT NOT NULL CHECK (kind IN ('corrected', 'withdrawn')),
    reason TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    measured_on DATE NOT NULL,
    weight_kg DOUBLE PRECISION,
    height_cm DOUBLE PRECISION,
    position TEXT,
    oedema BOOLEAN NOT NULL,
    head_cm DOUBLE PRECISION
);
CREATE INDEX measurement_changes_child ON measurement_changes (child_id);
CREATE INDEX measurement_changes_measurement ON measurement_changes (measurement_id);
