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
    select u.* from unit u where in_scope(u.unit_id, $unit)
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
