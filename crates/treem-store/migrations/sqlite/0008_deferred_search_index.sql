-- A large import adds its children to the trigram index in one pass at the
-- end (much faster than row by row): while a row is in `fts_deferred`, new
-- rows are left out of the index. The row exists only inside the import's
-- transaction, so no other connection ever sees the index incomplete.
CREATE TABLE fts_deferred (since_id INTEGER NOT NULL);
DROP TRIGGER children_fts_insert;
CREATE TRIGGER children_fts_insert AFTER INSERT ON children
WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
    INSERT INTO children_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
