-- Sign-in attempts counted per key (a username and address, an address, a
-- username) in a fixed window, incremented atomically before a password is
-- checked, so concurrent guesses cannot all slip under the limit; shared by
-- every server of one database. `slot_at` is when the key last let an
-- attempt through while it was being slowed down.
CREATE TABLE login_counters (
    key TEXT PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    count BIGINT NOT NULL,
    slot_at TIMESTAMPTZ
);
