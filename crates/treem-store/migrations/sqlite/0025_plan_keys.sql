-- Keys for the plan's interchange files (docs/plan-files.md): a supervision
-- is known in a data set by its code within its plan, a recommendation by
-- its number within its supervision. Those recorded before get theirs.
ALTER TABLE supervisions ADD COLUMN code TEXT;
UPDATE supervisions SET code = 'GS-' || id;
CREATE UNIQUE INDEX supervisions_code ON supervisions (plan_id, code);

ALTER TABLE recommendations ADD COLUMN seq INTEGER;
UPDATE recommendations SET seq = (
    SELECT COUNT(*) FROM recommendations o
    WHERE o.supervision_id = recommendations.supervision_id AND o.id <= recommendations.id
);
CREATE UNIQUE INDEX recommendations_no ON recommendations (supervision_id, seq);
