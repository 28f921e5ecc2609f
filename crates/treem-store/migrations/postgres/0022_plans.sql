-- Running the plan (module 7, spec/plan.md): plans of a unit, their tasks,
-- the agencies of a unit, the programmes that group tasks, and who leads
-- and supports each task (every assignment kept: the latest is current).
CREATE TABLE programmes (
    code TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    period TEXT NOT NULL
);

CREATE TABLE agencies (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (unit_id, code)
);

CREATE TABLE plans (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    title TEXT NOT NULL,
    number TEXT,
    issued_by TEXT NOT NULL,
    period_from BIGINT NOT NULL,
    period_to BIGINT NOT NULL,
    derived_from BIGINT REFERENCES plans (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (unit_id, title)
);

CREATE TABLE plan_tasks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    code TEXT NOT NULL,
    group_no BIGINT NOT NULL,
    section TEXT NOT NULL,
    title TEXT NOT NULL,
    cadence TEXT NOT NULL CHECK (cadence IN ('once', '6-monthly', 'yearly', 'ongoing')),
    due DATE,
    programme TEXT REFERENCES programmes (code),
    -- Keys of the fourteen indicators, ';' between several.
    indicators TEXT NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE task_assignments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES plan_tasks (id),
    -- Agency codes of the plan's unit; the lead may wait to be assigned.
    lead TEXT,
    partners TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX task_assignments_task ON task_assignments (task_id, id);
