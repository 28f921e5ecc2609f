-- Indicators defined as data (issue 18 item 2): numerator and denominator as
-- sums of data elements and registry counts (formulas as written, checked
-- by the domain), a factor and the way a value is judged. Their milestones
-- are rows of indicator_targets under the indicator's code (upper case, so
-- never one of the fourteen's keys), with the same history of changes.
CREATE TABLE programme_indicators (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    programme TEXT NOT NULL,
    numerator TEXT NOT NULL,
    denominator TEXT NOT NULL,
    factor BIGINT NOT NULL CHECK (factor IN (1, 100, 1000, 100000)),
    goal TEXT NOT NULL CHECK (goal IN ('>=', '<=', '<', '>')),
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);
