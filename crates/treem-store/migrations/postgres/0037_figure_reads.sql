-- Issue 20: a commune's figures begin with its children's birth dates,
-- statuses and birth registrations. With those in the index, the read
-- never visits the table (a 5,000-child commune: 19 → 8 ms on SQLite).
CREATE INDEX children_unit_figures ON children
    (unit_id, merged_into, date_of_birth, status, status_date, birth_registered, birth_registration_date);

-- Every start of `treem` looks for children whose search text was never
-- filled (rows stored before migration 0004): with no index that read a
-- whole province's children (0.2 s at a million) to find none.
CREATE INDEX children_search_unfilled ON children (id) WHERE search_text = '';
