-- cells_not_visited: which cells did no committee member visit in the window?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything).
-- Cells listed: those in the subtree that existed during the window (valid_from on or before $end,
--   valid_to on or after $start) and have no visit (table visit) to any of their meetings held in the
--   window, by a committee member of any level.
-- Columns: cell_id, cell, commune_id, commune, meetings (held in the window), last_visit (the latest
--   visit before the window; null = never visited). Ordered by commune, then cell (Vietnamese order).
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
cells as (
    select u.unit_id as cell_id, u.name as cell, cc.commune_id
    from unit u
    left join cell_commune cc on cc.cell_id = u.unit_id
    where u.kind = 'cell'
      and u.unit_id in (select unit_id from scope)
      and (u.valid_from is null or u.valid_from <= $end)
      and (u.valid_to is null or u.valid_to >= $start)
),
visited as (
    select s.cell_id,
           count(*) filter (where s.held_on between $start and $end) as visits_in_window,
           max(s.held_on) filter (where s.held_on < $start) as last_visit
    from visit v
    join meeting_stats s on s.meeting_id = v.meeting_id
    where s.held_on <= $end
      and s.cell_id in (select cell_id from cells)
    group by s.cell_id
),
held as (
    select cell_id, count(*) as meetings
    from meeting_stats
    where held_on between $start and $end
      and cell_id in (select cell_id from cells)
    group by cell_id
)
select c.cell_id, c.cell, c.commune_id, cm.name as commune, coalesce(h.meetings, 0) as meetings,
       v.last_visit
from cells c
left join visited v on v.cell_id = c.cell_id
left join held h on h.cell_id = c.cell_id
left join unit cm on cm.unit_id = c.commune_id
where coalesce(v.visits_in_window, 0) = 0
order by cm.name collate vi, c.commune_id, c.cell collate vi, c.cell_id;
