-- A profile reads the facts of the records merged into a child: find them
-- without reading every record (few are ever merged).
CREATE INDEX children_merged_into ON children (merged_into) WHERE merged_into IS NOT NULL;
