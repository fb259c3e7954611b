-- answer_departments: which departments may hold opinions of the subtree: those of its units, and
-- those of the units above it?
--
-- Scope: unit (the departments serving some unit of the subtree: of a unit in it or above its root;
--   their names only, no other row of a unit outside the subtree)
-- Macros: scope_units
-- Parameters:
--   $unit      text    root of the subtree; null = everything
-- Columns:
--   name       text    as the department table keeps it (trimmed, Unicode NFC); a name held at several
--                      units (a Phòng Kinh tế of each commune) once
-- Notes:
--   The Answers page's department picker (administrators, the standing committee, the organisation
--   board): the departments an opinion of the subtree can be assigned to (an opinion's assigned_to
--   names a department of its unit or of a unit above it), whether or not one holds any now, so a
--   department whose last opinion was forwarded stays pickable. Sorted in Vietnamese order.
with subtree as (
    select unit_id from scope_units($unit)
),
roots as (
    -- the subtree's root, $unit itself (every top unit when $unit is null)
    select s.unit_id
    from subtree s
    join unit u on u.unit_id = s.unit_id
    where u.parent_id is null or u.parent_id not in (select unit_id from subtree)
),
serving as (
    select d.name from department d where d.unit_id in (select unit_id from subtree)
    union
    select d.name
    from roots r
    join unit_closure c on c.descendant_id = r.unit_id
    join department d on d.unit_id = c.ancestor_id
)
select name from serving
order by name collate vi;
