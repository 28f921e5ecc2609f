-- A counter of changes to what the children's search reads. A server keeps
-- an in-memory search index built at one value of it and uses the index
-- only while the value is unchanged (see treem_domain::search_index).
CREATE TABLE search_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO search_epoch (id, n) VALUES (1, 0);
CREATE TRIGGER children_epoch_insert AFTER INSERT ON children BEGIN
    UPDATE search_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER children_epoch_update
AFTER UPDATE OF search_text, name_sort, name_folded, unit_id, merged_into, child_id ON children BEGIN
    UPDATE search_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER children_epoch_delete AFTER DELETE ON children BEGIN
    UPDATE search_epoch SET n = n + 1 WHERE id = 1;
END;
