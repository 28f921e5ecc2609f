-- A commune's villages (the children's list filter) read from an index of
-- the records that count, instead of every record of the commune.
CREATE INDEX children_unit_village ON children (unit_id, village) WHERE merged_into IS NULL;
