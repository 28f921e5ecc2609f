-- The fingerprint of the key that seals case contents (a one-way digest,
-- never the key): a server refuses to start with another key, or with none,
-- once sealed contents exist, instead of sealing new notes under a key that
-- would make them unreadable when the right one returns.
CREATE TABLE seal_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    set_at TIMESTAMP NOT NULL
);
