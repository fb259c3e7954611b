-- unit_in_scope: is $unit inside the subtree rooted at $root? (db.py asks it before every scoped query)
-- Parameters: $unit, $root. Columns: in_scope (boolean).
select count(*) > 0 as in_scope
from unit_closure
where ancestor_id = $root and descendant_id = $unit;
