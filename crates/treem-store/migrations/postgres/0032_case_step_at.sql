-- When the case took the step it stands at (issue 19): a plan drafted
-- waits for the commune chair's decision, due two working days after it was
-- submitted, and lists read the deadline from here.
ALTER TABLE case_files ADD COLUMN step_at TIMESTAMPTZ;
UPDATE case_files SET step_at = (
    SELECT s.at FROM case_steps s
    WHERE s.case_id = case_files.id AND s.withdrawn_at IS NULL
    ORDER BY s.id DESC LIMIT 1
);
