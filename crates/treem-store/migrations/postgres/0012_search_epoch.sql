-- A counter of changes to what the children's search reads. A server keeps
-- an in-memory search index built at one value of it and uses the index
-- only while the value is unchanged (see treem_domain::search_index).
-- Once per statement: an import of a million children bumps it once.
CREATE TABLE search_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO search_epoch (id, n) VALUES (1, 0);
CREATE FUNCTION bump_search_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_epoch SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER children_epoch_insert AFTER INSERT OR DELETE ON children
    FOR EACH STATEMENT EXECUTE FUNCTION bump_search_epoch();
CREATE TRIGGER children_epoch_update
    AFTER UPDATE OF search_text, name_sort, name_folded, unit_id, merged_into, child_id ON children
    FOR EACH STATEMENT EXECUTE FUNCTION bump_search_epoch();
