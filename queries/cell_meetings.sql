-- cell_meetings: which meetings did a cell hold in the window, and how were they attended? Meetings of
-- the cells merged into it (its predecessors, through unit.merged_into, at any depth) are included so
-- its history reads across the merge.
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything), $cell
--   (the cell; only meetings of cells inside the subtree are returned).
-- Columns: meeting_id, cell_id, cell, generation (0 = the cell itself, 1 = a cell merged into it, 2 = a
--   cell merged into that one, ...), held_on, kind (regular, thematic, extraordinary), topic, expected
--   (members on the roll, exempt included), exempt, present, excused, absent, attendance_rate =
--   present / (expected - exempt), away, illness, work, other_reason (reasons of the absences),
--   from_counts (the cell reported counts, not names), visits (committee members who attended).
--   Ordered by date.
with recursive scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
lineage(cell_id, generation) as (
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
    where cell_id in (select unit_id from scope)
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
       s.present / nullif(s.expected - s.exempt, 0) as attendance_rate,
       s.away, s.illness, s.work, s.other_reason, s.from_counts, s.visits
from held s
left join unit u on u.unit_id = s.cell_id
order by s.held_on, s.meeting_id;
