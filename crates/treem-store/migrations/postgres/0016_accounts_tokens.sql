-- The commune People's Committee chair: the one account of a commune that
-- approves child-protection plans (Decree 56/2017), set by an administrator
-- — never by whoever works on a case.
ALTER TABLE accounts ADD COLUMN commune_chair BOOLEAN NOT NULL DEFAULT FALSE;
-- API tokens end: on a date, when revoked, or (by revocation) when their
-- account is disabled or its password changes. Tokens made before this
-- migration have no end date and are not accepted: make new ones.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN revoked_at TIMESTAMPTZ;
