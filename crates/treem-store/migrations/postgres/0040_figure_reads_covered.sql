-- Issue 22: migration 0037's index was made so that a commune's figures
-- read its children without visiting the table, but a PostgreSQL index
-- holds no row id (SQLite's holds the rowid): the read needed `id`, so it
-- went to the table for every child (a batch of four communes at 5 M
-- children: ~17,500 buffers; with the id in the index, ~200).
DROP INDEX children_unit_figures;
CREATE INDEX children_unit_figures ON children
    (unit_id, merged_into, date_of_birth, status, status_date, birth_registered, birth_registration_date)
    INCLUDE (id);
