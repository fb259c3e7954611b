-- unit_tree: which units does the subtree hold, in display order?
-- Parameters: $unit (root of the subtree; null = everything).
-- Columns: unit_id, name, kind, parent_id, depth (below the shown root), admin_code, cell_type,
--   valid_from, valid_to, merged_into, cells (cells below it, itself included). Ordered as a tree:
--   each unit after its parent, siblings by name in Vietnamese order.
with recursive scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
shown as (
    select u.* from unit u where u.unit_id in (select unit_id from scope)
),
tree(unit_id, depth, sort_path) as (
    -- the path of name places (unit_order: names in Vietnamese order, numbered on write)
    select s.unit_id, 0, [o.name_order]
    from shown s
    join unit_order o on o.unit_id = s.unit_id
    where s.parent_id is null or s.parent_id not in (select unit_id from shown)
    union all
    select s.unit_id, t.depth + 1, list_append(t.sort_path, o.name_order)
    from tree t
    join shown s on s.parent_id = t.unit_id
    join unit_order o on o.unit_id = s.unit_id
),
cell_counts as (
    select c.ancestor_id as unit_id, count(*) as cells
    from unit_closure c
    join unit d on d.unit_id = c.descendant_id and d.kind = 'cell'
    group by c.ancestor_id
)
select s.unit_id, s.name, s.kind, s.parent_id, t.depth, s.admin_code, s.cell_type, s.valid_from,
       s.valid_to, s.merged_into, coalesce(cc.cells, 0) as cells
from tree t
join shown s on s.unit_id = t.unit_id
left join cell_counts cc on cc.unit_id = s.unit_id
order by t.sort_path, s.unit_id;
