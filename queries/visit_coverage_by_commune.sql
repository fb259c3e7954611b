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
    -- cell_facts: each cell with its commune's name and place in name order (Vietnamese order as a
    -- number: the list is sorted by it, not by collating names on every read)
    select f.cell_id, f.commune_id, f.commune, f.commune_order
    from cell_facts f
    where in_scope(f.cell_id, $unit)
      and existed_between(f.valid_from, f.valid_to, $start, $end)
),
held as (
    -- meeting_stats.visits: the meeting's visit rows, counted on write
    select s.meeting_id, s.cell_id, s.visits
    from meeting_stats s
    where s.held_on between $start and $end
      and s.cell_id in (select cell_id from cells)
),
per_cell as (
    select cell_id, sum(visits) as visits, count(*) filter (where visits > 0) as meetings_visited
    from held
    group by cell_id
),
visitors as (
    -- the visit rows themselves only for the distinct visitors, of the few meetings that had any
    select c.commune_id, count(distinct v.person_id) as visitors
    from held h
    join visit v on v.meeting_id = h.meeting_id
    join cells c on c.cell_id = h.cell_id
    where h.visits > 0
    group by c.commune_id
),
by_commune as (
    select c.commune_id, any_value(c.commune) as commune, any_value(c.commune_order) as commune_order,
           count(*) as cells,
           count(p.cell_id) as cells_met,
           count(*) filter (where p.visits > 0) as cells_visited,
           coalesce(sum(p.visits), 0)::bigint as visits,
           coalesce(sum(p.meetings_visited), 0)::bigint as meetings_visited
    from cells c
    left join per_cell p on p.cell_id = c.cell_id
    group by c.commune_id
)
select b.commune_id, coalesce(b.commune, b.commune_id) as commune, b.cells, b.cells_met, b.cells_visited,
       rate(b.cells_visited, b.cells) as coverage, b.visits, b.meetings_visited,
       coalesce(v.visitors, 0) as visitors
from by_commune b
left join visitors v on v.commune_id is not distinct from b.commune_id
order by coverage, b.commune_order, b.commune_id;
