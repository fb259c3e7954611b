-- visit_coverage_by_commune: in each commune, how many of its cells did committee members visit in the
-- window?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything).
-- Cells counted: those in the subtree that existed during the window (valid_from on or before $end,
--   valid_to on or after $start). A visit is a committee member of any level at a cell meeting held
--   in the window (table visit).
-- Columns: commune_id, commune, cells, cells_met (with a meeting in the window), cells_visited,
--   coverage (cells_visited / cells), visits (member-meeting pairs), meetings_visited, visitors
--   (distinct committee members). Lowest coverage first, then by commune (Vietnamese order).
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
cells as (
    select u.unit_id as cell_id, cc.commune_id
    from unit u
    left join cell_commune cc on cc.cell_id = u.unit_id
    where u.kind = 'cell'
      and u.unit_id in (select unit_id from scope)
      and (u.valid_from is null or u.valid_from <= $end)
      and (u.valid_to is null or u.valid_to >= $start)
),
held as (
    select s.meeting_id, s.cell_id
    from meeting_stats s
    where s.held_on between $start and $end
      and s.cell_id in (select cell_id from cells)
),
visited as (
    select h.cell_id, h.meeting_id, v.person_id
    from held h
    join visit v on v.meeting_id = h.meeting_id
)
select c.commune_id, coalesce(cm.name, c.commune_id) as commune,
       count(distinct c.cell_id) as cells,
       count(distinct h.cell_id) as cells_met,
       count(distinct v.cell_id) as cells_visited,
       count(distinct v.cell_id) / count(distinct c.cell_id) as coverage,
       count(v.person_id) as visits,
       count(distinct v.meeting_id) as meetings_visited,
       count(distinct v.person_id) as visitors
from cells c
left join held h on h.cell_id = c.cell_id
left join visited v on v.meeting_id = h.meeting_id
left join unit cm on cm.unit_id = c.commune_id
group by c.commune_id, cm.name
order by coverage, cm.name collate vi, c.commune_id;
