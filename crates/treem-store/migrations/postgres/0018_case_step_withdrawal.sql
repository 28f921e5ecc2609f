-- A step recorded by mistake is withdrawn, never deleted: it stays in the
-- case's history with who withdrew it, when and why (sealed like notes);
-- the case's current step and dates are those of the steps that remain.
ALTER TABLE case_steps ADD COLUMN withdrawn_at TIMESTAMPTZ;
ALTER TABLE case_steps ADD COLUMN withdrawn_by BIGINT REFERENCES accounts (id);
ALTER TABLE case_steps ADD COLUMN withdrawn_reason BYTEA;
