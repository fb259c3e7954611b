-- cells_not_visited: which cells did no committee member visit in the window?
--
-- Scope: unit (the subtree's cells)
-- Macros: in_scope, existed_between
-- Parameters:
--   $start        date      first day of the window (inclusive)
--   $end          date      last day of the window (inclusive)
--   $unit         text      root of the subtree; null = everything
-- Columns:
--   cell_id       text
--   cell          text
--   commune_id    text
--   commune       text
--   meetings      integer   held in the window
--   last_visit    date      the latest visit before the window; null = never visited
-- Notes:
--   Cells listed: those in the subtree that existed during the window (valid_from on or before $end,
--   valid_to on or after $start) and have no visit (table visit) to any of their meetings held in
--   the window, by a committee member of any level. Ordered by commune, then cell (Vietnamese order).
with cells as (
    -- cell_facts: each cell with its commune, both names and their places in name order
    select cell_id, cell, commune_id, commune, commune_order, cell_order
    from cell_facts
    where in_scope(cell_id, $unit)
      and existed_between(valid_from, valid_to, $start, $end)
),
activity as (
    -- meetings in the window, visits in the window, and the last visit before it (meeting_stats counts
    -- each meeting's visits)
    select cell_id,
           count(*) filter (where held_on >= $start) as meetings,
           sum(visits) filter (where held_on >= $start) as visits_in_window,
           max(held_on) filter (where held_on < $start and visits > 0) as last_visit
    from meeting_stats
    where held_on <= $end
      and (held_on >= $start or visits > 0)
      and cell_id in (select cell_id from cells)
    group by cell_id
)
select c.cell_id, c.cell, c.commune_id, c.commune, coalesce(a.meetings, 0) as meetings, a.last_visit
from cells c
left join activity a on a.cell_id = c.cell_id
where coalesce(a.visits_in_window, 0) = 0
order by c.commune_order, c.cell_order;
