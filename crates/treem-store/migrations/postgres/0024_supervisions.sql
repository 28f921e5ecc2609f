-- Supervisions and inspections of a plan (module 7): who supervised, when,
-- what was visited and found, and each recommendation as a follow-up item
-- with the agency that owns it, a due date, and how it was closed.
CREATE TABLE supervisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    -- council (HĐND), front (MTTQ), party (cấp ủy), committee (UBND).
    kind TEXT NOT NULL CHECK (kind IN ('council', 'front', 'party', 'committee')),
    body TEXT NOT NULL,
    held_on DATE NOT NULL,
    visited TEXT NOT NULL,
    findings TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX supervisions_plan ON supervisions (plan_id, held_on);

CREATE TABLE recommendations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supervision_id BIGINT NOT NULL REFERENCES supervisions (id),
    text TEXT NOT NULL,
    -- An agency code of the plan's unit.
    owner TEXT NOT NULL,
    due DATE NOT NULL,
    closed_on DATE,
    closed_note TEXT,
    closed_by TEXT
);
CREATE INDEX recommendations_supervision ON recommendations (supervision_id);
