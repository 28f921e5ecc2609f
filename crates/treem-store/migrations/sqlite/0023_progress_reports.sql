-- Progress of a plan's tasks (module 7): each report an agency files for a
-- task and a period is kept; the latest per (task, agency, period) is the
-- one in force. An account may belong to an agency of its unit.
CREATE TABLE progress_reports (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES plan_tasks (id),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    -- '2025h1' (first half) or '2025' (the year).
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('not_started', 'under_way', 'done')),
    summary TEXT NOT NULL,
    sessions INTEGER,
    people_reached INTEGER,
    -- Đồng.
    budget_spent INTEGER,
    problems TEXT NOT NULL,
    proposals TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at TIMESTAMP NOT NULL
);
CREATE INDEX progress_reports_task ON progress_reports (task_id, agency_id, period, id);

ALTER TABLE accounts ADD COLUMN agency_code TEXT;
