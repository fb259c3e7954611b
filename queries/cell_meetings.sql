-- cell_meetings: which meetings did a cell hold in the window, and how were they attended?
--
-- Scope: unit (only meetings of cells inside the subtree are returned)
-- Macros: in_scope, attendance_rate
-- Parameters:
--   $start            date      first day of the window (inclusive)
--   $end              date      last day of the window (inclusive)
--   $unit             text      root of the subtree; null = everything
--   $cell             text      the cell
-- Columns:
--   meeting_id        text
--   cell_id           text
--   cell              text      its name
--   generation        integer   0 = the cell itself, 1 = a cell merged into it, 2 = a cell merged
--                               into that one, ...
--   held_on           date
--   kind              text      regular, thematic, extraordinary
--   topic             text
--   expected          integer   members on the roll, exempt included
--   exempt            integer
--   present           integer
--   excused           integer
--   absent            integer
--   attendance_rate   fraction  present / (expected - exempt)
--   away              integer   reasons of the absences
--   illness           integer
--   work              integer
--   other_reason      integer
--   from_counts       boolean   the cell reported counts, not names
--   visits            integer   committee members who attended
-- Notes:
--   Meetings of the cells merged into it (its predecessors, through unit.merged_into, at any depth)
--   are included so its history reads across the merge. Ordered by date.
with recursive lineage(cell_id, generation) as (
    select $cell::varchar, 0
    union all
    select u.unit_id, l.generation + 1
    from lineage l
    join unit u on u.merged_into = l.cell_id
    where l.generation < 50  -- a cycle in bad data must not recurse for ever
),
cells as (
    select cell_id, min(generation) as generation
    from lineage
    where in_scope(cell_id, $unit)
    group by cell_id
),
held as (
    -- meeting_stats is clustered by commune: the cell's rows sit together
    select s.*, c.generation
    from meeting_stats s
    join cells c on c.cell_id = s.cell_id
    where s.held_on between $start and $end
)
select s.meeting_id, s.cell_id, u.name as cell, s.generation, s.held_on, s.kind, s.topic,
       s.expected, s.exempt, s.present, s.excused, s.absent,
       attendance_rate(s.present, s.expected, s.exempt) as attendance_rate,
       s.away, s.illness, s.work, s.other_reason, s.from_counts, s.visits
from held s
left join unit u on u.unit_id = s.cell_id
order by s.held_on, s.meeting_id;
