-- When an API token last wrote (issue 22: with a read replica, a client's
-- reads go to the primary for a few seconds after its own write, as a
-- browser's do by its cookie).
ALTER TABLE api_tokens ADD COLUMN wrote_at TIMESTAMP;
