-- The plan's targets as data: one value per indicator and milestone year
-- (shared/spec/indicators.md), editable by an administrator; every change
-- keeps the value it replaced.
CREATE TABLE indicator_targets (
    indicator TEXT NOT NULL,
    year BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicator, year)
);
CREATE TABLE indicator_target_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator TEXT NOT NULL,
    year BIGINT NOT NULL,
    previous DOUBLE PRECISION,
    value DOUBLE PRECISION,
    changed_at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL
);
-- The milestones of the plan (2025 and 2030).
INSERT INTO indicator_targets (indicator, year, value) VALUES
    ('child_friendly_communes', 2025, 100), ('child_friendly_communes', 2030, 100),
    ('play_spots', 2025, 60), ('play_spots', 2030, 95),
    ('school_sanitation', 2025, 100), ('school_sanitation', 2030, 100),
    ('school_psych_support', 2025, 100), ('school_psych_support', 2030, 100),
    ('disaster_relief', 2025, 100), ('disaster_relief', 2030, 100),
    ('abuse_intervention', 2025, 100), ('abuse_intervention', 2030, 100),
    ('birth_registration_u5', 2030, 100),
    ('underweight_u5', 2025, 15), ('underweight_u5', 2030, 12),
    ('stunting_u5', 2025, 20), ('stunting_u5', 2030, 18),
    ('preschool_5yo', 2025, 99.9), ('preschool_5yo', 2030, 99.9),
    ('primary_completion', 2025, 99.8), ('primary_completion', 2030, 99.8),
    ('lower_secondary_graduation', 2025, 99.5), ('lower_secondary_graduation', 2030, 99.5),
    ('participation_awareness', 2025, 85), ('participation_awareness', 2030, 90),
    ('participation_11plus', 2025, 30), ('participation_11plus', 2030, 35);
