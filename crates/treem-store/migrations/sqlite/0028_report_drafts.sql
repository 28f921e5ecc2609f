-- The periodic report's sections as written by the unit's officers (issue
-- 19): a draft per unit, period and section, turned into the DOCX. The
-- figures (section III) are never stored here: they come from the records.
CREATE TABLE report_drafts (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    -- '2025h1' or '2025'.
    period TEXT NOT NULL,
    -- 'leadership', 'tasks', 'protection', 'supervision', 'shortcomings',
    -- 'directions', 'proposals'.
    section TEXT NOT NULL,
    body TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, period, section)
);
