-- A trigram index over the search text, so a search over a province (or a
-- million children) reads only the matching rows. Kept in step by triggers.
CREATE VIRTUAL TABLE children_fts USING fts5(
    search_text, content = 'children', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO children_fts (rowid, search_text) SELECT id, search_text FROM children;
CREATE TRIGGER children_fts_insert AFTER INSERT ON children BEGIN
    INSERT INTO children_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER children_fts_delete AFTER DELETE ON children BEGIN
    INSERT INTO children_fts (children_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER children_fts_update AFTER UPDATE OF search_text ON children BEGIN
    INSERT INTO children_fts (children_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO children_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
