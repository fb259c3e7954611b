-- departments: which departments serve the unit: its own, and those of the units above it?
--
-- Scope: unit (the departments whose subtree holds $unit: those of $unit and of its ancestors; the
--   names of departments only, no other row of a unit outside the subtree)
-- Macros: scope_units
-- Parameters:
--   $unit      text    the unit; null = the top units of the tree (their own departments)
-- Columns:
--   unit_id    text    the department's unit: a department serves that unit's subtree
--   name       text    as the department table keeps it (trimmed, Unicode NFC)
-- Notes:
--   The Accounts page's department picker: a department account is bound to its department's unit
--   (auth.check_department). Sorted by name in Vietnamese order, then the nearest unit first.
with subtree as (
    select unit_id from scope_units($unit)
),
roots as (
    -- the subtree's root, $unit itself (every top unit when $unit is null)
    select s.unit_id
    from subtree s
    join unit u on u.unit_id = s.unit_id
    where u.parent_id is null or u.parent_id not in (select unit_id from subtree)
)
select d.unit_id, d.name
from roots r
join unit_closure c on c.descendant_id = r.unit_id
join department d on d.unit_id = c.ancestor_id
order by d.name collate vi, c.depth, d.unit_id;
