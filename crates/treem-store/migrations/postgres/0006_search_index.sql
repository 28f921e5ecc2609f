-- A trigram index over the search text: `LIKE '%word%'` uses it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX children_search_trgm ON children USING gin (search_text gin_trgm_ops);
