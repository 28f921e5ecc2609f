-- A data set an officer uploaded and checked, kept for a short time so
-- that «Lưu dữ liệu» stores it without choosing the file again, and so its
-- problems can be downloaded as a list. One per account (a new upload
-- replaces the last); expired ones are removed when the next is held.
-- The token is kept as its SHA-256, like a session's.
CREATE TABLE held_uploads (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL UNIQUE REFERENCES accounts (id),
    file_name TEXT NOT NULL,
    body BYTEA NOT NULL,
    held_until TIMESTAMPTZ NOT NULL
);
