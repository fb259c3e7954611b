-- visit_coverage_by_commune: in each commune, how many of its cells did committee members visit in the
-- window?
--
-- Scope: unit (the subtree's cells)
-- Macros: in_scope, existed_between, rate
-- Parameters:
--   $start              date      first day of the window (inclusive)
--   $end                date      last day of the window (inclusive)
--   $unit               text      root of the subtree; null = everything
-- Columns:
--   commune_id          text
--   commune             text
--   cells               integer   cells of the subtree that existed during the window
--   cells_met           integer   with a meeting in the window
--   cells_visited       integer
--   coverage            fraction  cells_visited / cells
--   visits              integer   member-meeting pairs
--   meetings_visited    integer
--   visitors            integer   distinct committee members
-- Notes:
--   Cells counted: those in the subtree that existed during the window (valid_from on or before
--   $end, valid_to on or after $start). A visit is a committee member of any level at a cell meeting
--   held in the window (table visit). Lowest coverage first, then by commune (Vietnamese order).
with cells as (
    select u.unit_id as cell_id, cc.commune_id
    from unit u
    left join cell_commune cc on cc.cell_id = u.unit_id
    where u.kind = 'cell'
      and in_scope(u.unit_id, $unit)
      and existed_between(u.valid_from, u.valid_to, $start, $end)
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
       rate(count(distinct v.cell_id), count(distinct c.cell_id)) as coverage,
       count(v.person_id) as visits,
       count(distinct v.meeting_id) as meetings_visited,
       count(distinct v.person_id) as visitors
from cells c
left join held h on h.cell_id = c.cell_id
left join visited v on v.meeting_id = h.meeting_id
left join unit cm on cm.unit_id = c.commune_id
group by c.commune_id, cm.name
order by coverage, cm.name collate vi, c.commune_id;
