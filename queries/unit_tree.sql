-- unit_tree: which units does the subtree hold, in display order?
--
-- Scope: unit (the subtree's units)
-- Macros: in_scope
-- Parameters:
--   $unit          text      root of the subtree; null = everything
-- Columns:
--   unit_id        text
--   name           text
--   kind           text      province, district, commune, subcommittee, cell
--   parent_id      text
--   depth          integer   below the shown root
--   admin_code     text
--   cell_type      text
--   valid_from     date
--   valid_to       date
--   merged_into    text
--   cells          integer   cells below it, itself included
-- Notes:
--   Ordered as a tree: each unit after its parent, siblings by name in Vietnamese order.
with recursive shown as (
    select u.*, o.name_order
    from unit u
    join unit_order o on o.unit_id = u.unit_id
    where in_scope(u.unit_id, $unit)
),
tree(unit_id, name, kind, parent_id, depth, admin_code, cell_type, valid_from, valid_to, merged_into, sort_path) as (
    -- the path of name places (unit_order: names in Vietnamese order, numbered on write); each unit's
    -- columns carried along, so the tree is not joined to the units again
    select s.unit_id, s.name, s.kind, s.parent_id, 0, s.admin_code, s.cell_type, s.valid_from, s.valid_to,
           s.merged_into, [s.name_order]
    from shown s
    where s.parent_id is null or s.parent_id not in (select unit_id from shown)
    union all
    select s.unit_id, s.name, s.kind, s.parent_id, t.depth + 1, s.admin_code, s.cell_type, s.valid_from,
           s.valid_to, s.merged_into, list_append(t.sort_path, s.name_order)
    from tree t
    join shown s on s.parent_id = t.unit_id
),
cell_counts as (
    -- cells below each shown unit (cell_facts: one row per cell)
    select c.ancestor_id as unit_id, count(*) as cells
    from unit_closure c
    join cell_facts d on d.cell_id = c.descendant_id
    where in_scope(c.ancestor_id, $unit)
    group by c.ancestor_id
)
select t.unit_id, t.name, t.kind, t.parent_id, t.depth, t.admin_code, t.cell_type, t.valid_from,
       t.valid_to, t.merged_into, coalesce(cc.cells, 0) as cells
from tree t
left join cell_counts cc on cc.unit_id = t.unit_id
order by t.sort_path, t.unit_id;
