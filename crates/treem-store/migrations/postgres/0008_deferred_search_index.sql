-- PostgreSQL keeps its trigram index itself; nothing to defer. (The SQLite
-- migration of the same number defers its search index during imports.)
SELECT 1;
