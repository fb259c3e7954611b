-- unit_in_scope: is $unit inside the subtree rooted at $root?
--
-- Scope: none (it answers yes or no about two ids the caller gave; no unit's rows)
-- Macros: scope_units
-- Parameters:
--   $unit       text      the unit asked for
--   $root       text      the root of the account's subtree
-- Columns:
--   in_scope    boolean
-- Notes:
--   db.py asks it before every scoped query that names a unit (the account's own root needs no check).
select count(*) > 0 as in_scope
from scope_units($root)
where unit_id = $unit;
